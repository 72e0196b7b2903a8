import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKinds, elementsRead, kindsOf, matches, type KindDefinition, type KindInput, type KindRule } from './kinds.ts';
import { ageOn } from './dates.ts';
import { seededRandom } from './random.ts';
import { loadKinds } from '../reference/kind-loader.ts';
import { loadElements } from '../reference/catalogue-loader.ts';
import { defaultDataDir } from '../reference/data-dir.ts';

const shipped = loadKinds(defaultDataDir());

/** The rules read as the catalogue states them, node by node: the oracle the compiled rules are checked against. */
function interpreted(rule: KindRule, input: KindInput): boolean {
  if ('all' in rule) return rule.all.every((r) => interpreted(r, input));
  if ('any' in rule) return rule.any.some((r) => interpreted(r, input));
  if ('not' in rule) return !interpreted(rule.not, input);
  if ('ageAtLeast' in rule || 'ageBelow' in rule) {
    const birth = input.values.get('person.birthDate');
    if (!birth) return false;
    const age = ageOn(birth, input.asOf);
    return 'ageAtLeast' in rule ? age >= rule.ageAtLeast : age < rule.ageBelow;
  }
  if ('value' in rule) {
    const v = input.values.get(rule.value.element);
    if (v === undefined) return false;
    if (rule.value.equals !== undefined) return v === rule.value.equals;
    return rule.value.in?.includes(v) ?? false;
  }
  return input.values.get(rule.asserted) === 'true';
}


const person = (values: Record<string, string>, asOf = '2026-11-27') => kindsOf(shipped, { values: new Map(Object.entries(values)), asOf });

describe('kinds of people', () => {
  test('the shipped kinds read only elements of the catalogue', () => {
    const ids = new Set(loadElements(defaultDataDir()).map((e) => e.id));
    assert.deepEqual(checkKinds(shipped, ids), []);
    assert.ok(shipped.length >= 20);
  });

  test('derived by age and sex on the reference date', () => {
    assert.deepEqual(person({ 'person.birthDate': '1946-11-28', 'person.sex': '1' }), ['elderly-60']);
    assert.deepEqual(person({ 'person.birthDate': '1946-11-27', 'person.sex': '1' }), ['elderly-60', 'elderly-80'], 'the 80th birthday counts');
    assert.deepEqual(person({ 'person.birthDate': '1990-01-01', 'person.sex': '2' }), ['women-15-49']);
    assert.deepEqual(person({ 'person.birthDate': '2006-01-01', 'person.sex': '1' }), ['militia-age', 'conscription-age']);
    assert.deepEqual(person({ 'person.birthDate': '2015-06-01', 'person.sex': '2' }), ['child']);
    assert.deepEqual(person({ 'person.sex': '2' }), [], 'no birth date, no age-derived kind');
  });

  test('asserted by the owning department, or read from its elements', () => {
    assert.ok(person({ 'kind.minimumIncome': 'true' }).includes('minimum-income'));
    assert.ok(!person({ 'kind.minimumIncome': 'false' }).includes('minimum-income'));
    assert.ok(person({ 'person.disabilityCategory': '4' }).includes('disabled'));
    assert.ok(person({ 'person.politicalStatus': '02' }).includes('party-member'));
    assert.deepEqual(person({ 'person.birthDate': '1950-01-01', 'kind.elderlyLivingAlone': 'true' }), ['elderly-60', 'elderly-living-alone']);
    assert.deepEqual(person({ 'person.birthDate': '1990-01-01', 'kind.elderlyLivingAlone': 'true', 'person.sex': '1' }), [], 'living alone is for the elderly only');
  });

  test('rules combine with all, any and not', () => {
    const defs: KindDefinition[] = [{ id: 'x', nameZh: 'x', nameEn: 'x', rule: { all: [{ not: { value: { element: 'person.sex', equals: '1' } } }, { any: [{ ageBelow: 10 }, { asserted: 'kind.militia' }] }] } }];
    assert.deepEqual(kindsOf(defs, { values: new Map([['person.sex', '2'], ['kind.militia', 'true']]), asOf: '2026-01-01' }), ['x']);
    assert.deepEqual(kindsOf(defs, { values: new Map([['person.sex', '1'], ['kind.militia', 'true']]), asOf: '2026-01-01' }), []);
  });

  test('compiled rules (kindsOf, matches) decide exactly as the rules read node by node, on seeded random persons and dates', () => {
    const next = seededRandom(2026);
    const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(next() * list.length)];
    const elements = elementsRead(shipped);
    const samples = ['true', 'false', '1', '2', '02', '4', '10', '20', '01', '13'];
    for (let i = 0; i < 3000; i++) {
      const values = new Map<string, string>();
      for (const e of elements) {
        if (next() < 0.4) continue;
        values.set(e, e === 'person.birthDate' ? `${1920 + Math.floor(next() * 105)}-${String(1 + Math.floor(next() * 12)).padStart(2, '0')}-15` : (pick(samples) ?? 'true'));
      }
      const asOf = `${2000 + Math.floor(next() * 27)}-0${1 + Math.floor(next() * 9)}-15`;
      const expected = shipped.filter((k) => interpreted(k.rule, { values, asOf })).map((k) => k.id);
      assert.deepEqual(kindsOf(shipped, { values, asOf }), expected, `case ${i}`);
      assert.deepEqual(shipped.filter((k) => matches(k.rule, { values, asOf })).map((k) => k.id), expected, `case ${i}: matches`);
    }
  });
});
