/**
 * The kinds of people the services care about (重点人群), as data: each kind is a rule over a
 * person's current values and age on a date. Some are derived (age 60+, women 15–49); others are
 * asserted by their owning department through a kind.* element its source reports (being in the
 * relief extract makes a minimum-income recipient, leaving it ends that). Pure.
 */
import { ageOn } from './dates.ts';

export type KindRule =
  | { readonly all: readonly KindRule[] }
  | { readonly any: readonly KindRule[] }
  | { readonly not: KindRule }
  | { readonly ageAtLeast: number }
  | { readonly ageBelow: number }
  | { readonly value: { readonly element: string; readonly equals?: string; readonly in?: readonly string[] } }
  | { readonly asserted: string };

export interface KindDefinition {
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly rule: KindRule;
}

export interface KindInput {
  /** Current values by element id. */
  readonly values: ReadonlyMap<string, string>;
  /** YYYY-MM-DD. */
  readonly asOf: string;
}

/** Whether a person belongs to a kind's rule on the date (the rule compiled once, as kindsOf uses it). */
export function matches(rule: KindRule, input: KindInput): boolean {
  return testOf(rule)({ values: input.values, asOf: input.asOf, age: undefined });
}

/** What a compiled rule reads of one person: the values, and the age on the date once worked out. */
interface Subject {
  readonly values: ReadonlyMap<string, string>;
  readonly asOf: string;
  /** undefined: not yet worked out; null: no birth date. */
  age: number | null | undefined;
}

function ageOf(s: Subject): number | null {
  if (s.age === undefined) {
    const birth = s.values.get('person.birthDate');
    s.age = birth ? ageOn(birth, s.asOf) : null;
  }
  return s.age;
}

/** A rule made into a function once: the shape of each node is decided when compiled, not per person. */
type Test = (s: Subject) => boolean;

function compile(rule: KindRule): Test {
  if ('all' in rule) {
    const parts = rule.all.map(compile);
    return (s) => parts.every((t) => t(s));
  }
  if ('any' in rule) {
    const parts = rule.any.map(compile);
    return (s) => parts.some((t) => t(s));
  }
  if ('not' in rule) {
    const inner = compile(rule.not);
    return (s) => !inner(s);
  }
  if ('ageAtLeast' in rule) {
    const min = rule.ageAtLeast;
    return (s) => {
      const a = ageOf(s);
      return a !== null && a >= min;
    };
  }
  if ('ageBelow' in rule) {
    const max = rule.ageBelow;
    return (s) => {
      const a = ageOf(s);
      return a !== null && a < max;
    };
  }
  if ('value' in rule) {
    const { element, equals } = rule.value;
    if (equals !== undefined) return (s) => s.values.get(element) === equals;
    const allowed = new Set(rule.value.in ?? []);
    return (s) => {
      const x = s.values.get(element);
      return x !== undefined && allowed.has(x);
    };
  }
  const asserted = rule.asserted;
  return (s) => s.values.get(asserted) === 'true';
}

const compiled = new WeakMap<KindRule, Test>();

/** A rule's compiled test, made on first use. */
function testOf(rule: KindRule): Test {
  let test = compiled.get(rule);
  if (!test) compiled.set(rule, (test = compile(rule)));
  return test;
}

/** The kinds a person belongs to on the date, in catalogue order (one subject for all the rules: the age worked out once). */
export function kindsOf(definitions: readonly KindDefinition[], input: KindInput): string[] {
  const subject: Subject = { values: input.values, asOf: input.asOf, age: undefined };
  const out: string[] = [];
  for (const k of definitions) if (testOf(k.rule)(subject)) out.push(k.id);
  return out;
}

/** The elements the rules read (to load only those). */
export function elementsRead(definitions: readonly KindDefinition[]): string[] {
  const out = new Set<string>(['person.birthDate']);
  const walk = (r: KindRule): void => {
    if ('all' in r) r.all.forEach(walk);
    else if ('any' in r) r.any.forEach(walk);
    else if ('not' in r) walk(r.not);
    else if ('value' in r) out.add(r.value.element);
    else if ('asserted' in r) out.add(r.asserted);
  };
  definitions.forEach((k) => walk(k.rule));
  return [...out];
}

/** Problems of a kinds file: unknown elements, malformed rules, duplicate ids. */
export function checkKinds(definitions: readonly KindDefinition[], elementIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const k of definitions) {
    if (seen.has(k.id)) problems.push(`kind ${k.id} is defined twice`);
    seen.add(k.id);
    for (const e of elementsRead([k])) if (!elementIds.has(e)) problems.push(`kind ${k.id} reads unknown element ${e}`);
  }
  return problems;
}
