import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  POPULATION_CATEGORIES,
  populationCategory,
  preferResidence,
  type CategoryResult,
  type IdentifierFact,
  type PopulationCategory,
  type ResidenceFact,
} from './population-category.ts';

/** The home street of these tests: 长宁区 310105, street 004; its committees are 310105004xxx. */
const HOME = '310105004';
const AS_OF = '2026-11-01';

const registered = (areaCode: string, validFrom: string | null = null, validTo: string | null = null): ResidenceFact => ({ kind: 'registered', areaCode, validFrom, validTo });
const actual = (areaCode: string, validFrom: string | null = null, validTo: string | null = null): ResidenceFact => ({ kind: 'actual', areaCode, validFrom, validTo });
const document = (type: string, issuingCountry: string, validFrom: string | null = null, validTo: string | null = null): IdentifierFact => ({ type, issuingCountry, validFrom, validTo });
const cnId = document('CN_ID', 'CHN');
const passport = (country: string, validFrom: string | null = null, validTo: string | null = null): IdentifierFact => document('PASSPORT', country, validFrom, validTo);

type Expected = PopulationCategory | 'outside' | 'undetermined';

interface Case {
  readonly name: string;
  readonly identifiers: readonly IdentifierFact[];
  readonly residences: readonly ResidenceFact[];
  readonly asOf?: string;
  readonly homeArea?: string;
  readonly expected: Expected;
}

function outcome(r: CategoryResult): Expected {
  if (r.status === 'determined') return r.category;
  assert.ok(r.reason.length > 0, 'an outside or undetermined result gives its reason');
  return r.status;
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    test(`${c.name} → ${c.expected}`, () => {
      const result = populationCategory({ homeArea: c.homeArea ?? HOME, asOf: c.asOf ?? AS_OF, identifiers: c.identifiers, residences: c.residences });
      assert.equal(outcome(result), c.expected);
    });
  }
}

const CATEGORIES: readonly Case[] = [
  { name: '人在户在: registered and living in committees of the home street', identifiers: [cnId], residences: [registered('310105004001'), actual('310105004002')], expected: 'RESIDENT_REGISTERED' },
  { name: '人在户在: registered at the street code itself', identifiers: [cnId], residences: [registered('310105004'), actual('310105004017')], expected: 'RESIDENT_REGISTERED' },
  { name: '人在户不在: registered in 徐汇 (310104), living here', identifiers: [cnId], residences: [registered('310104003001'), actual('310105004001')], expected: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' },
  { name: '人在户不在: registered in another street of the same district', identifiers: [cnId], residences: [registered('310105001002'), actual('310105004001')], expected: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' },
  { name: '外省市来沪: registered in 江苏 (320102), living here', identifiers: [cnId], residences: [registered('320102'), actual('310105004003')], expected: 'FROM_OTHER_PROVINCE' },
  { name: '外省市来沪: registered in 北京 (110101), living here', identifiers: [cnId], residences: [registered('110101001'), actual('310105004')], expected: 'FROM_OTHER_PROVINCE' },
  { name: '境外: a foreign passport, living here', identifiers: [passport('USA')], residences: [actual('310105004005')], expected: 'FROM_ABROAD' },
  { name: '户在人不在: registered here, living in 徐汇', identifiers: [cnId], residences: [registered('310105004001'), actual('310104003001')], expected: 'REGISTERED_ABSENT' },
  { name: '户在人不在: registered here, living in another province', identifiers: [cnId], residences: [registered('310105004001'), actual('320102')], expected: 'REGISTERED_ABSENT' },
];

const OUTSIDE_AND_UNDETERMINED: readonly Case[] = [
  { name: 'neither registered nor living here', identifiers: [cnId], residences: [registered('310104003001'), actual('310106011001')], expected: 'outside' },
  { name: 'no residences at all', identifiers: [cnId], residences: [], expected: 'outside' },
  { name: 'registered elsewhere, no actual residence', identifiers: [cnId], residences: [registered('320102')], expected: 'outside' },
  { name: 'a foreigner living elsewhere', identifiers: [passport('JPN')], residences: [actual('310104003001')], expected: 'outside' },
  { name: 'registered here, actual residence unknown', identifiers: [cnId], residences: [registered('310105004001')], expected: 'undetermined' },
  { name: 'a citizen living here with no registration recorded', identifiers: [cnId], residences: [actual('310105004001')], expected: 'undetermined' },
  { name: 'living here with no documents and no registration', identifiers: [], residences: [actual('310105004001')], expected: 'undetermined' },
];

describe('the five categories', () => {
  run(CATEGORIES);
  test('every category has a case', () => {
    const covered = new Set(CATEGORIES.map((c) => c.expected));
    for (const category of POPULATION_CATEGORIES) assert.ok(covered.has(category), `${category} has no case`);
  });
});

describe('outside the street and undetermined', () => {
  run(OUTSIDE_AND_UNDETERMINED);
});

describe('residence validity periods (validTo exclusive)', () => {
  const movedOut = [registered('310105004001', '1990-01-01'), actual('310105004001', '1990-01-01', '2025-06-01'), actual('310104003001', '2025-06-01')];
  const incomerLeft = [registered('320102', '2001-01-01'), actual('310105004009', '2019-03-01', '2025-06-01')];
  const registrationMoved = [registered('310105004001', '1980-01-01', '2024-01-01'), registered('310104003001', '2024-01-01'), actual('310105004001', '1980-01-01')];
  run([
    { name: 'registered here, the day before moving out', asOf: '2025-05-31', identifiers: [cnId], residences: movedOut, expected: 'RESIDENT_REGISTERED' },
    { name: 'registered here, on the day of moving out', asOf: '2025-06-01', identifiers: [cnId], residences: movedOut, expected: 'REGISTERED_ABSENT' },
    { name: 'registered here, a year after moving out', asOf: '2026-06-01', identifiers: [cnId], residences: movedOut, expected: 'REGISTERED_ABSENT' },
    { name: 'an incomer from 江苏 while living here', asOf: '2025-05-31', identifiers: [cnId], residences: incomerLeft, expected: 'FROM_OTHER_PROVINCE' },
    { name: 'an incomer from 江苏 after leaving', asOf: '2025-06-01', identifiers: [cnId], residences: incomerLeft, expected: 'outside' },
    { name: 'an incomer from 江苏 before arriving', asOf: '2019-02-28', identifiers: [cnId], residences: incomerLeft, expected: 'outside' },
    { name: 'registration moved to 徐汇 — before', asOf: '2023-12-31', identifiers: [cnId], residences: registrationMoved, expected: 'RESIDENT_REGISTERED' },
    { name: 'registration moved to 徐汇 — after', asOf: '2024-01-01', identifiers: [cnId], residences: registrationMoved, expected: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' },
    {
      name: 'two open actual residences: the later-starting one counts',
      identifiers: [cnId],
      residences: [registered('310105004001'), actual('310104003001', '2018-01-01'), actual('310105004002', '2023-05-01')],
      expected: 'RESIDENT_REGISTERED',
    },
    {
      name: 'an actual residence that starts after the reference date does not count yet',
      identifiers: [cnId],
      residences: [registered('310105004001'), actual('310104003001', '2018-01-01'), actual('310105004002', '2027-01-01')],
      expected: 'REGISTERED_ABSENT',
    },
  ]);
});

describe('foreigners and people from Hong Kong, Macao and Taiwan', () => {
  const here = [actual('310105004011', '2022-01-01')];
  run([
    { name: 'a German passport', identifiers: [passport('DEU')], residences: here, expected: 'FROM_ABROAD' },
    { name: 'a foreign passport and a registered address elsewhere on file', identifiers: [passport('KOR')], residences: [...here, registered('320102')], expected: 'FROM_ABROAD' },
    { name: 'a foreigner’s permanent residence ID card', identifiers: [document('FOREIGN_PERMANENT_RESIDENCE', 'CHN')], residences: here, expected: 'FROM_ABROAD' },
    { name: 'a Hong Kong / Macao travel permit', identifiers: [document('HKMO_PERMIT', 'CHN')], residences: here, expected: 'FROM_ABROAD' },
    { name: 'a Taiwan travel permit', identifiers: [document('TW_PERMIT', 'CHN')], residences: here, expected: 'FROM_ABROAD' },
    { name: 'a Hong Kong / Macao / Taiwan residence permit', identifiers: [document('HMT_RESIDENCE_PERMIT', 'CHN')], residences: here, expected: 'FROM_ABROAD' },
    { name: 'an expired foreign passport beside a valid one', identifiers: [passport('USA', '2010-01-01', '2020-01-01'), passport('USA', '2020-01-01', '2030-01-01')], residences: here, expected: 'FROM_ABROAD' },
    { name: 'a citizen with a Chinese passport, registered here', identifiers: [passport('CHN'), cnId], residences: [...here, registered('310105004003')], expected: 'RESIDENT_REGISTERED' },
    { name: 'a Chinese passport only, registered in 江苏', identifiers: [passport('CHN')], residences: [...here, registered('320102')], expected: 'FROM_OTHER_PROVINCE' },
    { name: 'a Chinese passport only, no registration: not from abroad, undetermined', identifiers: [passport('CHN')], residences: here, expected: 'undetermined' },
    { name: 'a citizen ID number beside a foreign passport: the citizen ID decides', identifiers: [cnId, passport('USA')], residences: [...here, registered('310104003001')], expected: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' },
  ]);
});

describe('province detection and the home area', () => {
  run([
    { name: 'registered 310104 (徐汇, county code only) is Shanghai', identifiers: [cnId], residences: [registered('310104'), actual('310105004001')], expected: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' },
    { name: 'registered 310230 (崇明县, a retired code) is Shanghai', identifiers: [cnId], residences: [registered('310230'), actual('310105004001')], expected: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' },
    { name: 'registered 320xxx (江苏) is another province', identifiers: [cnId], residences: [registered('320581'), actual('310105004001')], expected: 'FROM_OTHER_PROVINCE' },
    { name: 'registered 440305 (深圳) is another province', identifiers: [cnId], residences: [registered('440305'), actual('310105004001')], expected: 'FROM_OTHER_PROVINCE' },
    { name: 'every committee 310105004xxx is here', identifiers: [cnId], residences: [registered('310105004999'), actual('310105004100')], expected: 'RESIDENT_REGISTERED' },
    { name: 'a committee of a neighbouring street 310105005xxx is not here', identifiers: [cnId], residences: [registered('310105004001'), actual('310105005001')], expected: 'REGISTERED_ABSENT' },
    {
      name: 'another home area (a street of 江苏): 320xxx is local there and 310xxx is another province',
      homeArea: '320102001',
      identifiers: [cnId],
      residences: [registered('310105004001'), actual('320102001003')],
      expected: 'FROM_OTHER_PROVINCE',
    },
    {
      name: 'another home area (a street of 江苏): registered elsewhere in 江苏',
      homeArea: '320102001',
      identifiers: [cnId],
      residences: [registered('320581'), actual('320102001003')],
      expected: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL',
    },
  ]);
});

describe('facts known only to county level, and lapsed documents', () => {
  const run = (identifiers: IdentifierFact[], residences: ResidenceFact[]) => populationCategory({ homeArea: HOME, asOf: AS_OF, identifiers, residences });

  test('a residence known only to the district that contains the street is undetermined, not a guess', () => {
    assert.equal(run([cnId], [registered('310105'), actual('310105004001')]).status, 'undetermined');
    assert.equal(run([cnId], [registered('310105004001'), actual('310105')]).status, 'undetermined');
    // Another district is still a fact: registered in 徐汇, living here.
    assert.deepEqual(run([cnId], [registered('310104'), actual('310105004001')]), { status: 'determined', category: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' });
  });

  test('an expired foreign passport still marks its holder as from abroad', () => {
    assert.deepEqual(run([passport('USA', '2010-01-01', '2020-01-01')], [actual('310105004001')]), { status: 'determined', category: 'FROM_ABROAD' });
  });
});

describe('two residences of a kind starting the same day', () => {
  test('the same one counts whatever order they come in: the more precise area, then the smaller code', () => {
    const cn = [{ type: 'CN_ID', issuingCountry: 'CHN', validFrom: null, validTo: null }];
    const here = { kind: 'actual' as const, areaCode: '310105004003', validFrom: '2020-01-01', validTo: null };
    const district = { kind: 'actual' as const, areaCode: '310105', validFrom: '2020-01-01', validTo: null };
    const elsewhere = { kind: 'actual' as const, areaCode: '310104001001', validFrom: '2020-01-01', validTo: null };
    const registered = { kind: 'registered' as const, areaCode: '310105004001', validFrom: '2010-01-01', validTo: null };
    const of = (residences: ResidenceFact[]) => populationCategory({ homeArea: '310105004', asOf: '2024-12-31', identifiers: cn, residences });
    for (const order of [[here, district, elsewhere], [elsewhere, district, here], [district, elsewhere, here]]) {
      assert.deepEqual(of([registered, ...order]), of([registered, here, elsewhere, district]));
    }
    // 310104001001 < 310105004003: the smaller code wins the tie between two committees, so the person lives elsewhere.
    assert.equal(of([registered, here, elsewhere]).status, 'determined');
    assert.deepEqual(of([registered, here, elsewhere]), of([registered, elsewhere, here]));
    assert.equal(preferResidence(here, district), true);
    assert.equal(preferResidence(district, here), false);
    assert.equal(preferResidence({ ...here, validFrom: '2021-01-01' }, elsewhere), true);
  });
});
