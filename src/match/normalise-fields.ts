/**
 * Field values as the comparators read them: birth dates as 8 digits, sex as GB/T 2261.1 codes,
 * phone numbers as digits without the country code, citizen ID numbers canonical (15 digits
 * converted to 18). Pure; an unreadable value is undefined, never an exception.
 */
import { convert15To18, computeCheckChar, normaliseIdNumber, parseCompactDate } from '../domain/id-number.ts';
import { toHalfWidth } from '../ingest/transform/text-transforms.ts';

/**
 * YYYYMMDD from 1984-03-07, 19840307, 1984/3/7, 1984.3.7, 1984年3月7日, 07/03/1984 (day first) and
 * 1984-03 (day unknown: 00). Impossible dates (19371233) keep their digits: a typo is still evidence.
 */
export function normaliseBirthDate(text: string): string | undefined {
  const t = toHalfWidth(text).trim();
  if (t === '') return undefined;
  if (/^\d{8}$/.test(t)) return t;
  let m = /^(\d{4})\D{1,2}(\d{1,2})(?:\D{1,2}(\d{1,2}))?\D?(?:[ T].*)?$/.exec(t);
  if (m) return `${m[1]}${(m[2] ?? '').padStart(2, '0')}${(m[3] ?? '0').padStart(2, '0')}`;
  m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(t);
  if (m) return `${m[3]}${(m[2] ?? '').padStart(2, '0')}${(m[1] ?? '').padStart(2, '0')}`;
  if (/^\d{4}$/.test(t)) return `${t}0000`;
  return undefined;
}

/** A date from separate year, month and day parts (RLdata's by, bm, bd). */
export function composeBirthDate(year: string, month: string, day: string): string | undefined {
  const y = year.trim();
  if (!/^\d{4}$/.test(y)) return undefined;
  const mm = /^\d{1,2}$/.test(month.trim()) ? month.trim().padStart(2, '0') : '00';
  const dd = /^\d{1,2}$/.test(day.trim()) ? day.trim().padStart(2, '0') : '00';
  return `${y}${mm}${dd}`;
}

const SEX: Readonly<Record<string, '1' | '2'>> = {
  '1': '1',
  '2': '2',
  m: '1',
  f: '2',
  male: '1',
  female: '2',
  man: '1',
  woman: '2',
  男: '1',
  女: '2',
  男性: '1',
  女性: '2',
};

/** '1' male, '2' female; undefined for unknown ('0', '9', '未知', blank). */
export function normaliseSex(text: string): '1' | '2' | undefined {
  return SEX[toHalfWidth(text).trim().toLowerCase()];
}

/** Digits only, without +86 / 0086 before a mobile number. */
export function normalisePhone(text: string): string | undefined {
  let d = toHalfWidth(text).replace(/\D+/g, '');
  if (d.length === 13 && d.startsWith('86')) d = d.slice(2);
  else if (d.length === 15 && d.startsWith('0086')) d = d.slice(4);
  return d.length >= 5 ? d : undefined;
}

export interface CitizenIdFacts {
  /** The canonical number: 18 characters when convertible, else the cleaned text. */
  readonly number: string;
  /** Checksum and embedded birth date are right (address codes are not checked here). */
  readonly valid: boolean;
  /** Embedded birth date (YYYYMMDD) and sex, when valid. */
  readonly birthDate: string | undefined;
  readonly sex: '1' | '2' | undefined;
}

/** What a citizen ID number says, checked as far as a pure function can: length, checksum, date. */
export function readCitizenId(text: string): CitizenIdFacts | undefined {
  let n = normaliseIdNumber(text);
  if (n === '') return undefined;
  if (/^\d{15}$/.test(n)) n = convert15To18(n);
  const shaped = /^\d{17}[\dX]$/.test(n);
  const valid = shaped && computeCheckChar(n.slice(0, 17)) === n.charAt(17) && parseCompactDate(n.slice(6, 14)) !== undefined;
  if (!valid) return { number: n, valid: false, birthDate: undefined, sex: undefined };
  return { number: n, valid: true, birthDate: n.slice(6, 14), sex: Number(n.charAt(16)) % 2 === 1 ? '1' : '2' };
}

/** Lower case, no diacritics, one space between words: for latin strings (street, suburb, city). */
export function foldLatinText(text: string): string {
  const plain = /^[\x20-\x7e]*$/.test(text);
  return (
    plain
      ? text
      : toHalfWidth(text)
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
  )
    .toLowerCase()
    .replace(/[\s\u00a0\u3000]+/g, ' ')
    .trim();
}
