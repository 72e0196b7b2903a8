/**
 * u probabilities — how often two different people agree at each level — measured on random pairs
 * (true matches among them are negligible). The exact level of a value comparator is computed from
 * the value frequencies instead (Σ count(v)² over all pairs), which is exact where sampling would
 * see a rare agreement only a few times.
 */
import { NULL_LEVEL } from '../compare/comparator.ts';
import { compareInto, seededRandom, type PreparedRecords } from '../comparison-vectors.ts';
import type { CompiledRules } from '../match-rules.ts';
import type { Provenance } from '../fellegi-sunter.ts';

export interface UEstimate {
  readonly u: readonly number[][];
  readonly source: readonly Provenance[];
  readonly randomPairs: number;
}

/** Below this many non-null samples a comparison keeps its configured u. */
const MIN_SAMPLES = 50;

function exactAgreement(values: readonly unknown[], others: readonly unknown[] | undefined, key: (p: never) => string): number {
  const count = (list: readonly unknown[]): { map: Map<string, number>; n: number } => {
    const map = new Map<string, number>();
    let n = 0;
    for (const p of list) {
      if (p === undefined) continue;
      n++;
      const k = key(p as never);
      map.set(k, (map.get(k) ?? 0) + 1);
    }
    return { map, n };
  };
  const a = count(values);
  if (others === undefined) {
    if (a.n < 2) return 0;
    let same = 0;
    for (const c of a.map.values()) same += c * (c - 1);
    return Math.max(same, 1) / (a.n * (a.n - 1));
  }
  const b = count(others);
  if (a.n === 0 || b.n === 0) return 0;
  let same = 0;
  for (const [k, c] of a.map) same += c * (b.map.get(k) ?? 0);
  return Math.max(same, 1) / (a.n * b.n);
}

export function estimateU(
  compiled: CompiledRules,
  left: PreparedRecords,
  right: PreparedRecords | undefined,
  sampleSize: number,
  seed: number,
): UEstimate {
  const C = compiled.comparisons.length;
  const nLeft = left[0]?.length ?? 0;
  const other = right ?? left;
  const nRight = other[0]?.length ?? 0;
  const counts = compiled.comparisons.map((c) => new Float64Array(c.comparator.levels.length));
  const nonNull = new Float64Array(C);
  const random = seededRandom(seed);
  const vector = new Uint8Array(C);
  let drawn = 0;
  if (nLeft > 0 && nRight > 0 && (right !== undefined || nLeft > 1)) {
    for (let s = 0; s < sampleSize; s++) {
      const i = Math.floor(random() * nLeft);
      let j = Math.floor(random() * nRight);
      if (right === undefined && j === i) j = (j + 1) % nRight;
      compareInto(compiled, left, other, i, j, vector, 0);
      for (let c = 0; c < C; c++) {
        const l = vector[c] ?? NULL_LEVEL;
        if (l === NULL_LEVEL) continue;
        counts[c]![l]! += 1;
        nonNull[c]! += 1;
      }
      drawn++;
    }
  }
  const u: number[][] = [];
  const source: Provenance[] = [];
  compiled.comparisons.forEach((comparison, c) => {
    const configured = comparison.spec.levels.map((l) => l.u);
    const n = nonNull[c] ?? 0;
    if (n < MIN_SAMPLES) {
      u.push(configured);
      source.push('configured');
      return;
    }
    const levelCounts = counts[c]!;
    const L = levelCounts.length;
    const key = comparison.comparator.exactKey;
    const values = left[c] ?? [];
    const exact =
      key !== undefined && comparison.comparator.levels[0] === 'exact'
        ? exactAgreement(values, right === undefined ? undefined : (right[c] ?? []), key as (p: never) => string)
        : undefined;
    const floor = 0.5 / n;
    const row = new Array<number>(L).fill(0);
    if (exact !== undefined) {
      const rest = n - (levelCounts[0] ?? 0);
      row[0] = exact;
      for (let l = 1; l < L; l++) row[l] = Math.max(floor, rest > 0 ? (levelCounts[l] ?? 0) / rest : floor);
      const sumRest = row.slice(1).reduce((a, b) => a + b, 0);
      for (let l = 1; l < L; l++) row[l] = ((row[l] ?? 0) / sumRest) * (1 - exact);
    } else {
      for (let l = 0; l < L; l++) row[l] = Math.max(floor, (levelCounts[l] ?? 0) / n);
      const sum = row.reduce((a, b) => a + b, 0);
      for (let l = 0; l < L; l++) row[l] = (row[l] ?? 0) / sum;
    }
    u.push(row);
    source.push('estimated');
  });
  return { u, source, randomPairs: drawn };
}
