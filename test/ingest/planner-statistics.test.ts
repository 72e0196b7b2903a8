/**
 * An import keeps PostgreSQL's planner statistics up with the tables it grows (autovacuum may be
 * late, or off): a table that has more than doubled on disk since it was last analyzed is analyzed
 * between chunks, and one that has not is left alone. SQLite has nothing to refresh.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { newId, nowIso } from '../../src/store/clock.ts';
import { createDataAccess, type DataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import { servicesFor } from '../../src/main.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';

for (const backend of await backends()) {
  describe(`planner statistics on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let data: DataAccess;
    before(async () => {
      store = await backend.open();
      servicesFor(store, HOME);
      data = createDataAccess(store, HOME.slice(0, 6));
    });
    after(() => backend.dispose());

    /** Writes `n` persons with one observation each, as a chunk would. */
    const grow = async (n: number): Promise<void> => {
      const batchId = newId();
      const persons = Array.from({ length: n }, () => newId());
      await data.transaction(async (repos) => {
        await repos.ingest.insertPersons(persons, batchId);
        await repos.ingest.insertObservations(
          persons.map((personId, i) => ({ personId, elementId: 'person.name', value: `测试${i}`, sourceId: 'police-register', method: 'import', observedAt: '2026-01-01', recordedAt: nowIso(), batchId })),
        );
      });
    };

    /** What the planner believes of a table: its rows and pages as last analyzed (PostgreSQL). */
    const believed = async (table: string): Promise<{ rows: number; pages: number }> => {
      const r = await sql<{ reltuples: number; relpages: number }>`select reltuples, relpages from pg_class where relname = ${table} and relnamespace = current_schema()::regnamespace`.execute(store.db);
      return { rows: Number(r.rows[0]?.reltuples), pages: Number(r.rows[0]?.relpages) };
    };

    test('a grown table is analyzed, an unchanged one is not', async () => {
      await grow(3_000);
      const first = await data.repos.ingest.refreshStatistics();
      if (backend.name === 'sqlite') {
        assert.deepEqual(first, []);
        return;
      }
      assert.ok(first.includes('observation') && first.includes('person'), `analyzed: ${first.join(', ')}`);
      assert.equal((await believed('observation')).rows, 3_000);
      assert.equal((await believed('person')).rows, 3_000);
      assert.deepEqual(await data.repos.ingest.refreshStatistics(), [], 'nothing grew since');

      await grow(300);
      assert.ok(!(await data.repos.ingest.refreshStatistics()).includes('observation'), 'a tenth more is not a doubling');
      assert.equal((await believed('observation')).rows, 3_000);

      await grow(6_000);
      assert.ok((await data.repos.ingest.refreshStatistics()).includes('observation'));
      assert.equal((await believed('observation')).rows, 9_300);
    });
  });
}
