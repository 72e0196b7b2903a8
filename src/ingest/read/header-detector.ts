/**
 * Finding the header among the first rows of a sheet or CSV file that office systems export with a
 * title above it (a merged 「新华路街道计划生育对象花名册」, a blank row, a 'printed on' line), and
 * turning its cells into column names. Pure.
 */

/** Rows looked at when searching for the header. */
export const HEADER_SEARCH_ROWS = 30;

const MAX_HEADER_LENGTH = 40;
/** Text that reads as a value, not a column name: numbers, codes, dates. */
const VALUE_LIKE = /^[-+]?[\d\s.,:/\\\-年月日]+$/;

function nonEmpty(cells: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of cells) {
    const t = c.trim();
    if (t !== '') out.push(t);
  }
  return out;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Index of the header among `rows` (each a row's cells, blank rows included), or -1. The header is
 * the first row whose filled cells are short texts (≤ 40 characters, at most 10 % that look like
 * numbers or dates), at least half of them distinct, and at least 70 % as many as the rows after it
 * typically fill (their median). A title merged across the columns fills one cell, a 'printed on'
 * line one or two, so neither qualifies above a table of three or more columns.
 */
export function findHeaderRow(rows: readonly (readonly string[])[]): number {
  const filled = rows.map(nonEmpty);
  for (let i = 0; i < filled.length; i++) {
    const texts = filled[i] ?? [];
    if (texts.length === 0) continue;
    if (texts.some((t) => t.length > MAX_HEADER_LENGTH)) continue;
    if (texts.filter((t) => VALUE_LIKE.test(t)).length > texts.length * 0.1) continue;
    if (new Set(texts).size < texts.length * 0.5) continue;
    const after = filled
      .slice(i + 1)
      .map((t) => t.length)
      .filter((n) => n > 0);
    const typical = after.length > 0 ? median(after) : texts.length;
    if (texts.length >= typical * 0.7) return i;
  }
  return -1;
}

const CJK = /[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]/;

/**
 * A header cell as a column name: trimmed (also of U+3000, NBSP, zero-width spaces), a line break
 * inside a wrapped header removed between Chinese characters and made a space elsewhere, runs of
 * spaces collapsed.
 */
export function normalizeHeader(text: string): string {
  const trimmed = text.replace(/[\u200b-\u200d\ufeff]/g, '').trim();
  const joined = trimmed.replace(/\s*[\r\n]+\s*/g, (_m, offset: number, whole: string) => {
    const before = whole.charAt(offset - 1);
    const after = whole.charAt(offset + _m.length);
    return CJK.test(before) && CJK.test(after) ? '' : ' ';
  });
  return joined.replace(/[\s\u00a0\u3000]+/g, ' ');
}

export type HeaderColumns =
  | { readonly ok: true; readonly names: readonly string[] }
  | { readonly ok: false; readonly duplicate: string; readonly columns: readonly [number, number] };

/**
 * Column names for a header row's cells, up to its last filled cell; an empty cell in between is
 * named by its 1-based position (`#3`). Fails on the first name used twice, with both positions.
 */
export function headerColumns(cells: readonly string[]): HeaderColumns {
  const names = cells.map(normalizeHeader);
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const seen = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    if (names[i] === '') names[i] = `#${i + 1}`;
    const name = names[i] as string;
    const first = seen.get(name);
    if (first !== undefined) return { ok: false, duplicate: name, columns: [first + 1, i + 1] };
    seen.set(name, i);
  }
  return { ok: true, names };
}

/** Excel's name of a 1-based column (1 → A, 27 → AA). */
export function columnLetter(column: number): string {
  let s = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
