/** The registry on every backend: the same services, the same assertions. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Services } from '../../src/services/services.ts';
import { isPopulusError, type ErrorCode } from '../../src/domain/errors.ts';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const COMMITTEE = '310105004001';

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isPopulusError(e), `expected a PopulusError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** A valid citizen number for a body of 17 digits. */
const idNumber = (body17: string): string => body17 + computeCheckChar(body17);

for (const backend of await backends()) {
  describe(`registry on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME);
    });
    after(() => backend.dispose());

    test('migration is idempotent and the reference data is loaded', async () => {
      const again = await migrateStore(store);
      assert.deepEqual(again, { applied: [], referenceUpdated: false });
      assert.equal((await s.standard.getCodeTable('marital-status')).standard.startsWith('GB/T 2261.2'), true);
      const committees = await s.areas.children(HOME);
      assert.equal(committees.length, 17);
      assert.ok(committees.every((c) => c.code.startsWith(HOME) && c.level === 'village'));
      const path = await s.areas.path(COMMITTEE);
      assert.deepEqual(path.map((a) => a.code), ['310000', '310105', HOME, COMMITTEE]);
    });

    test('areas: search by name and code, retired codes kept with successors', async () => {
      const byName = await s.areas.search({ q: '新华路', includeRetired: false, limit: 10, offset: 0 });
      assert.ok(byName.items.some((a) => a.code === HOME));
      const zhabei = await s.areas.get('310108');
      assert.equal(zhabei.status, 'retired');
      assert.deepEqual(zhabei.successorCodes, ['310106']);
      const hidden = await s.areas.children('310000');
      assert.ok(!hidden.some((a) => a.code === '310108'), 'retired codes are not children by default');
      const shown = await s.areas.children('310000', true);
      assert.ok(shown.some((a) => a.code === '310108'));
      await rejects(s.areas.get('999999'), 'AREA_NOT_FOUND');
    });

    test('code tables: search, a local value with an effective date, retirement', async () => {
      const found = await s.standard.listEntries('education', { q: '专科', limit: 50, offset: 0 });
      assert.ok(found.items.length > 0 && found.items.every((e) => e.nameZh.includes('专科') || e.code.startsWith('专科')));
      const byCode = await s.standard.listEntries('ethnic-group', { q: '01', limit: 5, offset: 0 });
      assert.equal(byCode.items[0]?.nameZh, '汉族');

      const added = await s.standard.addEntry('marital-status', { code: '50', nameZh: '分居', nameEn: 'separated', validFrom: '2026-01-01' });
      assert.equal(added.status, 'local');
      await rejects(s.standard.addEntry('marital-status', { code: '50', nameZh: '分居', validFrom: '2026-01-01' }), 'CODE_EXISTS');
      await rejects(s.standard.addEntry('no-such-table', { code: '1', nameZh: 'x', validFrom: '2026-01-01' }), 'CODE_TABLE_NOT_FOUND');
      const before2026 = await s.standard.listEntries('marital-status', { asOf: '2025-12-31', limit: 50, offset: 0 });
      assert.ok(!before2026.items.some((e) => e.code === '50'), 'not valid before its effective date');
      const in2026 = await s.standard.listEntries('marital-status', { asOf: '2026-06-01', limit: 50, offset: 0 });
      assert.ok(in2026.items.some((e) => e.code === '50'));

      // Re-running the reference load never touches a local extension.
      await migrateStore(store);
      assert.equal((await s.standard.getEntry('marital-status', '50')).nameZh, '分居');

      const retired = await s.standard.retireEntry('marital-status', '50', '2030-01-01', '40');
      assert.equal(retired.replacedBy, '40');
    });

    test('a new element is usable at once, without a restart', async () => {
      await s.standard.addEntry('employment-status', { code: '91', nameZh: '退休后返聘', validFrom: '2020-01-01' });
      const el = await s.standard.addElement({
        id: 'person.rehiredEmployer',
        nameZh: '返聘单位',
        nameEn: 'employer after retirement',
        definition: '退休后返聘人员的返聘单位名称',
        valueType: 'string',
        sensitivity: 'internal',
        ownerDepartmentId: (await s.standard.listDepartments())[0]?.id ?? 'x',
      });
      assert.equal(el.status, 'local');
      await rejects(s.standard.addElement({ ...el, codeTableId: undefined, freshnessDays: undefined, validFrom: undefined }), 'ELEMENT_EXISTS');
      const p = await s.persons.create({ values: { 'person.rehiredEmployer': '新华路街道社区服务中心', 'person.employmentStatus': '91' } });
      assert.equal(p.values.find((v) => v.elementId === 'person.rehiredEmployer')?.value, '新华路街道社区服务中心');
      assert.ok((await s.standard.listElements('返聘')).some((e) => e.id === 'person.rehiredEmployer'));
    });

    test('housing: building, dwelling with housing use, duplicates refused', async () => {
      const b = await s.housing.createBuilding({ areaCode: COMMITTEE, road: '新华路', lane: '211', number: '3', kind: 'lane-house' });
      assert.equal(b.address, '新华路211弄3号');
      await rejects(s.housing.createBuilding({ areaCode: COMMITTEE, road: '新华路', lane: '211', number: '3' }), 'BUILDING_EXISTS');
      await rejects(s.housing.createBuilding({ areaCode: '310105', road: '新华路', number: '1' }), 'INVALID_VALUE');
      const d = await s.housing.createDwelling(b.id, { room: '201', housingUse: 'PRIVATE_RENTAL' });
      assert.equal(d.housingUse, 'PRIVATE_RENTAL');
      assert.equal(d.address, '新华路211弄3号201室');
      assert.equal(d.areaCode, COMMITTEE);
      await rejects(s.housing.createDwelling(b.id, { room: '201' }), 'DWELLING_EXISTS');
      await rejects(s.housing.createDwelling(b.id, { room: '202', housingUse: 'NOPE' }), 'UNKNOWN_CODE');
      const listed = await s.housing.listBuildings({ within: HOME, limit: 10, offset: 0 });
      assert.ok(listed.items.some((x) => x.id === b.id));
    });

    test('persons: identifiers checked, derived values, category, masking', async () => {
      const number = idNumber('31010519900307123');
      const p = await s.persons.create({
        values: { 'person.name': '张伟', 'person.phone': '138 1234 5678', 'person.maritalStatus': '20' },
        identifiers: [{ type: 'CN_ID', number }],
        residences: [
          { kind: 'registered', areaCode: COMMITTEE, validFrom: '1990-03-07' },
          { kind: 'actual', areaCode: '310105004002', validFrom: '2010-01-01' },
        ],
      });
      const value = (id: string): string | undefined => p.values.find((v) => v.elementId === id)?.value;
      assert.equal(value('person.birthDate'), '1990-03-07');
      assert.equal(value('person.sex'), '1');
      assert.equal(p.values.find((v) => v.elementId === 'person.sex')?.method, 'derived');
      assert.equal(value('person.phone'), '138****5678', 'phones are masked by default');
      assert.equal(p.identifiers[0]?.number, '310***********1236', 'ID numbers are masked by default');
      assert.equal(p.identifiers[0]?.issuingArea, '310105');
      assert.deepEqual(p.category, { status: 'determined', category: 'RESIDENT_REGISTERED' });

      await rejects(s.persons.create({ identifiers: [{ type: 'CN_ID', number }] }), 'IDENTIFIER_EXISTS');
      await rejects(s.persons.create({ identifiers: [{ type: 'CN_ID', number: '310105199003071235' }] }), 'INVALID_ID_NUMBER');
      await rejects(s.persons.create({ values: { 'person.maritalStatus': '77' } }), 'UNKNOWN_CODE');
      await rejects(s.persons.create({ values: { 'person.nothing': 'x' } }), 'UNKNOWN_ELEMENT');
      await rejects(s.persons.create({ values: { 'person.birthDate': '1990-02-30' } }), 'INVALID_VALUE');

      // A 15-digit number is stored converted.
      const old = await s.persons.create({ identifiers: [{ type: 'CN_ID', number: '310105500101001' }] });
      assert.equal(old.values.find((v) => v.elementId === 'person.birthDate')?.value, '1950-01-01');

      // Moving away: the actual residence ends and a new one elsewhere begins.
      const actual = p.residences.find((r) => r.kind === 'actual');
      assert.ok(actual);
      await s.persons.endResidence(p.person.id, actual.id, '2025-01-01');
      await s.persons.addResidence(p.person.id, { kind: 'actual', areaCode: '310104', validFrom: '2025-01-01' });
      const later = await s.persons.get(p.person.id, '2025-06-01');
      assert.deepEqual(later.category, { status: 'determined', category: 'REGISTERED_ABSENT' });
      const earlier = await s.persons.get(p.person.id, '2020-06-01');
      assert.deepEqual(earlier.category, { status: 'determined', category: 'RESIDENT_REGISTERED' });

      const updated = await s.persons.updateValues(p.person.id, { 'person.maritalStatus': '40', 'person.phone': null });
      assert.equal(updated.values.find((v) => v.elementId === 'person.maritalStatus')?.value, '40');
      assert.equal(updated.values.find((v) => v.elementId === 'person.phone'), undefined);

      const byId = await s.persons.search({ idNumber: number, limit: 10, offset: 0 });
      assert.deepEqual(byId.items.map((x) => x.person.id), [p.person.id]);
      const byName = await s.persons.search({ name: '张', namePrefix: true, limit: 10, offset: 0 });
      assert.ok(byName.items.some((x) => x.person.id === p.person.id));
    });

    test('a failed write leaves nothing half-written', async () => {
      const number = idNumber('31010519850101002');
      await rejects(
        s.persons.create({ values: { 'person.name': '李娜' }, identifiers: [{ type: 'CN_ID', number }], residences: [{ kind: 'actual', areaCode: '999999999' }] }),
        'AREA_NOT_FOUND',
      );
      const found = await s.persons.search({ idNumber: number, limit: 10, offset: 0 });
      assert.equal(found.total, 0, 'the person and the identifier were rolled back');
      // The number is free again.
      const ok = await s.persons.create({ identifiers: [{ type: 'CN_ID', number }] });
      assert.equal(ok.identifiers.length, 1);
    });

    test('foreigners and Hong Kong residents', async () => {
      const foreigner = await s.persons.create({
        values: { 'person.nationality': 'USA' },
        identifiers: [{ type: 'PASSPORT', number: 'p1234567', issuingCountry: 'usa' }],
        residences: [{ kind: 'actual', areaCode: COMMITTEE }],
      });
      assert.equal(foreigner.identifiers[0]?.issuingCountry, 'USA');
      assert.deepEqual(foreigner.category, { status: 'determined', category: 'FROM_ABROAD' });
      await rejects(s.persons.create({ identifiers: [{ type: 'PASSPORT', number: 'X1234567', issuingCountry: 'ZZZ' }] }), 'UNKNOWN_CODE');
      const hk = await s.persons.create({ identifiers: [{ type: 'HMT_RESIDENCE_PERMIT', number: '810000199505200174' }], residences: [{ kind: 'actual', areaCode: COMMITTEE }] });
      assert.deepEqual(hk.category, { status: 'determined', category: 'FROM_ABROAD' });
      await rejects(s.persons.create({ identifiers: [{ type: 'CN_ID', number: '810000199505200174' }] }), 'INVALID_ID_NUMBER');
    });

    test('households: head, members with GB/T 4761 relationships, history kept', async () => {
      const b = await s.housing.createBuilding({ areaCode: COMMITTEE, road: '番禺路', number: '100' });
      const d = await s.housing.createDwelling(b.id, { unit: '1', room: '1201' });
      const h = await s.households.create({ type: 'FAMILY', areaCode: COMMITTEE, dwellingId: d.id, householdNo: 'H-0001' });
      assert.equal(h.areaCode, COMMITTEE);
      const head = await s.persons.create({ values: { 'person.name': '王芳' }, residences: [{ kind: 'registered', dwellingId: d.id }] });
      const child = await s.persons.create({ values: { 'person.name': '王小明' } });
      await s.households.addMember(h.id, { personId: head.person.id, relationship: '02' });
      const m = await s.households.addMember(h.id, { personId: child.person.id, relationship: '20', validFrom: '2010-05-01' });
      await rejects(s.households.addMember(h.id, { personId: child.person.id, relationship: '20' }), 'MEMBER_EXISTS');
      await rejects(s.households.addMember(h.id, { personId: child.person.id, relationship: 'ZZ' }), 'UNKNOWN_CODE');
      await rejects(s.households.create({ type: 'NOPE', areaCode: COMMITTEE }), 'UNKNOWN_CODE');
      await s.households.endMember(h.id, m.id, '2030-01-01');
      const view = await s.households.get(h.id);
      assert.equal(view.members.length, 2);
      assert.equal(view.members.find((x) => x.personId === child.person.id)?.validTo, '2030-01-01');
      const dwelling = await s.housing.getDwelling(d.id);
      assert.equal(dwelling.households[0]?.id, h.id);
      assert.equal(dwelling.residences[0]?.personId, head.person.id);
      assert.equal(dwelling.residences[0]?.addressText, '番禺路100号1单元1201室');
    });
  });
}
