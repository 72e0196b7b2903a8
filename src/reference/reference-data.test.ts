import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { POPULATION_CATEGORIES } from '../domain/population-category.ts';
import type { ResidenceKind } from '../domain/population-category.ts';
import { checkCatalogue } from './catalogue-check.ts';
import { HISTORY_SOURCE, MCA_SOURCE, NBS_SOURCE } from './area-loader.ts';
import { loadReferenceData } from './reference-data.ts';

const data = loadReferenceData();
const entriesOf = (tableId: string) => data.entries.filter((e) => e.tableId === tableId);
const entry = (tableId: string, code: string) => data.entries.find((e) => e.tableId === tableId && e.code === code);
const area = (code: string) => data.areas.find((a) => a.code === code);

describe('code tables', () => {
  test('every table of the catalogue is loaded, national and own', () => {
    const ids = data.codeTables.map((t) => t.id).sort();
    assert.deepEqual(ids, [
      'country',
      'disability-category',
      'disability-grade',
      'education',
      'employment-status',
      'ethnic-group',
      'family-relationship',
      'health-status',
      'household-registration-category',
      'household-type',
      'housing-use',
      'identifier-type',
      'marital-status',
      'political-status',
      'population-category',
      'purpose',
      'relief-programme',
      'religion',
      'residence-kind',
      'sex',
    ]);
    const local = data.codeTables.filter((t) => t.standard === 'local');
    assert.equal(local.length, 7);
    for (const t of local) assert.equal(t.source, 'own work');
  });

  test('row counts match the files', () => {
    assert.equal(entriesOf('sex').length, 4);
    assert.equal(entriesOf('marital-status').length, 8);
    assert.equal(entriesOf('health-status').length, 22);
    assert.equal(entriesOf('employment-status').length, 13);
    assert.equal(entriesOf('education').length, 40);
    assert.equal(entriesOf('country').length, 249);
    assert.equal(entriesOf('family-relationship').length, 93);
    assert.equal(entriesOf('political-status').length, 13);
    assert.equal(entriesOf('religion').length, 9);
    assert.equal(entriesOf('disability-category').length, 7);
    assert.equal(entriesOf('disability-grade').length, 4);
    assert.equal(entriesOf('household-registration-category').length, 9);
    assert.equal(entriesOf('identifier-type').length, 8);
    assert.equal(entriesOf('housing-use').length, 7);
    assert.equal(entriesOf('population-category').length, 5);
  });

  test('56 ethnic groups are standard, 97 and 98 are variants', () => {
    const groups = entriesOf('ethnic-group');
    assert.equal(groups.filter((e) => e.status === 'standard').length, 56);
    assert.deepEqual(
      groups.filter((e) => e.status === 'variant').map((e) => e.code),
      ['97', '98'],
    );
  });

  test('codes keep their leading zeros', () => {
    assert.equal(entry('ethnic-group', '01')?.nameZh, '汉族');
    assert.equal(entry('ethnic-group', '1'), undefined);
    assert.equal(entry('sex', '0')?.nameZh, '未知的性别');
    assert.equal(entry('religion', '00')?.nameZh, '无宗教信仰');
    assert.equal(entry('political-status', '01')?.note, 'short_name=中共党员');
    assert.equal(entry('country', 'AFG')?.note?.includes('numeric=004'), true);
  });

  test('hierarchies and variants are read from their columns', () => {
    assert.equal(entry('marital-status', '21')?.parentCode, '20');
    assert.equal(entry('marital-status', '20')?.parentCode, null);
    assert.equal(entry('family-relationship', '01')?.parentCode, '0');
    assert.equal(entry('education', '30')?.status, 'variant');
    assert.equal(entry('education', '31')?.parentCode, '20');
    assert.equal(entry('sex', '1')?.nameEn, 'male');
    assert.equal(entry('marital-status', '10')?.nameEn, null);
  });

  test('own tables use the codes the domain uses', () => {
    assert.deepEqual(
      entriesOf('population-category')
        .map((e) => e.code)
        .sort(),
      [...POPULATION_CATEGORIES].sort(),
    );
    const kinds: ResidenceKind[] = ['registered', 'actual'];
    assert.deepEqual(
      entriesOf('residence-kind')
        .map((e) => e.code)
        .sort(),
      kinds.sort(),
    );
    assert.deepEqual(
      entriesOf('household-type').map((e) => e.code),
      ['FAMILY', 'COLLECTIVE'],
    );
    assert.equal(entry('identifier-type', 'CN_ID')?.nameZh, '居民身份证');
  });

  test('every entry has a Chinese name, and own tables an English one', () => {
    for (const e of data.entries) assert.notEqual(e.nameZh.trim(), '', `${e.tableId} ${e.code}`);
    const own = new Set(data.codeTables.filter((t) => t.standard === 'local').map((t) => t.id));
    for (const e of data.entries.filter((x) => own.has(x.tableId))) assert.ok(e.nameEn, `${e.tableId} ${e.code}`);
    assert.equal(entry('population-category', 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL')?.nameZh, '人在户不在');
  });
});

describe('catalogue', () => {
  test('has no dangling references', () => {
    assert.deepEqual(checkCatalogue(data), []);
  });

  test('holds the required elements with their storage and owner', () => {
    const byId = new Map(data.elements.map((e) => [e.id, e]));
    for (const id of [
      'person.name',
      'person.formerName',
      'person.sex',
      'person.birthDate',
      'person.ethnicGroup',
      'person.citizenIdNumber',
      'person.otherIdentityDocument',
      'person.nationality',
      'person.maritalStatus',
      'person.education',
      'person.employmentStatus',
      'person.occupation',
      'person.politicalStatus',
      'person.religion',
      'person.healthStatus',
      'person.disabilityCategory',
      'person.disabilityGrade',
      'person.phone',
      'person.registeredAddress',
      'person.householdRegistrationCategory',
      'person.actualResidence',
      'person.relationshipToHead',
      'person.deathDate',
      'person.latinName',
    ]) {
      assert.ok(byId.has(id), id);
    }
    assert.equal(byId.get('person.citizenIdNumber')?.storage, 'identifier');
    assert.equal(byId.get('person.citizenIdNumber')?.ownerDepartmentId, 'police-household');
    assert.equal(byId.get('person.actualResidence')?.storage, 'residence');
    assert.equal(byId.get('person.actualResidence')?.ownerDepartmentId, 'street-population-office');
    assert.equal(byId.get('person.relationshipToHead')?.storage, 'household');
    assert.equal(byId.get('person.disabilityGrade')?.ownerDepartmentId, 'disabled-persons-federation');
    assert.equal(byId.get('person.phone')?.valueType, 'phone');
    assert.equal(byId.get('person.birthDate')?.freshnessDays, null);
    assert.equal(byId.get('person.maritalStatus')?.codeTableId, 'marital-status');
  });

  test('sensitive data is classed sensitive or higher, personal data at least internal', () => {
    const byId = new Map(data.elements.map((e) => [e.id, e]));
    for (const id of [
      'person.citizenIdNumber',
      'person.otherIdentityDocument',
      'person.healthStatus',
      'person.disabilityCategory',
      'person.disabilityGrade',
      'person.religion',
      'person.communityCorrection',
    ]) {
      assert.ok(['sensitive', 'highly-sensitive'].includes(byId.get(id)?.sensitivity ?? ''), id);
    }
    for (const e of data.elements) assert.notEqual(e.sensitivity, 'public', e.id);
  });

  test('checkCatalogue reports unknown tables, unknown owners and duplicate ids', () => {
    const [first] = data.elements;
    assert.ok(first);
    const problems = checkCatalogue({
      ...data,
      elements: [
        ...data.elements,
        { ...first, id: 'person.shoeSize', valueType: 'code', codeTableId: 'shoe-size', ownerDepartmentId: 'cobblers' },
        { ...first },
      ],
    });
    assert.deepEqual(
      problems.map((p) => `${p.subject}: ${p.message}`),
      [
        `element ${first.id}: duplicate element id`,
        'element person.shoeSize: unknown code table "shoe-size"',
        'element person.shoeSize: unknown owner department "cobblers"',
      ],
    );
  });
});

describe('areas', () => {
  test('the whole MCA list to county level is there: 3,213 rows', () => {
    const mca = data.areas.filter((a) => a.source === MCA_SOURCE);
    assert.equal(mca.length, 3213);
    assert.equal(mca.filter((a) => a.level === 'province').length, 34);
    assert.equal(mca.filter((a) => a.level === 'county').length, 2846);
  });

  test("Shanghai's districts hang under 310000; there is no 310100", () => {
    assert.equal(area('310105')?.parentCode, '310000');
    assert.equal(area('310100'), undefined);
  });

  test('310108 闸北区 is retired with successor 310106', () => {
    const zhabei = area('310108');
    assert.equal(zhabei?.name, '闸北区');
    assert.equal(zhabei?.status, 'retired');
    assert.equal(zhabei?.endYear, 2015);
    assert.deepEqual(zhabei?.successorCodes, ['310106']);
    assert.equal(zhabei?.parentCode, '310000');
    assert.equal(zhabei?.source, HISTORY_SOURCE);
    assert.equal(area('310105')?.status, 'active');
  });

  test('NBS townships and committees of Shanghai: 17 committees under 310105004 新华路街道', () => {
    const nbs = data.areas.filter((a) => a.source === NBS_SOURCE);
    assert.equal(nbs.filter((a) => a.level === 'township').length, 234);
    assert.equal(nbs.filter((a) => a.level === 'village').length, 6509);
    assert.equal(area('310105004')?.name, '新华路街道');
    assert.equal(area('310105004')?.parentCode, '310105');
    const committees = data.areas.filter((a) => a.parentCode === '310105004');
    assert.equal(committees.length, 17);
    assert.ok(committees.every((c) => c.level === 'village' && c.name.endsWith('居委会')));
  });

  test('codes are unique and every parent comes before its children', () => {
    const seen = new Set<string>();
    for (const a of data.areas) {
      assert.ok(!seen.has(a.code), a.code);
      if (a.parentCode !== null) assert.ok(seen.has(a.parentCode), `${a.code} before its parent ${a.parentCode}`);
      seen.add(a.code);
    }
  });

  test('the history keeps every row, including codes used more than once', () => {
    assert.equal(data.areaHistory.length, 6823);
    const enshi = data.areaHistory.filter((h) => h.code === '422800').map((h) => h.name);
    assert.deepEqual(enshi.sort(), ['恩施土家族苗族自治州', '恩施地区', '鄂西土家族苗族自治州'].sort());
    assert.equal(area('422800')?.name, '恩施土家族苗族自治州');
  });
});
