/**
 * The memory of the street's residences (src/store/residence-memory.ts) on every backend: a
 * whole-street read from memory equals the same read from the database after every kind of write
 * (a new person, a residence ended, moved to another person, deleted — written here straight into
 * the table, as any writer could), reads again only the persons the change log names, misses no
 * transaction that commits after a later one (PostgreSQL), and a read inside a transaction still
 * sees that transaction's own writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { newId } from '../../src/store/clock.ts';
import { ReportRepository, type ReportReadOptions, type ReportRows } from '../../src/store/report.repository.ts';
import { ResidenceMemory } from '../../src/store/residence-memory.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const A = '310105004001';
const B = '310105004002';

const street = (asOf: string): ReportReadOptions => ({ areaPrefix: HOME, asOf, elementIds: [], values: 'current', memberships: false, dwellings: false });

/** What a whole-street read says of residences: its persons and each one's residences in force, in a fixed order. */
function shape(rows: ReportRows): unknown {
  return {
    personIds: rows.personIds,
    byPerson: (rows.residencesByPerson ?? []).map((list) =>
      list.map((r) => [r.personId, r.kind, r.areaCode, r.dwellingId, r.validFrom, r.validTo].join('|')).sort(),
    ),
    residences: rows.residences.length,
  };
}

for (const backend of await backends()) {
  describe(`the memory of the street's residences on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    let memory: ResidenceMemory;
    let remembering: ReportRepository;
    let database: ReportRepository;

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME);
      memory = new ResidenceMemory();
      remembering = new ReportRepository(store.db, store.sqlite, undefined, memory);
      database = new ReportRepository(store.db, store.sqlite);
    });
    after(() => backend.dispose());

    const person = async (area: string, validFrom = '2020-01-01'): Promise<string> =>
      (await s.persons.create({ residences: [{ kind: 'actual', areaCode: area, validFrom }] })).person.id;

    const residenceRow = (personId: string, area: string, validFrom: string) => ({
      id: newId(),
      district: '310105',
      person_id: personId,
      kind: 'actual',
      dwelling_id: null,
      area_code: area,
      address_text: null,
      valid_from: validFrom,
      valid_to: null,
      recorded_at: new Date().toISOString(),
    });

    /** How many persons the first read of the last `agree` read again. */
    let reread = -1;

    /**
     * Reads the street from memory and from the database on each date, and checks they agree. The
     * first date is the last's, so a view of it made before the change would be seen, were it kept.
     */
    async function agree(what: string, dates = ['2024-12-31', '2021-06-30', '2024-12-31']): Promise<ReportRows> {
      let last: ReportRows | undefined;
      reread = -1;
      for (const asOf of dates) {
        const [fromMemory, fromDatabase] = [await remembering.read(street(asOf)), await database.read(street(asOf))];
        if (reread < 0) reread = memory.stats().lastReread;
        assert.deepEqual(shape(fromMemory), shape(fromDatabase), `${what}: memory and database agree on ${asOf}`);
        last = fromMemory;
      }
      if (!last) throw new Error('no date');
      return last;
    }

    test('loaded once, then only the persons whose residences changed are read again — whoever wrote them', async () => {
      const ids = [await person(A), await person(A, '2022-01-01'), await person(B), await person(B, '2023-03-01')];
      const first = await agree('first read');
      assert.equal(memory.stats().loads, 1);
      assert.ok(ids.every((id) => first.personIds.includes(id)));

      await agree('nothing changed');
      assert.equal(reread, 0, 'nothing changed: nobody read again');
      const [x, y] = [await remembering.read(street('2024-12-31')), await remembering.read(street('2024-12-31'))];
      assert.equal(x.residencesByPerson, y.residencesByPerson, 'unchanged: the same date is the same view, made once');
      assert.ok(Object.isFrozen(x.personIds) && Object.isFrozen(x.residences), 'a view shared by readers cannot be changed by one of them');
      assert.equal(memory.stats().loads, 1);

      // A residence ended, straight in the table (as a full extract's end does).
      await store.db.updateTable('residence').set({ valid_to: '2024-01-01' }).where('person_id', '=', ids[0] ?? '').execute();
      const ended = await agree('a residence ended');
      assert.equal(reread, 1, 'one person read again');
      assert.ok(!ended.personIds.includes(ids[0] ?? ''), 'no longer living in the street on 2024-12-31');

      // A new person.
      const fresh = await person(B, '2024-06-01');
      const added = await agree('a person added');
      assert.ok(added.personIds.includes(fresh));
      assert.equal(reread, 1);

      // A residence given to another person (as a merge does): both are read again.
      await store.db.updateTable('residence').set({ person_id: ids[1] ?? '' }).where('person_id', '=', ids[2] ?? '').execute();
      await agree('a residence moved to another person');
      assert.equal(reread, 2);

      // A residence deleted (as a rollback does): the person has none left.
      await store.db.deleteFrom('residence').where('person_id', '=', ids[3] ?? '').execute();
      const deleted = await agree('a residence deleted');
      assert.ok(!deleted.personIds.includes(ids[3] ?? ''));
      assert.equal(memory.stats().loads, 1, 'never loaded again');
    });

    test("a roster's details: each residence in force once, with the smallest address text reported with it, as the engine picks from the database", async () => {
      const id = (await s.persons.create({ residences: [] })).person.id;
      // The same fact from three sources with different texts (one without), and a fact ended before the date.
      for (const text of ['新华路200号', '新华路18号', null])
        await store.db.insertInto('residence').values({ ...residenceRow(id, A, '2021-01-01'), address_text: text }).execute();
      await store.db.insertInto('residence').values({ ...residenceRow(id, B, '2019-01-01'), valid_to: '2020-12-31', address_text: '旧址' }).execute();
      const fromMemory = await remembering.detailsOf([id], '2024-12-31');
      const fromDatabase = await database.detailsOf([id], '2024-12-31');
      assert.deepEqual(
        fromMemory.residences.map((r) => [r.areaCode, r.addressText]),
        [[A, '新华路18号']],
        'one fact, the smallest text (as strings compare in JavaScript)',
      );
      const smallest = fromDatabase.residences.map((r) => r.addressText ?? '\uffff').sort()[0];
      assert.equal(fromMemory.residences[0]?.addressText, smallest, 'the text the engine picks among the database rows');
      assert.deepEqual(fromMemory.identifiers, fromDatabase.identifiers);
    });

    test("a few persons' details in a process that has not loaded the street read the database, without loading it", async () => {
      const fresh = new ResidenceMemory();
      const repo = new ReportRepository(store.db, store.sqlite, undefined, fresh);
      const id = await person(A);
      const details = await repo.detailsOf([id], '2024-12-31');
      assert.deepEqual(details.residences.map((r) => r.areaCode), [A]);
      assert.equal(fresh.stats().loads, 0, 'nothing loaded for one person');
      await repo.read(street('2024-12-31'));
      assert.equal(fresh.stats().loads, 1, 'a whole-street read loads it');
    });

    test('a read inside a transaction sees its own writes, not the memory', async () => {
      await agree('before');
      const id = (await s.persons.create({ residences: [] })).person.id;
      const inside = await store.db.transaction().execute(async (tx) => {
        await tx.insertInto('residence').values(residenceRow(id, A, '2021-01-01')).execute();
        return new ReportRepository(tx, store.sqlite, undefined, memory).read(street('2024-12-31'));
      });
      assert.ok(inside.personIds.includes(id), 'the uncommitted residence is seen inside its transaction');
      const afterwards = await agree('after the commit');
      assert.ok(afterwards.personIds.includes(id));
    });

    if (backend.name === 'postgres') {
      test('a transaction that commits after a later one is not missed', async () => {
        await agree('before');
        const [early, late] = [(await s.persons.create({ residences: [] })).person.id, (await s.persons.create({ residences: [] })).person.id];
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let written!: () => void;
        const wrote = new Promise<void>((r) => (written = r));
        // The early transaction writes first (its log row takes the lower number) and commits last.
        const slow = store.db.transaction().execute(async (tx) => {
          await tx.insertInto('residence').values(residenceRow(early, A, '2021-01-01')).execute();
          written();
          await gate;
        });
        await wrote;
        await store.db.insertInto('residence').values(residenceRow(late, B, '2021-01-01')).execute();
        const between = await agree('the later transaction committed, the earlier not yet');
        assert.ok(between.personIds.includes(late) && !between.personIds.includes(early));
        release();
        await slow;
        const both = await agree('both committed');
        assert.ok(both.personIds.includes(early), 'the transaction that committed last is seen');
      });
    }
  });
}
