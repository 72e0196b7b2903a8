/**
 * Places a result's multi-level header (rows of cells with colSpan/rowSpan, like an HTML table) on a
 * grid, so every renderer draws the same merged cells; and formats a cell value as text for the
 * renderers that write text (CSV, PDF). A result without header rows gets one row of its column labels.
 */
import type { HeaderCell, Label, ReportResult, ResultColumn } from '../types.ts';

/** A header cell at its place: 0-based row and column of its top-left corner. */
export interface PlacedHeaderCell {
  readonly label: Label;
  readonly row: number;
  readonly col: number;
  readonly rowSpan: number;
  readonly colSpan: number;
}

export interface HeaderGrid {
  readonly rows: number;
  readonly cols: number;
  readonly cells: readonly PlacedHeaderCell[];
}

/** Lays the header out; throws (a bug in the producer, not bad input) when the spans do not tile the columns. */
export function layoutHeader(result: Pick<ReportResult, 'header' | 'columns'>): HeaderGrid {
  const cols = result.columns.length;
  const header: readonly (readonly HeaderCell[])[] =
    result.header.length > 0 ? result.header : [result.columns.map((c) => ({ label: c.label, colSpan: 1, rowSpan: 1 }))];
  const rows = header.length;
  const taken: boolean[][] = Array.from({ length: rows }, () => new Array<boolean>(cols).fill(false));
  const cells: PlacedHeaderCell[] = [];
  header.forEach((line, r) => {
    let c = 0;
    for (const cell of line) {
      while (c < cols && taken[r]?.[c]) c++;
      const colSpan = Math.max(1, Math.floor(cell.colSpan));
      const rowSpan = Math.max(1, Math.floor(cell.rowSpan));
      if (c + colSpan > cols || r + rowSpan > rows) {
        throw new Error(
          `report header row ${r + 1}: cell "${cell.label.zh}" at column ${c + 1} spans ${colSpan}×${rowSpan}, beyond the ${cols} columns × ${rows} header rows`,
        );
      }
      for (let rr = r; rr < r + rowSpan; rr++) {
        for (let cc = c; cc < c + colSpan; cc++) {
          if (taken[rr]![cc]) throw new Error(`report header: cell "${cell.label.zh}" overlaps another at row ${rr + 1}, column ${cc + 1}`);
          taken[rr]![cc] = true;
        }
      }
      cells.push({ label: cell.label, row: r, col: c, rowSpan, colSpan });
      c += colSpan;
    }
  });
  const hole = taken.findIndex((line) => line.some((t) => !t));
  if (hole >= 0) throw new Error(`report header row ${hole + 1} leaves columns uncovered (${cols} columns expected)`);
  return { rows, cols, cells };
}

/** A value as text: counts as integers, numbers whole or with two decimals (as the XLSX shows them), shares as a percentage with one decimal, empty for null. */
export function formatValue(value: string | number | null, column: ResultColumn): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  switch (column.type) {
    case 'share':
      return `${(value * 100).toFixed(1)}%`;
    case 'count':
      return String(Math.round(value));
    case 'number':
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
    case 'text':
    case 'date':
      return String(value);
  }
}

/** Counts, numbers and shares are right-aligned. */
export function isNumeric(column: ResultColumn): boolean {
  return column.type === 'count' || column.type === 'number' || column.type === 'share';
}

/** Display width of a text in "narrow characters": CJK and full-width characters count 2. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch)
      ? 2
      : 1;
  return w;
}
