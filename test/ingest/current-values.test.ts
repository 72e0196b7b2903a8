/**
 * The import's survivorship shortcut against the full rule, on every backend: random batches of
 * observations (owners and other sources, withdrawals, equal and differing values, new and stored
 * persons) go through recomputeCurrent the way a chunk does (before its observations are stored,
 * with them pending); afterwards every current value and every open conflict must be what
 * survivorship over all stored observations says.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { survive } from '../../src/domain/survivorship.ts';
import { servicesFor } from '../../src/main.ts';
import { recomputeCurrent, type PendingObservation } from '../../src/services/current-values.ts';
import { newId, nowIso } from '../../src/store/clock.ts';
import { createDataAccess, type DataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';
import { seededRandom } from '../../src/domain/random.ts';

const HOME = '310105004';
/** Owned by police, by civil affairs, and by no source defined here (every value unconfirmed). */
const ELEMENTS = ['person.name', 'person.maritalStatus', 'person.phone'] as const;
const SOURCES = ['police-register', 'civil-relief', 'volunteers', 'rentals'] as const;
const VALUES = ['10', '20', '30', null] as const;
const DATES = ['2026-01-01', '2026-02-01', '2026-03-01'] as const;

const random = seededRandom;

for (const backend of await backends()) {
  describe(`current values on ${backend.name}: the import's shortcut agrees with survivorship`, { skip: backend.unavailable }, () => {
    let store: Store;
    let data: DataAccess;
    before(async () => {
      store = await backend.open();
      const s = servicesFor(store, HOME);
      data = createDataAccess(store, HOME.slice(0, 6));
      await s.sources.define({ id: 'police-register', departmentId: 'police-household', nameZh: '公安人口户籍', nameEn: 'police', level: 'city', owns: ['person.name'] });
      await s.sources.define({ id: 'civil-relief', departmentId: 'civil-affairs', nameZh: '民政救助', nameEn: 'civil affairs', level: 'district', owns: ['person.maritalStatus'] });
      await s.sources.define({ id: 'volunteers', departmentId: 'youth-league', nameZh: '志愿者', nameEn: 'volunteers', level: 'street', owns: [] });
      await s.sources.define({ id: 'rentals', departmentId: 'street-population-office', nameZh: '租赁登记', nameEn: 'rentals', level: 'street', owns: [] });
    });
    after(() => backend.dispose());

    test('80 random batches over 12 persons', async () => {
      const next = random(7);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
      const persons: string[] = [];
      for (let b = 0; b < 80; b++) {
        const batchId = newId();
        await data.transaction(async (repos) => {
          const created = persons.length < 12 && next() < 0.5 ? [newId(), newId()] : [];
          await repos.ingest.insertPersons(created, batchId);
          persons.push(...created);
          const recordedAt = nowIso();
          const pending: PendingObservation[] = [];
          const count = 1 + Math.floor(next() * 8);
          for (let i = 0; i < count && persons.length > 0; i++) {
            const value = pick(VALUES);
            pending.push({ personId: pick(persons), elementId: pick(ELEMENTS), sourceId: pick(SOURCES), value: value === null ? null : `${value}`, observedAt: pick(DATES), recordedAt });
          }
          await recomputeCurrent(repos, pending, batchId, { pending, newPersons: new Set(created) });
          await repos.ingest.insertObservations(pending.map((o) => ({ ...o, method: 'import', batchId })));
        });
      }

      const repos = data.repos;
      const owners = await repos.sources.owners([...ELEMENTS]);
      const pairs = persons.flatMap((personId) => ELEMENTS.map((elementId) => ({ personId, elementId })));
      const reports = await repos.ingest.reportsOf(pairs);
      const currents = new Map((await repos.ingest.currentValues(pairs)).map((c) => [`${c.personId}|${c.elementId}`, c]));
      const open = await repos.ingest.openConflicts(persons);
      let compared = 0;
      let conflicts = 0;
      for (const { personId, elementId } of pairs) {
        const expected = survive(
          reports.filter((r) => r.personId === personId && r.elementId === elementId),
          owners.get(elementId) ?? new Set(),
        );
        const stored = currents.get(`${personId}|${elementId}`);
        assert.deepEqual(
          stored && { value: stored.value, sourceId: stored.sourceId, observedAt: stored.observedAt, recordedAt: stored.recordedAt, status: stored.status },
          expected.current,
          `current value of ${elementId}`,
        );
        const openHere = open.filter((c) => c.personId === personId && c.elementId === elementId).map((c) => `${c.sourceId} ${c.detail}`).sort();
        const wanted = expected.conflicts
          .map((d) => `${d.sourceId} ${JSON.stringify({ ownerSourceId: expected.current?.sourceId, ownerValue: expected.current?.value, sourceId: d.sourceId, value: d.value, observedAt: d.observedAt })}`)
          .sort();
        assert.deepEqual(openHere, wanted, `open conflicts of ${elementId}`);
        // The look-up by value finds the person under its current value (a write that keeps the value updates the row only).
        if (stored) assert.ok((await repos.persons.personsWithValue(elementId, [stored.value], 1000)).includes(personId), `${elementId} = ${stored.value} found by value`);
        compared++;
        conflicts += wanted.length;
      }
      assert.equal(compared, 36);
      assert.ok(conflicts > 0, 'the random batches raised conflicts to compare');
    });
  });
}
