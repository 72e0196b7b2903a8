/**
 * Reports as the record was known at an instant (issue 8: "a report as of a past date gives exactly
 * what the record said then, so a monthly report can be reproduced a year later"), on both backends,
 * over HTTP: runs kept today and for a past date, then the record changes under them — a residence
 * ended, a death recorded late and dated back, two counted persons merged (their documents,
 * residences and observations moved), every dwelling's housing use changed — and
 * - an ordinary re-run sees the changes (changed, fewer persons);
 * - reproducing each kept run (its recorded transaction time) gives the same table or roster, cell
 *   for cell and the same content hash, although it is read by another path (the database's
 *   versions of then, survivorship over the observations recorded by then) than the original
 *   (memory of residences, current values);
 * - asking for that instant explicitly gives the same; an instant before anything was recorded
 *   gives nobody; an instant in the future or not an instant is refused;
 * - unmerging brings the merged person back, and the reproduction still gives the kept run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/api/app.ts';
import { generateDemo } from '../../src/demo/demo-generator.ts';
import { loadDemo } from '../../src/ingest/load-demo.ts';
import { servicesFor } from '../../src/main.ts';
import { recomputeCurrent } from '../../src/services/current-values.ts';
import type { Services } from '../../src/services/services.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import type { ObservationWrite } from '../../src/store/ingest.repository.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { HOME, reportsOver } from '../support/report-demo.ts';

interface RunBody {
  run: { id: string; contentHash: string; comparison: string; personCount: number; knownAt: string | null; previousRunId: string | null };
  result: { personCount: number; rows: unknown[]; knownAt?: string };
}

const today = new Date().toISOString().slice(0, 10);
const daysBefore = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const PAST = daysBefore(40);

for (const backend of await backends()) {
  describe(`reports as known at an instant on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let services: Services;
    let access: AccessServices;
    let app: FastifyInstance;
    let street: Client;
    let civil: Client;
    let housing: Client;
    let exitEntry: Client;
    let root: string;
    /** Kept runs made before the changes: [report, client, body asked, the run]. */
    const kept: { id: string; client: () => Client; asOf: string; body: RunBody }[] = [];
    let mergeId = '';

    const run = async (c: Client, id: string, payload: Record<string, unknown>) =>
      c({ method: 'POST', url: `/api/v1/reports/${id}/runs`, payload });
    const ok = async (c: Client, id: string, payload: Record<string, unknown>): Promise<RunBody> => {
      const r = await run(c, id, payload);
      assert.equal(r.statusCode, 201, r.body);
      return r.json() as RunBody;
    };
    const reproduce = async (c: Client, id: string, runId: string): Promise<RunBody> => {
      const r = await c({ method: 'POST', url: `/api/v1/reports/${id}/runs/${runId}/reproduce` });
      assert.equal(r.statusCode, 201, r.body);
      return r.json() as RunBody;
    };
    const personsOf = async (runId: string): Promise<string[]> => {
      const row = await store.db.selectFrom('report_run').select('person_ids').where('id', '=', runId).executeTakeFirstOrThrow();
      return JSON.parse(row.person_ids) as string[];
    };

    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'populus-known-at-'));
      await generateDemo({ seed: 'xinhua', outDir: join(root, 'demo'), scale: 0.02, noise: 1 });
      store = await backend.open();
      services = servicesFor(store, HOME);
      await loadDemo(services, join(root, 'demo'));
      access = testAccess(store, HOME);
      const reports = reportsOver(store, services, access);
      app = await buildApp({ services, access, reports, logLevel: 'silent' });
      street = await signedIn(app, access, { role: 'street-admin', areaCodes: [HOME] }, null);
      civil = await signedIn(app, access, { role: 'department-officer', departmentId: 'civil-affairs' }, null);
      housing = await signedIn(app, access, { role: 'department-officer', departmentId: 'housing' }, null);
      exitEntry = await signedIn(app, access, { role: 'department-officer', departmentId: 'exit-entry' }, null);

      // Kept runs, read as the record is now: today (current values, the memory of residences) and a past date.
      for (const [id, client, asOf] of [
        ['actual-population-monthly', () => street, today],
        ['actual-population-monthly', () => street, PAST],
        ['rented-dwellings', () => housing, today],
        ['elderly-roster', () => civil, today],
        ['foreign-residents', () => exitEntry, today],
      ] as const) {
        kept.push({ id, client, asOf, body: await ok(client(), id, { area: HOME, asOf }) });
      }
      for (const k of kept)
        assert.ok(k.body.run.knownAt !== null && k.body.run.knownAt <= new Date().toISOString(), 'a run records when it read');
      // Strictly later than every kept run's read, whatever the clock's resolution.
      await new Promise((r) => setTimeout(r, 5));

      // The record changes under the kept runs.
      const monthly = await personsOf(kept[0]!.body.run.id);
      const elderly = await personsOf(kept[3]!.body.run.id);
      assert.ok(monthly.length > 20 && elderly.length > 3, `enough persons counted (${monthly.length}, ${elderly.length})`);
      // 1. An elderly person's actual residence ends today (no longer living here).
      const leaver = elderly[0]!;
      const view = await services.persons.get(leaver);
      const home = view.residences.find((r) => r.kind === 'actual' && r.validTo === null);
      assert.ok(home, 'the elderly person has an open actual residence');
      await services.persons.endResidence(leaver, home.id, today);
      // 2. A death recorded now, dated back before both reference dates.
      const dead = elderly[1]!;
      const data = createDataAccess(store, HOME.slice(0, 6));
      const write: ObservationWrite = {
        personId: dead,
        elementId: 'person.deathDate',
        value: daysBefore(60),
        sourceId: 'street-db',
        method: 'api',
        observedAt: daysBefore(60),
        batchId: null,
      };
      await data.transaction(async (repos) => {
        await repos.ingest.insertObservations([write]);
        await recomputeCurrent(repos, [write]);
      });
      // 3. Two counted persons merged.
      const [survivor, loser] = monthly.filter((p) => p !== leaver && p !== dead).slice(0, 2);
      mergeId = (await services.merges.merge(survivor!, loser!, 'user:test', { reason: 'known-at test', force: true })).mergeId;
      // 4. Every dwelling's housing use set to owner-occupied (the rented dwellings' report counts none).
      await store.db.updateTable('dwelling').set({ housing_use: 'OWNER_OCCUPIED' }).execute();
    });

    after(async () => {
      await app?.close();
      await access?.audit.close();
      await backend.dispose();
      await rm(root, { recursive: true, force: true });
    });

    test('an ordinary re-run sees the changes', async () => {
      for (const k of kept.filter((x) => x.id !== 'foreign-residents')) {
        const again = await ok(k.client(), k.id, { area: HOME, asOf: k.asOf });
        assert.equal(again.run.comparison, 'changed', `${k.id} ${k.asOf}: the record changed`);
        assert.notEqual(again.run.contentHash, k.body.run.contentHash);
      }
      const monthly = await ok(street, 'actual-population-monthly', { area: HOME, asOf: today });
      assert.ok(monthly.result.personCount <= kept[0]!.body.result.personCount - 2, 'the merged and the dead are no longer counted');
    });

    test('reproducing a kept run gives what it reported, by the record of then', async () => {
      for (const k of kept) {
        const again = await reproduce(k.client(), k.id, k.body.run.id);
        assert.equal(again.run.previousRunId, k.body.run.id, 'compared with the run it reproduces');
        assert.equal(again.run.comparison, 'unchanged', `${k.id} ${k.asOf}: ${JSON.stringify(again.result).slice(0, 200)}`);
        assert.equal(again.run.contentHash, k.body.run.contentHash);
        assert.deepEqual(again.result.rows, k.body.result.rows);
        assert.equal(again.run.knownAt, k.body.run.knownAt);
        assert.equal(again.result.knownAt, k.body.run.knownAt);
      }
    });

    test('asking for the instant gives the same; before anything was recorded, nobody', async () => {
      const k = kept[1]!;
      const same = await ok(street, k.id, { area: HOME, asOf: k.asOf, knownAt: k.body.run.knownAt });
      assert.equal(same.run.contentHash, k.body.run.contentHash);
      const empty = await ok(street, k.id, { area: HOME, asOf: k.asOf, knownAt: '2000-01-01T00:00:00Z' });
      assert.equal(empty.result.personCount, 0);
      assert.equal(empty.run.knownAt, '2000-01-01T00:00:00.000Z');
    });

    test('the versions replaced are kept: the ended residence, the merged rows, the dwellings', async () => {
      const count = async (table: string) =>
        Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.db)).rows[0]?.n);
      assert.ok((await count('residence_past')) >= 1, 'the residence as it was before it ended (and those moved by the merge)');
      assert.ok((await count('observation_past')) >= 1, 'the observations the merge moved');
      assert.ok((await count('identifier_past')) >= 1, 'the documents the merge moved');
      assert.ok((await count('dwelling_past')) >= 1, 'the housing use as it was');
      // An update that changes nothing of a copied column keeps nothing.
      const before = await count('dwelling_past');
      await store.db.updateTable('dwelling').set({ housing_use: 'OWNER_OCCUPIED' }).execute();
      assert.equal(await count('dwelling_past'), before);
    });

    test('after an unmerge, reproducing still gives the kept run; a run as of now counts both again', async () => {
      await services.merges.unmerge(mergeId, 'user:test', 'not the same person');
      const k = kept[0]!;
      const again = await reproduce(street, k.id, k.body.run.id);
      assert.equal(again.run.comparison, 'unchanged');
      assert.equal(again.run.contentHash, k.body.run.contentHash);
    });

    test('an instant in the future or not an instant is refused', async () => {
      const future = await run(street, 'actual-population-monthly', { area: HOME, asOf: today, knownAt: '2999-01-01T00:00:00Z' });
      assert.equal(future.statusCode, 400, future.body);
      assert.equal(future.json().code, 'VALIDATION_FAILED');
      const garbage = await run(street, 'actual-population-monthly', { area: HOME, asOf: today, knownAt: 'yesterday' });
      assert.equal(garbage.statusCode, 400, garbage.body);
      const missing = await street({
        method: 'POST',
        url: '/api/v1/reports/actual-population-monthly/runs/00000000-0000-7000-8000-000000000000/reproduce',
      });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().code, 'REPORT_RUN_NOT_FOUND');
    });
  });
}
