/**
 * The shape every comparator has. A comparator turns two records into an agreement LEVEL (not just
 * a score): its levels are ordered from the strongest agreement to 'else' (disagreement), and a
 * comparison reports the first level that holds. Missing data gives no level (NULL_LEVEL), so it
 * weighs nothing either way. A rule file may leave levels out: those tests are then skipped.
 */
import type { FieldName, MatchRecord } from '../match-record.ts';

/** The level index of a comparison where either side lacks the data. */
export const NULL_LEVEL = 255;

export type ComparatorOptions = Readonly<Record<string, number | string | boolean>>;

export interface Comparator<P = unknown> {
  readonly kind: string;
  /** The enabled levels, strongest first; the last is always 'else'. */
  readonly levels: readonly string[];
  /** Record fields read (for telling which comparisons a blocking rule depends on). */
  readonly fields: readonly FieldName[];
  /** What the comparator needs from one record, computed once; undefined when the data is missing. */
  prepare(record: MatchRecord): P | undefined;
  /** The index in `levels` of the first level that holds for a and b. */
  compare(a: P, b: P): number;
  /** When level 0 holds exactly when these keys are equal (exact value agreement), its key. */
  exactKey?(p: P): string;
}

export interface ComparatorKind {
  readonly kind: string;
  /** Every level the kind knows, strongest first, ending with 'else'. */
  readonly allLevels: readonly string[];
  readonly description: string;
  create(enabled: readonly string[], options: ComparatorOptions, field: FieldName | undefined): Comparator;
}

/**
 * Helper for comparators: `on[k]` says whether canonical level k is enabled, `index[k]` where it sits
 * in the rule's list. The rule's levels must be a subset of the canonical ones, in canonical order,
 * ending with 'else'.
 */
export function levelTable(kind: string, all: readonly string[], enabled: readonly string[]): { on: boolean[]; index: number[] } {
  const on = all.map((l) => enabled.includes(l));
  const index = all.map((l) => enabled.indexOf(l));
  let last = -1;
  for (const l of enabled) {
    const k = all.indexOf(l);
    if (k < 0) throw new Error(`comparator ${kind} has no level "${l}" (it has ${all.join(', ')})`);
    if (k <= last) throw new Error(`comparator ${kind}: levels must follow the order ${all.join(', ')}`);
    last = k;
  }
  if (enabled[enabled.length - 1] !== 'else') throw new Error(`comparator ${kind}: the last level must be "else"`);
  return { on, index };
}

export function numberOption(options: ComparatorOptions, name: string, fallback: number): number {
  const v = options[name];
  return typeof v === 'number' ? v : fallback;
}
