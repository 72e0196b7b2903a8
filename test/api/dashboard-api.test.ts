/**
 * The dashboard over HTTP (issue 9): its figures equal what the report engine gives for the same
 * area, date and remit (categories, every kind), the age pyramid adds up, moves equal a direct
 * count of residences; a committee worker defaults to their committee and is refused another;
 * a department officer counts only the kinds of their remit; one statistical audit entry per read
 * (no person ids), answered from the cache within a minute.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { createReportEngine } from '../../src/apps/reports/engine.ts';
import { PopulusError } from '../../src/domain/errors.ts';
import { todayIso } from '../../src/domain/dates.ts';
import { principalOfUser, type Principal } from '../../src/access/principal.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { signedIn, type Client } from '../support/api-client.ts';
import { categoryTable, HOME, reportDemo, type ReportDemo } from '../support/report-demo.ts';

interface DashboardBody {
  area: { code: string; name: string };
  asOf: string;
  purpose: string;
  population: { actual: number; undetermined: number; categories: { code: string; count: number; share: number | null }[] };
  kinds: { id: string; count: number }[];
  agePyramid: { bands: { from: number; to: number | null; male: number; female: number }[]; unknown: number };
  moves: { month: string; in: number; out: number }[];
  freshness: { sourceId: string; lastImportAt: string | null; rows: number | null; values: number | null; stale: number | null; staleShare: number | null }[];
  review: { type: string; count: number }[] | null;
  personCount: number;
}


describe('dashboard API', () => {
  let demo: ReportDemo;
  let app: FastifyInstance;
  let street: Client;
  let committee: Client;
  let civil: Client;
  let committeeCode: string;
  let otherCommittee: string;
  const asOf = todayIso();

  const principal = async (username: string): Promise<Principal> => {
    const u = await demo.access.identity.findUserByUsername(username);
    assert.ok(u);
    return principalOfUser(u);
  };

  /** The engine's persons per category for a purpose (and kind); undefined when the engine refuses it as outside the remit. */
  const engineCounts = async (username: string, purpose: string, area: string, kind?: string): Promise<Map<string, number> | undefined> => {
    const engine = createReportEngine(createDataAccess(demo.store, HOME.slice(0, 6)), HOME);
    const access = demo.access.policy.access(await principal(username), purpose);
    try {
      const out = await engine.run(categoryTable(purpose, kind), { areaCode: area, asOf, access });
      const counts = new Map<string, number>();
      for (const row of out.result.rows) if (row.role === 'data') counts.set(String(row.label?.en), Number(row.cells.at(-1)));
      return counts;
    } catch (e) {
      if (e instanceof PopulusError && e.code === 'REPORT_OUTSIDE_REMIT') return undefined;
      throw e;
    }
  };

  before(async () => {
    demo = await reportDemo();
    app = await buildApp({ services: demo.services, access: demo.access, reports: demo.reports, logLevel: 'silent' });
    const committees = await demo.services.areas.children(HOME);
    committeeCode = committees[0]!.code;
    otherCommittee = committees[1]!.code;
    street = await signedIn(app, demo.access, { role: 'street-admin', areaCodes: [HOME], username: 'dash-street' }, 'POPULATION_SERVICE');
    committee = await signedIn(app, demo.access, { role: 'committee-worker', areaCodes: [committeeCode], username: 'dash-committee' }, 'POPULATION_SERVICE');
    civil = await signedIn(app, demo.access, { role: 'department-officer', departmentId: 'civil-affairs', username: 'dash-civil' }, 'RELIEF_ASSESSMENT');
  });
  after(async () => {
    await app.close();
    await demo.close();
  });

  test('a street administrator’s figures equal the report engine’s for the same remit', async () => {
    const r = await street('/api/v1/dashboard');
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json() as DashboardBody;
    assert.equal(d.area.code, HOME, 'street staff default to their street');
    assert.equal(d.asOf, asOf);
    const engine = await engineCounts('dash-street', 'POPULATION_SERVICE', HOME);
    assert.ok(engine);
    for (const c of d.population.categories) assert.equal(c.count, engine.get(c.code) ?? 0, `category ${c.code}`);
    const actual = d.population.categories.filter((c) => c.code !== 'REGISTERED_ABSENT').reduce((n, c) => n + c.count, 0);
    assert.ok(actual > 0);
    assert.equal(d.population.actual, actual);
    const shares = d.population.categories.filter((c) => c.share !== null).reduce((n, c) => n + (c.share ?? 0), 0);
    assert.ok(Math.abs(shares - 1) < 1e-9, 'the four living categories share the actual population');
    // Every kind as a report of that kind would count it.
    for (const k of d.kinds) {
      const counts = await engineCounts('dash-street', 'POPULATION_SERVICE', HOME, k.id);
      const expected = counts === undefined ? 0 : [...counts.values()].reduce((n, v) => n + v, 0);
      assert.equal(k.count, expected, `kind ${k.id}`);
    }
    assert.ok(d.kinds.some((k) => k.count > 0));
    // The pyramid adds up to the actual population.
    const inBands = d.agePyramid.bands.reduce((n, b) => n + b.male + b.female, 0);
    assert.equal(inBands + d.agePyramid.unknown, d.population.actual);
    assert.equal(d.agePyramid.bands[0]!.from, 0);
    assert.equal(d.agePyramid.bands.at(-1)!.to, null);
    assert.ok(d.review !== null, 'a street administrator may read the review queue');
    assert.ok(d.freshness.some((s) => s.lastImportAt !== null && (s.rows ?? 0) > 0), 'the demo imports show');
  });

  test('moves by month equal a direct count of actual residences beginning and ending', async () => {
    // The demo's residences all began on the extract dates: a date just after the last one has moves.
    const latest = await demo.store.db.selectFrom('residence').select((eb) => eb.fn.max('valid_from').as('d')).where('kind', '=', 'actual').executeTakeFirstOrThrow();
    const day = String(latest.d);
    const d = (await street(`/api/v1/dashboard?asOf=${day}`)).json() as DashboardBody;
    assert.equal(d.moves.length, 12);
    assert.equal(d.moves.at(-1)!.month, day.slice(0, 7));
    const from = `${d.moves[0]!.month}-01`;
    const rows = await demo.store.db
      .selectFrom('residence')
      .select(['person_id', 'area_code', 'valid_from', 'valid_to'])
      .distinct()
      .where('kind', '=', 'actual')
      .where('area_code', 'like', `${HOME}%`)
      .execute();
    const merged = new Set((await demo.store.db.selectFrom('person').select('id').where('merged_into', 'is not', null).execute()).map((p) => p.id));
    const live = rows.filter((r) => !merged.has(r.person_id));
    const ins = live.filter((r) => r.valid_from !== null && r.valid_from >= from && r.valid_from <= day).length;
    const outs = live.filter((r) => r.valid_to !== null && r.valid_to >= from && r.valid_to <= day).length;
    assert.ok(ins > 0, 'some residences began in the twelve months');
    assert.equal(d.moves.reduce((n, m) => n + m.in, 0), ins);
    for (const m of d.moves) assert.equal(m.in, live.filter((r) => r.valid_from?.startsWith(m.month) && r.valid_from <= day).length, `moves in, ${m.month}`);
    assert.equal(d.moves.reduce((n, m) => n + m.out, 0), outs);
    // The list behind each bar (GET /dashboard/moves) holds exactly the bar's count, for the street and a committee's worker.
    for (const [c, area] of [
      [street, HOME],
      [committee, committeeCode],
    ] as const) {
      const bars = ((await c(`/api/v1/dashboard?area=${area}&asOf=${day}`)).json() as DashboardBody).moves;
      for (const bar of bars.filter((x) => x.in + x.out > 0))
        for (const direction of ['in', 'out'] as const) {
          const r = await c(`/api/v1/dashboard/moves?area=${area}&asOf=${day}&month=${bar.month}&direction=${direction}&limit=5`);
          assert.equal(r.statusCode, 200, r.body);
          assert.equal((r.json() as { total: number }).total, bar[direction], `${area} ${bar.month} ${direction}`);
        }
      assert.ok(bars.some((x) => x.in > 0), `${area}: some moves in`);
    }
  });

  test('a committee worker defaults to their committee, equal to the street’s view of it, and is refused another committee', async () => {
    const mine = (await committee('/api/v1/dashboard')).json() as DashboardBody;
    assert.equal(mine.area.code, committeeCode);
    const seen = (await street(`/api/v1/dashboard?area=${committeeCode}`)).json() as DashboardBody;
    assert.deepEqual(
      mine.population.categories.map((c) => c.count),
      seen.population.categories.map((c) => c.count),
    );
    assert.ok(mine.population.actual > 0);
    const engine = await engineCounts('dash-committee', 'POPULATION_SERVICE', committeeCode);
    assert.ok(engine);
    for (const c of mine.population.categories) assert.equal(c.count, engine.get(c.code) ?? 0);
    assert.equal(mine.review, null, 'a committee worker does not read the review queue');
    const refused = await committee(`/api/v1/dashboard?area=${otherCommittee}`);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json().code, 'NOT_ALLOWED');
    assert.equal((await committee('/api/v1/dashboard?area=310105005')).json().code, 'AREA_NOT_FOUND');
    assert.equal((await committee.withPurpose(null)('/api/v1/dashboard')).json().code, 'PURPOSE_REQUIRED');
  });

  test('a department officer counts only the kinds their remit reaches', async () => {
    const r = await civil('/api/v1/dashboard');
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json() as DashboardBody;
    const all = (await street('/api/v1/dashboard')).json() as DashboardBody;
    const engine = await engineCounts('dash-civil', 'RELIEF_ASSESSMENT', HOME);
    for (const c of d.population.categories) assert.equal(c.count, engine?.get(c.code) ?? 0, `category ${c.code}`);
    let outside = 0;
    for (const k of d.kinds) {
      const counts = await engineCounts('dash-civil', 'RELIEF_ASSESSMENT', HOME, k.id);
      if (counts === undefined) outside++;
      const expected = counts === undefined ? 0 : [...counts.values()].reduce((n, v) => n + v, 0);
      assert.equal(k.count, expected, `kind ${k.id}`);
      assert.ok(k.count <= (all.kinds.find((x) => x.id === k.id)?.count ?? 0));
    }
    assert.ok(outside > 0, 'some kinds are outside a civil-affairs officer’s remit');
    assert.ok(d.population.actual <= all.population.actual);
    // Freshness: when every source last delivered; how many rows only for the officer's own department's.
    const sources = await demo.store.db.selectFrom('source').select(['id', 'department_id']).execute();
    const own = new Set(sources.filter((s) => s.department_id === 'civil-affairs').map((s) => s.id));
    assert.ok(own.size > 0);
    for (const f of d.freshness) {
      if (own.has(f.sourceId)) assert.ok(f.lastImportAt === null || f.rows !== null, `${f.sourceId}: its own rows`);
      else assert.equal(f.rows, null, `${f.sourceId}: another department's row count is not shown`);
    }
    assert.ok(d.freshness.some((f) => !own.has(f.sourceId) && f.lastImportAt !== null), 'other sources still show when they last delivered');
  });

  test('the share of values past their freshness per source equals a direct count of current values and their elements’ freshness', async () => {
    const elements = await demo.store.db.selectFrom('data_element').select(['id', 'freshness_days']).execute();
    const days = new Map(elements.map((e) => [e.id, e.freshness_days]));
    const values = await demo.store.db.selectFrom('person_value').select(['element_id', 'source_id', 'observed_at', 'recorded_at']).execute();
    const expected = new Map<string, { values: number; stale: number }>();
    for (const v of values) {
      const d = days.get(v.element_id);
      if (d === null || d === undefined || v.source_id === null) continue;
      const cutoff = new Date(Date.parse(`${asOf}T00:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10);
      const seen = v.observed_at ?? v.recorded_at;
      const e = expected.get(v.source_id) ?? { values: 0, stale: 0 };
      expected.set(v.source_id, { values: e.values + 1, stale: e.stale + (seen < cutoff ? 1 : 0) });
    }
    const d = (await street('/api/v1/dashboard')).json() as DashboardBody;
    for (const f of d.freshness) {
      const e = expected.get(f.sourceId) ?? { values: 0, stale: 0 };
      assert.deepEqual([f.values, f.stale], [e.values, e.stale], f.sourceId);
      assert.equal(f.staleShare, e.values === 0 ? null : e.stale / e.values, f.sourceId);
    }
    assert.ok(d.freshness.some((f) => (f.values ?? 0) > 0), 'the demo sources hold values of elements with a freshness');
    // Another department sees the share, not the counts behind it (an aggregate of a kind of people).
    const civilView = (await civil('/api/v1/dashboard')).json() as DashboardBody;
    const civilSources = new Set((await demo.services.sources.list()).filter((x) => x.departmentId === 'civil-affairs').map((x) => x.id));
    for (const f of civilView.freshness) {
      const e = expected.get(f.sourceId) ?? { values: 0, stale: 0 };
      assert.equal(f.staleShare, e.values === 0 ? null : e.stale / e.values, f.sourceId);
      if (!civilSources.has(f.sourceId)) assert.deepEqual([f.values, f.stale], [null, null], `${f.sourceId}: another department's counts`);
    }
  });

  test('each read is one statistical audit entry without person ids; a repeated read comes from the cache', async () => {
    const entries = () => demo.store.db.selectFrom('audit_entry').select(['person_ids', 'detail', 'element_ids', 'purpose']).where('action', '=', 'dashboard.read').orderBy('seq').execute();
    const before = (await entries()).length;
    const first = (await committee('/api/v1/dashboard')).json() as DashboardBody & { generatedAt: string };
    const second = (await committee('/api/v1/dashboard')).json() as DashboardBody & { generatedAt: string };
    assert.equal(second.generatedAt, first.generatedAt, 'the second answer comes from the cache');
    const list = await entries();
    assert.equal(list.length, before + 2, 'every read is audited, cached or not');
    const last = list.at(-1)!;
    assert.deepEqual(JSON.parse(last.person_ids), []);
    assert.equal(last.purpose, 'POPULATION_SERVICE');
    const detail = JSON.parse(last.detail ?? '{}') as { area: string; asOf: string; persons: number };
    assert.deepEqual(detail, { area: committeeCode, asOf, persons: first.personCount });
    assert.ok((JSON.parse(last.element_ids) as string[]).includes('person.populationCategory'));
  });

  test('a past date reads the record as it stood; a bad date is refused', async () => {
    const past = (await street('/api/v1/dashboard?asOf=2020-01-01')).json() as DashboardBody;
    assert.equal(past.asOf, '2020-01-01');
    assert.equal(past.moves.at(-1)!.month, '2020-01');
    assert.equal((await street('/api/v1/dashboard?asOf=2020-1-1')).statusCode, 400);
  });
});
