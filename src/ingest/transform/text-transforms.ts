/**
 * Text clean-up transforms: trimming (also U+3000, NBSP, zero-width spaces), collapsing and removing
 * spaces, full-width → half-width, traditional → simplified Chinese, case, digits, placeholders that
 * mean "nothing". Pure; the OpenCC converter is built once, on first use.
 */
import * as OpenCC from 'opencc-js';
import { ok, type TransformOptions, type TransformResult } from './transform.ts';

const EDGE_SPACE = /^[\s\u00a0\u3000\u200b-\u200d\ufeff]+|[\s\u00a0\u3000\u200b-\u200d\ufeff]+$/g;
const SPACE_RUN = /[\s\u00a0\u3000\u200b-\u200d\ufeff]+/g;
const FULL_WIDTH = /[\uff01-\uff5e\u3000\uffe0-\uffe6]/g;
const FULL_WIDTH_SIGNS: Readonly<Record<string, string>> = {
  '\u3000': ' ',
  '\uffe0': '\u00a2',
  '\uffe1': '\u00a3',
  '\uffe2': '\u00ac',
  '\uffe3': '\u00af',
  '\uffe4': '\u00a6',
  '\uffe5': '\u00a5',
  '\uffe6': '\u20a9',
};

/** Whether a character code is certainly not one EDGE_SPACE removes: printable ASCII, or a CJK ideograph. */
function plain(code: number): boolean {
  return (code > 0x20 && code < 0x7f) || (code >= 0x4e00 && code <= 0x9fff);
}

export function trimText(value: string): string {
  // Most cells neither begin nor end with a space: no regular expression run for them.
  if (value.length === 0 || (plain(value.charCodeAt(0)) && plain(value.charCodeAt(value.length - 1)))) return value;
  return value.replace(EDGE_SPACE, '');
}

/** Full-width letters, digits and punctuation (ＡＢＣ１２３，！) and the ideographic space → ASCII. */
export function toHalfWidth(value: string): string {
  return value.replace(FULL_WIDTH, (c) => FULL_WIDTH_SIGNS[c] ?? String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

let converter: ((text: string) => string) | undefined;

/** Traditional (including Hong Kong variants) → simplified, with OpenCC's hk → cn tables: 張偉 → 张伟, 誌 → 志. */
export function toSimplified(value: string): string {
  if (/^[\u0000-\u2fff]*$/.test(value)) return value;
  const convert = (converter ??= OpenCC.Converter({ from: 'hk', to: 'cn' }));
  return convert(value);
}

/** Placeholders that mean "no value" in department files. */
export const DEFAULT_BLANK_VALUES: readonly string[] = [
  '无',
  '/',
  '-',
  '--',
  '—',
  '——',
  'NULL',
  'null',
  'N/A',
  'n/a',
  '#N/A',
  '(空)',
  '空',
];

export const trim = (value: string): TransformResult => ok(trimText(value));
export const collapseSpaces = (value: string): TransformResult => ok(value.replace(SPACE_RUN, ' '));
export const removeSpaces = (value: string): TransformResult => ok(value.replace(SPACE_RUN, ''));
export const halfWidth = (value: string): TransformResult => ok(toHalfWidth(value));
export const simplified = (value: string): TransformResult => ok(toSimplified(value));
export const upper = (value: string): TransformResult => ok(value.toUpperCase());
export const lower = (value: string): TransformResult => ok(value.toLowerCase());
export const digitsOnly = (value: string): TransformResult => ok(toHalfWidth(value).replace(/\D+/g, ''));

/** '' for a placeholder (option `values`: the list, default DEFAULT_BLANK_VALUES), after trimming. */
export function blankIf(value: string, options?: TransformOptions): TransformResult {
  const values = Array.isArray(options?.['values']) ? (options['values'] as unknown[]).map(String) : DEFAULT_BLANK_VALUES;
  return ok(values.includes(trimText(value)) ? '' : value);
}
