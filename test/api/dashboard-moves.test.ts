/**
 * The list behind a bar of the dashboard's moves chart (GET /dashboard/moves, issue 9) on both
 * backends: its total is the bar's count for every month, in and out, for each kind of user; a
 * leaver is judged by the residence they left (their committee's worker lists them, another
 * committee's worker does not); pages partition the list; bad input is refused with a clear
 * code; each page is one audit entry naming the persons it lists.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import type { Store } from '../../src/store/store.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { reportsOver } from '../support/report-demo.ts';

const HOME = '310105004';
const AS_OF = '2025-06-30';
const ELSEWHERE = '310106006002';

interface Bars {
  moves: { month: string; in: number; out: number }[];
}
interface MovesBody {
  area: { code: string; name: string };
  asOf: string;
  month: string;
  direction: 'in' | 'out';
  total: number;
  items: {
    personId: string;
    name: string | null;
    direction: string;
    date: string;
    areaCode: string;
    areaName: string | null;
    address: string | null;
    profile: boolean;
  }[];
}

/** A person with actual residences (from, to) in the areas given. */
async function person(services: Services, name: string, residences: readonly [string, string, string | undefined][]): Promise<string> {
  const v = await services.persons.create({
    values: { 'person.name': name },
    residences: residences.map(([areaCode, validFrom, validTo]) => ({
      kind: 'actual' as const,
      areaCode,
      addressText: `${name}的住址`,
      validFrom,
      ...(validTo === undefined ? {} : { validTo }),
    })),
  });
  return v.person.id;
}

for (const backend of await backends()) {
  describe(`dashboard moves list on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let app: FastifyInstance;
    let street: Client;
    let workerA: Client;
    let workerB: Client;
    let a = '';
    let b = '';
    const ids: Record<string, string> = {};

    before(async () => {
      store = await backend.open();
      const services = servicesFor(store, HOME);
      const access = testAccess(store, HOME);
      const reports = reportsOver(store, services, access);
      app = await buildApp({ services, access, reports, logLevel: 'silent' });
      const committees = await services.areas.children(HOME);
      a = committees[0]!.code;
      b = committees[1]!.code;
      // Five move into A in June; one moves from A to B; one leaves A for another district; one moved into B in May.
      for (let i = 1; i <= 5; i++) ids[`in${i}`] = await person(services, `迁入${i}`, [[a, `2025-06-0${i}`, undefined]]);
      ids['withinStreet'] = await person(services, '街内迁移', [
        [a, '2010-01-01', '2025-06-10'],
        [b, '2025-06-10', undefined],
      ]);
      ids['leaver'] = await person(services, '迁出者', [
        [a, '2012-03-01', '2025-06-15'],
        [ELSEWHERE, '2025-06-15', undefined],
      ]);
      ids['mayB'] = await person(services, '五月迁入', [[b, '2025-05-20', undefined]]);
      street = await signedIn(app, access, { role: 'street-admin', areaCodes: [HOME] }, 'POPULATION_SERVICE');
      workerA = await signedIn(app, access, { role: 'committee-worker', areaCodes: [a] }, 'POPULATION_SERVICE');
      workerB = await signedIn(app, access, { role: 'committee-worker', areaCodes: [b] }, 'POPULATION_SERVICE');
    });
    after(async () => {
      await app.close();
      await backend.dispose();
    });

    const bars = async (c: Client, area: string): Promise<Bars['moves']> => {
      const r = await c(`/api/v1/dashboard?area=${area}&asOf=${AS_OF}`);
      assert.equal(r.statusCode, 200, r.body);
      return (r.json() as Bars).moves;
    };
    const list = async (c: Client, area: string, month: string, direction: 'in' | 'out', page = ''): Promise<MovesBody> => {
      const r = await c(`/api/v1/dashboard/moves?area=${area}&asOf=${AS_OF}&month=${month}&direction=${direction}${page}`);
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as MovesBody;
    };
    const listed = (m: MovesBody): string[] => m.items.map((i) => i.personId).sort();

    test('every bar’s list holds exactly as many moves as the bar counts, in and out, for each user', async () => {
      let nonEmpty = 0;
      for (const [c, area] of [
        [street, HOME],
        [street, a],
        [workerA, a],
        [workerA, HOME],
        [workerB, b],
        [workerB, HOME],
      ] as const) {
        for (const bar of await bars(c, area)) {
          for (const direction of ['in', 'out'] as const) {
            const m = await list(c, area, bar.month, direction, '&limit=200');
            assert.equal(m.total, bar[direction], `${area} ${bar.month} ${direction}`);
            assert.equal(m.items.length, m.total);
            assert.ok(m.items.every((i) => i.direction === direction && i.date.startsWith(bar.month)));
            if (m.total > 0) nonEmpty++;
          }
        }
      }
      assert.ok(nonEmpty >= 8, 'the fixture’s moves show in several lists');
      const june = await list(street, HOME, '2025-06', 'in');
      assert.deepEqual(listed(june), [ids['in1'], ids['in2'], ids['in3'], ids['in4'], ids['in5'], ids['withinStreet']].sort());
      assert.deepEqual(
        june.items.map((i) => i.date),
        [...june.items.map((i) => i.date)].sort(),
        'oldest first',
      );
      const out = await list(street, a, '2025-06', 'out');
      assert.deepEqual(listed(out), [ids['leaver'], ids['withinStreet']].sort());
      assert.deepEqual(listed(await list(street, HOME, '2025-05', 'in')), [ids['mayB']]);
    });

    test('a leaver is judged by the residence they left: their committee’s worker lists them, another committee’s does not', async () => {
      const mine = await list(workerA, a, '2025-06', 'out');
      const leaver = mine.items.find((i) => i.personId === ids['leaver']);
      assert.ok(leaver, 'committee A’s worker sees who left committee A');
      assert.equal(leaver.name, '迁出者', 'named, as a search result of theirs would be');
      assert.equal(leaver.areaCode, a);
      assert.equal(leaver.date, '2025-06-15');
      assert.equal(leaver.address, '迁出者的住址');
      assert.equal(leaver.profile, false, 'living in another district now: no profile of theirs to open');
      assert.ok(
        (await list(workerA, HOME, '2025-06', 'out')).items.some((i) => i.personId === ids['leaver']),
        'also on the street’s view',
      );
      // Committee B's worker: the street's moves out hold nobody of A's (the leaver is judged by A, the one who moved to B by B).
      const theirs = await list(workerB, HOME, '2025-06', 'out');
      assert.ok(!theirs.items.some((i) => i.personId === ids['leaver']), 'committee B’s worker does not see who left committee A');
      assert.equal(theirs.total, (await bars(workerB, HOME)).find((x) => x.month === '2025-06')?.out);
      const refused = await workerB(`/api/v1/dashboard/moves?area=${a}&asOf=${AS_OF}&month=2025-06&direction=out`);
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().code, 'NOT_ALLOWED');
      // Someone who still lives in A is listed with a profile to open.
      const arrived = (await list(workerA, a, '2025-06', 'in')).items.find((i) => i.personId === ids['in1']);
      assert.deepEqual([arrived?.name, arrived?.profile, arrived?.areaName !== null], ['迁入1', true, true]);
    });

    test('pages partition the list; a page past the end is empty with the same total', async () => {
      const all = await list(street, a, '2025-06', 'in', '&limit=200');
      assert.equal(all.total, 5);
      const pages: string[] = [];
      for (let offset = 0; offset < all.total; offset += 2) {
        const p = await list(street, a, '2025-06', 'in', `&limit=2&offset=${offset}`);
        assert.equal(p.total, all.total);
        assert.ok(p.items.length <= 2);
        pages.push(...p.items.map((i) => i.personId));
      }
      assert.deepEqual(
        pages,
        all.items.map((i) => i.personId),
        'the pages in order are the whole list',
      );
      const beyond = await list(street, a, '2025-06', 'in', '&limit=2&offset=10');
      assert.deepEqual([beyond.total, beyond.items.length], [5, 0]);
    });

    test('bad month, direction, area or paging is refused with a clear code; a purpose is required', async () => {
      const bad = async (query: string, status: number, code: string, mentions: string) => {
        const r = await street(`/api/v1/dashboard/moves?${query}`);
        assert.equal(r.statusCode, status, `${query}: ${r.body}`);
        const body = r.json() as { code: string; message: string };
        assert.equal(body.code, code, query);
        assert.match(body.message, new RegExp(mentions), query);
      };
      await bad(`month=2025-13&direction=in&asOf=${AS_OF}`, 400, 'VALIDATION_FAILED', 'month');
      await bad(`month=2025-6&direction=in&asOf=${AS_OF}`, 400, 'VALIDATION_FAILED', 'month');
      await bad(`month=2025-07&direction=in&asOf=${AS_OF}`, 400, 'VALIDATION_FAILED', 'after the date');
      await bad(`month=2025-06&direction=sideways&asOf=${AS_OF}`, 400, 'VALIDATION_FAILED', 'direction');
      await bad(`month=2025-06&asOf=${AS_OF}`, 400, 'VALIDATION_FAILED', 'direction');
      await bad(`area=12345&month=2025-06&direction=in&asOf=${AS_OF}`, 400, 'VALIDATION_FAILED', 'area');
      await bad(`area=310105005&month=2025-06&direction=in&asOf=${AS_OF}`, 404, 'AREA_NOT_FOUND', '310105005');
      await bad(`month=2025-06&direction=in&asOf=${AS_OF}&limit=0`, 400, 'VALIDATION_FAILED', 'limit');
      await bad(`month=2025-06&direction=in&asOf=${AS_OF}&limit=201`, 400, 'VALIDATION_FAILED', 'limit');
      const noPurpose = await street.withPurpose(null)(`/api/v1/dashboard/moves?month=2025-06&direction=in&asOf=${AS_OF}`);
      assert.equal(noPurpose.json().code, 'PURPOSE_REQUIRED');
    });

    test('each page is one audit entry naming the persons it lists and the purpose', async () => {
      const entries = () =>
        store.db
          .selectFrom('audit_entry')
          .select(['person_ids', 'element_ids', 'purpose', 'detail'])
          .where('action', '=', 'dashboard.moves')
          .orderBy('seq')
          .execute();
      const before = (await entries()).length;
      const page = await list(workerA, a, '2025-06', 'in', '&limit=3&offset=1');
      const after = await entries();
      assert.equal(after.length, before + 1);
      const last = after.at(-1)!;
      assert.deepEqual((JSON.parse(last.person_ids) as string[]).sort(), listed(page));
      assert.equal(last.purpose, 'POPULATION_SERVICE');
      assert.deepEqual(JSON.parse(last.element_ids), ['person.actualResidence', 'person.name']);
      assert.deepEqual(JSON.parse(last.detail ?? '{}'), { area: a, asOf: AS_OF, month: '2025-06', direction: 'in', total: 5 });
    });
  });
}
