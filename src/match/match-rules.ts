/**
 * Match rules are versioned data (data/match-rules/*.json, like OpenCR's rules file): which
 * comparisons with which agreement levels and configured m/u probabilities, the blocking rules, the
 * prior, the two thresholds, whether EM may re-estimate the weights and the guards that keep it
 * honest. A changed rule is a new version; `previewRuleChange` shows what it would change.
 * `parseMatchRules` checks a parsed JSON document and fills defaults; `compileRules` builds it.
 */
import { PopulusError } from '../domain/errors.ts';
import { compileBlockingRule, MAX_BLOCKING_RULES, type BlockingRule, type BlockingRuleSpec } from './block/candidate-pairs.ts';
import type { Comparator, ComparatorOptions } from './compare/comparator.ts';
import { COMPARATOR_KINDS } from './compare/comparator-kinds.ts';

export interface LevelSpec {
  readonly level: string;
  /** P(level | the records are one person). */
  readonly m: number;
  /** P(level | they are two people). */
  readonly u: number;
}

export interface ComparisonSpec {
  readonly id: string;
  readonly comparator: string;
  /** The record field, for comparators that read one field (string, code, exact; others have defaults). */
  readonly field?: string;
  readonly options?: ComparatorOptions;
  readonly levels: readonly LevelSpec[];
  /**
   * Adjust the weight of exact agreement by how common the value is (a shared rare surname says
   * more than a shared 张伟): u becomes the value's share of the records instead of the average.
   */
  readonly termFrequency?: boolean;
}

export interface EmSettings {
  readonly enabled: boolean;
  readonly maxIterations: number;
  /** Random pairs drawn to estimate u. */
  readonly randomPairs: number;
  /** Candidate pairs used per EM session (a sample when there are more). */
  readonly sessionPairs: number;
  /** Guard: the estimate is refused when it implies more matches than this per record. */
  readonly maxMatchesPerRecord: number;
  /** Guard: every comparison's strongest level must weigh at least this (log2), its 'else' at most maxElseWeight. */
  readonly minAgreeWeight: number;
  readonly maxElseWeight: number;
  readonly seed: number;
  /** The guards above are on (default). Off only to show what unguarded EM does. */
  readonly guard: boolean;
}

export interface MatchRules {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly comparisons: readonly ComparisonSpec[];
  readonly blocking: readonly BlockingRuleSpec[];
  /** Blocks with more records than this are skipped (and reported). */
  readonly maxBlockSize: number;
  /** Configured prior: how many true matches a record has, on average, among the other side. */
  readonly prior: { readonly matchesPerRecord: number };
  /** Match probabilities: at or above `link` link, at or above `review` review, else a new person. */
  readonly thresholds: { readonly link: number; readonly review: number };
  /** A valid citizen ID number, equal on both sides and agreeing with both records, links without scoring. */
  readonly citizenIdLinks: boolean;
  /** Linking two files: each record of the second links to at most one of the first (the best). */
  readonly oneLinkPerRecord: boolean;
  readonly em: EmSettings;
}

export interface CompiledComparison {
  readonly spec: ComparisonSpec;
  readonly comparator: Comparator;
}

export interface CompiledRules {
  readonly rules: MatchRules;
  readonly comparisons: readonly CompiledComparison[];
  readonly blocking: readonly BlockingRule[];
}

const DEFAULT_EM: EmSettings = {
  enabled: true,
  maxIterations: 40,
  randomPairs: 10_000,
  sessionPairs: 200_000,
  maxMatchesPerRecord: 12,
  minAgreeWeight: 1,
  maxElseWeight: -1,
  seed: 1,
  guard: true,
};

function bad(where: string, message: string): never {
  throw new PopulusError('INVALID_PROFILE', `match rules: ${where}: ${message}`, { where });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') bad(where, `"${key}" must be a non-empty string`);
  return v;
}

function num(o: Record<string, unknown>, key: string, where: string, fallback?: number): number {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(where, `"${key}" must be a number`);
  return v;
}

function probability(v: number, where: string): number {
  if (!(v > 0 && v < 1)) bad(where, `${v} is not a probability strictly between 0 and 1`);
  return v;
}

function parseComparison(raw: unknown, i: number): ComparisonSpec {
  const where = `comparisons[${i}]`;
  if (!isObject(raw)) bad(where, 'must be an object');
  const id = str(raw, 'id', where);
  const comparator = str(raw, 'comparator', `${where} (${id})`);
  const kind = COMPARATOR_KINDS.get(comparator);
  if (!kind) bad(`${where} (${id})`, `unknown comparator "${comparator}" (known: ${[...COMPARATOR_KINDS.keys()].join(', ')})`);
  if (!Array.isArray(raw['levels']) || raw['levels'].length < 2)
    bad(`${where} (${id})`, '"levels" must list at least two levels, ending with "else"');
  const levels = (raw['levels'] as unknown[]).map((l, k) => {
    const lw = `${where} (${id}).levels[${k}]`;
    if (!isObject(l)) bad(lw, 'must be an object');
    return { level: str(l, 'level', lw), m: probability(num(l, 'm', lw), `${lw}.m`), u: probability(num(l, 'u', lw), `${lw}.u`) };
  });
  for (const key of ['m', 'u'] as const) {
    const sum = levels.reduce((s, l) => s + l[key], 0);
    if (Math.abs(sum - 1) > 0.02) bad(`${where} (${id})`, `the levels' ${key} add up to ${sum.toFixed(4)}, not 1`);
  }
  const mSum = levels.reduce((s, l) => s + l.m, 0);
  const uSum = levels.reduce((s, l) => s + l.u, 0);
  const normalised = levels.map((l) => ({ level: l.level, m: l.m / mSum, u: l.u / uSum }));
  const field = raw['field'];
  if (field !== undefined && typeof field !== 'string') bad(`${where} (${id})`, '"field" must be a string');
  const options = raw['options'];
  if (options !== undefined && !isObject(options)) bad(`${where} (${id})`, '"options" must be an object');
  return {
    id,
    comparator,
    ...(typeof field === 'string' ? { field } : {}),
    ...(options ? { options: options as ComparatorOptions } : {}),
    levels: normalised,
    ...(raw['termFrequency'] === true ? { termFrequency: true } : {}),
  };
}

function parseBlocking(raw: unknown, i: number): BlockingRuleSpec {
  const where = `blocking[${i}]`;
  if (!isObject(raw)) bad(where, 'must be an object');
  const id = str(raw, 'id', where);
  const sn = raw['sortedNeighbourhood'];
  if (isObject(sn))
    return {
      id,
      sortedNeighbourhood: {
        key: str(sn, 'key', `${where}.sortedNeighbourhood`),
        window: num(sn, 'window', `${where}.sortedNeighbourhood`),
      },
    };
  const keys = raw['keys'];
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string'))
    bad(`${where} (${id})`, '"keys" must be a non-empty list of key expressions');
  return { id, keys: keys as string[] };
}

/** Checks a parsed rule file and fills defaults; throws INVALID_PROFILE with the place of the fault. */
export function parseMatchRules(raw: unknown): MatchRules {
  if (!isObject(raw)) bad('(file)', 'must be a JSON object');
  const id = str(raw, 'id', '(file)');
  const version = num(raw, 'version', '(file)');
  if (!Number.isInteger(version) || version < 1) bad('version', 'must be a positive integer');
  if (!Array.isArray(raw['comparisons']) || raw['comparisons'].length === 0) bad('comparisons', 'must be a non-empty list');
  const comparisons = (raw['comparisons'] as unknown[]).map(parseComparison);
  const ids = new Set<string>();
  for (const c of comparisons) {
    if (ids.has(c.id)) bad('comparisons', `the id "${c.id}" is used twice`);
    ids.add(c.id);
  }
  if (!Array.isArray(raw['blocking']) || raw['blocking'].length === 0) bad('blocking', 'must be a non-empty list');
  const blocking = (raw['blocking'] as unknown[]).map(parseBlocking);
  if (blocking.length > MAX_BLOCKING_RULES) bad('blocking', `at most ${MAX_BLOCKING_RULES} rules`);
  const thresholds = isObject(raw['thresholds']) ? raw['thresholds'] : bad('thresholds', 'must be an object with link and review');
  const link = probability(num(thresholds, 'link', 'thresholds'), 'thresholds.link');
  const review = probability(num(thresholds, 'review', 'thresholds'), 'thresholds.review');
  if (review > link) bad('thresholds', 'review must not be above link');
  const prior = isObject(raw['prior']) ? raw['prior'] : {};
  const matchesPerRecord = num(prior, 'matchesPerRecord', 'prior', 0.5);
  if (!(matchesPerRecord > 0)) bad('prior.matchesPerRecord', 'must be positive');
  const emRaw = isObject(raw['em']) ? raw['em'] : {};
  const em: EmSettings = {
    enabled: typeof emRaw['enabled'] === 'boolean' ? emRaw['enabled'] : DEFAULT_EM.enabled,
    maxIterations: num(emRaw, 'maxIterations', 'em', DEFAULT_EM.maxIterations),
    randomPairs: num(emRaw, 'randomPairs', 'em', DEFAULT_EM.randomPairs),
    sessionPairs: num(emRaw, 'sessionPairs', 'em', DEFAULT_EM.sessionPairs),
    maxMatchesPerRecord: num(emRaw, 'maxMatchesPerRecord', 'em', DEFAULT_EM.maxMatchesPerRecord),
    minAgreeWeight: num(emRaw, 'minAgreeWeight', 'em', DEFAULT_EM.minAgreeWeight),
    maxElseWeight: num(emRaw, 'maxElseWeight', 'em', DEFAULT_EM.maxElseWeight),
    seed: num(emRaw, 'seed', 'em', DEFAULT_EM.seed),
    guard: emRaw['guard'] !== false,
  };
  const rules: MatchRules = {
    id,
    version,
    description: typeof raw['description'] === 'string' ? raw['description'] : '',
    comparisons,
    blocking,
    maxBlockSize: num(raw, 'maxBlockSize', '(file)', 1000),
    prior: { matchesPerRecord },
    thresholds: { link, review },
    citizenIdLinks: raw['citizenIdLinks'] === true,
    oneLinkPerRecord: raw['oneLinkPerRecord'] !== false,
    em,
  };
  compileRules(rules);
  return rules;
}

/** Builds the comparators and blocking rules; throws INVALID_PROFILE when a part does not fit. */
export function compileRules(rules: MatchRules): CompiledRules {
  const comparisons = rules.comparisons.map((spec) => {
    const kind = COMPARATOR_KINDS.get(spec.comparator);
    if (!kind) bad(spec.id, `unknown comparator "${spec.comparator}"`);
    try {
      return {
        spec,
        comparator: kind.create(
          spec.levels.map((l) => l.level),
          spec.options ?? {},
          spec.field,
        ),
      };
    } catch (e) {
      return bad(`comparison ${spec.id}`, (e as Error).message);
    }
  });
  const blocking = rules.blocking.map((spec) => {
    try {
      return compileBlockingRule(spec);
    } catch (e) {
      return bad(`blocking ${spec.id}`, (e as Error).message);
    }
  });
  return { rules, comparisons, blocking };
}

/** A copy of the rules without the comparisons (and blocking rules) that read any of these fields. */
export function withoutFields(rules: MatchRules, fields: readonly string[]): MatchRules {
  const compiled = compileRules(rules);
  const drop = new Set(fields);
  // A comparison goes when its main field (the first it reads) goes.
  const comparisons = compiled.comparisons.filter((c) => !drop.has(c.comparator.fields[0] ?? '')).map((c) => c.spec);
  const blocking = compiled.blocking.filter((b) => !b.fields.some((f) => drop.has(f)));
  const keptBlocking = rules.blocking.filter((s) => blocking.some((b) => b.id === s.id));
  return { ...rules, comparisons, blocking: keptBlocking };
}
