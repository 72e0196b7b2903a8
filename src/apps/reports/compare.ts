/**
 * What changed between two runs of one report for one area and reference date (issue 8): the
 * content hash (SHA-256 of the canonical result JSON, production time left out) says whether
 * anything did; the comparison says what — cells that differ with their row and column labels
 * (old → new), rows added and removed, columns that differ, and the change in persons counted.
 * Pure.
 */
import { createHash } from 'node:crypto';
import type { ReportResult, ResultRow } from './types.ts';

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (hex) of the canonical result without `generatedAt`. */
export function contentHash(result: ReportResult): string {
  return createHash('sha256')
    .update(canonicalJson({ ...result, generatedAt: undefined, knownAt: undefined }))
    .digest('hex');
}

export interface CellChange {
  /** The row's label (its leading text cells joined with ' / '). */
  readonly row: string;
  readonly column: string;
  readonly old: string | number | null;
  readonly new: string | number | null;
}

export interface RunChanges {
  readonly cells: readonly CellChange[];
  /** Cells that differ in all (the list above stops at MAX_CELL_CHANGES). */
  readonly cellCount: number;
  readonly rowsAdded: readonly string[];
  readonly rowsRemoved: readonly string[];
  /** Column labels present in only one of the two runs. */
  readonly columnsAdded: readonly string[];
  readonly columnsRemoved: readonly string[];
  readonly personCount: { readonly old: number; readonly new: number };
  /** The definition version changed between the runs. */
  readonly definitionVersion: { readonly old: number; readonly new: number } | null;
}

export const MAX_CELL_CHANGES = 200;

/** How many leading columns label a row: the text/date columns before the first figure (at least one). */
function labelWidth(result: ReportResult): number {
  if (result.kind === 'roster') return result.columns.length;
  const i = result.columns.findIndex((c) => c.type !== 'text' && c.type !== 'date');
  return i <= 0 ? 1 : i;
}

function rowKeys(result: ReportResult): Map<string, ResultRow> {
  const width = labelWidth(result);
  const out = new Map<string, ResultRow>();
  for (const row of result.rows) {
    let key = row.cells
      .slice(0, width)
      .map((c) => (c === null ? '' : String(c)))
      .filter((c) => c !== '')
      .join(' / ');
    if (key === '') key = row.role;
    let unique = key;
    for (let n = 2; out.has(unique); n++) unique = `${key} #${n}`;
    out.set(unique, row);
  }
  return out;
}

/** The differences between the kept run (`before`) and this one (`after`). */
export function compareResults(before: ReportResult, after: ReportResult): RunChanges {
  const colLabel = (r: ReportResult, i: number): string => {
    const c = r.columns[i];
    return c ? `${c.label.zh} ${c.label.en}`.trim() : `#${i + 1}`;
  };
  const beforeCols = new Map(before.columns.map((c, i) => [c.key, i]));
  const afterCols = new Map(after.columns.map((c, i) => [c.key, i]));
  const rowsBefore = rowKeys(before);
  const rowsAfter = rowKeys(after);
  const cells: CellChange[] = [];
  let cellCount = 0;
  for (const [key, row] of rowsAfter) {
    const old = rowsBefore.get(key);
    if (!old) continue;
    for (const [colKey, ai] of afterCols) {
      const bi = beforeCols.get(colKey);
      if (bi === undefined) continue;
      const o = old.cells[bi] ?? null;
      const n = row.cells[ai] ?? null;
      if (o === n) continue;
      cellCount++;
      if (cells.length < MAX_CELL_CHANGES) cells.push({ row: key, column: colLabel(after, ai), old: o, new: n });
    }
  }
  return {
    cells,
    cellCount,
    rowsAdded: [...rowsAfter.keys()].filter((k) => !rowsBefore.has(k)),
    rowsRemoved: [...rowsBefore.keys()].filter((k) => !rowsAfter.has(k)),
    columnsAdded: [...afterCols].filter(([k]) => !beforeCols.has(k)).map(([, i]) => colLabel(after, i)),
    columnsRemoved: [...beforeCols].filter(([k]) => !afterCols.has(k)).map(([, i]) => colLabel(before, i)),
    personCount: { old: before.personCount, new: after.personCount },
    definitionVersion:
      before.definitionVersion === after.definitionVersion ? null : { old: before.definitionVersion, new: after.definitionVersion },
  };
}

/** One line for people: "3 cells changed, 1 row added, 0 removed; persons 812 → 815". */
export function summariseChanges(c: RunChanges): { zh: string; en: string } {
  return {
    zh: `${c.cellCount} 个单元格变化，新增 ${c.rowsAdded.length} 行，删除 ${c.rowsRemoved.length} 行；人数 ${c.personCount.old} → ${c.personCount.new}`,
    en: `${c.cellCount} cell(s) changed, ${c.rowsAdded.length} row(s) added, ${c.rowsRemoved.length} removed; persons ${c.personCount.old} → ${c.personCount.new}`,
  };
}
