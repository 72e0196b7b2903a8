/**
 * The matching engine end to end: prepare every record once, block, compare the candidate pairs,
 * estimate the model (or take the rule file's), score, decide — and explain any pair on demand.
 * Dedup finds pairs within one list; link finds pairs between two (left: the reference, e.g. the
 * registry; right: the incoming records). Results are columnar so that millions of pairs stay cheap.
 */
import { candidatePairs, type BlockingReport } from './block/candidate-pairs.ts';
import { NULL_LEVEL } from './compare/comparator.ts';
import type { CitizenIdCheck } from './compare/identity-comparators.ts';
import { compareInto, levelMatrix, prepareRecords, type PreparedRecords } from './comparison-vectors.ts';
import { estimateModel, type EstimationReport } from './estimate/estimate-model.ts';
import {
  configuredLambda,
  configuredModel,
  explainLevels,
  probabilityOf,
  totalWeight,
  withLambda,
  type DecidedBy,
  type Decision,
  type Explanation,
  type FsModel,
} from './fellegi-sunter.ts';
import type { MatchRecord } from './match-record.ts';
import { adjustment, termFrequencies } from './term-frequency.ts';
import { compileRules, type CompiledRules, type MatchRules } from './match-rules.ts';

export type LinkStage = 'prepare' | 'block' | 'compare' | 'estimate' | 'decide';

export interface LinkOptions {
  /** Estimate m, u and λ by EM (default: the rule file's em.enabled). */
  readonly estimate?: boolean;
  /** Use this model's m and u (a model estimated before); λ is re-derived for these files. */
  readonly model?: FsModel;
  readonly onProgress?: (stage: LinkStage, done: number, total: number) => void;
  /**
   * The number of records each record could match, that the configured prior is spread over
   * (default: the other side's size). The registry's matcher passes the registry's size: its left
   * side is a set of candidates already chosen by birth date or name, not the population.
   */
  readonly otherRecords?: number;
}

export interface ScoredPair {
  readonly left: number;
  readonly right: number;
  readonly weight: number;
  readonly probability: number;
  readonly decision: Decision;
  readonly decidedBy: DecidedBy;
}

const DECISIONS: readonly Decision[] = ['link', 'review', 'new'];
const DECIDERS: readonly DecidedBy[] = ['score', 'citizen-id', 'outranked'];

export interface LinkResult {
  readonly mode: 'dedup' | 'link';
  readonly compiled: CompiledRules;
  readonly model: FsModel;
  readonly blocking: BlockingReport;
  readonly estimation: EstimationReport | undefined;
  /** Candidate pairs compared. */
  readonly count: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly weight: Float64Array;
  /** Index into ['link', 'review', 'new'] and ['score', 'citizen-id', 'outranked']. */
  readonly decisionCode: Uint8Array;
  readonly decidedByCode: Uint8Array;
  /** count × comparisons levels, NULL_LEVEL where data was missing. */
  readonly levels: Uint8Array;
  readonly counts: Readonly<Record<Decision, number>>;
  pair(k: number): ScoredPair;
  levelNames(k: number): (string | null)[];
  explain(k: number): Explanation;
}

function citizenIdIndex(compiled: CompiledRules): number {
  if (!compiled.rules.citizenIdLinks) return -1;
  return compiled.comparisons.findIndex((c) => c.spec.comparator === 'citizenId' && c.comparator.levels[0] === 'exact');
}

/** Whether both numbers are valid, agree with their records and are equal: the exact link rule. */
export function citizenIdsLink(a: CitizenIdCheck | undefined, b: CitizenIdCheck | undefined): boolean {
  return a !== undefined && b !== undefined && a.consistent && b.consistent && a.number === b.number;
}

const OUTRANK_REVIEW_GAP = 2;

function run(rules: MatchRules, left: readonly MatchRecord[], right: readonly MatchRecord[] | undefined, options: LinkOptions): LinkResult {
  const compiled = options.model?.compiled ?? compileRules(rules);
  const progress = options.onProgress;
  const C = compiled.comparisons.length;
  progress?.('prepare', 0, left.length + (right?.length ?? 0));
  const prepLeft = prepareRecords(compiled, left);
  const prepRight: PreparedRecords | undefined = right === undefined ? undefined : prepareRecords(compiled, right);
  progress?.('prepare', left.length + (right?.length ?? 0), left.length + (right?.length ?? 0));
  const pairs = candidatePairs(compiled.blocking, left, right, compiled.rules.maxBlockSize);
  progress?.('block', pairs.count, pairs.count);
  const levels = levelMatrix(compiled, prepLeft, prepRight ?? prepLeft, pairs.left, pairs.right, (d, t) => progress?.('compare', d, t));
  const otherRecords = options.otherRecords ?? (right === undefined ? left.length - 1 : left.length);

  let model: FsModel;
  let estimation: EstimationReport | undefined;
  if (options.model) {
    // m and u carry over; λ belongs to a pair space, so it is re-derived for these files.
    model = withLambda(options.model, configuredLambda(compiled, otherRecords), 'configured');
  } else if (options.estimate ?? compiled.rules.em.enabled) {
    progress?.('estimate', 0, 1);
    const est = estimateModel({ compiled, left: prepLeft, right: prepRight, pairs, levels });
    model = est.model;
    estimation = est.report;
    progress?.('estimate', 1, 1);
  } else model = configuredModel(compiled, otherRecords);

  const tf = termFrequencies(compiled, prepLeft, prepRight);
  const tfKeys = compiled.comparisons.map((c) => c.comparator.exactKey as ((p: unknown) => string) | undefined);
  /** Term-frequency adjustment of comparison c for pair k, when it has one and the pair agrees exactly. */
  const adjust = (k: number, c: number): { share: number; adjustment: number } | undefined => {
    const table = tf[c];
    const key = tfKeys[c];
    if (table === undefined || key === undefined || levels[k * C + c] !== 0) return undefined;
    const value = prepLeft[c]?.[pairs.left[k] ?? 0];
    return value === undefined ? undefined : adjustment(table, key(value));
  };
  const tfComparisons = tf.flatMap((t, c) => (t === undefined ? [] : [c]));

  const n = pairs.count;
  const weight = new Float64Array(n);
  const decisionCode = new Uint8Array(n);
  const decidedByCode = new Uint8Array(n);
  const idIndex = citizenIdIndex(compiled);
  for (let k = 0; k < n; k++) {
    let w = totalWeight(model, levels, k * C);
    for (const c of tfComparisons) w += adjust(k, c)?.adjustment ?? 0;
    weight[k] = w;
    let d: Decision = w >= model.linkWeight ? 'link' : w >= model.reviewWeight ? 'review' : 'new';
    let by: DecidedBy = 'score';
    if (idIndex >= 0 && levels[k * C + idIndex] === 0) {
      const a = prepLeft[idIndex]?.[pairs.left[k] ?? 0] as CitizenIdCheck | undefined;
      const b = (prepRight ?? prepLeft)[idIndex]?.[pairs.right[k] ?? 0] as CitizenIdCheck | undefined;
      if (citizenIdsLink(a, b)) {
        d = 'link';
        by = 'citizen-id';
      }
    }
    decisionCode[k] = DECISIONS.indexOf(d);
    decidedByCode[k] = DECIDERS.indexOf(by);
  }

  if (right !== undefined && compiled.rules.oneLinkPerRecord) {
    // Each incoming record links to at most one reference record: the best; a close second goes to review.
    const best = new Int32Array(right.length).fill(-1);
    for (let k = 0; k < n; k++) {
      if (decisionCode[k] !== 0) continue;
      const j = pairs.right[k] ?? 0;
      const b = best[j] ?? -1;
      const better =
        b < 0 ||
        (decidedByCode[k] === 1 && decidedByCode[b] !== 1) ||
        ((decidedByCode[k] === 1) === (decidedByCode[b] === 1) && (weight[k] ?? 0) > (weight[b] ?? 0));
      if (better) best[j] = k;
    }
    for (let k = 0; k < n; k++) {
      if (decisionCode[k] !== 0) continue;
      const b = best[pairs.right[k] ?? 0] ?? -1;
      if (b === k) continue;
      decisionCode[k] = (weight[b] ?? 0) - (weight[k] ?? 0) < OUTRANK_REVIEW_GAP ? 1 : 2;
      decidedByCode[k] = 2;
    }
  }
  const counts = { link: 0, review: 0, new: 0 };
  for (let k = 0; k < n; k++) counts[DECISIONS[decisionCode[k] ?? 2] ?? 'new']++;
  progress?.('decide', n, n);

  const pair = (k: number): ScoredPair => ({
    left: pairs.left[k] ?? -1,
    right: pairs.right[k] ?? -1,
    weight: weight[k] ?? 0,
    probability: probabilityOf(weight[k] ?? 0),
    decision: DECISIONS[decisionCode[k] ?? 2] ?? 'new',
    decidedBy: DECIDERS[decidedByCode[k] ?? 0] ?? 'score',
  });
  return {
    mode: right === undefined ? 'dedup' : 'link',
    compiled,
    model,
    blocking: pairs.report,
    estimation,
    count: n,
    left: pairs.left,
    right: pairs.right,
    weight,
    decisionCode,
    decidedByCode,
    levels,
    counts,
    pair,
    levelNames: (k) =>
      compiled.comparisons.map((c, x) => {
        const l = levels[k * C + x] ?? NULL_LEVEL;
        return l === NULL_LEVEL ? null : (c.comparator.levels[l] ?? null);
      }),
    explain(k) {
      const p = pair(k);
      const note =
        p.decidedBy === 'citizen-id'
          ? 'both records carry the same valid citizen ID number, which agrees with their birth dates and sexes'
          : p.decidedBy === 'outranked'
            ? 'another candidate scored higher for the same record'
            : undefined;
      return explainLevels(model, levels, {
        offset: k * C,
        adjust: (c) => adjust(k, c),
        ...(note === undefined ? {} : { override: { decision: p.decision, decidedBy: p.decidedBy, note } }),
      });
    },
  };
}

/** Pairs within one list of records that are probably one person. */
export function deduplicate(rules: MatchRules, records: readonly MatchRecord[], options: LinkOptions = {}): LinkResult {
  return run(rules, records, undefined, options);
}

/** Pairs between a reference list (left) and incoming records (right). */
export function link(
  rules: MatchRules,
  left: readonly MatchRecord[],
  right: readonly MatchRecord[],
  options: LinkOptions = {},
): LinkResult {
  return run(rules, left, right, options);
}

/** One pair compared and explained (the import pipeline's path: one incoming record, a few candidates). */
export function explainPair(model: FsModel, a: MatchRecord, b: MatchRecord): Explanation {
  const compiled = model.compiled;
  const levels = new Uint8Array(compiled.comparisons.length);
  const prepA = prepareRecords(compiled, [a]);
  const prepB = prepareRecords(compiled, [b]);
  compareInto(compiled, prepA, prepB, 0, 0, levels, 0);
  const idIndex = citizenIdIndex(compiled);
  if (
    idIndex >= 0 &&
    levels[idIndex] === 0 &&
    citizenIdsLink(prepA[idIndex]?.[0] as CitizenIdCheck | undefined, prepB[idIndex]?.[0] as CitizenIdCheck | undefined)
  ) {
    return explainLevels(model, levels, {
      override: {
        decision: 'link',
        decidedBy: 'citizen-id',
        note: 'both records carry the same valid citizen ID number, which agrees with their birth dates and sexes',
      },
    });
  }
  return explainLevels(model, levels);
}
