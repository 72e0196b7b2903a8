/**
 * Identifiers as people type them: ID numbers (spaces, full-width digits, lower-case x, the
 * apostrophe or ="…" that keeps Excel from turning them into numbers) and Chinese telephone numbers
 * (+86, spaces, dashes, brackets). These normalise; the ID number's checksum and dates are checked
 * by the domain (src/domain/id-number.ts). Pure.
 */
import { toHalfWidth } from './text-transforms.ts';
import { fail, ok, type TransformResult } from './transform.ts';

const SCIENTIFIC = /^\d(?:\.\d+)?E\+?\d+$/i;

/** An ID number: half-width, no spaces, upper case, without Excel's text markers. */
export function idNumber(value: string): TransformResult {
  let v = toHalfWidth(value).replace(/[\s\u00a0\u200b-\u200d\ufeff]+/g, '');
  const excelText = /^="(.*)"$/.exec(v);
  if (excelText) v = excelText[1] ?? '';
  if (v.startsWith("'")) v = v.slice(1);
  if (v === '') return ok('');
  if (SCIENTIFIC.test(v))
    return fail(
      'LOSSY_NUMBER',
      'the number is in scientific notation: its last digits were lost when a spreadsheet treated it as a number',
    );
  v = v.toUpperCase();
  if (/[^0-9A-Z]/.test(v)) return fail('INVALID_ID_NUMBER', 'an ID number holds only digits and letters');
  return ok(v);
}

/**
 * A telephone number as digits: +86 / 0086 dropped (an area code then gets its leading 0 back),
 * spaces, dashes, dots and brackets removed. 7–12 digits, or INVALID_PHONE; two numbers in one cell
 * (separated by / 、 , ; or 或) are MULTIPLE_VALUES.
 */
export function phone(value: string): TransformResult {
  const v = toHalfWidth(value).trim();
  if (v === '') return ok('');
  if (/\d[\s-]*[/、,;，；或|][\s-]*\+?\d/.test(v)) return fail('MULTIPLE_VALUES', 'the cell holds more than one telephone number');
  let digits = v.replace(/[\s\u00a0\u3000\-–—().（）·]+/g, '');
  let international = false;
  if (digits.startsWith('+86')) {
    digits = digits.slice(3);
    international = true;
  } else if (digits.startsWith('0086')) {
    digits = digits.slice(4);
    international = true;
  } else if (/^861\d{10}$/.test(digits)) digits = digits.slice(2);
  if (international && !digits.startsWith('1') && !digits.startsWith('0')) digits = `0${digits}`;
  if (!/^\d{7,12}$/.test(digits)) return fail('INVALID_PHONE', 'not a telephone number (7 to 12 digits after cleaning)');
  return ok(digits);
}
