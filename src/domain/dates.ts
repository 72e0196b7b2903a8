/** Calendar dates as Populus uses them: ISO YYYY-MM-DD, in China Standard Time. */
import { isIsoDate } from './standard/value.ts';

/** China Standard Time is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/**
 * Today's date in Shanghai. Plain arithmetic on the UTC+8 offset: reads ask for it several times a
 * request, and Intl's time-zone formatting costs about ten times as much (dates.test.ts checks the
 * two agree).
 */
export function todayIso(now: Date = new Date()): string {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export { isIsoDate };

/** Whole years between a birth date and a reference date. */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
