/**
 * What a rule change would do, before it is made: the pairs decided under one rule version (or an
 * estimated model) are decided again under another, and every pair whose decision changes is listed
 * with both explanations — the re-evaluation of past links starts from this preview, never blind.
 */
import { configuredModel, explainLevels, type Decision, type Explanation, type FsModel } from './fellegi-sunter.ts';
import { NULL_LEVEL } from './compare/comparator.ts';
import { explainPair } from './linker.ts';
import type { MatchRecord } from './match-record.ts';
import { compileRules, type MatchRules } from './match-rules.ts';

export interface DecisionChange {
  /** Index of the pair in the input. */
  readonly index: number;
  readonly before: Explanation;
  readonly after: Explanation;
}

export interface RuleChangePreview {
  readonly before: { readonly id: string; readonly version: number };
  readonly after: { readonly id: string; readonly version: number };
  readonly pairs: number;
  /** How many pairs go from one decision to another ('link→review': 3); unchanged ones included ('link→link'). */
  readonly transitions: Readonly<Record<string, number>>;
  readonly changed: readonly DecisionChange[];
}

export function previewModelChange(
  before: FsModel,
  after: FsModel,
  pairs: readonly (readonly [MatchRecord, MatchRecord])[],
): RuleChangePreview {
  const transitions: Record<string, number> = {};
  const changed: DecisionChange[] = [];
  pairs.forEach(([a, b], index) => {
    const x = explainPair(before, a, b);
    const y = explainPair(after, a, b);
    const key = `${x.decision}→${y.decision}`;
    transitions[key] = (transitions[key] ?? 0) + 1;
    if (x.decision !== y.decision) changed.push({ index, before: x, after: y });
  });
  const name = (m: FsModel): { id: string; version: number } => ({ id: m.compiled.rules.id, version: m.compiled.rules.version });
  return { before: name(before), after: name(after), pairs: pairs.length, transitions, changed };
}

/**
 * Two rule versions with their configured weights, over the same pairs. `otherRecords` is the size of
 * the pair space the prior is spread over (the registry's persons, or the file's records).
 */
export function previewRuleChange(
  before: MatchRules,
  after: MatchRules,
  pairs: readonly (readonly [MatchRecord, MatchRecord])[],
  otherRecords: number,
): RuleChangePreview {
  return previewModelChange(configuredModel(compileRules(before), otherRecords), configuredModel(compileRules(after), otherRecords), pairs);
}

/** The number of pairs whose decision moves, by the decision they had. */
export function changedFrom(preview: RuleChangePreview, decision: Decision): number {
  return preview.changed.filter((c) => c.before.decision === decision).length;
}

/**
 * A past decision scored again under another model from its explanation alone: the levels each
 * comparison reached do not depend on the weights, so a rule file that changes m, u, the prior or
 * the thresholds (and keeps its comparisons and level names) decides exactly as it would on the
 * records. A comparison the explanation lacks counts as missing data; a level the new rules drop
 * counts as `else`. The citizen-ID rule's decision stands when the new rules keep that rule.
 */
export function rescoreExplanation(model: FsModel, old: Explanation): Explanation {
  const before = new Map(old.comparisons.map((c) => [c.id, c.level]));
  const levels = model.compiled.comparisons.map((c) => {
    const level = before.get(c.spec.id);
    if (level === undefined || level === null) return NULL_LEVEL;
    const i = c.comparator.levels.indexOf(level);
    return i >= 0 ? i : c.comparator.levels.length - 1;
  });
  if (old.decidedBy === 'citizen-id' && model.compiled.rules.citizenIdLinks) {
    return explainLevels(model, levels, { override: { decision: 'link', decidedBy: 'citizen-id', note: old.note ?? 'the same valid citizen ID number on both records' } });
  }
  return explainLevels(model, levels);
}

/** What a rule file would decide for past decisions known by their explanations (the registry's re-evaluation). */
export function previewExplanations(after: MatchRules, explanations: readonly Explanation[], otherRecords: number): RuleChangePreview {
  const model = configuredModel(compileRules(after), otherRecords);
  const transitions: Record<string, number> = {};
  const changed: DecisionChange[] = [];
  explanations.forEach((x, index) => {
    const y = rescoreExplanation(model, x);
    const key = `${x.decision}→${y.decision}`;
    transitions[key] = (transitions[key] ?? 0) + 1;
    if (x.decision !== y.decision) changed.push({ index, before: x, after: y });
  });
  const first = explanations[0]?.rules ?? { id: after.id, version: after.version };
  return { before: { id: first.id, version: first.version }, after: { id: after.id, version: after.version }, pairs: explanations.length, transitions, changed };
}
