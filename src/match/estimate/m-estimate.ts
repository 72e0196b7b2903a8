/**
 * m probabilities by expectation–maximisation over the candidate pairs, u held fixed (measured on
 * random pairs). One EM session per blocking rule, on the pairs that rule produced, leaving out the
 * comparisons of the fields it blocks on (those pairs agree on them whatever they are); the
 * sessions' m are then combined, each weighted by the matches it expects. A session that claims
 * implausibly many matches, or whose "match" class does not agree on most comparisons, has
 * collapsed onto some other structure of the data (a shared town, a household) and is refused.
 */
import { NULL_LEVEL } from '../compare/comparator.ts';
import type { CandidatePairs } from '../block/candidate-pairs.ts';
import type { CompiledRules, EmSettings } from '../match-rules.ts';

export interface SessionReport {
  readonly blockingRule: string;
  /** Pairs the rule produced, and how many of them the session used. */
  readonly pairs: number;
  readonly used: number;
  /** Comparisons left out because the rule blocks on their fields. */
  readonly ignored: readonly string[];
  readonly iterations: number;
  readonly converged: boolean;
  /** Share of the session's pairs that are matches, and the matches that implies. */
  readonly lambda: number;
  readonly expectedMatches: number;
  readonly accepted: boolean;
  readonly reasons: readonly string[];
  /** m per comparison (undefined for ignored ones), per level. */
  readonly m: readonly (readonly number[] | undefined)[];
  /** Expected matches with data for each comparison: the session's say in the combined m. */
  readonly support: readonly number[];
  /** Comparisons with data in the session besides the blocked ones; fewer than two cannot be estimated. */
  readonly informative: readonly number[];
}

interface Pattern {
  readonly levels: Uint8Array;
  count: number;
}

/** Distinct comparison vectors and their counts; a vector is keyed by a number when it fits, else a string. */
export function patterns(
  levels: Uint8Array,
  C: number,
  indices: readonly number[],
  active: readonly boolean[],
  levelCounts: readonly number[],
): Pattern[] {
  const radix = levelCounts.map((n) => n + 1);
  const numeric = radix.reduce((p, r) => p * r, 1) < Number.MAX_SAFE_INTEGER;
  const map = new Map<number | string, Pattern>();
  const v = new Uint8Array(C);
  for (const k of indices) {
    let key = 0;
    for (let c = 0; c < C; c++) {
      const l = active[c] ? (levels[k * C + c] ?? NULL_LEVEL) : NULL_LEVEL;
      v[c] = l;
      if (numeric) key = key * (radix[c] ?? 1) + (l === NULL_LEVEL ? (radix[c] ?? 1) - 1 : l);
    }
    const id = numeric ? key : String.fromCharCode(...v);
    const p = map.get(id);
    if (p) p.count++;
    else map.set(id, { levels: v.slice(), count: 1 });
  }
  return [...map.values()];
}

export interface SessionInput {
  readonly compiled: CompiledRules;
  readonly pairs: CandidatePairs;
  readonly levels: Uint8Array;
  readonly u: readonly (readonly number[])[];
  /** Records whose matches the guard counts: n for dedup, the smaller file for link. */
  readonly records: number;
  readonly settings: EmSettings;
}

/** The pairs blocking rule r produced, and an even sample of at most `limit` of them. */
export function sessionPairs(pairs: CandidatePairs, r: number, limit: number): { all: number[]; used: number[] } {
  const bit = 1 << r;
  const all: number[] = [];
  for (let k = 0; k < pairs.count; k++) if (((pairs.ruleMask[k] ?? 0) & bit) !== 0) all.push(k);
  const stride = Math.max(1, Math.ceil(all.length / limit));
  return { all, used: stride === 1 ? all : all.filter((_, x) => x % stride === 0) };
}

/** EM over the pairs of blocking rule r. */
export function runSession(input: SessionInput, r: number): SessionReport {
  const { compiled, pairs, levels, u, settings } = input;
  const C = compiled.comparisons.length;
  const rule = compiled.blocking[r];
  const ruleFields = new Set(rule?.fields ?? []);
  const active = compiled.comparisons.map((c) => !c.comparator.fields.some((f) => ruleFields.has(f)));
  const ignored = compiled.comparisons.filter((_, c) => !active[c]).map((c) => c.spec.id);
  const { all, used } = sessionPairs(pairs, r, settings.sessionPairs);
  const pats = patterns(
    levels,
    C,
    used,
    active,
    compiled.comparisons.map((c) => c.comparator.levels.length),
  );
  const configured = compiled.rules.comparisons.map((c) => c.levels.map((l) => l.m));
  const m = configured.map((row) => [...row]);
  const N = used.length;
  let lambda = Math.min(0.5, Math.max(1e-4, input.records / Math.max(1, all.length)));
  let iterations = 0;
  let converged = false;
  const support = new Array<number>(C).fill(0);
  // Flat arrays for the loop that runs iterations × patterns × comparisons times.
  const L = Math.max(1, ...compiled.comparisons.map((c) => c.comparator.levels.length));
  const P = pats.length;
  const flat = new Int32Array(P * C).fill(-1);
  const counts = new Float64Array(P);
  pats.forEach((p, x) => {
    counts[x] = p.count;
    for (let c = 0; c < C; c++) {
      const l = p.levels[c] ?? NULL_LEVEL;
      if (l !== NULL_LEVEL) flat[x * C + c] = c * L + l;
    }
  });
  const logUFlat = new Float64Array(C * L);
  u.forEach((row, c) => row.forEach((v, l) => (logUFlat[c * L + l] = Math.log(v))));
  const logMFlat = new Float64Array(C * L);
  const A = new Float64Array(C * L);
  const B = new Float64Array(C);
  while (iterations < settings.maxIterations && N > 0) {
    iterations++;
    m.forEach((row, c) => row.forEach((v, l) => (logMFlat[c * L + l] = Math.log(v))));
    A.fill(0);
    B.fill(0);
    let S = 0;
    const priorOdds = Math.log((1 - lambda) / lambda);
    for (let x = 0; x < P; x++) {
      let d = priorOdds;
      const base = x * C;
      for (let c = 0; c < C; c++) {
        const cell = flat[base + c] as number;
        if (cell >= 0) d += (logUFlat[cell] as number) - (logMFlat[cell] as number);
      }
      const mass = (d > 700 ? 0 : 1 / (1 + Math.exp(d))) * (counts[x] as number);
      S += mass;
      for (let c = 0; c < C; c++) {
        const cell = flat[base + c] as number;
        if (cell < 0) continue;
        A[cell] = (A[cell] as number) + mass;
        B[c] = (B[c] as number) + mass;
      }
    }
    let delta = Math.abs(S / N - lambda);
    lambda = Math.min(1 - 1e-9, Math.max(1e-9, S / N));
    for (let c = 0; c < C; c++) {
      if (!active[c]) continue;
      const row = m[c]!;
      const conf = configured[c]!;
      for (let l = 0; l < row.length; l++) {
        // One pseudo-match of the configured m keeps an unseen level from weighing −∞.
        const next = ((A[c * L + l] ?? 0) + (conf[l] ?? 0)) / ((B[c] ?? 0) + 1);
        delta = Math.max(delta, Math.abs(next - (row[l] ?? 0)));
        row[l] = next;
      }
      support[c] = B[c] ?? 0;
    }
    if (delta < 1e-5) {
      converged = true;
      break;
    }
  }
  const expectedMatches = lambda * all.length;
  const reasons: string[] = [];
  const maxMatches = settings.maxMatchesPerRecord * input.records;
  if (expectedMatches > maxMatches) {
    reasons.push(
      `implies ${Math.round(expectedMatches)} matches among ${all.length} pairs, more than ${settings.maxMatchesPerRecord} per record (${Math.round(maxMatches)})`,
    );
  }
  // With u fixed, one comparison alone cannot tell matches from non-matches (any λ fits): refuse.
  const informative = compiled.comparisons.flatMap((_, c) => (active[c] && (support[c] ?? 0) >= 5 ? [c] : []));
  if (N > 0 && informative.length < 2)
    reasons.push(`only ${informative.length} comparison(s) with data besides the blocked fields: not identifiable`);
  let judged = 0;
  let discriminating = 0;
  for (let c = 0; c < C; c++) {
    if (!active[c] || (support[c] ?? 0) < 5) continue;
    judged++;
    const row = m[c]!;
    const top = Math.log2((row[0] ?? 0) / (u[c]?.[0] ?? 1));
    const last = row.length - 1;
    const bottom = Math.log2((row[last] ?? 0) / (u[c]?.[last] ?? 1));
    if (top >= settings.minAgreeWeight && bottom <= settings.maxElseWeight) discriminating++;
  }
  // A match class that does not agree clearly on (nearly) every comparison has latched onto
  // something else: a town and its ZIP, a household. A quarter may fail (weak fields), no more.
  if (judged > 0 && judged - discriminating > Math.floor(judged / 4)) {
    reasons.push(`its match class agrees clearly on only ${discriminating} of ${judged} comparisons`);
  }
  if (N === 0) reasons.push('the rule produced no pairs');
  return {
    blockingRule: rule?.id ?? String(r),
    pairs: all.length,
    used: N,
    ignored,
    iterations,
    converged,
    lambda,
    expectedMatches,
    accepted: settings.guard ? reasons.length === 0 : N > 0,
    reasons,
    m: m.map((row, c) => (active[c] ? row : undefined)),
    support,
    informative,
  };
}
