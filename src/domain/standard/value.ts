/**
 * Checking a value against its element's value type. Values are kept as strings on every backend;
 * this decides the one canonical string for each type. Code membership is checked by the caller,
 * which knows the code tables.
 */
import { parseCompactDate } from '../id-number.ts';
import type { ValueType } from './types.ts';

export type ValueCheck = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

const ok = (value: string): ValueCheck => ({ ok: true, value });
const bad = (reason: string): ValueCheck => ({ ok: false, reason });

/** YYYY-MM-DD and a real calendar date. */
export function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && parseCompactDate(s.replaceAll('-', '')) !== undefined;
}

export function checkValueShape(type: ValueType, raw: string): ValueCheck {
  const value = raw.trim();
  if (value === '') return bad('the value is empty');
  switch (type) {
    case 'string':
      return value.length > 500 ? bad('the text is longer than 500 characters') : ok(value);
    case 'code':
      return /^[0-9A-Za-z_.-]{1,32}$/.test(value) ? ok(value) : bad('a code is 1–32 letters, digits, dots, dashes or underscores');
    case 'date':
      return isIsoDate(value) ? ok(value) : bad('a date is written YYYY-MM-DD and must exist in the calendar');
    case 'integer':
      return /^-?\d{1,15}$/.test(value) ? ok(String(Number(value))) : bad('not a whole number');
    case 'decimal': {
      const m = /^(-?)(\d{1,15})(?:\.(\d{1,6}))?$/.exec(value);
      if (!m) return bad('not a decimal number');
      const whole = (m[2] ?? '0').replace(/^0+(?=\d)/, '');
      const fraction = (m[3] ?? '').replace(/0+$/, '');
      const canonical = `${whole}${fraction ? `.${fraction}` : ''}`;
      return ok(canonical === '0' ? '0' : `${m[1] ?? ''}${canonical}`);
    }
    case 'boolean':
      if (value === 'true' || value === 'false') return ok(value);
      return bad('a yes/no value is true or false');
    case 'phone': {
      // Mainland numbers only: +86/0086 is dropped; a mobile is 11 digits from 13–19; a fixed line is
      // an area code 0xx(x) with a 7–8 digit number (first digit 2–9), or the local number alone.
      const digits = value.replace(/[\s()-]/g, '').replace(/^(\+86|0086)/, '');
      if (/^1[3-9]\d{9}$/.test(digits)) return ok(digits);
      if (/^0[1-9]\d{1,2}[2-9]\d{6,7}$/.test(digits) && digits.length >= 10 && digits.length <= 12) return ok(digits);
      if (/^[2-9]\d{6,7}$/.test(digits)) return ok(digits);
      return bad('not a mobile (11 digits starting with 13–19) or fixed-line phone number');
    }
  }
}

/** Shows the first 3 and last 4 digits of a phone number. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}
