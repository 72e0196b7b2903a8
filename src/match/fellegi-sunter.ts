/**
 * Fellegi–Sunter scoring. Each comparison level has m = P(level | one person) and u = P(level | two
 * people); its weight is log2(m / u), a missing value weighs 0. The total is the prior weight
 * log2(λ / (1 − λ)) — λ the chance that two records picked at random are one person — plus the
 * comparisons' weights, and the match probability is 2^total / (1 + 2^total). Two thresholds on
 * that probability decide: link, review, or new person. Every decision can be explained.
 */
import { NULL_LEVEL } from './compare/comparator.ts';
import type { CompiledRules } from './match-rules.ts';

export type Decision = 'link' | 'review' | 'new';
/** What decided: the citizen ID number rule, the score, or a better candidate for the same record. */
export type DecidedBy = 'citizen-id' | 'score' | 'outranked';
/** Where a comparison's m and u came from. */
export type Provenance = 'configured' | 'estimated';

export interface FsModel {
  readonly compiled: CompiledRules;
  /** Per comparison, per level (the rule's order). */
  readonly m: readonly (readonly number[])[];
  readonly u: readonly (readonly number[])[];
  readonly weights: readonly Float64Array[];
  readonly mSource: readonly Provenance[];
  readonly uSource: readonly Provenance[];
  /** Probability that two records picked at random are one person. */
  readonly lambda: number;
  readonly lambdaSource: Provenance;
  readonly priorWeight: number;
  readonly linkWeight: number;
  readonly reviewWeight: number;
}

export function log2Odds(p: number): number {
  return Math.log2(p / (1 - p));
}

export function probabilityOf(weight: number): number {
  const x = 2 ** weight;
  return Number.isFinite(x) ? x / (1 + x) : 1;
}

/** λ from the configured prior: matches per record spread over the records it could match. */
export function configuredLambda(compiled: CompiledRules, otherRecords: number): number {
  return clampLambda(compiled.rules.prior.matchesPerRecord / Math.max(1, otherRecords));
}

export function clampLambda(lambda: number): number {
  return Math.min(0.5, Math.max(1e-12, lambda));
}

export function buildModel(
  compiled: CompiledRules,
  m: readonly (readonly number[])[],
  u: readonly (readonly number[])[],
  lambda: number,
  sources: { readonly m?: readonly Provenance[]; readonly u?: readonly Provenance[]; readonly lambda?: Provenance } = {},
): FsModel {
  const weights = compiled.comparisons.map((_, c) => Float64Array.from(m[c] ?? [], (mv, l) => Math.log2(mv / (u[c]?.[l] ?? 1))));
  const { link, review } = compiled.rules.thresholds;
  const configured = compiled.comparisons.map((): Provenance => 'configured');
  return {
    compiled,
    m,
    u,
    weights,
    mSource: sources.m ?? configured,
    uSource: sources.u ?? configured,
    lambda: clampLambda(lambda),
    lambdaSource: sources.lambda ?? 'configured',
    priorWeight: log2Odds(clampLambda(lambda)),
    linkWeight: log2Odds(link),
    reviewWeight: log2Odds(review),
  };
}

/** The model of the rule file as written: configured m, u and prior. */
export function configuredModel(compiled: CompiledRules, otherRecords: number): FsModel {
  return buildModel(
    compiled,
    compiled.rules.comparisons.map((c) => c.levels.map((l) => l.m)),
    compiled.rules.comparisons.map((c) => c.levels.map((l) => l.u)),
    configuredLambda(compiled, otherRecords),
  );
}

/** The same m and u with another prior (the pair space changed: another file, another registry size). */
export function withLambda(model: FsModel, lambda: number, source: Provenance): FsModel {
  return buildModel(model.compiled, model.m, model.u, lambda, { m: model.mSource, u: model.uSource, lambda: source });
}

/** Total weight of a comparison vector (levels in rule order, NULL_LEVEL for missing). */
export function totalWeight(model: FsModel, levels: ArrayLike<number>, offset = 0): number {
  let total = model.priorWeight;
  const w = model.weights;
  for (let c = 0; c < w.length; c++) {
    const l = levels[offset + c] ?? NULL_LEVEL;
    if (l !== NULL_LEVEL) total += w[c]?.[l] ?? 0;
  }
  return total;
}

export function decide(model: FsModel, total: number): Decision {
  return total >= model.linkWeight ? 'link' : total >= model.reviewWeight ? 'review' : 'new';
}

export interface ComparisonExplanation {
  readonly id: string;
  readonly comparator: string;
  /** The level that held; null when either record lacks the data. */
  readonly level: string | null;
  readonly m: number | null;
  readonly u: number | null;
  /** log2(m / u), with the term-frequency adjustment when there is one. */
  readonly weight: number;
  readonly source: Provenance;
  /** For exact agreement on a value with term-frequency adjustment: its share of the records and the change it made. */
  readonly termFrequency?: { readonly share: number; readonly adjustment: number };
}

export interface Explanation {
  readonly rules: { readonly id: string; readonly version: number };
  readonly comparisons: readonly ComparisonExplanation[];
  readonly priorWeight: number;
  /** priorWeight + the comparisons' weights. */
  readonly total: number;
  readonly probability: number;
  readonly thresholds: {
    readonly link: { readonly probability: number; readonly weight: number };
    readonly review: { readonly probability: number; readonly weight: number };
  };
  readonly decision: Decision;
  readonly decidedBy: DecidedBy;
  /** Why, in words, when the score alone did not decide. */
  readonly note?: string;
}

export interface ExplainOptions {
  readonly offset?: number;
  /** A decision the score did not make (the citizen ID rule, a better candidate), with its reason. */
  readonly override?: { readonly decision: Decision; readonly decidedBy: DecidedBy; readonly note: string };
  /** Term-frequency adjustment of comparison c, when it applies to this pair. */
  readonly adjust?: (c: number) => { readonly share: number; readonly adjustment: number } | undefined;
}

export function explainLevels(model: FsModel, levels: ArrayLike<number>, options: ExplainOptions = {}): Explanation {
  const offset = options.offset ?? 0;
  const override = options.override;
  const comparisons = model.compiled.comparisons.map((c, k): ComparisonExplanation => {
    const l = levels[offset + k] ?? NULL_LEVEL;
    const isNull = l === NULL_LEVEL;
    const tf = isNull ? undefined : options.adjust?.(k);
    return {
      id: c.spec.id,
      comparator: c.spec.comparator,
      level: isNull ? null : (c.comparator.levels[l] ?? null),
      m: isNull ? null : (model.m[k]?.[l] ?? null),
      u: isNull ? null : (model.u[k]?.[l] ?? null),
      weight: isNull ? 0 : (model.weights[k]?.[l] ?? 0) + (tf?.adjustment ?? 0),
      source: model.mSource[k] ?? 'configured',
      ...(tf ? { termFrequency: tf } : {}),
    };
  });
  const total = comparisons.reduce((s, c) => s + c.weight, model.priorWeight);
  const { link, review } = model.compiled.rules.thresholds;
  return {
    rules: { id: model.compiled.rules.id, version: model.compiled.rules.version },
    comparisons,
    priorWeight: model.priorWeight,
    total,
    probability: probabilityOf(total),
    thresholds: { link: { probability: link, weight: model.linkWeight }, review: { probability: review, weight: model.reviewWeight } },
    decision: override?.decision ?? decide(model, total),
    decidedBy: override?.decidedBy ?? 'score',
    ...(override ? { note: override.note } : {}),
  };
}

/** One line per comparison and the total, for a terminal or a log (no names or numbers in it). */
export function formatExplanation(e: Explanation): string {
  const lines = e.comparisons.map(
    (c) =>
      `  ${c.id.padEnd(14)} ${(c.level ?? '(missing)').padEnd(18)} ${c.weight >= 0 ? '+' : ''}${c.weight.toFixed(2)}${c.termFrequency ? ` (value share ${c.termFrequency.share.toExponential(1)}, ${c.termFrequency.adjustment >= 0 ? '+' : ''}${c.termFrequency.adjustment.toFixed(2)})` : ''}`,
  );
  return [
    `  ${'prior'.padEnd(14)} ${''.padEnd(18)} ${e.priorWeight.toFixed(2)}`,
    ...lines,
    `  ${'total'.padEnd(14)} ${`p = ${e.probability.toFixed(4)}`.padEnd(18)} ${e.total.toFixed(2)}`,
    `  decision: ${e.decision} (${e.decidedBy}; link ≥ ${e.thresholds.link.weight.toFixed(2)}, review ≥ ${e.thresholds.review.weight.toFixed(2)})${e.note ? ` — ${e.note}` : ''}`,
  ].join('\n');
}
