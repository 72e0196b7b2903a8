/**
 * Report schedules (issue 8): when monthly, quarterly and annual runs fall due (the period's last
 * day, once it is over), and `runDue` producing each owed period once — idempotent however often
 * it is called — with the runs kept like any other. The engine is a stub here (the figures are not
 * the point); the storage (on SQLite and PostgreSQL), service and audit are real.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { followingDue, isDue, owedDates, periodEnd, periodLabel } from '../../src/apps/reports/schedule.ts';
import { createReportServices, type ReportServices } from '../../src/apps/reports/report-services.ts';
import type { ReportRunner } from '../../src/apps/reports/report.service.ts';
import type { EngineOutput, ReportDefinition } from '../../src/apps/reports/types.ts';
import { cliPrincipal, cliRunner } from '../../src/cli/commands/report.command.ts';
import { servicesFor } from '../../src/main.ts';
import { loadElements } from '../../src/reference/catalogue-loader.ts';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { testAccess } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';

describe('schedule dates', () => {
  test('period ends: month (leap February too), quarter, year', () => {
    assert.equal(periodEnd('monthly', '2024-02-10'), '2024-02-29');
    assert.equal(periodEnd('monthly', '2023-02-10'), '2023-02-28');
    assert.equal(periodEnd('monthly', '2024-12-31'), '2024-12-31');
    assert.equal(periodEnd('quarterly', '2024-01-01'), '2024-03-31');
    assert.equal(periodEnd('quarterly', '2024-05-15'), '2024-06-30');
    assert.equal(periodEnd('quarterly', '2024-09-30'), '2024-09-30');
    assert.equal(periodEnd('quarterly', '2024-11-02'), '2024-12-31');
    assert.equal(periodEnd('annual', '2024-03-04'), '2024-12-31');
  });

  test('the following period and what is owed on a day', () => {
    assert.equal(followingDue('monthly', '2024-01-31'), '2024-02-29');
    assert.equal(followingDue('monthly', '2024-12-31'), '2025-01-31');
    assert.equal(followingDue('quarterly', '2024-12-31'), '2025-03-31');
    assert.equal(followingDue('annual', '2024-12-31'), '2025-12-31');
    assert.equal(isDue('2024-12-31', '2024-12-31'), false, 'not on the last day itself');
    assert.equal(isDue('2024-12-31', '2025-01-01'), true);
    assert.deepEqual(owedDates('monthly', '2024-10-31', '2025-01-01'), ['2024-10-31', '2024-11-30', '2024-12-31']);
    assert.deepEqual(owedDates('quarterly', '2024-09-30', '2024-09-30'), []);
    assert.deepEqual(owedDates('annual', '2023-12-31', '2025-06-01'), ['2023-12-31', '2024-12-31']);
  });

  test('period labels as forms write them', () => {
    assert.equal(periodLabel('monthly', '2024-12-31', 'zh'), '2024年12月');
    assert.equal(periodLabel('quarterly', '2024-12-31', 'zh'), '2024年第4季度');
    assert.equal(periodLabel('annual', '2024-12-31', 'en'), '2024');
  });
});

for (const backend of await backends()) {
  describe(`runDue on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let access: AccessServices;
    let apps: ReportServices;
    const calls: { id: string; asOf: string; area: string }[] = [];
    /** The areas of each engine call: schedules due together are one call. */
    const batches: string[][] = [];
    let personCount = 10;
    const engine: ReportRunner = {
      runAreas(def: ReportDefinition, o): Promise<EngineOutput[]> {
        batches.push([...o.areaCodes]);
        return Promise.resolve(
          o.areaCodes.map((area) => {
            calls.push({ id: def.id, asOf: o.asOf, area });
            return {
              personIds: [],
              elementIds: ['person.populationCategory'],
              result: {
                definitionId: def.id,
                definitionVersion: def.version,
                kind: def.kind,
                title: def.title,
                area: { code: area, name: '新华路街道' },
                asOf: o.asOf,
                generatedAt: new Date().toISOString(),
                departmentId: def.departmentId,
                purpose: o.access.purpose,
                header: [],
                columns: [
                  { key: 'committee', label: { zh: '居委会', en: 'Committee' }, type: 'text' },
                  { key: 'n', label: { zh: '人数', en: 'Persons' }, type: 'count' },
                ],
                rows: [{ cells: ['番禺', personCount], role: 'data', level: 0 }],
                personCount,
                notes: [],
              },
            };
          }),
        );
      },
    };

    before(async () => {
      store = await backend.open();
      access = testAccess(store);
      apps = createReportServices({
        data: createDataAccess(store, '310105'),
        homeArea: '310105004',
        services: servicesFor(store, '310105004'),
        access,
        elements: loadElements(defaultDataDir()),
        engine,
      });
    });
    after(async () => {
      await access.audit.close();
      await backend.dispose();
    });

    test('produces every owed period once, oldest first; calling again produces nothing', async () => {
      const admin = cliPrincipal('tester');
      const s = await apps.schedules.create(admin, {
        definitionId: 'actual-population-monthly',
        areaCode: '310105004',
        period: 'monthly',
        firstDue: '2024-10-31',
        runAs: cliRunner('street-population-office', 'tester'),
      });
      assert.equal(s.nextDue, '2024-10-31');
      await assert.rejects(
        apps.schedules.create(admin, {
          definitionId: 'actual-population-monthly',
          areaCode: '310105004',
          period: 'monthly',
          firstDue: '2024-10-30',
        }),
        /not the last day/,
      );
      const first = await apps.schedules.runDue(new Date('2025-01-02T08:00:00Z'));
      assert.deepEqual(
        first.map((r) => r.error),
        [null, null, null],
      );
      assert.deepEqual(
        first.map((r) => r.asOf),
        ['2024-10-31', '2024-11-30', '2024-12-31'],
      );
      assert.ok(first.every((r) => r.error === null && r.runId !== null));
      assert.equal(calls.length, 3);
      const again = await apps.schedules.runDue(new Date('2025-01-20T08:00:00Z'));
      assert.deepEqual(again, [], 'nothing is produced twice');
      assert.equal(calls.length, 3);
      const after = await apps.schedules.get(admin, s.id);
      assert.equal(after.nextDue, '2025-01-31');
      assert.equal(after.lastRunId, first[2]?.runId);
      const runs = await apps.reports.listRuns(admin, { definitionId: 'actual-population-monthly', limit: 10 });
      assert.equal(runs.length, 3);
      assert.ok(runs.every((r) => r.scheduleId === s.id && r.comparison === 'first'));
      const audited = await store.db.selectFrom('audit_entry').select('action').where('action', '=', 'report.run').execute();
      assert.equal(audited.length, 3, 'scheduled runs are audited like any other');
    });

    test('a re-run of a kept period says whether it changed', async () => {
      const admin = cliRunner('street-population-office', 'tester');
      const same = await apps.reports.run(admin, {
        definitionId: 'actual-population-monthly',
        areaCode: '310105004',
        asOf: '2024-12-31',
        format: 'json',
        requestId: null,
      });
      assert.equal(same.run.comparison, 'unchanged');
      personCount = 11;
      const changed = await apps.reports.run(admin, {
        definitionId: 'actual-population-monthly',
        areaCode: '310105004',
        asOf: '2024-12-31',
        format: 'json',
        requestId: null,
      });
      assert.equal(changed.run.comparison, 'changed');
      assert.deepEqual(changed.changes?.cells, [{ row: '番禺', column: '人数 Persons', old: 10, new: 11 }]);
      assert.deepEqual(changed.changes?.personCount, { old: 10, new: 11 });
    });

    test('a failing run is recorded on the schedule and tried again next time', async () => {
      const admin = cliPrincipal('tester');
      const s = await apps.schedules.create(admin, {
        definitionId: 'elderly-statistics',
        areaCode: '310105004',
        period: 'annual',
        firstDue: '2023-12-31',
        runAs: cliRunner('civil-affairs', 'tester'),
      });
      const failing = apps.schedules;
      const original = engine.runAreas.bind(engine);
      engine.runAreas = () => Promise.reject(new Error('disk full'));
      const r = await failing.runDue(new Date('2024-02-01T00:00:00Z'));
      const mine = r.filter((x) => x.scheduleId === s.id);
      assert.equal(mine.length, 1);
      assert.match(mine[0]?.error ?? '', /disk full/);
      assert.equal((await apps.schedules.get(admin, s.id)).nextDue, '2023-12-31', 'not moved on');
      engine.runAreas = original;
      const retried = (await failing.runDue(new Date('2024-02-01T00:00:00Z'))).filter((x) => x.scheduleId === s.id);
      assert.equal(retried[0]?.error, null);
      assert.equal((await apps.schedules.get(admin, s.id)).nextDue, '2024-12-31');
    });

    test('schedules due together (each committee of the street) are produced with one read; one failing area does not hold back the others', async () => {
      const admin = cliPrincipal('tester');
      const committees = ['310105004001', '310105004002', '310105004003'];
      const made: { id: string }[] = [];
      for (const areaCode of committees)
        made.push(
          await apps.schedules.create(admin, {
            definitionId: 'elderly-roster',
            areaCode,
            period: 'quarterly',
            firstDue: '2024-03-31',
            runAs: cliRunner('civil-affairs', 'tester'),
          }),
        );
      batches.length = 0;
      const runs = (await apps.schedules.runDue(new Date('2024-07-02T00:00:00Z'))).filter((r) => made.some((m) => m.id === r.scheduleId));
      // Oldest quarter first; within a quarter, schedules in the order they are stored.
      assert.deepEqual(
        runs.map((r) => r.asOf),
        ['2024-03-31', '2024-03-31', '2024-03-31', '2024-06-30', '2024-06-30', '2024-06-30'],
      );
      assert.deepEqual(
        runs.map((r) => [r.areaCode, r.asOf, r.error]).sort(),
        committees.flatMap((c) => ['2024-03-31', '2024-06-30'].map((d) => [c, d, null])),
        'each committee, each owed quarter',
      );
      assert.deepEqual(
        batches.map((b) => [...b].sort()),
        [committees, committees],
        'one engine call for the three committees per quarter',
      );
      const kept = await apps.reports.listRuns(admin, { definitionId: 'elderly-roster', limit: 50 });
      for (const m of made) assert.equal(kept.filter((r) => r.scheduleId === m.id).length, 2, 'each schedule keeps its own runs');

      // The next quarter: the engine refuses one committee; the other two are still produced, one at a time.
      const original = engine.runAreas.bind(engine);
      engine.runAreas = (def, o) =>
        o.areaCodes.includes('310105004002') ? Promise.reject(new Error('area unreadable')) : original(def, o);
      const next = (await apps.schedules.runDue(new Date('2024-10-02T00:00:00Z'))).filter((r) => made.some((m) => m.id === r.scheduleId));
      engine.runAreas = original;
      assert.deepEqual(next.map((r) => [r.areaCode, r.error === null ? 'ok' : r.error]).sort(), [
        ['310105004001', 'ok'],
        ['310105004002', 'area unreadable'],
        ['310105004003', 'ok'],
      ]);
      const failed = made[1];
      assert.ok(failed);
      assert.equal((await apps.schedules.get(admin, failed.id)).nextDue, '2024-09-30', 'the failed committee is owed the quarter still');
    });
  });
}
