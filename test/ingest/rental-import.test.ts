/**
 * Rental registrations through the import pipeline, on every backend: stored for the row's tenant
 * at the dwelling its actual address names; a re-import changes nothing; a changed registration
 * ends the earlier one; a newer full extract that no longer lists the tenant ends theirs (kept, not
 * deleted); bad dates and reversed periods are rejected rows with their column; rollback undoes it.
 * Every registration recorded or ended (also by a rollback) is a change event of its tenant in the transaction,
 * naming the dwelling's committee. On PostgreSQL the files are mapped on the mapping thread.
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
import type { Store } from '../../src/store/store.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import type { ChangeEvent } from '../../src/domain/feed/change-event.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const id = (body17: string): string => body17 + computeCheckChar(body17);
const A = id('34010219900303013');
const B = id('34010219920404024');
const C = id('34010219850505035');

const profile: MappingProfile = {
  extract: 'full',
  recordKey: ['证件号码'],
  columns: [
    { column: '姓名', target: { element: 'person.name' } },
    { column: '证件号码', target: { identifier: 'CN_ID' }, required: true },
    { column: '居住地址', target: { residence: 'actual', part: 'address' } },
    { column: '房东姓名', target: { rental: 'landlordName' } },
    { column: '租赁登记号', target: { rental: 'registrationNumber' } },
    { column: '租赁起始日期', target: { rental: 'startDate' }, transforms: ['date'] },
    { column: '租赁截止日期', target: { rental: 'endDate' }, transforms: ['date'] },
  ],
};
const HEADER = '姓名,证件号码,居住地址,房东姓名,租赁登记号,租赁起始日期,租赁截止日期';

function csv(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${[HEADER, ...lines].join('\n')}\n`);
  return path;
}

for (const backend of await backends()) {
  const threaded = backend.name === 'postgres';
  describe(`rental registrations imported on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    let room101 = '';
    let room102 = '';
    const dir = mkdtempSync(join(tmpdir(), 'populus-rental-'));
    const personOf = async (n: string): Promise<string> => (await s.persons.search({ idNumber: n, limit: 2, offset: 0 })).items[0]?.person.id ?? '';
    const rentals = () => createDataAccess(store, HOME.slice(0, 6)).repos.rentals;
    const feed = () => createDataAccess(store, HOME.slice(0, 6)).repos.feed;
    /** The rental events after a sequence number: type, tenant, number, area, endedOn, cause's batch. */
    const rentalEvents = async (after: number) =>
      (await feed().after(after, 1000))
        .filter((e): e is Extract<ChangeEvent, { type: 'cn.populus.rental.registered' | 'cn.populus.rental.ended' }> => e.type === 'cn.populus.rental.registered' || e.type === 'cn.populus.rental.ended')
        .map((e) => [e.type.slice('cn.populus.rental.'.length), e.personId, e.data.registrationNumber, e.areas.join(','), e.data.endedOn, e.cause.kind === 'import' ? e.cause.batchId : e.cause.kind === 'rollback' ? `rollback ${e.cause.batchId}` : ''])
        .sort((x, y) => String(x).localeCompare(String(y)));
    const summary = async (dwellingId: string) =>
      (await rentals().listByDwelling(dwellingId)).map((r) => [r.registrationNumber, r.landlordName, r.startDate, r.endDate, r.endedOn]).sort((x, y) => String(x).localeCompare(String(y)));

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME, { importThread: threaded });
      const housing = join(dir, 'housing.csv');
      writeFileSync(housing, '居委会代码,地址,房屋用途\n310105004001,上海市长宁区新华路3弄1号101室,PRIVATE_RENTAL\n310105004001,上海市长宁区新华路3弄1号102室,PRIVATE_RENTAL\n');
      await s.imports.housingRegister(housing);
      await s.sources.define({ id: 'actual-pop', departmentId: 'street-population-office', nameZh: '实有人口', nameEn: 'actual population', level: 'district', owns: [] });
      assert.deepEqual(await s.sources.addProfile('actual-pop', profile), { version: 1 });
    });
    after(async () => {
      await s.close();
      await backend.dispose();
    });

    test('a profile with rental columns needs the number, the first day and the actual address', async () => {
      const bad: MappingProfile = { ...profile, columns: profile.columns.filter((c) => c.column !== '租赁起始日期' && c.column !== '居住地址') };
      await assert.rejects(s.sources.addProfile('actual-pop', bad), (e: unknown) => {
        const problems = isPopulusError(e) ? ((e.details as { problems?: { message: string }[] }).problems ?? []).map((p) => p.message) : [];
        return problems.some((m) => /startDate/.test(m)) && problems.some((m) => /actual address/.test(m));
      });
    });

    test('stored for the tenant at the dwelling their address names; bad dates rejected with their column', async () => {
      const file = csv(dir, 'rent-1.csv', [
        `甲,${A},新华路3弄1号101室,王建国,沪租2024001,2024-03-01,2026-02-28`,
        `乙,${B},新华路3弄1号101室,王建国,沪租2024001,2024-03-01,2026-02-28`,
        `丙,${C},新华路3弄1号102室,,,,`,
        `丁,${id('34010219700101046')},新华路3弄1号102室,李四,沪租2024009,2024-02-30,`,
        `戊,${id('34010219700101057')},新华路3弄1号102室,李四,沪租2024010,2025-05-01,2024-05-01`,
        `己,${id('34010219700101068')},新华路3弄1号102室,李四,,2025-05-01,`,
      ]);
      const head = (await feed().head()).seq;
      const r = await s.imports.importFile('actual-pop', file, { observedAt: '2025-01-01' });
      assert.equal(r.rowsRejected, 3);
      const rejected = await s.imports.rejected(r.batchId);
      assert.deepEqual(
        rejected.map((x) => [x.row, x.column, x.reason]),
        [
          [5, '租赁起始日期', 'IMPOSSIBLE_DATE'],
          [6, '租赁截止日期', 'BAD_PERIOD'],
          [7, '租赁登记号', 'MISSING_VALUE'],
        ],
      );
      const a = await personOf(A);
      room101 = (await s.persons.get(a)).residences.find((x) => x.kind === 'actual')?.dwellingId ?? '';
      room102 = (await s.persons.get(await personOf(C))).residences.find((x) => x.kind === 'actual')?.dwellingId ?? '';
      assert.ok(room101 && room102 && room101 !== room102);
      const stored = await rentals().listByDwelling(room101);
      assert.deepEqual(stored.map((x) => x.personId).sort(), [a, await personOf(B)].sort(), 'one registration per tenant the rows name');
      assert.deepEqual(await summary(room101), [
        ['沪租2024001', '王建国', '2024-03-01', '2026-02-28', null],
        ['沪租2024001', '王建国', '2024-03-01', '2026-02-28', null],
      ]);
      assert.deepEqual(await summary(room102), [], 'a row without rental cells states none');
      assert.equal((await rentals().listByPerson(a))[0]?.sourceId, 'actual-pop');
      assert.deepEqual(
        await rentalEvents(head),
        [
          ['registered', a, '沪租2024001', '310105004001', null, r.batchId],
          ['registered', await personOf(B), '沪租2024001', '310105004001', null, r.batchId],
        ].sort((x, y) => String(x).localeCompare(String(y))),
        'one rental.registered event per registration recorded, naming the dwelling’s committee and the import',
      );
    });

    test('re-importing the same rows changes nothing', async () => {
      const before = await rentals().listByDwelling(room101);
      // The same rows in another file (not the identical file, which is recognised whole).
      const file = csv(dir, 'rent-1b.csv', [`乙,${B},新华路3弄1号101室,王建国,沪租2024001,2024-03-01,2026-02-28`, `甲,${A},新华路3弄1号101室,王建国,沪租2024001,2024-03-01,2026-02-28`, `丙,${C},新华路3弄1号102室,,,,`]);
      const head = (await feed().head()).seq;
      const r = await s.imports.importFile('actual-pop', file, { observedAt: '2025-02-01' });
      assert.equal(r.rowsUnchanged, 3);
      assert.deepEqual(await rentals().listByDwelling(room101), before);
      assert.deepEqual(await rentalEvents(head), [], 'nothing changed, nothing published');
    });

    test('a renewed registration ends the earlier one; a newer full extract without the tenant ends theirs; nothing is deleted', async () => {
      const file = csv(dir, 'rent-2.csv', [`甲,${A},新华路3弄1号101室,王建国,沪租2026001,2026-03-01,2027-02-28`, `丙,${C},新华路3弄1号102室,,,,`]);
      const head = (await feed().head()).seq;
      const r = await s.imports.importFile('actual-pop', file, { observedAt: '2026-03-01' });
      assert.equal(r.recordsEnded, 1, 'B is no longer listed');
      assert.deepEqual(await summary(room101), [
        ['沪租2024001', '王建国', '2024-03-01', '2026-02-28', '2026-03-01'],
        ['沪租2024001', '王建国', '2024-03-01', '2026-02-28', '2026-03-01'],
        ['沪租2026001', '王建国', '2026-03-01', '2027-02-28', null],
      ]);
      const b = await personOf(B);
      assert.deepEqual((await rentals().listByPerson(b)).map((x) => x.endedOn), ['2026-03-01'], 'the tenant who left keeps their ended registration');
      const a = await personOf(A);
      assert.deepEqual(
        await rentalEvents(head),
        [
          ['ended', a, '沪租2024001', '310105004001', '2026-03-01', r.batchId],
          ['ended', b, '沪租2024001', '310105004001', '2026-03-01', r.batchId],
          ['registered', a, '沪租2026001', '310105004001', null, r.batchId],
        ].sort((x, y) => String(x).localeCompare(String(y))),
        'the renewal ends the earlier and records the new one; the full extract’s ending of the tenant who left is published too',
      );

      const beforeRollback = (await feed().head()).seq;
      await s.imports.rollback(r.batchId);
      assert.deepEqual(
        await rentalEvents(beforeRollback),
        [
          ['ended', a, '沪租2026001', '310105004001', '2026-03-01', `rollback ${r.batchId}`],
          ['registered', a, '沪租2024001', '310105004001', null, `rollback ${r.batchId}`],
          ['registered', b, '沪租2024001', '310105004001', null, `rollback ${r.batchId}`],
        ].sort((x, y) => String(x).localeCompare(String(y))),
        'the rollback publishes the registration it removes as ended from its first day, and the ones it reopens as registered again',
      );
      assert.deepEqual(await summary(room101), [
        ['沪租2024001', '王建国', '2024-03-01', '2026-02-28', null],
        ['沪租2024001', '王建国', '2024-03-01', '2026-02-28', null],
      ], 'rollback removes what the batch wrote and reopens what it ended');
    });

    test('rolling back the import that created a tenant keeps them while a later import’s registration names them', async () => {
      const F = id('34010219800808079');
      const created = await s.imports.importFile('actual-pop', csv(dir, 'rent-3.csv', [`庚,${F},新华路3弄1号102室,赵六,沪租2027001,2027-01-01,2027-12-31`]), { observedAt: '2027-01-01' });
      const renewed = await s.imports.importFile('actual-pop', csv(dir, 'rent-4.csv', [`庚,${F},新华路3弄1号102室,赵六,沪租2028001,2028-01-01,2028-12-31`]), { observedAt: '2028-01-01' });
      assert.equal(renewed.status, 'committed');
      const f = await personOf(F);
      await s.imports.rollback(created.batchId);
      assert.deepEqual((await rentals().listByPerson(f)).map((r) => [r.registrationNumber, r.endedOn]), [['沪租2028001', null]], 'the later registration stays, and its tenant with it');
    });
  });
}
