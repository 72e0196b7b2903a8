/**
 * Pairwise precision, recall and F1 of predicted links against ground truth (entity labels), as the
 * record-linkage literature reports them. For benchmarks and tests; the product never has truth.
 */

export interface LinkQuality {
  readonly truePairs: number;
  readonly predicted: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** True pairs: every two records with the same entity, within one list (dedup) or across two (link). */
export function truePairs(left: readonly { id: string; entity: string }[], right?: readonly { id: string; entity: string }[]): Set<string> {
  const out = new Set<string>();
  const group = (list: readonly { id: string; entity: string }[]): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const r of list) {
      const g = m.get(r.entity);
      if (g) g.push(r.id);
      else m.set(r.entity, [r.id]);
    }
    return m;
  };
  const a = group(left);
  if (right === undefined) {
    for (const ids of a.values())
      for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.add(pairKey(ids[i] ?? '', ids[j] ?? ''));
    return out;
  }
  const b = group(right);
  for (const [entity, ids] of a) for (const x of ids) for (const y of b.get(entity) ?? []) out.add(pairKey(x, y));
  return out;
}

export function linkQuality(predicted: Iterable<readonly [string, string]>, truth: ReadonlySet<string>): LinkQuality {
  const seen = new Set<string>();
  let tp = 0;
  for (const [a, b] of predicted) {
    const k = pairKey(a, b);
    if (seen.has(k)) continue;
    seen.add(k);
    if (truth.has(k)) tp++;
  }
  const precision = seen.size === 0 ? 1 : tp / seen.size;
  const recall = truth.size === 0 ? 1 : tp / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePairs: truth.size, predicted: seen.size, truePositives: tp, precision, recall, f1 };
}
