/**
 * An XLSX cell, as its XML stores it, turned into the text a person reads in Excel: shared and
 * inline strings, dates as ISO (a number in a date style), numbers in plain digits (never 1.0E+17),
 * booleans as TRUE/FALSE, a formula's cached result. A number with more than 15 digits cannot be
 * exact (Excel keeps 15 significant digits: an 18-digit ID number typed as a number has already
 * lost its last three), so it is flagged LOSSY_NUMBER rather than completed with invented digits.
 * Pure.
 */
import { excelSerialParts } from '../transform/excel-serial.ts';
import type { RowProblemCode } from './source-record.ts';
import { attribute, decodeOoxmlText, decodeXml, stringItemText } from './xml-text.ts';

export interface CellText {
  readonly text: string;
  readonly problem?: Extract<RowProblemCode, 'LOSSY_NUMBER' | 'CELL_ERROR'>;
}

export interface CellContext {
  readonly sharedStrings: readonly string[];
  readonly dateStyles: ReadonlySet<number>;
  readonly date1904: boolean;
}

const EMPTY: CellText = { text: '' };

/** The `<v>` content of a cell's inner XML, undecoded; undefined when there is none. */
function valueOf(inner: string): string | undefined {
  const open = inner.indexOf('<v');
  if (open < 0) return undefined;
  const tagEnd = inner.indexOf('>', open);
  if (tagEnd < 0 || inner.charAt(tagEnd - 1) === '/') return undefined;
  const close = inner.indexOf('</v>', tagEnd);
  return close < 0 ? undefined : inner.slice(tagEnd + 1, close);
}

/** A cell from its attribute text (`r="B5" t="s" s="3"`) and inner XML. */
export function cellText(attributes: string, inner: string, context: CellContext): CellText {
  const type = attribute(attributes, 't') ?? 'n';
  if (type === 'inlineStr') return { text: stringItemText(inner) };
  const v = valueOf(inner);
  if (v === undefined || v === '') return EMPTY;
  switch (type) {
    case 's':
      return { text: context.sharedStrings[Number(v)] ?? '' };
    case 'str':
      return { text: decodeOoxmlText(v) };
    case 'b':
      return { text: v.trim() === '1' || v.trim() === 'true' ? 'TRUE' : 'FALSE' };
    case 'e':
      return { text: decodeXml(v), problem: 'CELL_ERROR' };
    case 'd':
      return { text: isoDateTimeText(v.trim()) };
    default: {
      const n = Number(v);
      if (Number.isNaN(n)) return { text: decodeXml(v) };
      const style = attribute(attributes, 's');
      if (style !== undefined && context.dateStyles.has(Number(style)) && excelSerialParts(n, context.date1904) !== undefined) {
        return { text: serialText(n, context.date1904) };
      }
      return numberText(n);
    }
  }
}

/** A date-styled number as ISO: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS with a time, HH:MM:SS for a time alone. */
export function serialText(serial: number, date1904: boolean): string {
  const parts = excelSerialParts(serial, date1904);
  if (parts === undefined) return numberText(serial).text;
  if (parts.date === '') return parts.time;
  return parts.time === '00:00:00' ? parts.date : `${parts.date}T${parts.time}`;
}

function isoDateTimeText(v: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2}))?/.exec(v);
  if (!m) return v;
  return m[2] === undefined || m[2] === '00:00:00' ? (m[1] as string) : `${m[1]}T${m[2]}`;
}

/** Plain digits for integers; up to 15 significant digits for fractions, as Excel shows them. */
export function numberText(n: number): CellText {
  if (!Number.isFinite(n)) return { text: String(n) };
  if (Number.isInteger(n)) {
    if (Math.abs(n) < 1e15) return { text: String(n) };
    return { text: fifteenDigits(n), problem: 'LOSSY_NUMBER' };
  }
  const rounded = Number(n.toPrecision(15));
  const text = String(rounded);
  if (!text.includes('e')) return { text };
  // Very small or very large fractions: expand the exponent.
  const decimals = Math.min(100, Math.max(0, 15 - Math.floor(Math.log10(Math.abs(rounded)))));
  return { text: rounded.toFixed(decimals).replace(/\.?0+$/, '') };
}

/** What Excel shows for a long integer: its first 15 significant digits, then zeros. */
function fifteenDigits(n: number): string {
  const [mantissa = '', exponent = '0'] = Math.abs(n).toPrecision(15).split('e');
  const digits = mantissa.replace('.', '');
  const length = Number(exponent) + 1;
  const body = length >= digits.length ? digits + '0'.repeat(length - digits.length) : digits.slice(0, length);
  return (n < 0 ? '-' : '') + body;
}
