/**
 * Dates as the demo generator needs them: ISO strings (YYYY-MM-DD) in the model, day numbers for
 * arithmetic, and the date styles the departments' systems really export.
 */
import type { Random } from './random.ts';

/** Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's days_from_civil, no Date objects). */
export function toDay(iso: string): number {
  let y = (iso.charCodeAt(0) - 48) * 1000 + (iso.charCodeAt(1) - 48) * 100 + (iso.charCodeAt(2) - 48) * 10 + (iso.charCodeAt(3) - 48);
  const m = (iso.charCodeAt(5) - 48) * 10 + (iso.charCodeAt(6) - 48);
  const d = (iso.charCodeAt(8) - 48) * 10 + (iso.charCodeAt(9) - 48);
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const PAD2 = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, '0'));

/** ISO date of a day number (civil_from_days). */
export function fromDay(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${PAD2[m]}-${PAD2[d]}`;
}

export function addDays(iso: string, days: number): string {
  return fromDay(toDay(iso) + days);
}

/** The same day `years` later (29 February becomes 28 February in common years). */
export function addYears(iso: string, years: number): string {
  const y = Number(iso.slice(0, 4)) + years;
  let md = iso.slice(5);
  if (md === '02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) md = '02-28';
  return `${String(y).padStart(4, '0')}-${md}`;
}

/** Completed years of age on the date. */
export function ageOn(birthDate: string, date: string): number {
  const age = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) < birthDate.slice(5) ? age - 1 : age;
}

/** A uniformly random date in [from, to], both inclusive. */
export function randomDate(random: Random, from: string, to: string): string {
  return fromDay(random.int(toDay(from), toDay(to)));
}

/** A birth date for someone who is `age` years old on `asOf`. */
export function birthDateForAge(random: Random, age: number, asOf: string): string {
  const latest = addDays(addYears(asOf, -age), 0);
  const earliest = addDays(addYears(asOf, -age - 1), 1);
  return randomDate(random, earliest, latest);
}

/**
 * How a system writes dates: iso 2008-09-05, slash 2008/9/5, compact 20080905, zh 2008年9月5日,
 * dot 2008.09.05, serial the Excel day number (39696).
 */
export const DATE_STYLES = ['iso', 'slash', 'compact', 'zh', 'dot', 'serial'] as const;
export type DateStyle = (typeof DATE_STYLES)[number];

const EXCEL_EPOCH_DAY = toDay('1899-12-30');

export function excelSerial(iso: string): number {
  return toDay(iso) - EXCEL_EPOCH_DAY;
}

export function formatDate(iso: string, style: DateStyle): string {
  if (iso === '') return '';
  const y = iso.slice(0, 4);
  const m = iso.slice(5, 7);
  const d = iso.slice(8, 10);
  switch (style) {
    case 'iso':
      return iso;
    case 'slash':
      return `${y}/${Number(m)}/${Number(d)}`;
    case 'compact':
      return `${y}${m}${d}`;
    case 'zh':
      return `${y}年${Number(m)}月${Number(d)}日`;
    case 'dot':
      return `${y}.${m}.${d}`;
    case 'serial':
      return String(excelSerial(iso));
  }
}

/** Reads a date written in the style back to ISO; undefined when it is not one. */
export function parseDate(text: string, style: DateStyle): string | undefined {
  const t = text.trim();
  let y: number;
  let m: number;
  let d: number;
  let match: RegExpExecArray | null;
  switch (style) {
    case 'iso':
    case 'dot':
    case 'slash':
      match = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(t);
      break;
    case 'compact':
      match = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
      break;
    case 'zh':
      match = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(t);
      break;
    case 'serial': {
      if (!/^\d+$/.test(t)) return undefined;
      return fromDay(Number(t) + EXCEL_EPOCH_DAY);
    }
  }
  if (!match) return undefined;
  y = Number(match[1]);
  m = Number(match[2]);
  d = Number(match[3]);
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return m >= 1 && m <= 12 && d >= 1 && fromDay(toDay(iso)) === iso ? iso : undefined;
}
