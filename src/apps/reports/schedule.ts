/**
 * When scheduled reports are due (issue 8): a monthly, quarterly or annual schedule produces its
 * report for the last day of each period (the reference date), once that day is over. Pure date
 * arithmetic on YYYY-MM-DD strings (calendar dates, no time zones).
 */
export const SCHEDULE_PERIODS = ['monthly', 'quarterly', 'annual'] as const;
export type SchedulePeriod = (typeof SCHEDULE_PERIODS)[number];

const pad = (n: number): string => String(n).padStart(2, '0');

function parts(date: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

/** The last day of month `m` (1–12) of year `y`. */
function lastDayOf(y: number, m: number): string {
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${pad(m)}-${pad(days)}`;
}

/** The last day of the period that holds `date`: month end, quarter end (03-31, 06-30, 09-30, 12-31) or year end. */
export function periodEnd(period: SchedulePeriod, date: string): string {
  const { y, m } = parts(date);
  switch (period) {
    case 'monthly':
      return lastDayOf(y, m);
    case 'quarterly':
      return lastDayOf(y, Math.ceil(m / 3) * 3);
    case 'annual':
      return `${y}-12-31`;
  }
}

/** The day after `date`. */
export function nextDay(date: string): string {
  const { y, m, d } = parts(date);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The end of the period after the one ending on `due`. */
export function followingDue(period: SchedulePeriod, due: string): string {
  return periodEnd(period, nextDay(due));
}

/** Whether a schedule whose next reference date is `due` should run on `today`: once that day is over. */
export function isDue(due: string, today: string): boolean {
  return due < today;
}

/** The reference dates a schedule owes on `today`, oldest first (catching up missed periods, at most `max`). */
export function owedDates(period: SchedulePeriod, due: string, today: string, max = 24): string[] {
  const out: string[] = [];
  let d = due;
  while (isDue(d, today) && out.length < max) {
    out.push(d);
    d = followingDue(period, d);
  }
  return out;
}

/** The label of the period ending on `end`, as Chinese forms write it: 2024年12月, 2024年第4季度, 2024年度. */
export function periodLabel(period: SchedulePeriod | 'on-demand', end: string, locale: 'zh' | 'en'): string {
  const { y, m } = parts(end);
  switch (period) {
    case 'monthly':
      return locale === 'zh' ? `${y}年${m}月` : `${y}-${pad(m)}`;
    case 'quarterly':
      return locale === 'zh' ? `${y}年第${Math.ceil(m / 3)}季度` : `${y}-Q${Math.ceil(m / 3)}`;
    case 'annual':
      return locale === 'zh' ? `${y}年度` : `${y}`;
    case 'on-demand':
      return end;
  }
}
