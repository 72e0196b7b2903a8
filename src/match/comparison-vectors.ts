/**
 * Comparison vectors: every record prepared once per comparison, then the level of each comparison
 * for each pair, as one byte (NULL_LEVEL when either side lacks the data) in a flat matrix of
 * pairs × comparisons. Records are prepared once, so a pair costs only the comparisons themselves.
 */
import { NULL_LEVEL } from './compare/comparator.ts';
import type { MatchRecord } from './match-record.ts';
import type { CompiledRules } from './match-rules.ts';

/** Prepared values, [comparison][record]; undefined where the record lacks the data. */
export type PreparedRecords = readonly (readonly unknown[])[];

export function prepareRecords(compiled: CompiledRules, records: readonly MatchRecord[]): PreparedRecords {
  return compiled.comparisons.map((c) => records.map((r) => c.comparator.prepare(r)));
}

/** Levels of pair (i, j) written at out[offset…offset + comparisons). */
export function compareInto(
  compiled: CompiledRules,
  left: PreparedRecords,
  right: PreparedRecords,
  i: number,
  j: number,
  out: Uint8Array,
  offset: number,
): void {
  const comparisons = compiled.comparisons;
  for (let c = 0; c < comparisons.length; c++) {
    const a = left[c]?.[i];
    const b = right[c]?.[j];
    out[offset + c] = a === undefined || b === undefined ? NULL_LEVEL : (comparisons[c]?.comparator.compare(a, b) ?? NULL_LEVEL);
  }
}

export function levelMatrix(
  compiled: CompiledRules,
  left: PreparedRecords,
  right: PreparedRecords,
  leftIdx: Int32Array,
  rightIdx: Int32Array,
  onProgress?: (done: number, total: number) => void,
): Uint8Array {
  const C = compiled.comparisons.length;
  const n = leftIdx.length;
  const out = new Uint8Array(n * C);
  for (let k = 0; k < n; k++) {
    compareInto(compiled, left, right, leftIdx[k] ?? 0, rightIdx[k] ?? 0, out, k * C);
    if (onProgress && (k & 0xffff) === 0xffff) onProgress(k + 1, n);
  }
  onProgress?.(n, n);
  return out;
}

export { seededRandom } from '../domain/random.ts';
