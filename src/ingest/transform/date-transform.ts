/**
 * Dates as department files write them, to ISO YYYY-MM-DD:
 *   2008-09-05, 2008-9-5, 2008/9/5, 2008.9.5   year first, one separator throughout
 *   2008年9月5日, 2008年09月05日 (also 号 for 日)
 *   20080905                                    eight digits
 *   39696                                       an Excel serial day (1900 system, 1–80000)
 *   5/9/2008, 05.09.2008                        year last: only with `dayFirst` or `monthFirst`
 * Full-width digits are accepted, and a time after the date (2008-09-05 14:30:00) is dropped. With
 * `partial`, 2008-09, 2008年9月, 200809 and 2008 give YYYY-MM or YYYY. Nothing is guessed: a year-last
 * date without an order option, or a bare four-digit number that could be a year or an Excel serial
 * (1800–2199, unless `serial: true` or `partial`), is AMBIGUOUS_DATE. Pure.
 *
 * Options: dayFirst, monthFirst, partial (booleans); serial (true: always read bare numbers as
 * Excel serials; false: never); minYear, maxYear (default 1800, 2199).
 */
import { excelSerialParts } from './excel-serial.ts';
import { fail, ok, type TransformOptions, type TransformResult } from './transform.ts';

const YEAR_FIRST = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const YEAR_LAST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;
const SERIAL = /^\d{1,5}(?:\.\d+)?$/;
const MONTH_ONLY = [/^(\d{4})[-/.](\d{1,2})$/, /^(\d{4})\s*年\s*(\d{1,2})\s*月?$/, /^(\d{4})(\d{2})$/];
const YEAR_ONLY = /^(\d{4})\s*年?$/;
const TIME_SUFFIX = /(?:[T\s]+\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$/;
const FULL_WIDTH_DIGIT = /[\uff10-\uff19\uff0d\uff0f\uff0e]/g;

const MAX_SERIAL = 80_000;

export interface DateOptions {
  readonly dayFirst?: boolean;
  readonly monthFirst?: boolean;
  readonly partial?: boolean;
  readonly serial?: boolean;
  readonly minYear?: number;
  readonly maxYear?: number;
}

function readOptions(options: TransformOptions | undefined): DateOptions | string {
  const o = options ?? {};
  for (const key of Object.keys(o)) {
    if (!['dayFirst', 'monthFirst', 'partial', 'serial', 'minYear', 'maxYear'].includes(key)) return `unknown option ${key}`;
  }
  if (o['dayFirst'] === true && o['monthFirst'] === true) return 'dayFirst and monthFirst exclude each other';
  return o as DateOptions;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function fromParts(year: number, month: number, day: number, o: DateOptions): TransformResult {
  const min = o.minYear ?? 1800;
  const max = o.maxYear ?? 2199;
  if (year < min || year > max) return fail('DATE_OUT_OF_RANGE', `year ${year} is outside ${min}–${max}`);
  if (month < 1 || month > 12) return fail('IMPOSSIBLE_DATE', `there is no month ${month}`);
  if (day < 1 || day > daysInMonth(year, month)) return fail('IMPOSSIBLE_DATE', `month ${month} of ${year} has no day ${day}`);
  return ok(`${pad(year, 4)}-${pad(month)}-${pad(day)}`);
}

function fromSerial(text: string, o: DateOptions): TransformResult {
  const serial = Number(text);
  if (serial < 1 || serial >= MAX_SERIAL + 1) return fail('DATE_OUT_OF_RANGE', `Excel day numbers run from 1 to ${MAX_SERIAL}`);
  const parts = excelSerialParts(Math.floor(serial));
  if (parts === undefined || parts.date === '') return fail('INVALID_DATE', 'not an Excel day number');
  if (parts.date === '1900-02-29') return fail('IMPOSSIBLE_DATE', 'Excel day 60 is 1900-02-29, which did not exist');
  return fromParts(Number(parts.date.slice(0, 4)), Number(parts.date.slice(5, 7)), Number(parts.date.slice(8, 10)), o);
}

/** The date transform: a cell's text to ISO YYYY-MM-DD (or YYYY-MM / YYYY with `partial`). */
export function date(value: string, options?: TransformOptions): TransformResult {
  const o = readOptions(options);
  if (typeof o === 'string') return fail('BAD_OPTION', o);
  let t = value.replace(FULL_WIDTH_DIGIT, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).trim();
  if (t === '') return ok('');
  t = t.replace(TIME_SUFFIX, '');
  let m = YEAR_FIRST.exec(t);
  if (m) return fromParts(Number(m[1]), Number(m[3]), Number(m[4]), o);
  m = CHINESE.exec(t) ?? COMPACT.exec(t);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), o);
  m = YEAR_LAST.exec(t);
  if (m) {
    if (o.dayFirst === true) return fromParts(Number(m[4]), Number(m[3]), Number(m[1]), o);
    if (o.monthFirst === true) return fromParts(Number(m[4]), Number(m[1]), Number(m[3]), o);
    return fail('AMBIGUOUS_DATE', 'a date with the year last needs the profile to say dayFirst or monthFirst');
  }
  if (o.partial === true) {
    for (const re of MONTH_ONLY) {
      const p = re.exec(t);
      if (p) {
        const checked = fromParts(Number(p[1]), Number(p[2]), 1, o);
        return checked.ok ? ok(checked.value.slice(0, 7)) : checked;
      }
    }
    const y = YEAR_ONLY.exec(t);
    if (y) {
      const checked = fromParts(Number(y[1]), 1, 1, o);
      return checked.ok ? ok(checked.value.slice(0, 4)) : checked;
    }
  }
  if (SERIAL.test(t) && o.serial !== false) {
    const looksLikeYear = /^\d{4}$/.test(t) && Number(t) >= 1800 && Number(t) <= 2199;
    if (looksLikeYear && o.serial !== true) return fail('AMBIGUOUS_DATE', 'a four-digit number could be a year or an Excel day number');
    return fromSerial(t, o);
  }
  return fail('INVALID_DATE', 'not a date in a known format');
}
