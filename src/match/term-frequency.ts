/**
 * Term-frequency adjustment of exact agreement (as Splink and the Python recordlinkage toolkit do):
 * two records sharing a rare value are more likely one person than two sharing a common one. For a
 * comparison with `termFrequency`, the exact level's weight moves by log2(Σ share² / share of the
 * value) — up for a rare value, down for a common one, zero on average — bounded to ±MAX_ADJUSTMENT.
 */
import type { PreparedRecords } from './comparison-vectors.ts';
import type { CompiledRules } from './match-rules.ts';

export const MAX_ADJUSTMENT = 8;

export interface TermFrequencies {
  /** The value's share of the records, by exact key. */
  readonly share: ReadonlyMap<string, number>;
  readonly records: number;
  /** Σ share²: how often two records agree exactly on average, in these data. */
  readonly average: number;
}

/** Per comparison: the table, or undefined when the comparison has no term-frequency adjustment. */
export function termFrequencies(
  compiled: CompiledRules,
  left: PreparedRecords,
  right: PreparedRecords | undefined,
): (TermFrequencies | undefined)[] {
  return compiled.comparisons.map((c, k) => {
    const key = c.comparator.exactKey;
    if (!c.spec.termFrequency || key === undefined || c.comparator.levels[0] !== 'exact') return undefined;
    const counts = new Map<string, number>();
    let n = 0;
    for (const list of right === undefined ? [left[k]] : [left[k], right[k]]) {
      for (const p of list ?? []) {
        if (p === undefined) continue;
        const v = (key as (x: unknown) => string)(p);
        counts.set(v, (counts.get(v) ?? 0) + 1);
        n++;
      }
    }
    const share = new Map<string, number>();
    let average = 0;
    for (const [v, count] of counts) {
      share.set(v, count / n);
      average += (count / n) ** 2;
    }
    return { share, records: n, average };
  });
}

/**
 * The change to an exact level's weight for this value: log2(average / share), so that the
 * adjustments average out over the data and the level's own u (configured or estimated) stays the
 * centre.
 */
export function adjustment(table: TermFrequencies, key: string): { share: number; adjustment: number } {
  const share = Math.max(table.share.get(key) ?? 0, 1 / Math.max(1, table.records));
  const a = Math.log2(table.average / share);
  return { share, adjustment: Math.max(-MAX_ADJUSTMENT, Math.min(MAX_ADJUSTMENT, a)) };
}
