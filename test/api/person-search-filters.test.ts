/**
 * The person search's filters over HTTP (issue 9): population category, kind, sex and age in an
 * area give the persons the report engine counts (so a dashboard figure and the list behind it
 * agree), pinyin and address find what a direct reading of the data finds, the export holds the
 * same persons, and the remit still decides who can be found at all.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { pinyin } from 'pinyin-pro';
import { buildApp } from '../../src/api/app.ts';
import { createReportEngine } from '../../src/apps/reports/engine.ts';
import { PopulusError } from '../../src/domain/errors.ts';
import { ageOn, todayIso } from '../../src/domain/dates.ts';
import { residenceInForce } from '../../src/domain/population-category.ts';
import { principalOfUser, type Principal } from '../../src/access/principal.ts';
import type { PersonView } from '../../src/services/person.service.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { signedIn, type Client } from '../support/api-client.ts';
import { CATEGORY_CODES, categoryTable, HOME, reportDemo, type ReportDemo } from '../support/report-demo.ts';

const CATEGORIES = CATEGORY_CODES;
const LIVING = CATEGORIES.slice(0, 4);

interface Found {
  items: { person: { id: string }; values: { elementId: string; value: string }[]; identifiers: { number: string }[] }[];
  total: number;
  capped: boolean;
}


describe('person search filters', () => {
  let demo: ReportDemo;
  let app: FastifyInstance;
  let street: Client;
  let committee: Client;
  let family: Client;
  let committeeCode: string;
  let otherCommittee: string;
  let everyone: PersonView[];
  const today = todayIso();

  const principal = async (username: string): Promise<Principal> => {
    const u = await demo.access.identity.findUserByUsername(username);
    assert.ok(u);
    return principalOfUser(u);
  };

  const engineCounts = async (username: string, purpose: string, area: string, kind?: string): Promise<Map<string, number>> => {
    const engine = createReportEngine(createDataAccess(demo.store, HOME.slice(0, 6)), HOME);
    const access = demo.access.policy.access(await principal(username), purpose);
    try {
      const out = await engine.run(categoryTable(purpose, kind), { areaCode: area, asOf: today, access });
      const counts = new Map<string, number>();
      for (const row of out.result.rows) if (row.role === 'data') counts.set(String(row.label?.en), Number(row.cells.at(-1)));
      return counts;
    } catch (e) {
      if (e instanceof PopulusError && e.code === 'REPORT_OUTSIDE_REMIT') return new Map();
      throw e;
    }
  };

  /** Every page of a search (the server pages; 500 at most a page). */
  const all = async (c: Client, body: Record<string, unknown>): Promise<Found> => {
    const items: Found['items'] = [];
    let total = 0;
    let capped = false;
    for (let offset = 0; ; offset += 500) {
      const r = await c({ method: 'POST', url: '/api/v1/persons/search', payload: { ...body, limit: 500, offset } });
      assert.equal(r.statusCode, 200, r.body);
      const page = r.json() as Found;
      items.push(...page.items);
      total = page.total;
      capped = page.capped;
      if (items.length >= total || page.items.length === 0) break;
    }
    return { items, total, capped };
  };

  /** Living here (a determined category other than 户在人不在), placed in the area, alive: the area's actual population. */
  const livesIn = (v: PersonView, area: string): boolean => {
    if (v.category.status !== 'determined' || !LIVING.includes(v.category.category)) return false;
    const death = v.values.find((x) => x.elementId === 'person.deathDate')?.value;
    if (death !== undefined && death <= today) return false;
    return residenceInForce(v.residences, 'actual', today)?.areaCode.startsWith(area) ?? false;
  };
  const valueOf = (v: PersonView, e: string): string | undefined => v.values.find((x) => x.elementId === e)?.value;

  before(async () => {
    demo = await reportDemo();
    app = await buildApp({ services: demo.services, access: demo.access, reports: demo.reports, logLevel: 'silent' });
    const committees = await demo.services.areas.children(HOME);
    committeeCode = committees[0]!.code;
    otherCommittee = committees[1]!.code;
    street = await signedIn(app, demo.access, { role: 'street-admin', areaCodes: [HOME], username: 'find-street' }, 'POPULATION_SERVICE');
    committee = await signedIn(
      app,
      demo.access,
      { role: 'committee-worker', areaCodes: [committeeCode], username: 'find-committee' },
      'POPULATION_SERVICE',
    );
    family = await signedIn(
      app,
      demo.access,
      { role: 'department-officer', departmentId: 'health-family-planning', username: 'find-family' },
      'FAMILY_PLANNING_SERVICE',
    );
    const ids = (await demo.store.db.selectFrom('person').select('id').where('status', '=', 'active').execute()).map((r) => r.id);
    everyone = await Promise.all(ids.map((id) => demo.services.persons.get(id, undefined, { masked: false })));
  });
  after(async () => {
    await app.close();
    await demo.close();
  });

  test('each population category in a committee lists the persons the report engine counts there', async () => {
    const engine = await engineCounts('find-street', 'POPULATION_SERVICE', committeeCode);
    let seen = 0;
    for (const category of CATEGORIES) {
      const found = await all(street, { area: committeeCode, category });
      assert.equal(found.capped, false);
      assert.equal(found.total, engine.get(category) ?? 0, `category ${category}: the list's total is the report's count`);
      assert.equal(found.items.length, found.total);
      seen += found.total;
      const expected = everyone.filter((v) => {
        if (v.category.status !== 'determined' || v.category.category !== category) return false;
        const placing = residenceInForce(v.residences, category === 'REGISTERED_ABSENT' ? 'registered' : 'actual', today);
        return placing?.areaCode.startsWith(committeeCode) ?? false;
      });
      assert.deepEqual(
        found.items.map((i) => i.person.id).sort(),
        expected.map((v) => v.person.id).sort(),
        `category ${category}: the same persons`,
      );
    }
    assert.ok(seen > 0, 'the committee has people');
  });

  test('the whole street is listed exactly, past the first thousand matches, to its last page', async () => {
    const engine = await engineCounts('find-street', 'POPULATION_SERVICE', HOME);
    const living = LIVING.reduce((n, c) => n + (engine.get(c) ?? 0), 0);
    assert.ok(living > 1000, `more persons live in the street (${living}) than a search once looked at`);
    const first = await street({ method: 'POST', url: '/api/v1/persons/search', payload: { area: HOME, limit: 20, offset: 0 } });
    assert.equal(first.statusCode, 200, first.body);
    const page1 = first.json() as Found;
    assert.equal(page1.capped, false);
    assert.equal(page1.total, living, "the street's actual population, as the report counts it");
    const last = await street({ method: 'POST', url: '/api/v1/persons/search', payload: { area: HOME, limit: 20, offset: living - 5 } });
    const tail = last.json() as Found;
    assert.equal(tail.items.length, 5, 'the last page holds the last five');
    const found = await all(street, { area: HOME });
    const expected = everyone.filter((v) => livesIn(v, HOME)).map((v) => v.person.id);
    assert.deepEqual(found.items.map((i) => i.person.id).sort(), expected.sort(), 'every page together: the persons living in the street');
    assert.deepEqual(
      tail.items.map((i) => i.person.id),
      found.items.slice(-5).map((i) => i.person.id),
      'pages are in one stable order',
    );
  });

  test('a kind in an area lists the persons a report of that kind counts', async () => {
    for (const kind of ['elderly-80', 'women-15-49', 'child', 'party-member']) {
      const counts = await engineCounts('find-street', 'POPULATION_SERVICE', committeeCode, kind);
      const expected = [...counts.values()].reduce((n, v) => n + v, 0);
      const found = await all(street, { area: committeeCode, kind });
      assert.equal(found.total, expected, `kind ${kind}`);
      const direct = everyone
        .filter((v) => livesIn(v, committeeCode) && v.kinds.includes(kind))
        .map((v) => v.person.id)
        .sort();
      assert.deepEqual(found.items.map((i) => i.person.id).sort(), direct, `kind ${kind}: the same persons`);
    }
  });

  test('sex and an age band (inclusive, whole years today) in the street', async () => {
    const found = await all(street, { area: HOME, sex: '2', ageFrom: 60, ageTo: 64 });
    const expected = everyone
      .filter((v) => {
        const birth = valueOf(v, 'person.birthDate');
        if (!livesIn(v, HOME) || valueOf(v, 'person.sex') !== '2' || birth === undefined) return false;
        const age = ageOn(birth, today);
        return age >= 60 && age <= 64;
      })
      .map((v) => v.person.id)
      .sort();
    assert.ok(expected.length > 0);
    assert.deepEqual(found.items.map((i) => i.person.id).sort(), expected);
    const older = await all(street, { area: HOME, ageFrom: 100 });
    assert.equal(
      older.total,
      everyone.filter((v) => livesIn(v, HOME) && ageOn(valueOf(v, 'person.birthDate') ?? '9999-01-01', today) >= 100).length,
    );
  });

  test('pinyin of the name, whole or initials, and text of the address', async () => {
    const someone = everyone.find((v) => livesIn(v, HOME) && /^[\u4e00-\u9fff]{2,3}$/.test(valueOf(v, 'person.name') ?? ''));
    assert.ok(someone);
    const name = valueOf(someone, 'person.name') ?? '';
    const syllables = pinyin(name, { toneType: 'none', type: 'array' });
    const whole = syllables.join('');
    const byPinyin = await all(street, { pinyin: whole });
    assert.ok(
      byPinyin.items.some((i) => i.person.id === someone.person.id),
      `found by ${whole}`,
    );
    for (const i of byPinyin.items) {
      const n = i.values.find((x) => x.elementId === 'person.name')?.value ?? '';
      assert.ok(pinyin(n, { toneType: 'none', type: 'array' }).join('').startsWith(whole.slice(0, 2)), `${n} sounds like ${whole}`);
    }
    const spaced = await all(street, { pinyin: syllables.join(' ').toUpperCase() });
    assert.deepEqual(
      spaced.items.map((i) => i.person.id).sort(),
      byPinyin.items.map((i) => i.person.id).sort(),
      'spaces and case do not matter',
    );
    const initials = await all(street, { pinyin: syllables.map((s) => s[0]).join('') });
    assert.ok(
      initials.items.some((i) => i.person.id === someone.person.id),
      'found by initials',
    );

    const address = residenceInForce(someone.residences, 'actual', today)?.addressText ?? '';
    const part = address.slice(6, 14);
    assert.ok(part.length >= 4, address);
    const byAddress = await all(street, { address: part });
    const expected = everyone.filter((v) =>
      v.residences.some(
        (r) =>
          (r.validFrom === null || r.validFrom <= today) &&
          (r.validTo === null || r.validTo > today) &&
          (r.addressText ?? '').includes(part),
      ),
    );
    assert.ok(byAddress.items.some((i) => i.person.id === someone.person.id));
    assert.equal(byAddress.total, expected.length, `address ${part}`);
  });

  test('filters combine with the remit: nobody outside it is found or counted', async () => {
    const elsewhere = await all(committee, { area: otherCommittee, category: 'RESIDENT_REGISTERED' });
    assert.equal(elsewhere.total, 0, 'a committee worker finds nobody of another committee');
    const own = await all(committee, { area: committeeCode, category: 'RESIDENT_REGISTERED' });
    assert.ok(own.total > 0);
    const men = await all(family, { sex: '1', area: HOME });
    assert.equal(men.total, 0, 'the family-planning office sees women of 15–49 only');
    const women = await all(family, { area: HOME, ageFrom: 20, ageTo: 30 });
    assert.ok(women.total > 0);
    for (const i of women.items) {
      assert.equal(i.values.find((x) => x.elementId === 'person.sex')?.value, '2');
      for (const d of i.identifiers) assert.match(d.number, /^.{3}\*+.{4}$/, 'ID numbers masked');
    }
    const elderly = await all(family, { kind: 'elderly-80' });
    assert.equal(elderly.total, 0);
    // A filter on what the caller may not read finds nobody: it would tell who is a party member.
    const members = await all(street, { area: HOME, kind: 'party-member', sex: '2', ageFrom: 15, ageTo: 49 });
    assert.ok(members.total > 0, 'there are women of 15–49 who are party members');
    const asked = await all(family, { area: HOME, kind: 'party-member' });
    assert.equal(asked.total, 0, 'the family-planning office cannot find party members');
  });

  test('the records linked to a person and why: for those who review matches, masked, audited', async () => {
    const row = await demo.store.db
      .selectFrom('match_link')
      .select(['person_id', 'record_key'])
      .orderBy('person_id')
      .executeTakeFirstOrThrow();
    const r = await street(`/api/v1/persons/${row.person_id}/links`);
    assert.equal(r.statusCode, 200, r.body);
    const links = (
      r.json() as {
        links: {
          sourceId: string;
          recordKey: string;
          linkRule: string | null;
          explanation: { decision: string; comparisons: { id: string; weight: number }[] } | null;
        }[];
      }
    ).links;
    const direct = await demo.store.db
      .selectFrom('source_record')
      .select(['source_id', 'record_key', 'link_rule'])
      .where('person_id', '=', row.person_id)
      .execute();
    assert.equal(links.length, direct.length, 'every linked record');
    for (const l of links) {
      assert.doesNotMatch(l.recordKey, /^\d{17}[\dX]$/, 'record keys are masked');
      assert.ok(direct.some((d) => d.source_id === l.sourceId && d.link_rule === l.linkRule));
    }
    const scored = links.find((l) => l.linkRule?.startsWith('matcher:'));
    assert.ok(scored?.explanation, 'a link made by score carries its explanation');
    assert.equal(scored.explanation.decision, 'link');
    assert.ok(scored.explanation.comparisons.length > 0);
    const c = await committee(`/api/v1/persons/${row.person_id}/links`);
    assert.equal(c.statusCode, 403, 'committee workers do not review matches');
  });

  test('an unknown kind is refused; the export holds the persons the search finds', async () => {
    const bad = await street({ method: 'POST', url: '/api/v1/persons/search', payload: { kind: 'no-such-kind' } });
    assert.equal(bad.statusCode, 422);
    assert.equal((bad.json() as { code: string }).code, 'UNKNOWN_CODE');
    const badCategory = await street({ method: 'POST', url: '/api/v1/persons/search', payload: { category: 'SOMETHING' } });
    assert.equal(badCategory.statusCode, 400);
    const found = await all(street, { area: committeeCode, category: 'FROM_OTHER_PROVINCE' });
    const csv = await street({
      method: 'POST',
      url: '/api/v1/persons/export',
      payload: { area: committeeCode, category: 'FROM_OTHER_PROVINCE' },
    });
    assert.equal(csv.statusCode, 200, csv.body);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines.length - 1, found.total);
    assert.deepEqual(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
      found.items.map((i) => i.person.id).sort(),
    );
  });
});
