/** Calendar dates as Populus uses them: ISO YYYY-MM-DD, in China Standard Time. */
import { isIsoDate } from './standard/value.ts';

const formatter = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Shanghai. */
export function todayIso(now: Date = new Date()): string {
  return formatter.format(now);
}

export { isIsoDate };

/** Whole years between a birth date and a reference date. */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
