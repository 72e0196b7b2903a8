/**
 * The rows of a worksheet's XML, parsed incrementally: `push` decoded text, get back the complete
 * `<row>` elements as rows of cell texts with their sheet row numbers. Cells are placed by their
 * reference (`r="D7"`), so skipped empty cells become ''. Merged cells need nothing: the file keeps a
 * merged range's value in its top-left cell only. Pure.
 */
import type { RawRow, RowProblemCode } from './source-record.ts';
import { cellText, type CellContext } from './xlsx-cell.ts';
import { attribute } from './xml-text.ts';

const CELL = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;

/** 0-based column of a cell reference (`AB12` → 27); -1 when it has no letters. */
export function columnIndex(reference: string): number {
  let n = 0;
  let i = 0;
  for (; i < reference.length; i++) {
    const c = reference.charCodeAt(i);
    if (c >= 65 && c <= 90) n = n * 26 + (c - 64);
    else if (c >= 97 && c <= 122) n = n * 26 + (c - 96);
    else break;
  }
  return i === 0 ? -1 : n - 1;
}

export class SheetScanner {
  private rest = '';
  private lastRow = 0;

  constructor(private readonly context: CellContext) {}

  /** Adds XML text; appends the rows it completes to `out`. */
  push(text: string, out: RawRow[]): void {
    const xml = this.rest + text;
    let at = 0;
    for (;;) {
      const open = xml.indexOf('<row', at);
      if (open < 0) {
        // Keep a possible '<ro' cut at the end.
        at = Math.max(at, xml.length - 4);
        break;
      }
      const next = xml.charAt(open + 4);
      if (next === '') {
        at = open;
        break;
      }
      if (next !== ' ' && next !== '>' && next !== '/' && next !== '\n' && next !== '\t' && next !== '\r') {
        at = open + 4;
        continue;
      }
      const tagEnd = xml.indexOf('>', open);
      if (tagEnd < 0) {
        at = open;
        break;
      }
      const attributes = xml.slice(open + 4, tagEnd);
      const r = attribute(attributes, 'r');
      const number = r !== undefined ? Number(r) : this.lastRow + 1;
      if (xml.charAt(tagEnd - 1) === '/') {
        this.lastRow = number;
        at = tagEnd + 1;
        continue;
      }
      const close = xml.indexOf('</row>', tagEnd);
      if (close < 0) {
        at = open;
        break;
      }
      this.lastRow = number;
      out.push(this.row(number, xml.slice(tagEnd + 1, close)));
      at = close + 6;
    }
    this.rest = xml.slice(at);
  }

  private row(number: number, inner: string): RawRow {
    const cells: string[] = [];
    let cellProblems: { index: number; code: RowProblemCode }[] | undefined;
    CELL.lastIndex = 0;
    for (let m = CELL.exec(inner); m !== null; m = CELL.exec(inner)) {
      const attributes = m[1] ?? '';
      const reference = attribute(attributes, 'r');
      const index = reference !== undefined ? columnIndex(reference) : cells.length;
      if (index < 0) continue;
      const { text, problem } = cellText(attributes, m[2] ?? '', this.context);
      while (cells.length < index) cells.push('');
      cells[index] = text;
      if (problem !== undefined) (cellProblems ??= []).push({ index, code: problem });
    }
    return cellProblems === undefined ? { row: number, cells } : { row: number, cells, cellProblems };
  }
}
