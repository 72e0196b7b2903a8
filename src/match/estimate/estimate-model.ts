/**
 * Estimating a model from the data: u from random pairs, m by EM sessions over the candidate pairs,
 * λ (the chance that two random records match) from the candidate pairs once m and u are known.
 * Every part that fails its guard falls back to the rule file's configured values, and the report
 * says which and why — unsupervised EM can collapse (on data with only name, town and postcode it
 * will happily call every pair from the same town a match), and a collapsed model must never decide.
 */
import { NULL_LEVEL } from '../compare/comparator.ts';
import type { CandidatePairs } from '../block/candidate-pairs.ts';
import type { PreparedRecords } from '../comparison-vectors.ts';
import { buildModel, clampLambda, configuredLambda, type FsModel, type Provenance } from '../fellegi-sunter.ts';
import type { CompiledRules, EmSettings } from '../match-rules.ts';
import { runSession, type SessionReport } from './m-estimate.ts';
import { estimateU } from './u-estimate.ts';

export interface LambdaReport {
  readonly estimated: number;
  readonly expectedMatches: number;
  readonly accepted: boolean;
  readonly reason: string | undefined;
}

export interface EstimationReport {
  readonly randomPairs: number;
  readonly sessions: readonly SessionReport[];
  readonly lambda: LambdaReport;
  /** Comparisons whose m stayed configured (no accepted session covered them, or theirs was not sane). */
  readonly configuredM: readonly string[];
  /** True when any guard refused an estimate and configured values were used instead. */
  readonly guardTriggered: boolean;
  readonly reasons: readonly string[];
}

export interface EstimationInput {
  readonly compiled: CompiledRules;
  readonly left: PreparedRecords;
  /** undefined for dedup. */
  readonly right: PreparedRecords | undefined;
  readonly pairs: CandidatePairs;
  readonly levels: Uint8Array;
  readonly settings?: EmSettings;
}

/** Expected matches among all pairs, by a fixed point over the candidate pairs' Bayes factors. */
function estimateMatches(model: FsModel, levels: Uint8Array, count: number, allPairs: number, start: number): number {
  const C = model.weights.length;
  const histogram = new Map<number, number>();
  for (let k = 0; k < count; k++) {
    let w = 0;
    for (let c = 0; c < C; c++) {
      const l = levels[k * C + c] ?? NULL_LEVEL;
      if (l !== NULL_LEVEL) w += model.weights[c]?.[l] ?? 0;
    }
    histogram.set(w, (histogram.get(w) ?? 0) + 1);
  }
  let M = start;
  for (let it = 0; it < 100; it++) {
    const lambda = clampLambda(M / allPairs);
    const prior = Math.log2(lambda / (1 - lambda));
    let next = 0;
    for (const [w, n] of histogram) next += n / (1 + 2 ** -(prior + w));
    if (Math.abs(next - M) < 1e-3 * Math.max(1, M)) return next;
    M = next;
  }
  return M;
}

export function estimateModel(input: EstimationInput): { model: FsModel; report: EstimationReport } {
  const { compiled, left, right, pairs, levels } = input;
  const settings = input.settings ?? compiled.rules.em;
  const nLeft = left[0]?.length ?? 0;
  const nRight = right === undefined ? nLeft : (right[0]?.length ?? 0);
  const records = right === undefined ? nLeft : Math.min(nLeft, nRight);
  const otherRecords = right === undefined ? nLeft - 1 : nLeft;
  const reasons: string[] = [];

  const uEst = estimateU(compiled, left, right, settings.randomPairs, settings.seed);
  const sessions = compiled.blocking.map((_, r) => runSession({ compiled, pairs, levels, u: uEst.u, records, settings }, r));

  const combine = (list: readonly SessionReport[]): { m: number[][]; mSource: Provenance[]; configuredM: string[]; notes: string[] } => {
    const m: number[][] = [];
    const mSource: Provenance[] = [];
    const configuredM: string[] = [];
    const notes: string[] = [];
    compiled.comparisons.forEach((comparison, c) => {
      const configured = comparison.spec.levels.map((l) => l.m);
      const L = configured.length;
      const sum = new Array<number>(L).fill(0);
      let weight = 0;
      for (const s of list) {
        const row = s.m[c];
        const support = s.support[c] ?? 0;
        if (!s.accepted || row === undefined || support < 5) continue;
        for (let l = 0; l < L; l++) sum[l] = (sum[l] ?? 0) + (row[l] ?? 0) * support;
        weight += support;
      }
      const estimated = weight > 0 ? sum.map((x) => x / weight) : undefined;
      const u = uEst.u[c] ?? [];
      // A comparison whose estimated match class agrees less than chance, or disagrees more, is not sane.
      const sane =
        estimated !== undefined && (!settings.guard || ((estimated[0] ?? 0) > (u[0] ?? 1) && (estimated[L - 1] ?? 1) < (u[L - 1] ?? 0)));
      if (estimated !== undefined && !sane)
        notes.push(
          `comparison ${comparison.spec.id}: estimated m is not above u at its strongest level and below it at 'else'; configured m used`,
        );
      if (sane) {
        m.push(estimated);
        mSource.push('estimated');
      } else {
        m.push(configured);
        mSource.push('configured');
        configuredM.push(comparison.spec.id);
      }
    });
    return { m, mSource, configuredM, notes };
  };

  const { m, mSource, configuredM, notes } = combine(sessions);
  // A rule that produced no pairs (its fields are absent from these files) is no warning.
  for (const s of sessions)
    if (!s.accepted && s.pairs > 0) reasons.push(`EM session on blocking rule ${s.blockingRule} refused: ${s.reasons.join('; ')}`);
  reasons.push(...notes);

  const start = configuredLambda(compiled, otherRecords) * pairs.report.allPairs;
  const provisional = buildModel(compiled, m, uEst.u, start / Math.max(1, pairs.report.allPairs), { m: mSource, u: uEst.source });
  const expected = pairs.count > 0 ? estimateMatches(provisional, levels, pairs.count, pairs.report.allPairs, start) : 0;
  const maxMatches = settings.maxMatchesPerRecord * records;
  let lambdaReason: string | undefined;
  if (!settings.guard) lambdaReason = expected > 0 ? undefined : 'the model implies no matches';
  else if (expected > maxMatches)
    lambdaReason = `the model implies ${Math.round(expected)} matches, more than ${settings.maxMatchesPerRecord} per record (${Math.round(maxMatches)})`;
  else if (expected <= 0) lambdaReason = 'the model implies no matches';
  if (lambdaReason) reasons.push(`λ refused: ${lambdaReason}; configured prior used`);
  const lambda = lambdaReason ? configuredLambda(compiled, otherRecords) : expected / pairs.report.allPairs;
  const model = buildModel(compiled, m, uEst.u, lambda, { m: mSource, u: uEst.source, lambda: lambdaReason ? 'configured' : 'estimated' });
  return {
    model,
    report: {
      randomPairs: uEst.randomPairs,
      sessions,
      lambda: {
        estimated: expected / Math.max(1, pairs.report.allPairs),
        expectedMatches: expected,
        accepted: lambdaReason === undefined,
        reason: lambdaReason,
      },
      configuredM,
      guardTriggered: reasons.length > 0,
      reasons,
    },
  };
}
