/**
 * What a full extract's ends and an import's rollback change reaches subscribers, on every backend:
 * a full extract that no longer lists a person publishes the current values withdrawn, the move out
 * and the household left, in the import's batch, naming the area left (so a department whose remit
 * covered the person receives them, and one whose remit covers neither the area nor the element
 * does not); the same extract again publishes nothing; a rollback publishes the values back, the
 * move back in and the household joined again (cause `rollback`), and rolling back the import that
 * created persons publishes their values and identity numbers gone and their moves out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import type { MappingProfile } from '../../src/domain/ingest/profile.ts';
import type { ChangeEvent, ElementChange, HouseholdChangedData, ResidenceMovedData } from '../../src/domain/feed/change-event.ts';
import { servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import { createFeedServices, type FeedServices } from '../../src/feed/feed-services.ts';
import { EVERYTHING, type Subscriber } from '../../src/feed/feed-gate.ts';
import { principalOfSubscription } from '../../src/access/principal.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { loadElements } from '../../src/reference/catalogue-loader.ts';
import { loadKinds } from '../../src/reference/kind-loader.ts';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { testAccess } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
/** A committee of another district (Huangpu). */
const AWAY = '310101002';
const id = (body17: string): string => body17 + computeCheckChar(body17);
const STAYS = id('31010519700101011');
const LEAVES = id('31010519750202022');
const LEAVES_AWAY = id('31010119800303033');

/** A civil-affairs system's full extract: marital status (its own), education (another department's), where the person lives, the household. */
const profile: MappingProfile = {
  extract: 'full',
  recordKey: ['证件号'],
  columns: [
    { column: '证件号', target: { identifier: 'CN_ID' }, required: true },
    { column: '婚姻', target: { element: 'person.maritalStatus' }, codeMap: 'marital' },
    { column: '学历', target: { element: 'person.education' }, codeMap: 'education' },
    { column: '区划', target: { residence: 'actual', part: 'areaCode' } },
    { column: '户号', target: { household: 'number' } },
    { column: '关系', target: { household: 'relationship' }, codeMap: 'relationship' },
  ],
  codeMaps: {
    marital: { table: 'marital-status', map: { 已婚: '20', 离婚: '40' } },
    education: { table: 'education', map: { 研究生: '10' } },
    relationship: { table: 'family-relationship', map: { 户主: '02', 配偶: '10' } },
  },
};
const HEADER = '证件号,婚姻,学历,区划,户号,关系';
const ROWS = {
  stays: `${STAYS},已婚,研究生,${HOME},H-1,户主`,
  leaves: `${LEAVES},离婚,研究生,${HOME},H-1,配偶`,
  away: `${LEAVES_AWAY},已婚,,${AWAY},H-9,户主`,
};

const subscriber = (departmentId: string, purpose: string): Subscriber => ({
  principal: principalOfSubscription({ id: '0b0b0b0b-0000-4000-8000-000000000001', departmentId, purpose }),
  purpose,
  filter: EVERYTHING,
  codeProfile: null,
  unmask: false,
});

type Summary = [type: string, person: string, what: string];

/** Each event as [type without prefix, which person, what changed], by person, each person's in outbox order (the order across persons is not promised). */
function summary(events: readonly ChangeEvent[], names: ReadonlyMap<string, string>): Summary[] {
  return events.map((e): Summary => {
    const who = names.get(e.personId ?? '') ?? '?';
    const type = e.type.slice('cn.populus.'.length);
    switch (e.type) {
      case 'cn.populus.person.created':
      case 'cn.populus.person.updated':
        return [type, who, e.data.elements.map((c: ElementChange) => `${c.element}:${c.old ?? '∅'}→${c.new ?? '∅'}`).join(' ')];
      case 'cn.populus.residence.moved': {
        const d: ResidenceMovedData = e.data;
        return [type, who, `${d.kind}:${d.from?.areaCode ?? '∅'}→${d.to?.areaCode ?? '∅'}`];
      }
      case 'cn.populus.household.changed': {
        const d: HouseholdChangedData = e.data;
        return [type, who, `${d.fromHouseholdId === null ? '∅' : 'h'}→${d.householdId === null ? '∅' : `h/${d.relationship ?? ''}`}`];
      }
      case 'cn.populus.person.linked':
      case 'cn.populus.person.merged':
      case 'cn.populus.person.unmerged':
      case 'cn.populus.rental.registered':
      case 'cn.populus.rental.ended':
      case 'cn.populus.feed.test':
        return [type, who, ''];
    }
  }).sort((a, b) => a[1].localeCompare(b[1]));
}

for (const backend of await backends()) {
  describe(`ended records and rollbacks published on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    let access: AccessServices;
    let feed: FeedServices;
    const dir = mkdtempSync(join(tmpdir(), 'populus-ends-'));
    const file = (name: string, rows: string[], eol = '\n'): string => {
      const path = join(dir, name);
      writeFileSync(path, `${[HEADER, ...rows].join(eol)}${eol}`);
      return path;
    };
    const names = new Map<string, string>();
    const personOf = async (n: string): Promise<string> => (await s.persons.search({ idNumber: n, limit: 2, offset: 0 })).items[0]?.person.id ?? '';
    const head = async (): Promise<number> => (await feed.data.repos.feed.head()).seq;
    const since = async (seq: number): Promise<ChangeEvent[]> => feed.data.repos.feed.after(seq, 1000);
    let first = '';
    let dropped = '';

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME, { importThread: backend.name === 'postgres' });
      access = testAccess(store, HOME);
      const dataDir = defaultDataDir();
      feed = createFeedServices(createDataAccess(store, HOME.slice(0, 6)), access, { elements: loadElements(dataDir), kinds: loadKinds(dataDir), profiles: s.sources });
      await s.sources.define({ id: 'civil-e', departmentId: 'civil-affairs', nameZh: '民政', nameEn: 'civil', level: 'district', owns: ['person.maritalStatus'] });
      await s.sources.addProfile('civil-e', profile);
      first = (await s.imports.importFile('civil-e', file('one.csv', [ROWS.stays, ROWS.leaves, ROWS.away]), { observedAt: '2026-01-01' })).batchId;
      names.set(await personOf(STAYS), 'stays').set(await personOf(LEAVES), 'leaves').set(await personOf(LEAVES_AWAY), 'away');
    });
    after(async () => {
      await access.audit.close();
      await backend.dispose();
    });

    test('a full extract that no longer lists persons publishes their values withdrawn, their moves out and the households left', async () => {
      const from = await head();
      const report = await s.imports.importFile('civil-e', file('two.csv', [ROWS.stays]), { observedAt: '2026-02-01' });
      dropped = report.batchId;
      assert.equal(report.recordsEnded, 2);
      const events = await since(from);
      assert.deepEqual(summary(events, names), [
        ['person.updated', 'away', 'person.maritalStatus:20→∅'],
        ['residence.moved', 'away', `actual:${AWAY}→∅`],
        ['household.changed', 'away', 'h→∅'],
        ['person.updated', 'leaves', 'person.education:10→∅ person.maritalStatus:40→∅'],
        ['residence.moved', 'leaves', `actual:${HOME}→∅`],
        ['household.changed', 'leaves', 'h→∅'],
      ]);
      assert.ok(events.every((e) => e.cause.kind === 'import' && e.cause.batchId === dropped && e.cause.sourceId === 'civil-e'), 'the import of the extract, by its source');
      assert.ok(
        events.every((e) => e.areas.includes(names.get(e.personId ?? '') === 'away' ? AWAY : HOME)),
        'each event names the area the person left (they live nowhere now)',
      );
      const [person] = (await s.persons.get(await personOf(LEAVES))).residences.filter((r) => r.validTo === null);
      assert.equal(person, undefined, 'the residence is ended');
    });

    test('a department receives the ends within its remit only: its areas and its elements', async () => {
      const events = await since(0);
      const ends = events.filter((e) => e.cause.kind === 'import' && e.cause.batchId === dropped);
      const civil = await feed.gate.disclose(ends, subscriber('civil-affairs', 'RELIEF_ASSESSMENT'));
      assert.deepEqual(
        civil.map((e) => [e.type, names.get(e.subject ?? '')]),
        [
          ['cn.populus.person.updated', 'leaves'],
          ['cn.populus.residence.moved', 'leaves'],
          ['cn.populus.household.changed', 'leaves'],
        ],
        'the person who left the district is delivered (the area left is named); the one in another district is not',
      );
      const elements = (civil[0]?.data as { elements: { element: string; new: string | null }[] }).elements;
      assert.deepEqual(
        elements.map((c) => [c.element, c.new]),
        [['person.maritalStatus', null]],
        'education is not in the relief remit: it does not travel',
      );
      const employment = await feed.gate.disclose(ends, subscriber('human-resources-social-security', 'EMPLOYMENT_SERVICE'));
      assert.deepEqual(
        employment.map((e) => [e.type, names.get(e.subject ?? '')]),
        [
          ['cn.populus.person.updated', 'leaves'],
          ['cn.populus.residence.moved', 'leaves'],
        ],
        'a remit without household data gets no household change; its readable element travels',
      );
      assert.deepEqual(
        (employment[0]?.data as { elements: { element: string }[] }).elements.map((c) => c.element),
        ['person.education'],
      );
      assert.deepEqual(await feed.gate.disclose(ends, subscriber('disabled-persons-federation', 'DISABILITY_SERVICE')), [], 'a remit of other kinds of people gets nothing');
    });

    test('the same extract again (other bytes, same rows) publishes nothing', async () => {
      const from = await head();
      const again = await s.imports.importFile('civil-e', file('two-again.csv', [ROWS.stays], '\r\n'), { observedAt: '2026-02-01' });
      assert.notEqual(again.batchId, dropped, 'a new batch ran');
      assert.equal(again.recordsEnded, 0);
      assert.equal(await head(), from, 'nothing new is published');
    });

    test('a rollback of the extract publishes the values back, the moves back in and the households joined again', async () => {
      const from = await head();
      await s.imports.rollback(dropped);
      const events = await since(from);
      assert.deepEqual(summary(events, names), [
        ['person.updated', 'away', 'person.maritalStatus:∅→20'],
        ['residence.moved', 'away', `actual:∅→${AWAY}`],
        ['household.changed', 'away', '∅→h/02'],
        ['person.updated', 'leaves', 'person.education:∅→10 person.maritalStatus:∅→40'],
        ['residence.moved', 'leaves', `actual:∅→${HOME}`],
        ['household.changed', 'leaves', '∅→h/10'],
      ]);
      assert.ok(events.every((e) => e.cause.kind === 'rollback' && e.cause.batchId === dropped && e.cause.sourceId === 'civil-e'));
      const civil = await feed.gate.disclose(events, subscriber('civil-affairs', 'RELIEF_ASSESSMENT'));
      assert.deepEqual(
        civil.map((e) => names.get(e.subject ?? '')),
        ['leaves', 'leaves', 'leaves'],
        'cut to the remit like any change',
      );
    });

    test('a rollback of the import that created the persons publishes their values and numbers gone and their moves out', async () => {
      const from = await head();
      await s.imports.rollback(first);
      const events = await since(from);
      const mine = summary(events, names).filter((e) => e[1] === 'leaves');
      assert.deepEqual(mine, [
        ['person.updated', 'leaves', `person.birthDate:1975-02-02→∅ person.citizenIdNumber:${LEAVES}→∅ person.education:10→∅ person.maritalStatus:40→∅ person.sex:2→∅`],
        ['residence.moved', 'leaves', `actual:${HOME}→∅`],
        ['household.changed', 'leaves', 'h→∅'],
      ]);
      assert.equal(events.length, 9, 'three events for each of the three persons');
      const civil = await feed.gate.disclose(events, subscriber('civil-affairs', 'RELIEF_ASSESSMENT'));
      assert.deepEqual(new Set(civil.map((e) => names.get(e.subject ?? ''))), new Set(['stays', 'leaves']), 'the persons of the district reach it though they are gone');
    });
  });
}
