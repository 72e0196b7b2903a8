import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forLog, grantedUnmask, maskKindOf, maskValue } from './masking.ts';
import { PersonViewFilter } from './person-view-filter.ts';
import type { DataElement } from '../domain/standard/types.ts';
import type { KindDefinition } from '../domain/kinds.ts';
import type { PersonValue } from '../domain/registry/types.ts';

function element(id: string, over: Partial<DataElement> = {}): DataElement {
  return { id, nameZh: id, nameEn: id, definition: '', valueType: 'string', codeTableId: null, sensitivity: 'internal', ownerDepartmentId: 'police-household', freshnessDays: null, storage: 'value', status: 'standard', validFrom: null, validTo: null, ...over };
}

const ELEMENTS = [
  element('person.name'),
  element('person.birthDate', { valueType: 'date' }),
  element('person.sex', { valueType: 'code' }),
  element('person.phone', { valueType: 'phone' }),
  element('person.citizenIdNumber', { storage: 'identifier', sensitivity: 'sensitive' }),
  element('person.otherIdentityDocument', { storage: 'identifier', sensitivity: 'sensitive' }),
  element('person.religion', { sensitivity: 'sensitive' }),
  element('kind.releasedPrisoner', { valueType: 'boolean', sensitivity: 'highly-sensitive' }),
  element('person.actualResidence', { storage: 'residence' }),
  element('person.registeredAddress', { storage: 'residence' }),
  element('person.populationCategory', { storage: 'residence' }),
  element('person.relationshipToHead', { storage: 'household' }),
];
const KINDS: KindDefinition[] = [
  { id: 'elderly-60', nameZh: '老年人', nameEn: 'elderly', rule: { ageAtLeast: 60 } },
  { id: 'released-prisoner', nameZh: '刑满释放人员', nameEn: 'released', rule: { asserted: 'kind.releasedPrisoner' } },
];

test('document numbers show 3 + 4 characters, phones 3 + 4 digits, other values as they are', () => {
  assert.equal(maskKindOf(element('x', { storage: 'identifier' })), 'document-number');
  assert.equal(maskKindOf(element('x', { valueType: 'phone' })), 'phone');
  assert.equal(maskKindOf(element('x')), 'none');
  assert.equal(maskValue('document-number', '31010519491231002X'), '310***********002X');
  assert.equal(maskValue('phone', '13812345678'), '138****5678');
  assert.equal(maskValue('none', '张三'), '张三');
  assert.equal(forLog('none', '张三'), '***', 'logs never hold names');
  assert.equal(forLog('phone', '13812345678'), '138****5678');
});

test('unmasking is granted only where the remit allows it', () => {
  const allowed = new Set(['person.citizenIdNumber']);
  assert.deepEqual([...grantedUnmask(undefined, allowed)], []);
  assert.deepEqual([...grantedUnmask(['person.citizenIdNumber', 'person.phone'], allowed)], ['person.citizenIdNumber']);
  assert.deepEqual([...grantedUnmask('all', allowed)], ['person.citizenIdNumber']);
});

const value = (elementId: string, v: string): PersonValue => ({ elementId, value: v, sourceId: null, method: 'import', observedAt: null, recordedAt: '2026-01-01T00:00:00.000Z', status: 'owner' });

const VIEW = {
  person: { id: 'p-1' },
  values: [value('person.name', '王芳'), value('person.birthDate', '1950-03-01'), value('person.phone', '13812345678'), value('person.religion', '10'), value('kind.releasedPrisoner', 'true')],
  identifiers: [
    { id: 'i-1', personId: 'p-1', type: 'CN_ID', number: '31010519500301002X', issuingCountry: 'CHN', issuingArea: null, validFrom: null, validTo: null },
    { id: 'i-2', personId: 'p-1', type: 'PASSPORT', number: 'E12345678', issuingCountry: 'CHN', issuingArea: null, validFrom: null, validTo: null },
  ],
  residences: [
    { id: 'r-1', personId: 'p-1', kind: 'registered' as const, dwellingId: null, areaCode: '310105004001', addressText: '新华路1号', validFrom: null, validTo: null },
    { id: 'r-2', personId: 'p-1', kind: 'actual' as const, dwellingId: null, areaCode: '310105004002', addressText: '番禺路2号', validFrom: null, validTo: null },
  ],
  households: [{ id: 'm-1', householdId: 'h-1', personId: 'p-1', relationship: '02', validFrom: null, validTo: null }],
  category: { status: 'determined' as const, category: 'RESIDENT_REGISTERED' as const },
  kinds: ['elderly-60', 'released-prisoner'],
};

test('the view keeps only readable elements, masks by default and reports what it disclosed', () => {
  const filter = new PersonViewFilter(ELEMENTS, KINDS);
  const readable = new Set(['person.name', 'person.birthDate', 'person.phone', 'person.citizenIdNumber', 'person.actualResidence']);
  const { view, disclosed, unmasked } = filter.filter(VIEW, readable, new Set());
  assert.deepEqual(view.values.map((v) => [v.elementId, v.value]), [['person.name', '王芳'], ['person.birthDate', '1950-03-01'], ['person.phone', '138****5678']]);
  assert.deepEqual(view.identifiers.map((i) => i.number), ['310***********002X'], 'the passport is another element, not readable');
  assert.deepEqual(view.residences.map((r) => r.kind), ['actual']);
  assert.deepEqual(view.households, []);
  assert.equal(view.category, null);
  assert.deepEqual(view.kinds, ['elderly-60'], 'released-prisoner reads kind.releasedPrisoner, which is not readable');
  assert.deepEqual(view.person, { id: 'p-1' });
  assert.deepEqual(disclosed, ['person.actualResidence', 'person.birthDate', 'person.citizenIdNumber', 'person.name', 'person.phone']);
  assert.deepEqual(unmasked, []);
});

test('unmasked elements are shown in full and reported for the audit entry', () => {
  const filter = new PersonViewFilter(ELEMENTS, KINDS);
  const readable = new Set(ELEMENTS.map((e) => e.id));
  const { view, unmasked, disclosed } = filter.filter(VIEW, readable, new Set(['person.citizenIdNumber']));
  assert.deepEqual(view.identifiers.map((i) => i.number), ['31010519500301002X', 'E12**5678']);
  assert.equal(view.values.find((v) => v.elementId === 'person.phone')?.value, '138****5678');
  assert.deepEqual(unmasked, ['person.citizenIdNumber']);
  assert.ok(disclosed.includes('person.otherIdentityDocument') && disclosed.includes('person.relationshipToHead') && disclosed.includes('person.populationCategory'));
  assert.deepEqual(view.kinds, ['elderly-60', 'released-prisoner']);
  assert.equal(filter.filter(VIEW, new Set(), new Set()).view.values.length, 0, 'nothing readable, nothing shown');
});
