/**
 * Values of a past date in the report read (src/store/report.repository.ts): today's current
 * values, re-decided only for the pairs some observation valid after the date touches. The answer
 * must be the one survivorship gives over every observation valid by the date — the full history
 * read, computed here independently — for dates before, between and after the observations, on
 * both backends; through the whole-street read, a committee's read and a roster's later read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { servicesFor } from '../../src/main.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { ReportRepository } from '../../src/store/report.repository.ts';
import type { Store } from '../../src/store/store.ts';
import { recomputeCurrent } from '../../src/services/current-values.ts';
import { survive } from '../../src/domain/survivorship.ts';
import { valuesByPerson } from '../../src/apps/reports/engine-facts.ts';
import type { ObservationWrite } from '../../src/store/ingest.repository.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const COMMITTEE = '310105004001';
const OTHER_COMMITTEE = '310105004002';
const MARITAL = 'person.maritalStatus';
const DEATH = 'person.deathDate';
const ELEMENTS = [MARITAL, DEATH];
const DATES = ['2019-12-31', '2020-06-30', '2021-01-01', '2022-03-15', '2023-12-31', '2030-01-01'];

/** One written observation, as the oracle sees it. */
interface Written {
  readonly personId: string;
  readonly elementId: string;
  readonly sourceId: string;
  readonly value: string | null;
  readonly observedAt: string | null;
  readonly recordedAt: string;
  readonly seq: number;
}

for (const backend of await backends()) {
  describe(`report values as of a date on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    const written: Written[] = [];
    const persons: { id: string; area: string }[] = [];
    let recorded = 0;

    before(async () => {
      store = await backend.open();
      const services = servicesFor(store, HOME);
      await services.sources.define({
        id: 'civil-db',
        departmentId: 'civil-affairs',
        nameZh: '民政系统',
        nameEn: 'civil affairs system',
        level: 'district',
        owns: [MARITAL],
      });
      const data = createDataAccess(store, HOME.slice(0, 6));
      for (let i = 0; i < 12; i++) {
        const area = i % 3 === 0 ? OTHER_COMMITTEE : COMMITTEE;
        const p = await services.persons.create({ residences: [{ kind: 'actual', areaCode: area, validFrom: '2019-01-01' }] });
        persons.push({ id: p.person.id, area });
      }
      // Each person gets a story of its own: the owner and another source, values changed, withdrawn,
      // reported only after some dates, a death recorded late; derived values without a date.
      const stories: [string, string, string | null, string | null][][] = [
        [['civil-db', MARITAL, '10', '2020-01-01']],
        [
          ['civil-db', MARITAL, '10', '2020-01-01'],
          ['civil-db', MARITAL, '20', '2022-01-01'],
        ],
        [['street-db', MARITAL, '20', '2021-06-01']],
        [
          ['street-db', MARITAL, '20', '2020-01-01'],
          ['civil-db', MARITAL, '10', '2023-01-01'],
        ],
        [
          ['civil-db', MARITAL, '20', '2020-01-01'],
          ['civil-db', MARITAL, null, '2022-01-01'],
        ],
        [
          ['civil-db', MARITAL, '20', '2020-01-01'],
          ['street-db', MARITAL, '30', '2022-01-01'],
        ],
        [['civil-db', DEATH, '2022-02-01', '2022-02-10']],
        [
          ['street-db', DEATH, '2021-02-01', null],
          ['street-db', MARITAL, '40', '2020-01-01'],
        ],
        [
          ['street-db', MARITAL, '10', '2020-01-01'],
          ['other-db', MARITAL, '20', '2021-01-01'],
          ['street-db', MARITAL, '30', '2023-01-01'],
        ],
        [],
        [['civil-db', MARITAL, '20', '2025-01-01']],
        [
          ['civil-db', MARITAL, '20', '2020-01-01'],
          ['civil-db', MARITAL, '20', '2022-01-01'],
          ['civil-db', DEATH, '2024-01-01', '2024-01-05'],
        ],
      ];
      for (const [i, story] of stories.entries()) {
        const person = persons[i];
        assert.ok(person);
        for (const [sourceId, elementId, value, observedAt] of story) {
          const recordedAt = new Date(Date.UTC(2026, 0, 1, 0, 0, recorded++)).toISOString();
          const write: ObservationWrite = {
            personId: person.id,
            elementId,
            value,
            sourceId,
            method: 'import',
            observedAt,
            batchId: null,
            recordedAt,
          };
          await data.transaction(async (repos) => {
            await repos.ingest.insertObservations([write]);
            await recomputeCurrent(repos, [write]);
          });
        }
      }
      // The oracle reads every observation back, with the ids the store gave them.
      const rows = await store.db
        .selectFrom('observation')
        .select(['id', 'person_id', 'element_id', 'source_id', 'value', 'observed_at', 'recorded_at'])
        .execute();
      for (const r of rows)
        written.push({
          personId: r.person_id,
          elementId: r.element_id,
          sourceId: r.source_id ?? 'unknown',
          value: r.value,
          observedAt: r.observed_at,
          recordedAt: String(r.recorded_at),
          seq: Number(r.id),
        });
      assert.ok(written.length >= 20, 'the stories are stored');
    });

    after(async () => {
      await backend.dispose();
    });

    /** What survivorship says over every observation valid by the date: person → element → value. */
    function expected(asOf: string, only: ReadonlySet<string>): Map<string, Map<string, string>> {
      const out = new Map<string, Map<string, string>>();
      for (const p of persons) {
        if (!only.has(p.id)) continue;
        for (const e of ELEMENTS) {
          const valid = written.filter((w) => w.personId === p.id && w.elementId === e && (w.observedAt === null || w.observedAt <= asOf));
          const c = survive(valid, new Set(e === MARITAL ? ['civil-db'] : [])).current;
          if (!c) continue;
          let m = out.get(p.id);
          if (!m) out.set(p.id, (m = new Map()));
          m.set(e, c.value);
        }
      }
      return out;
    }

    const plain = (m: ReadonlyMap<string, ReadonlyMap<string, string>>): Record<string, Record<string, string>> =>
      Object.fromEntries([...m].filter(([, v]) => v.size > 0).map(([k, v]) => [k, Object.fromEntries([...v].sort())]));

    for (const way of ['from today’s values', 'from the history'] as const)
      test(`the whole street and one committee, on dates before, between and after the observations (${way})`, async () => {
        const { repos } = createDataAccess(store, HOME.slice(0, 6));
        const reads = way === 'from the history' ? new ReportRepository(store.db, store.sqlite, 0) : repos.reportReads;
        const owners = await repos.sources.owners(ELEMENTS);
        let differing = 0;
        for (const asOf of DATES) {
          for (const areaPrefix of [HOME, COMMITTEE]) {
            const rows = await reads.read({
              areaPrefix,
              asOf,
              elementIds: ELEMENTS,
              values: 'asOf',
              memberships: false,
              dwellings: false,
            });
            const here = new Set(persons.filter((p) => p.area.startsWith(areaPrefix)).map((p) => p.id));
            assert.deepEqual(new Set(rows.personIds), here, `${areaPrefix}: the area's persons`);
            const got = plain(valuesByPerson(rows, owners));
            const want = plain(expected(asOf, here));
            assert.deepEqual(got, want, `values of ${asOf} in ${areaPrefix}`);
            const today = plain(
              valuesByPerson(
                await repos.reportReads.read({
                  areaPrefix,
                  asOf,
                  elementIds: ELEMENTS,
                  values: 'current',
                  memberships: false,
                  dwellings: false,
                }),
                owners,
              ),
            );
            if (JSON.stringify(today) !== JSON.stringify(want)) differing++;
          }
        }
        assert.ok(differing >= 4, `the past differs from today on several dates (${differing}), so the check has teeth`);
      });

    test('a merged-away person is left out of the whole street and of a committee, whatever their rows say', async () => {
      const services = servicesFor(store, HOME);
      const gone = await services.persons.create({ residences: [{ kind: 'actual', areaCode: COMMITTEE, validFrom: '2019-01-01' }] });
      const survivor = persons[1];
      assert.ok(survivor);
      await store.db.updateTable('person').set({ merged_into: survivor.id }).where('id', '=', gone.person.id).execute();
      const { repos } = createDataAccess(store, HOME.slice(0, 6));
      for (const areaPrefix of [HOME, COMMITTEE]) {
        const rows = await repos.reportReads.read({
          areaPrefix,
          asOf: '2023-12-31',
          elementIds: [],
          values: 'current',
          memberships: false,
          dwellings: false,
        });
        assert.ok(!rows.personIds.includes(gone.person.id), `${areaPrefix}: the merged-away person is not read`);
        assert.ok(rows.personIds.includes(survivor.id), `${areaPrefix}: the survivor is`);
      }
      await store.db.updateTable('person').set({ merged_into: null }).where('id', '=', gone.person.id).execute();
      persons.push({ id: gone.person.id, area: COMMITTEE });
    });

    test("a roster's values read later for chosen persons follow the same rule, both ways", async () => {
      const { repos } = createDataAccess(store, HOME.slice(0, 6));
      const owners = await repos.sources.owners(ELEMENTS);
      const chosen = persons.filter((_, i) => i % 2 === 1).map((p) => p.id);
      for (const reads of [repos.reportReads, new ReportRepository(store.db, store.sqlite, 0)])
        for (const asOf of DATES) {
          const got = plain(valuesByPerson(await reads.valuesOf(chosen, ELEMENTS, 'asOf', asOf), owners));
          assert.deepEqual(got, plain(expected(asOf, new Set(chosen))), `roster values of ${asOf}`);
        }
    });
  });
}
