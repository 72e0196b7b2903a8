/**
 * The import pipeline on every backend: mapping, rejects, linking by ID number, the owner's value,
 * full extracts, history, resume, rollback. On SQLite files are mapped inline, on PostgreSQL in the
 * mapping thread (POPULUS_IMPORT_THREAD's two ways): the same assertions hold for both.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import { isPopulusError } from '../../src/domain/errors.ts';
import type { MappingProfile } from '../../src/domain/ingest/profile.ts';
import { servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { ImportService } from '../../src/ingest/import.service.ts';
import { compileTransforms } from '../../src/ingest/transform/transform-registry.ts';
import { defaultAreaCodeHistory } from '../../src/reference/area-code-history.ts';
import { MapThread } from '../../src/ingest/map/map-thread.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const id = (body17: string): string => body17 + computeCheckChar(body17);
const A = id('31010519500101001');
const B = id('31010519620202002');
const C = id('34010219900303003');
const D = id('31010419881111004');

const policeProfile: MappingProfile = {
  extract: 'full',
  recordKey: ['公民身份号码'],
  columns: [
    { column: '姓名', target: { element: 'person.name' }, required: true },
    { column: '公民身份号码', target: { identifier: 'CN_ID' }, required: true },
    { column: '婚姻状况', target: { element: 'person.maritalStatus' }, codeMap: 'marital' },
    { column: '户籍地址代码', target: { residence: 'registered', part: 'areaCode' } },
    { column: '户籍地址', target: { residence: 'registered', part: 'address' } },
    { column: '户号', target: { household: 'number' } },
    { column: '与户主关系', target: { household: 'relationship' }, codeMap: 'relationship' },
  ],
  codeMaps: {
    marital: { table: 'marital-status', map: { 未婚: '10', 已婚: '20', 丧偶: '30', 离婚: '40' } },
    relationship: { table: 'family-relationship', map: { 户主: '02', 配偶: '10', 子女: '20' } },
  },
};

const civilProfile: MappingProfile = {
  extract: 'delta',
  constants: [{ element: 'kind.minimumIncome', value: 'true' }],
  recordKey: ['身份证号'],
  columns: [
    { column: '身份证号', target: { identifier: 'CN_ID' }, required: true },
    { column: '姓名', target: { element: 'person.name' } },
    { column: '婚姻', target: { element: 'person.maritalStatus' }, codeMap: 'marital' },
  ],
  codeMaps: { marital: { table: 'marital-status', map: { '1': '10', '2': '20', '3': '30', '4': '40' } } },
};

function csv(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

for (const backend of await backends()) {
  const threaded = backend.name === 'postgres';
  describe(`import pipeline on ${backend.name}${threaded ? ', files mapped on the mapping thread' : ''}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    const dir = mkdtempSync(join(tmpdir(), 'populus-import-'));
    const personOf = async (n: string): Promise<string> => {
      const found = await s.persons.search({ idNumber: n, limit: 2, offset: 0 });
      assert.equal(found.total, 1, `one person holds ${n.slice(0, 3)}…`);
      return found.items[0]?.person.id ?? '';
    };
    const value = async (personId: string, element: string) => (await s.persons.get(personId)).values.find((v) => v.elementId === element);

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME, { importThread: threaded });
      await s.sources.define({ id: 'police-register', departmentId: 'police-household', nameZh: '公安人口户籍', nameEn: 'police household register', level: 'city', owns: ['person.name', 'person.sex', 'person.birthDate'] });
      await s.sources.define({ id: 'civil-relief', departmentId: 'civil-affairs', nameZh: '民政救助', nameEn: 'civil-affairs relief', level: 'district', owns: ['person.maritalStatus', 'kind.minimumIncome'] });
      assert.deepEqual(await s.sources.addProfile('police-register', policeProfile), { version: 1 });
      assert.deepEqual(await s.sources.addProfile('civil-relief', civilProfile), { version: 1 });
    });
    after(async () => {
      await s.close();
      await backend.dispose();
    });

    test('a source cannot claim an element another department owns; a profile is checked against the standard', async () => {
      await assert.rejects(
        s.sources.define({ id: 'bad', departmentId: 'civil-affairs', nameZh: 'x', nameEn: 'x', level: 'street', owns: ['person.name'] }),
        (e: unknown) => isPopulusError(e) && e.code === 'INVALID_VALUE' && /owned by police-household/.test(e.message),
      );
      await assert.rejects(
        s.sources.addProfile('civil-relief', { ...civilProfile, columns: [{ column: 'x', target: { element: 'person.nope' } }], recordKey: ['x'] }),
        (e: unknown) => isPopulusError(e) && e.code === 'INVALID_PROFILE',
      );
    });

    test('first import: good rows stored, bad rows kept with file, row, column and reason', async () => {
      const file = csv(dir, 'police-1.csv', [
        '姓名,公民身份号码,婚姻状况,户籍地址代码,户籍地址,户号,与户主关系',
        `张伟,${A},已婚,310105004001,番禺路100号,H001,户主`,
        `李娜,${B},丧偶,310105004002,,H001,配偶`,
        `王芳,${D},未婚,310104,,,`,
        '赵强,310105199003071235,已婚,310105004001,,,',
        `钱多,${id('31010519700505005')},再醮,310105004001,,,`,
        `张伟,${A},已婚,310105004001,番禺路100号,H001,户主`,
      ]);
      const r = await s.imports.importFile('police-register', file, { observedAt: '2026-01-01' });
      assert.equal(r.status, 'committed');
      assert.equal(r.rowsRead, 6);
      assert.equal(r.rowsRejected, 3);
      assert.equal(r.personsCreated, 3);
      const rejected = await s.imports.rejected(r.batchId);
      assert.deepEqual(
        rejected.map((x) => [x.row, x.column, x.reason]),
        [
          [5, '公民身份号码', 'INVALID_ID_NUMBER'],
          [6, '婚姻状况', 'UNKNOWN_LOCAL_CODE'],
          [7, '公民身份号码', 'DUPLICATE_KEY'],
        ],
      );
      assert.equal(rejected[0]?.value, '310***********1235', 'ID numbers are masked in rejects');
      const a = await personOf(A);
      assert.deepEqual([(await value(a, 'person.name'))?.value, (await value(a, 'person.name'))?.status], ['张伟', 'owner']);
      // Police is not the owner of marital status: its value is current but unconfirmed while civil affairs is silent.
      assert.deepEqual([(await value(a, 'person.maritalStatus'))?.value, (await value(a, 'person.maritalStatus'))?.status], ['20', 'unconfirmed']);
      const view = await s.persons.get(a);
      assert.equal(view.residences.find((x) => x.kind === 'registered')?.addressText, '番禺路100号');
      const household = await s.households.get(view.households[0]?.householdId ?? '');
      assert.equal(household.household.householdNo, 'H001');
      assert.equal(household.household.areaCode, '310105004001');
      assert.deepEqual(household.members.map((m) => m.relationship).sort(), ['02', '10']);
    });

    test('re-importing the same file changes nothing', async () => {
      const file = join(dir, 'police-1.csv');
      const before = await s.imports.listBatches('police-register');
      const r = await s.imports.importFile('police-register', file, { observedAt: '2026-01-01' });
      assert.equal(r.identicalTo, before[0]?.id);
      assert.equal((await s.imports.listBatches('police-register')).length, before.length);
    });

    test('the owner’s value wins; a differing value is a conflict, never an overwrite; unknown persons are created', async () => {
      const file = csv(dir, 'civil-1.csv', ['身份证号,姓名,婚姻', `${A},张伟,4`, `${B},李娜,3`, `${C},孙丽,2`]);
      const r = await s.imports.importFile('civil-relief', file, { observedAt: '2026-02-01' });
      assert.deepEqual([r.rowsRead, r.rowsRejected, r.personsCreated, r.personsLinked], [3, 0, 1, 2]);
      const a = await personOf(A);
      // Civil affairs owns marital status: its 离婚 (40) is current, police's 已婚 (20) is a conflict.
      assert.deepEqual([(await value(a, 'person.maritalStatus'))?.value, (await value(a, 'person.maritalStatus'))?.status], ['40', 'owner']);
      assert.ok(r.conflicts >= 1);
      const conflicts = await s.reviews.list({ kind: 'conflict', status: 'open', personId: a, limit: 10, offset: 0 });
      const marital = conflicts.items.find((i) => i.elementId === 'person.maritalStatus');
      assert.deepEqual([marital?.sourceId, marital?.detail['value'], marital?.detail['ownerValue'], marital?.detail['ownerSourceId']], ['police-register', '20', '40', 'civil-relief']);
      const c = await personOf(C);
      assert.deepEqual([(await value(c, 'person.name'))?.value, (await value(c, 'person.name'))?.status], ['孙丽', 'unconfirmed']);
      assert.ok((await s.persons.get(c)).kinds.includes('minimum-income'), 'being in the relief register is the fact');
      assert.ok((await s.persons.get(a)).kinds.includes('minimum-income'));
      assert.equal((await value(c, 'person.sex'))?.value, '1', 'derived fact kept alongside');
    });

    test('a newer full extract changes only what changed and ends who is missing, with history kept', async () => {
      const file = csv(dir, 'police-2.csv', ['姓名,公民身份号码,婚姻状况,户籍地址代码,户籍地址,户号,与户主关系', `张伟,${A},已婚,310105004003,新华路1号,H001,户主`, `王芳,${D},未婚,310104,,,`]);
      const r = await s.imports.importFile('police-register', file, { observedAt: '2026-03-01' });
      assert.deepEqual([r.rowsRead, r.rowsUnchanged, r.recordsEnded], [2, 1, 1]);
      const b = await personOf(B);
      // The police withdrew its values for B: the owner is silent, the name falls back to the unconfirmed civil value.
      assert.deepEqual([(await value(b, 'person.name'))?.value, (await value(b, 'person.name'))?.sourceId], ['李娜', 'civil-relief']);
      const bView = await s.persons.get(b);
      assert.equal(bView.residences.find((x) => x.kind === 'registered')?.validTo, '2026-03-01', 'the registered residence ended, not deleted');
      assert.equal(bView.households[0]?.validTo, '2026-03-01', 'the household membership ended with the record');
      const a = await personOf(A);
      const aView = await s.persons.get(a);
      const registered = aView.residences.filter((x) => x.kind === 'registered');
      assert.equal(registered.length, 2, 'the move is history: old residence ended, new one begun');
      assert.equal(registered.find((x) => x.validTo === null)?.areaCode, '310105004003');
      // As of a date before the second extract, as known before it: what the first extract said.
      const past = await s.persons.valuesAsOf(b, '2026-02-15');
      assert.equal(past.values.find((v) => v.elementId === 'person.name')?.sourceId, 'police-register');
      const earlier = await s.persons.valuesAsOf(a, '2026-01-15');
      assert.equal(earlier.values.find((v) => v.elementId === 'person.maritalStatus')?.value, '20', 'before civil affairs reported');
    });

    test('a file that lacks a mapped column, or is broken, is refused and nothing is written', async () => {
      const count = (await s.imports.listBatches(undefined)).length;
      const missing = csv(dir, 'police-bad.csv', ['姓名,婚姻状况', '张伟,已婚']);
      await assert.rejects(s.imports.importFile('police-register', missing), (e: unknown) => isPopulusError(e) && e.code === 'PROFILE_MISMATCH' && /公民身份号码/.test(e.message));
      const fake = join(dir, 'police.xlsx');
      writeFileSync(fake, 'this is not a workbook');
      await assert.rejects(s.imports.importFile('police-register', fake), (e: unknown) => isPopulusError(e) && e.code === 'FILE_UNREADABLE');
      assert.equal((await s.imports.listBatches(undefined)).length, count);
    });

    test('the standard address database lets department addresses meet one dwelling', async () => {
      const housing = csv(dir, 'housing.csv', ['居委会代码,地址,房屋用途', '310105004001,上海市长宁区新华路3弄1号101室,自住', '310105004001,上海市长宁区新华路3弄1号102室,PRIVATE_RENTAL', '310105004002,长宁区番禺路100号,公房租赁', '999,新华路1号,自住', '310105004001,没有门牌,自住']);
      const first = await s.imports.housingRegister(housing);
      assert.deepEqual([first.rowsRead, first.buildingsCreated, first.dwellingsCreated, first.rejected.map((r) => r.reason)], [5, 2, 3, ['UNKNOWN_AREA', 'UNRESOLVED_ADDRESS']]);
      const again = await s.imports.housingRegister(housing);
      assert.deepEqual([again.buildingsCreated, again.dwellingsCreated, again.dwellingsUpdated], [0, 0, 0], 're-loading changes nothing');
      const changedUse = csv(dir, 'housing-2.csv', ['居委会代码,地址,房屋用途', '310105004001,上海市长宁区新华路3弄1号102室,公房租赁']);
      const third = await s.imports.housingRegister(changedUse);
      assert.deepEqual([third.dwellingsCreated, third.dwellingsUpdated], [0, 1], 'a changed housing use updates the dwelling');

      await s.sources.define({ id: 'actual-population', departmentId: 'street-population-office', nameZh: '实有人口管理', nameEn: 'actual population', level: 'street', owns: [] });
      await s.sources.addProfile('actual-population', {
        extract: 'delta',
        recordKey: ['证件号码'],
        columns: [
          { column: '证件号码', target: { identifier: 'CN_ID' }, required: true },
          { column: '居住地址', target: { residence: 'actual', part: 'address' } },
          { column: '户籍地', target: { residence: 'registered', part: 'address' } },
        ],
      });
      const E = id('31010419700707007');
      const F = id('34010219800808008');
      const file = csv(dir, 'actual.csv', ['证件号码,居住地址,户籍地', `${E},新华路3弄1号101室,上海市徐汇区漕溪北路1号`, `${F},长宁区 新华路３弄１号１０２室,安徽省合肥市蜀山区长江西路100号`, `${id('31010519990909009')},火星基地,上海市长宁区`]);
      const r = await s.imports.importFile('actual-population', file, { observedAt: '2026-05-01' });
      assert.deepEqual([r.rowsRead, r.rowsRejected], [3, 1]);
      const e = await s.persons.get(await personOf(E));
      const dwellingE = e.residences.find((x) => x.kind === 'actual')?.dwellingId;
      assert.ok(dwellingE, 'the actual address resolved to its dwelling');
      assert.equal(e.residences.find((x) => x.kind === 'registered')?.areaCode, '310104');
      assert.deepEqual(e.category, { status: 'determined', category: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' });
      const f = await s.persons.get(await personOf(F));
      assert.equal(f.residences.find((x) => x.kind === 'registered')?.areaCode, '340104');
      assert.deepEqual(f.category, { status: 'determined', category: 'FROM_OTHER_PROVINCE' });
      const dwelling = await s.housing.getDwelling(dwellingE ?? '');
      assert.equal(dwelling.dwelling.housingUse, 'OWNER');
      assert.deepEqual(dwelling.residences.map((x) => x.personId), [e.person.id]);
    });

    test('one column of mixed documents: the type and issuing country come from their own columns', async () => {
      await s.sources.define({ id: 'foreigners', departmentId: 'exit-entry', nameZh: '境外人员住宿登记', nameEn: 'foreigners register', level: 'city', owns: ['person.nationality'] });
      await s.sources.addProfile('foreigners', {
        extract: 'delta',
        recordKey: ['证件号码'],
        columns: [
          { column: '姓名', target: { element: 'person.latinName' } },
          { column: '国籍或地区', target: { element: 'person.nationality' }, codeMap: 'country' },
          { column: '证件种类', target: { ignore: true } },
          { column: '证件号码', target: { identifier: 'PASSPORT', typeColumn: '证件种类', typeCodeMap: 'doc', issuingCountryColumn: '国籍或地区', issuingCountryCodeMap: 'country' }, required: true },
          { column: '居住地址', target: { residence: 'actual', part: 'address' } },
        ],
        codeMaps: { country: { table: 'country', map: { 美国: 'USA', 日本: 'JPN', 中国香港: 'HKG' } }, doc: { table: 'identifier-type', map: { 护照: 'PASSPORT', 港澳台居民居住证: 'HMT_RESIDENCE_PERMIT' } } },
      });
      const file = csv(dir, 'foreigners.csv', ['姓名,国籍或地区,证件种类,证件号码,居住地址', 'SMITH John,美国,护照,p1234567,新华路3弄1号101室', 'CHAN Tai Man,中国香港,港澳台居民居住证,810000199505200174,新华路3弄1号102室', 'X,火星,护照,Z1,新华路3弄1号102室']);
      const r = await s.imports.importFile('foreigners', file, { observedAt: '2026-06-01' });
      assert.deepEqual([r.rowsRead, r.rowsRejected, r.personsCreated], [3, 1, 2]);
      const smith = await s.persons.search({ idNumber: 'P1234567', limit: 1, offset: 0 });
      assert.deepEqual([smith.items[0]?.identifiers[0]?.type, smith.items[0]?.identifiers[0]?.issuingCountry], ['PASSPORT', 'USA']);
      assert.deepEqual(smith.items[0]?.category, { status: 'determined', category: 'FROM_ABROAD' });
      const chan = await s.persons.search({ idNumber: '810000199505200174', limit: 1, offset: 0 });
      assert.equal(chan.items[0]?.identifiers[0]?.type, 'HMT_RESIDENCE_PERMIT');
    });

    test('a document column that does not say the type links a valid citizen ID number as one; other numbers stay passports', async () => {
      await s.sources.define({ id: 'rentals', departmentId: 'street-population-office', nameZh: '租赁登记', nameEn: 'rental registrations', level: 'street', owns: [] });
      await s.sources.addProfile('rentals', {
        extract: 'delta',
        recordKey: ['证件号码'],
        columns: [
          { column: '证件号码', target: { identifier: 'PASSPORT' }, required: true },
          { column: '姓名', target: { element: 'person.name' } },
        ],
      });
      const holder = await personOf(A);
      const file = csv(dir, 'rentals.csv', ['证件号码,姓名', `${A},张伟`, 'E12345678,李雷']);
      const r = await s.imports.importFile('rentals', file, { observedAt: '2026-06-15' });
      assert.deepEqual([r.rowsRead, r.rowsRejected, r.personsLinked, r.personsCreated], [2, 0, 1, 1]);
      assert.equal(await personOf(A), holder, 'linked to the holder of the citizen ID, no second person');
      const view = await s.persons.get(holder);
      assert.deepEqual(view.identifiers.map((i) => i.type), ['CN_ID'], 'no passport carrying a citizen ID number');
      const passport = await s.persons.search({ idNumber: 'E12345678', limit: 1, offset: 0 });
      assert.equal(passport.items[0]?.identifiers[0]?.type, 'PASSPORT');
    });

    test('records without an ID number are matched to the registry by name and birth date, or sent to review', async () => {
      await s.sources.define({ id: 'volunteers', departmentId: 'youth-league', nameZh: '志愿者', nameEn: 'volunteers', level: 'street', owns: [] });
      await s.sources.addProfile('volunteers', {
        extract: 'delta',
        recordKey: ['编号'],
        columns: [
          { column: '编号', target: { ignore: true } },
          { column: '姓名', target: { element: 'person.name' }, transforms: ['simplified'] },
          { column: '出生日期', target: { element: 'person.birthDate' }, transforms: ['date'] },
          { column: '性别', target: { element: 'person.sex' }, codeMap: 'sex' },
        ],
        codeMaps: { sex: { table: 'sex', map: { 男: '1', 女: '2' } } },
      });
      const before = await personOf(A);
      // 张伟 (A) is 1950-01-01, male: the same name in traditional characters and the same birth date links;
      // a stranger with a new name and date is new.
      const file = csv(dir, 'volunteers.csv', ['编号,姓名,出生日期,性别', 'V1,張偉,1950/1/1,男', 'V2,欧阳娜娜,2000/2/2,女']);
      const r = await s.imports.importFile('volunteers', file, { observedAt: '2026-07-01' });
      assert.deepEqual([r.rowsRead, r.rowsRejected, r.personsCreated, r.personsLinked], [2, 0, 1, 1]);
      assert.equal((await personOf(A)), before, 'still one person holds the number');
      const view = await s.persons.get(before);
      assert.ok(view.values.some((v) => v.sourceId === 'volunteers'), 'the volunteer record now informs that person');
    });

    test('an interrupted import resumes after its last committed chunk; a batch can be rolled back', async () => {
      const rows = Array.from({ length: 9 }, (_, i) => `居民${i},${id(`3101051980010${String(100 + i)}0`.slice(0, 17))},未婚,310105004005,,H9${i},户主`);
      const file = csv(dir, 'police-3.csv', ['姓名,公民身份号码,婚姻状况,户籍地址代码,户籍地址,户号,与户主关系', `张伟,${A},已婚,310105004003,新华路1号,H001,户主`, `王芳,${D},未婚,310104,,,`, ...rows]);
      let calls = 0;
      const mapThread = threaded ? new MapThread() : undefined;
      after(() => mapThread?.close());
      const crashing = new ImportService({
        ...(mapThread ? { mapThread } : {}),
        data: createDataAccess(store, HOME.slice(0, 6)),
        sources: s.sources,
        areaHistory: defaultAreaCodeHistory(),
        homeArea: HOME,
        compileTransforms,
        matcher: {
          match: () => {
            calls++;
            if (calls === 2) throw new Error('simulated crash');
            return Promise.resolve({ links: new Map(), reviews: new Map() });
          },
        },
      });
      await assert.rejects(crashing.importFile('police-register', file, { observedAt: '2026-04-01', chunkSize: 4 }), /simulated crash/);
      const interrupted = (await s.imports.listBatches('police-register'))[0];
      assert.equal(interrupted?.status, 'interrupted');
      assert.ok((interrupted?.last_row ?? 0) > 1 && (interrupted?.last_row ?? 0) < 12, 'some chunks committed, not all');
      const resumed = await s.imports.importFile('police-register', file, { observedAt: '2026-04-01', resume: interrupted?.id ?? '', chunkSize: 4 });
      assert.equal(resumed.status, 'committed');
      assert.equal(resumed.rowsRead, 11);
      assert.equal(resumed.personsCreated, 9);

      const rolled = await s.imports.rollback(resumed.batchId);
      assert.equal(rolled.status, 'rolled_back');
      const gone = await s.persons.search({ idNumber: id('31010519800101000'), limit: 1, offset: 0 });
      assert.equal(gone.total, 0, 'persons the batch created are gone');
      const a = await personOf(A);
      assert.equal((await value(a, 'person.name'))?.value, '张伟', 'persons it only touched keep what earlier batches said');
    });
  });
}
