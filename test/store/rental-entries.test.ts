/**
 * Rental registrations entered and ended by hand (RentalService), on every backend: recorded like
 * an observation entered through the API (method api, the source given, who and which department,
 * no batch) with its change event in the same transaction; every refusal writes nothing (no row,
 * no event); a duplicate open number at the dwelling — by hand or imported — is refused; ending
 * keeps the row. And migration 0014 keeps the registrations written before it (SQLite rebuilds the
 * table).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql } from 'kysely';
import type { ChangeEvent } from '../../src/domain/feed/change-event.ts';
import { isPopulusError } from '../../src/domain/errors.ts';
import { servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import type { RentalWriteContext } from '../../src/services/rental.service.ts';
import { migrations } from '../../src/store/migrate.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { newId } from '../../src/store/clock.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const COMMITTEE = `${HOME}001`;
const ACTOR = 'user:0b0b0b0b-0000-4000-8000-000000000001';
const ctx: RentalWriteContext = { sourceId: 'manual', actor: ACTOR, departmentId: 'street-population-office' };

const refusedWith = (code: string, field?: string) => (e: unknown) => isPopulusError(e) && e.code === code && (field === undefined || e.details['field'] === field);

for (const backend of await backends()) {
  describe(`rental registrations entered by hand on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    let room1 = '';
    let room2 = '';
    let tenant = '';
    let other = '';
    const repos = () => createDataAccess(store, HOME.slice(0, 6)).repos;
    const rentalEvents = async (after: number): Promise<ChangeEvent[]> =>
      (await repos().feed.after(after, 1000)).filter((e) => e.type === 'cn.populus.rental.registered' || e.type === 'cn.populus.rental.ended');
    const head = async (): Promise<number> => (await repos().feed.head()).seq;
    const rows = async (): Promise<number> => (await store.db.selectFrom('rental_registration').select('id').execute()).length;

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME);
      const building = await s.housing.createBuilding({ areaCode: COMMITTEE, road: '新华路', lane: '7', number: '3' });
      room1 = (await s.housing.createDwelling(building.id, { room: '101', housingUse: 'PRIVATE_RENTAL' })).id;
      room2 = (await s.housing.createDwelling(building.id, { room: '102', housingUse: 'PRIVATE_RENTAL' })).id;
      tenant = (await s.persons.create({ values: { 'person.name': '租客甲' }, residences: [{ kind: 'actual', dwellingId: room1, validFrom: '2025-03-01' }] })).person.id;
      other = (await s.persons.create({ values: { 'person.name': '租客乙' }, residences: [{ kind: 'actual', dwellingId: room2, validFrom: '2025-03-01' }] })).person.id;
      await s.sources.define({ id: 'actual-pop', departmentId: 'street-population-office', nameZh: '实有人口', nameEn: 'actual population', level: 'district', owns: [] });
    });
    after(async () => {
      await s.close();
      await backend.dispose();
    });

    test('recorded with who, which department and the source given, no batch, and its event in the same transaction', async () => {
      const h = await head();
      const r = await s.rentals.register(room1, { personId: tenant, registrationNumber: ' 沪租2025001 ', landlordName: ' 王建国 ', startDate: '2025-03-01', endDate: '2026-02-28' }, ctx);
      assert.deepEqual(
        [r.registrationNumber, r.landlordName, r.method, r.sourceId, r.batchId, r.recordedBy, r.departmentId, r.endedOn],
        ['沪租2025001', '王建国', 'api', 'manual', null, ACTOR, 'street-population-office', null],
        'number and landlord trimmed; provenance as an observation entered through the API',
      );
      assert.deepEqual(await repos().rentals.findRental(r.id), { ...r, recordedAt: (await repos().rentals.findRental(r.id))?.recordedAt }, 'stored as answered');
      const events = await rentalEvents(h);
      assert.equal(events.length, 1);
      const e = events[0];
      assert.ok(e && e.type === 'cn.populus.rental.registered');
      assert.deepEqual(
        [e.personId, e.areas, e.data.rentalId, e.data.dwellingId, e.data.areaCode, e.data.landlordName, e.data.method, e.cause],
        [tenant, [COMMITTEE], r.id, room1, COMMITTEE, '王建国', 'api', { kind: 'user', actor: ACTOR }],
      );
      const view = await s.housing.getDwelling(room1, '2025-06-01');
      assert.deepEqual(view.rentals.map((x) => x.id), [r.id], 'in force on a date within its period');
    });

    test('each refusal writes nothing: no registration, no event', async () => {
      const n = await rows();
      const h = await head();
      const good = { personId: tenant, registrationNumber: '沪租2025002', startDate: '2025-03-01' };
      const cases: [Parameters<Services['rentals']['register']>[0], Parameters<Services['rentals']['register']>[1], (e: unknown) => boolean][] = [
        [room1, { ...good, registrationNumber: '   ' }, refusedWith('INVALID_VALUE', 'registrationNumber')],
        [room1, { ...good, startDate: '2025-02-30' }, refusedWith('INVALID_VALUE', 'startDate')],
        [room1, { ...good, endDate: '2025-13-01' }, refusedWith('INVALID_VALUE', 'endDate')],
        [room1, { ...good, endDate: '2025-02-28' }, refusedWith('CONFLICTING_PERIOD', 'endDate')],
        [newId(), good, refusedWith('DWELLING_NOT_FOUND')],
        [room1, { ...good, personId: newId() }, refusedWith('PERSON_NOT_FOUND')],
        [room1, { ...good, registrationNumber: '沪租2025001' }, refusedWith('RENTAL_EXISTS', 'registrationNumber')],
      ];
      for (const [dwelling, input, check] of cases) await assert.rejects(s.rentals.register(dwelling, input, ctx), check, JSON.stringify(input));
      // A failure after the write (here: the audit step) takes the registration and its event with it.
      await assert.rejects(s.rentals.register(room1, good, { ...ctx, within: () => Promise.reject(new Error('audit store down')) }), /audit store down/);
      assert.equal(await rows(), n);
      assert.deepEqual(await rentalEvents(h), []);
      // The same start and end day is a one-day period.
      const oneDay = await s.rentals.register(room1, { ...good, registrationNumber: '沪租2025003', endDate: '2025-03-01' }, ctx);
      assert.equal(oneDay.endDate, '2025-03-01');
    });

    test('an imported registration not yet ended blocks its number at its dwelling; at another dwelling the number is free', async () => {
      await repos().rentals.insert([{ id: newId(), personId: other, dwellingId: room2, registrationNumber: '沪租2024777', landlordName: '李四', startDate: '2024-01-01', endDate: null }], 'actual-pop', newId());
      await assert.rejects(s.rentals.register(room2, { personId: other, registrationNumber: '沪租2024777', startDate: '2025-01-01' }, ctx), refusedWith('RENTAL_EXISTS'));
      const elsewhere = await s.rentals.register(room1, { personId: tenant, registrationNumber: '沪租2024777', startDate: '2025-01-01' }, ctx);
      assert.equal(elsewhere.dwellingId, room1);
    });

    test('ended from a date on, kept in the dwelling’s past, published; refusals write nothing', async () => {
      const r = await s.rentals.register(room2, { personId: other, registrationNumber: '沪租2025100', landlordName: '赵六', startDate: '2025-04-01' }, ctx);
      const n = await rows();
      const h = await head();
      await assert.rejects(s.rentals.end(room2, r.id, '2025-04-01', ctx), refusedWith('CONFLICTING_PERIOD', 'endedOn'));
      await assert.rejects(s.rentals.end(room2, r.id, '2025-9-1', ctx), refusedWith('INVALID_VALUE', 'endedOn'));
      await assert.rejects(s.rentals.end(room1, r.id, '2025-09-01', ctx), refusedWith('RENTAL_NOT_FOUND'), 'a registration of another dwelling');
      await assert.rejects(s.rentals.end(room2, newId(), '2025-09-01', ctx), refusedWith('RENTAL_NOT_FOUND'));
      assert.deepEqual(await rentalEvents(h), []);
      const ended = await s.rentals.end(room2, r.id, '2025-09-01', { ...ctx, actor: 'user:0b0b0b0b-0000-4000-8000-000000000002' });
      assert.deepEqual([ended.endedOn, ended.endedBy], ['2025-09-01', 'user:0b0b0b0b-0000-4000-8000-000000000002']);
      await assert.rejects(s.rentals.end(room2, r.id, '2025-10-01', ctx), refusedWith('RENTAL_ENDED'), 'never ended twice');
      assert.equal(await rows(), n, 'ending deletes nothing and adds nothing');
      const stored = await repos().rentals.findRental(r.id);
      assert.deepEqual([stored?.endedOn, stored?.endedBy, stored?.recordedBy], ['2025-09-01', 'user:0b0b0b0b-0000-4000-8000-000000000002', ACTOR]);
      const events = await rentalEvents(h);
      assert.deepEqual(events.map((e) => [e.type, e.personId, e.areas, e.type === 'cn.populus.rental.ended' ? e.data.endedOn : null]), [['cn.populus.rental.ended', other, [COMMITTEE], '2025-09-01']]);
      const view = await s.housing.getDwelling(room2, '2025-10-01');
      assert.ok(view.pastRentals.some((x) => x.id === r.id) && !view.rentals.some((x) => x.id === r.id), 'in the dwelling’s past from that day');
      assert.ok((await s.housing.getDwelling(room2, '2025-08-31')).rentals.some((x) => x.id === r.id), 'in force the day before');
      // Ended, its number may be registered again.
      const again = await s.rentals.register(room2, { personId: other, registrationNumber: '沪租2025100', startDate: '2025-09-01' }, ctx);
      assert.equal(again.registrationNumber, '沪租2025100');
    });

    test('a tenant merged into another is refused, naming the survivor', async () => {
      const twin = (await s.persons.create({ values: { 'person.name': '租客甲' }, residences: [{ kind: 'actual', dwellingId: room1, validFrom: '2025-03-01' }] })).person.id;
      await s.merges.merge(tenant, twin, ACTOR, { force: true });
      await assert.rejects(s.rentals.register(room1, { personId: twin, registrationNumber: '沪租2025200', startDate: '2025-05-01' }, ctx), (e: unknown) => refusedWith('PERSON_MERGED')(e) && isPopulusError(e) && e.details['mergedInto'] === tenant);
    });

    test('an import writes more registrations at once than one statement can bind (19 columns × 2,000 rows is over SQLite’s 32,766)', async () => {
      const before = await rows();
      const many = Array.from({ length: 2500 }, (_, i) => ({ id: newId(), personId: other, dwellingId: null, registrationNumber: `沪租批${i}`, landlordName: null, startDate: '2025-01-01', endDate: null }));
      await repos().rentals.insert(many, 'actual-pop', newId());
      assert.equal(await rows(), before + 2500);
    });
  });
}

describe('migration 0014 on SQLite keeps the registrations written before it', () => {
  test('rows and indexes survive the rebuild; they read as imported', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      const provider = { getMigrations: () => Promise.resolve(migrations('sqlite')) };
      const migrator = new Migrator({ db: store.db, provider });
      assert.equal((await migrator.migrateTo('0012-audit-recent-persons')).error, undefined);
      // Parent rows are beside the point here: the copy is what is tested.
      await sql`pragma foreign_keys = off`.execute(store.db);
      const id = newId();
      await sql`insert into rental_registration (id, district, dwelling_id, person_id, registration_number, landlord_name, start_date, end_date, source_id, batch_id, recorded_at, ended_on, ended_batch_id)
        values (${id}, '310105', 'd-1', 'p-1', '沪租2020001', '王建国', '2020-01-01', null, 'actual-pop', 'b-1', '2020-01-02T00:00:00.000Z', '2021-01-01', 'b-2')`.execute(store.db);
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      await sql`pragma foreign_keys = on`.execute(store.db);
      const row = await store.db.selectFrom('rental_registration').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.registration_number, row.landlord_name, row.source_id, row.batch_id, row.ended_on, row.ended_batch_id, row.method, row.recorded_by, row.department_id, row.ended_by],
        ['沪租2020001', '王建国', 'actual-pop', 'b-1', '2021-01-01', 'b-2', 'import', null, null, null],
      );
      const indexes = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'rental_registration' and name not like 'sqlite_%' order by name`.execute(store.db);
      assert.deepEqual(indexes.rows.map((r) => r.name), ['rental_registration_batch', 'rental_registration_dwelling', 'rental_registration_person']);
    } finally {
      await store.close();
    }
  });
});
