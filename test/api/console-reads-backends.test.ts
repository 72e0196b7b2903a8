/**
 * The console's new reads on both backends (SQLite in memory and a real PostgreSQL): the imports
 * list and an import's rejected rows paged on the server with their totals, and the dashboard's
 * share of values past their freshness counted by one GROUP BY — the same answers on each.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import type { MappingProfile } from '../../src/domain/ingest/profile.ts';
import { todayIso } from '../../src/domain/dates.ts';
import { servicesFor } from '../../src/main.ts';
import type { Store } from '../../src/store/store.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { reportsOver } from '../support/report-demo.ts';

const HOME = '310105004';
const id = (body17: string): string => body17 + computeCheckChar(body17);
const PROFILE: MappingProfile = {
  extract: 'delta',
  recordKey: ['身份证号'],
  columns: [
    { column: '身份证号', target: { identifier: 'CN_ID' }, required: true },
    { column: '姓名', target: { element: 'person.name' } },
    { column: '电话', target: { element: 'person.phone' } },
  ],
};

for (const backend of await backends()) {
  describe(`console reads on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let app: FastifyInstance;
    let street: Client;
    let dir: string;
    let oldBatch = '';

    before(async () => {
      store = await backend.open();
      dir = await mkdtemp(join(tmpdir(), 'populus-console-reads-'));
      const services = servicesFor(store, HOME);
      const access = testAccess(store, HOME);
      const reports = reportsOver(store, services, access);
      app = await buildApp({ services, access, reports, logLevel: 'silent' });
      street = await signedIn(app, access, { role: 'street-admin', areaCodes: [HOME] }, 'POPULATION_SERVICE');
      // Two systems of the street office: one sent its phones in 2020 (past the phone's freshness of a year), the other today.
      for (const [source, observedAt, first] of [
        ['old-register', '2020-01-01', 100],
        ['new-register', todayIso(), 200],
      ] as const) {
        await services.sources.define({
          id: source,
          departmentId: 'street-population-office',
          nameZh: source,
          nameEn: source,
          level: 'street',
          owns: [],
        });
        await services.sources.addProfile(source, PROFILE);
        const good = Array.from(
          { length: 3 },
          (_, i) =>
            `${id(`31010519900101${String(first + i).padStart(3, '0')}`)},居民${first + i},1381234${String(first + i).padStart(4, '0')}`,
        );
        const bad = Array.from({ length: 12 }, (_, i) => `bad-${first + i},某人,13800000000`);
        const file = join(dir, `${source}.csv`);
        await writeFile(file, ['身份证号,姓名,电话', ...good, ...bad].join('\n'));
        const r = await services.imports.importFile(source, file, { observedAt });
        assert.equal(r.status, 'committed');
        if (source === 'old-register') oldBatch = r.batchId;
      }
    });
    after(async () => {
      await app.close();
      await backend.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    test('imports page newest first with their total; rejected rows page in file order with theirs', async () => {
      const all = (await street('/api/v1/imports')).json();
      assert.equal(all.total, 2);
      assert.deepEqual(
        all.items.map((b: { sourceId: string }) => b.sourceId),
        ['new-register', 'old-register'],
      );
      const second = (await street('/api/v1/imports?limit=1&offset=1')).json();
      assert.deepEqual([second.total, second.items.map((b: { id: string }) => b.id)], [2, [oldBatch]]);
      assert.deepEqual((await street('/api/v1/imports?source=new-register&limit=5')).json().total, 1);
      const page = (await street(`/api/v1/imports/${oldBatch}/rejected?limit=5&offset=10`)).json();
      assert.equal(page.total, 12);
      assert.deepEqual(
        page.items.map((r: { row: number; reason: string }) => [r.row, r.reason]),
        [
          [15, 'INVALID_ID_NUMBER'],
          [16, 'INVALID_ID_NUMBER'],
        ],
      );
    });

    test('the freshness card: the share of each source’s values past their freshness', async () => {
      const d = (await street('/api/v1/dashboard')).json() as {
        freshness: { sourceId: string; values: number | null; stale: number | null; staleShare: number | null }[];
      };
      const of = (s: string) => d.freshness.find((f) => f.sourceId === s);
      // Each source gave three phones (a year's freshness): 2020's are stale, today's are not.
      assert.deepEqual([of('old-register')?.values, of('old-register')?.stale, of('old-register')?.staleShare], [3, 3, 1]);
      assert.deepEqual([of('new-register')?.values, of('new-register')?.stale, of('new-register')?.staleShare], [3, 0, 0]);
    });
  });
}
