/**
 * What a rule change would do, before it is made: the pairs decided under one rule version (or an
 * estimated model) are decided again under another, and every pair whose decision changes is listed
 * with both explanations — the re-evaluation of past links starts from this preview, never blind.
 */
import { configuredModel, type Decision, type Explanation, type FsModel } from './fellegi-sunter.ts';
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
