/**
 * Citizen identification numbers, GB 11643-1999 (and the 15-digit GB 11643-1989 form).
 *
 * 18 characters: 6-digit address code (GB/T 2260, as it was when the number was issued, so retired
 * codes stay valid), 8-digit birth date, 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2
 * check character. The same layout is used by the residence permits of Hong Kong, Macao and Taiwan
 * residents (address codes 810000, 820000, 830000). Pure: the area history is passed in.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Residence permits for Hong Kong, Macao and Taiwan residents use these address codes. */
export const PERMIT_ADDRESS_CODES: Readonly<Record<string, IdNumberKind>> = {
  '810000': 'hk-resident-permit',
  '820000': 'mo-resident-permit',
  '830000': 'tw-resident-permit',
};

export type IdNumberKind = 'citizen' | 'hk-resident-permit' | 'mo-resident-permit' | 'tw-resident-permit';

/** Answers which years a GB/T 2260 code was in use; implemented over the shipped history file. */
export interface AreaCodeHistory {
  /** Periods (inclusive years) during which the 6-digit code was in use; empty when never. */
  periods(code: string): readonly { readonly startYear: number; readonly endYear: number | null }[];
  /** The most recent name of the code, if it was ever used. */
  name(code: string): string | undefined;
}

export type IdNumberFailure =
  | 'EMPTY'
  | 'LENGTH'
  | 'FORMAT'
  | 'NOT_CANONICAL'
  | 'CHECKSUM'
  | 'BIRTH_DATE'
  | 'FUTURE_BIRTH_DATE'
  | 'AREA_CODE'
  | 'FOREIGN_PERMANENT_RESIDENCE';

export interface IdNumberFacts {
  /** The canonical 18-character number (converted from 15 digits where needed). */
  readonly number: string;
  readonly kind: IdNumberKind;
  readonly addressCode: string;
  /** Latest known name of the address code (e.g. 闸北区 for a number issued there before 2015). */
  readonly addressName: string | undefined;
  /** True when the address code is no longer in use today (the number stays valid). */
  readonly addressCodeRetired: boolean;
  /** ISO date, YYYY-MM-DD. */
  readonly birthDate: string;
  /** GB/T 2261.1 sex code: '1' male, '2' female. */
  readonly sex: '1' | '2';
  readonly sequence: string;
  /** The 15-digit number this one was converted from, when it was given in the old form. */
  readonly convertedFrom15: string | undefined;
  /** Input was accepted after normalisation (spaces, full-width digits, lower-case x). */
  readonly normalised: boolean;
}

export type IdNumberVerdict =
  | { readonly valid: true; readonly facts: IdNumberFacts }
  | { readonly valid: false; readonly reason: IdNumberFailure; readonly message: string; readonly messageZh: string };

export interface IdNumberCheckOptions {
  readonly areas: AreaCodeHistory;
  /** The day the check is made, as YYYY-MM-DD; birth dates after it are impossible. */
  readonly today: string;
  /** Reject input that needed normalisation (lower-case x, full-width digits, spaces). */
  readonly strict?: boolean;
}

/** ISO 7064 MOD 11-2 check character for a 17-digit body. */
export function computeCheckChar(body17: string): string {
  if (!/^\d{17}$/.test(body17)) throw new Error('computeCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}

/** Trims, folds full-width digits and X to ASCII and upper-cases x. */
export function normaliseIdNumber(input: string): string {
  return input
    .trim()
    .replace(/[\s\u3000]/g, '')
    .replace(/[\uFF10-\uFF19\uFF38\uFF58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase();
}

/** Converts a valid-looking 15-digit number to 18 digits (inserts 19, appends the check character). */
export function convert15To18(number15: string): string {
  if (!/^\d{15}$/.test(number15)) throw new Error('convert15To18 needs exactly 15 digits');
  const body = `${number15.slice(0, 6)}19${number15.slice(6)}`;
  return body + computeCheckChar(body);
}

function fail(reason: IdNumberFailure, message: string, messageZh: string): IdNumberVerdict {
  return { valid: false, reason, message, messageZh };
}

/** A real calendar date in YYYYMMDD, returned as YYYY-MM-DD, or undefined. */
export function parseCompactDate(yyyymmdd: string): string | undefined {
  if (!/^\d{8}$/.test(yyyymmdd)) return undefined;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > daysInMonth) return undefined;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** Checks a citizen ID number (18 or 15 digits) and derives what it says. */
export function checkIdNumber(input: string, options: IdNumberCheckOptions): IdNumberVerdict {
  const number = normaliseIdNumber(input);
  if (number.length === 0) return fail('EMPTY', 'the ID number is empty', '身份号码为空');
  const normalised = number !== input;
  if (normalised && options.strict) {
    return fail(
      'NOT_CANONICAL',
      'the ID number is not in canonical form (upper-case X, ASCII digits, no spaces)',
      '身份号码格式不规范（校验码X应为大写，数字应为半角，且不含空格）',
    );
  }
  if (number.length !== 18 && number.length !== 15) {
    return fail('LENGTH', `an ID number has 18 characters (or 15 in the old form), this has ${number.length}`, `身份号码应为18位（旧号码为15位），实为${number.length}位`);
  }
  let full = number;
  let convertedFrom15: string | undefined;
  if (number.length === 15) {
    if (!/^\d{15}$/.test(number)) return fail('FORMAT', 'a 15-digit ID number has digits only', '15位身份号码只能由数字组成');
    full = convert15To18(number);
    convertedFrom15 = number;
  } else {
    if (!/^\d{17}/.test(number)) return fail('FORMAT', 'the first 17 characters of an ID number must be digits', '身份号码前17位必须是数字');
    if (!/^\d{17}[\dX]$/.test(number)) return fail('FORMAT', 'the check character must be a digit or X', '校验码必须是数字或X');
    if (number.startsWith('9')) {
      return fail(
        'FOREIGN_PERMANENT_RESIDENCE',
        'numbers starting with 9 are foreigners’ permanent residence ID numbers, not citizen ID numbers',
        '以9开头的号码是外国人永久居留身份证号码，不是公民身份号码',
      );
    }
    const expected = computeCheckChar(number.slice(0, 17));
    if (expected !== number.charAt(17)) {
      return fail('CHECKSUM', `the check character is ${number.charAt(17)} but the first 17 digits give ${expected}`, `校验码错误：应为${expected}，实为${number.charAt(17)}`);
    }
  }

  const birthDate = parseCompactDate(full.slice(6, 14));
  if (!birthDate) return fail('BIRTH_DATE', `the birth date ${full.slice(6, 14)} is not a real date`, `出生日期${full.slice(6, 14)}不是有效日期`);
  if (birthDate > options.today) return fail('FUTURE_BIRTH_DATE', `the birth date ${birthDate} is in the future`, `出生日期${birthDate}晚于今天`);

  const addressCode = full.slice(0, 6);
  const birthYear = Number(birthDate.slice(0, 4));
  const permitKind = PERMIT_ADDRESS_CODES[addressCode];
  const periods = options.areas.periods(addressCode);
  let retired = false;
  if (!permitKind) {
    if (periods.length === 0) {
      return fail('AREA_CODE', `the address code ${addressCode} was never a GB/T 2260 area code`, `地址码${addressCode}不是GB/T 2260行政区划代码`);
    }
    const usable = periods.some((p) => p.endYear === null || p.endYear >= birthYear);
    if (!usable) {
      const lastEnd = Math.max(...periods.map((p) => p.endYear ?? 0));
      return fail(
        'AREA_CODE',
        `the address code ${addressCode} was retired in ${lastEnd}, before the birth year ${birthYear}`,
        `地址码${addressCode}已于${lastEnd}年撤销，早于出生年份${birthYear}`,
      );
    }
    retired = !periods.some((p) => p.endYear === null);
  }

  return {
    valid: true,
    facts: {
      number: full,
      kind: permitKind ?? 'citizen',
      addressCode,
      addressName: options.areas.name(addressCode),
      addressCodeRetired: retired,
      birthDate,
      sex: Number(full.charAt(16)) % 2 === 1 ? '1' : '2',
      sequence: full.slice(14, 17),
      convertedFrom15,
      normalised,
    },
  };
}

/** Shows the first 3 and last 4 characters: 310***********1236. */
export function maskIdNumber(number: string): string {
  if (number.length <= 7) return '*'.repeat(number.length);
  return number.slice(0, 3) + '*'.repeat(number.length - 7) + number.slice(-4);
}

/** Birth date and sex written in a canonical (already checked) 18-character number. */
export function birthDateAndSex(number: string): { readonly birthDate: string; readonly sex: '1' | '2' } {
  const d = number.slice(6, 14);
  return { birthDate: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`, sex: Number(number.charAt(16)) % 2 === 1 ? '1' : '2' };
}
