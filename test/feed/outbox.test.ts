/**
 * The transactional outbox on every backend: each committed change writes its events in the same
 * transaction, numbered gap-free in commit order, one per person per change with old and new
 * values; a change that fails writes none and leaves no gap; and the feed gate cuts what it
 * delivers to each department's remit, masks, and audits.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import type { MappingProfile } from '../../src/domain/ingest/profile.ts';
import type { ChangeEvent } from '../../src/domain/feed/change-event.ts';
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
const id = (body17: string): string => body17 + computeCheckChar(body17);
const A = id('31010519500101001');
const B = id('31010419620202002');

const SUBSCRIPTION_IDS: Record<string, string> = { 'civil-affairs': '0a0a0a0a-0000-4000-8000-000000000001', 'disabled-persons-federation': '0a0a0a0a-0000-4000-8000-000000000002' };

const C = id('31010519800505005');
const D = id('31010519900606006');

/** Two tiny department files: each reports name, ID number and where the person lives. */
const profile = (element: 'person.name' | 'person.maritalStatus'): MappingProfile => ({
  extract: 'full',
  recordKey: ['证件号'],
  columns: [
    { column: '证件号', target: { identifier: 'CN_ID' }, required: true },
    { column: '值', target: { element }, ...(element === 'person.maritalStatus' ? { codeMap: 'marital' } : {}) },
    { column: '区划', target: { residence: 'actual', part: 'areaCode' } },
  ],
  ...(element === 'person.maritalStatus' ? { codeMaps: { marital: { table: 'marital-status', map: { 已婚: '20', 离婚: '40' } } } } : {}),
});

const subscriber = (departmentId: string, purpose: string, extra: Partial<Subscriber> = {}): Subscriber => ({
  principal: principalOfSubscription({ id: SUBSCRIPTION_IDS[departmentId] ?? '00000000-0000-0000-0000-000000000000', departmentId, purpose }),
  purpose,
  filter: EVERYTHING,
  codeProfile: null,
  unmask: false,
  ...extra,
});

for (const backend of await backends()) {
  describe(`change-event outbox on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    let access: AccessServices;
    let feed: FeedServices;
    let inDistrict = '';
    let elsewhere = '';
    const all = async (): Promise<ChangeEvent[]> => feed.data.repos.feed.after(0, 10_000);

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME);
      access = testAccess(store, HOME);
      const dataDir = defaultDataDir();
      feed = createFeedServices(createDataAccess(store, HOME.slice(0, 6)), access, { elements: loadElements(dataDir), kinds: loadKinds(dataDir), profiles: s.sources });
    });
    after(async () => {
      await access.audit.close();
      await backend.dispose();
    });

    test('a new person is one person.created event with every value, its ID number and its move in', async () => {
      const p = await s.persons.create(
        {
          values: { 'person.name': '张伟', 'person.maritalStatus': '20', 'person.education': '20' },
          identifiers: [{ type: 'CN_ID', number: A }],
          residences: [{ kind: 'actual', areaCode: HOME, addressText: '天平路1号' }],
        },
        { cause: { kind: 'user', actor: 'user:tester' } },
      );
      inDistrict = p.person.id;
      const events = await all();
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i + 1),
        'numbered 1, 2, 3… with no gap',
      );
      const created = events.filter((e) => e.type === 'cn.populus.person.created');
      assert.equal(created.length, 1);
      const c = created[0];
      assert.ok(c && c.type === 'cn.populus.person.created');
      assert.equal(c.personId, inDistrict);
      assert.deepEqual(c.cause, { kind: 'user', actor: 'user:tester' });
      const byElement = new Map(c.data.elements.map((x) => [x.element, x]));
      assert.equal(byElement.get('person.name')?.new, '张伟');
      assert.equal(byElement.get('person.name')?.old, null);
      assert.equal(byElement.get('person.citizenIdNumber')?.new, A);
      assert.equal(byElement.get('person.birthDate')?.new, '1950-01-01', 'derived from the ID number');
      const moved = events.find((e) => e.type === 'cn.populus.residence.moved');
      assert.ok(moved && moved.type === 'cn.populus.residence.moved');
      assert.equal(moved.data.to?.areaCode, HOME);
      assert.ok(moved.seq > c.seq, 'per-person order: created before moved');
    });

    test('an update is one person.updated event with old and new values; an unchanged write is none', async () => {
      const before = (await feed.data.repos.feed.head()).seq;
      await s.persons.updateValues(inDistrict, { 'person.maritalStatus': '40', 'person.name': '张伟' });
      const events = await feed.data.repos.feed.after(before, 100);
      assert.equal(events.length, 1);
      const e = events[0];
      assert.ok(e && e.type === 'cn.populus.person.updated');
      assert.deepEqual(e.data.elements, [{ element: 'person.maritalStatus', old: '20', new: '40', source: 'manual' }], 'the name did not change, so it is not in the event');
      await s.persons.updateValues(inDistrict, { 'person.maritalStatus': '40' });
      assert.equal((await feed.data.repos.feed.head()).seq, e.seq, 'writing the same value again changes nothing and publishes nothing');
    });

    test('a change that fails writes no event and leaves no gap', async () => {
      const head = (await feed.data.repos.feed.head()).seq;
      await assert.rejects(() => s.persons.create({ values: { 'person.name': '李四' }, identifiers: [{ type: 'CN_ID', number: A }] }), /already recorded/);
      assert.equal((await feed.data.repos.feed.head()).seq, head);
      const p = await s.persons.create({ values: { 'person.name': '王五' }, identifiers: [{ type: 'CN_ID', number: B }], residences: [{ kind: 'actual', areaCode: '310104003' }] });
      elsewhere = p.person.id;
      const events = await feed.data.repos.feed.after(head, 100);
      assert.equal(events[0]?.seq, head + 1, 'the next event follows on');
      assert.ok(events.every((e) => e.personId === elsewhere));
    });

    test('merge and unmerge are events of the survivor', async () => {
      const x = await s.persons.create({ values: { 'person.name': '赵六' }, residences: [{ kind: 'actual', areaCode: HOME }] });
      const y = await s.persons.create({ values: { 'person.name': '赵六', 'person.phone': '13812345678' } });
      const head = (await feed.data.repos.feed.head()).seq;
      const merge = await s.merges.merge(x.person.id, y.person.id, 'user:reviewer');
      let events = await feed.data.repos.feed.after(head, 100);
      const merged = events.find((e) => e.type === 'cn.populus.person.merged');
      assert.ok(merged && merged.type === 'cn.populus.person.merged');
      assert.deepEqual(merged.data, { mergeId: merge.mergeId, survivorId: x.person.id, mergedId: y.person.id });
      const updated = events.find((e) => e.type === 'cn.populus.person.updated');
      assert.ok(updated && updated.type === 'cn.populus.person.updated' && updated.personId === x.person.id);
      assert.deepEqual(
        updated.data.elements.map((c) => [c.element, c.old, c.new]),
        [['person.phone', null, '13812345678']],
        'the survivor gained the phone',
      );
      assert.deepEqual(merged.cause, { kind: 'merge', mergeId: merge.mergeId, actor: 'user:reviewer' });
      const head2 = (await feed.data.repos.feed.head()).seq;
      await s.merges.unmerge(merge.mergeId, 'user:reviewer', 'not the same person');
      events = await feed.data.repos.feed.after(head2, 100);
      assert.ok(events.some((e) => e.type === 'cn.populus.person.unmerged' && e.data.restoredId === y.person.id));
      const survivorUpdate = events.find((e) => e.type === 'cn.populus.person.updated' && e.personId === x.person.id);
      assert.ok(survivorUpdate && survivorUpdate.type === 'cn.populus.person.updated');
      assert.deepEqual(
        survivorUpdate.data.elements.map((c) => [c.element, c.old, c.new]),
        [['person.phone', '13812345678', null]],
      );
    });

    test('the gate gives each department only persons and elements of its remit, masked, and audits the delivery', async () => {
      const events = await all();
      const civil = subscriber('civil-affairs', 'RELIEF_ASSESSMENT');
      const seen = await feed.gate.disclose(events, civil);
      assert.ok(seen.length > 0);
      assert.ok(
        seen.every((e) => e.subject !== elsewhere),
        'a person living in another district is not in the remit',
      );
      const created = seen.find((e) => e.type === 'cn.populus.person.created' && e.subject === inDistrict);
      assert.ok(created, 'the in-district person is delivered');
      const changes = (created.data as { elements: { element: string; new: string | null; masked?: boolean }[] }).elements;
      const elements = changes.map((c) => c.element);
      assert.ok(elements.includes('person.maritalStatus'));
      assert.ok(!elements.includes('person.education'), 'education is not in the civil-affairs relief remit');
      const idChange = changes.find((c) => c.element === 'person.citizenIdNumber');
      assert.equal(idChange?.new, `${A.slice(0, 3)}***********${A.slice(-4)}`, 'masked by default');
      assert.equal(idChange?.masked, true);
      assert.equal(created.specversion, '1.0');
      assert.equal(created.source, '/populus/areas/310105');
      assert.equal(created.sequence, String(events.find((e) => e.id === created.id)?.seq));

      const unmasked = await feed.gate.disclose(events, { ...civil, unmask: true });
      const full = (unmasked.find((e) => e.id === created.id)?.data as { elements: { element: string; new: string | null }[] }).elements;
      assert.equal(full.find((c) => c.element === 'person.citizenIdNumber')?.new, A, 'unmasked where the remit allows it and the subscription asked');

      const disabled = await feed.gate.disclose(events, subscriber('disabled-persons-federation', 'DISABILITY_SERVICE'));
      assert.deepEqual(disabled, [], 'the federation sees disabled persons only; none here');

      const only = await feed.gate.disclose(events, { ...civil, filter: { ...EVERYTHING, eventTypes: ['cn.populus.residence.moved'] } });
      assert.ok(only.length > 0 && only.every((e) => e.type === 'cn.populus.residence.moved'));

      const entries = await store.db.selectFrom('audit_entry').selectAll().where('action', '=', 'feed.deliver').execute();
      assert.ok(
        entries.some((e) => e.actor === `subscription:${SUBSCRIPTION_IDS['civil-affairs']}` && e.purpose === 'RELIEF_ASSESSMENT' && e.person_ids.includes(inDistrict) && !e.person_ids.includes(elsewhere)),
        'each delivery is an audit entry of the subscription, naming the persons delivered',
      );
      assert.ok(entries.some((e) => e.detail?.includes('person.citizenIdNumber')), 'the unmasked delivery is audited as such');
    });

    test('a move out of the district is delivered to the department that had the person (the old area is named)', async () => {
      const head = (await feed.data.repos.feed.head()).seq;
      const p = await s.persons.get(inDistrict);
      const r = p.residences.find((x) => x.validTo === null);
      assert.ok(r);
      await s.persons.endResidence(inDistrict, r.id, '2026-01-01');
      await s.persons.addResidence(inDistrict, { kind: 'actual', areaCode: '310104004' });
      const events = await feed.data.repos.feed.after(head, 100);
      const seen = await feed.gate.disclose(events, subscriber('civil-affairs', 'RELIEF_ASSESSMENT'));
      assert.equal(seen.length, 1, 'the move out (naming the old area) is delivered; the move into another district is not');
      assert.equal((seen[0]?.data as { from: { areaCode: string } | null }).from?.areaCode, HOME);
    });

    test('an import publishes each person once, links and moves only when something is new, and nothing when re-imported', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'populus-outbox-'));
      const file = (name: string, lines: string[]): string => {
        const path = join(dir, name);
        writeFileSync(path, `${lines.join('\n')}\n`);
        return path;
      };
      await s.sources.define({ id: 'police-x', departmentId: 'police-household', nameZh: '户籍', nameEn: 'register', level: 'city', owns: ['person.name'] });
      await s.sources.define({ id: 'civil-x', departmentId: 'civil-affairs', nameZh: '民政', nameEn: 'relief', level: 'district', owns: ['person.maritalStatus'] });
      await s.sources.addProfile('police-x', profile('person.name'));
      await s.sources.addProfile('civil-x', profile('person.maritalStatus'));
      const police = file('police.csv', ['证件号,值,区划', `${C},陈一,${HOME}`, `${D},陈二,${HOME}`]);
      let head = (await feed.data.repos.feed.head()).seq;
      const first = await s.imports.importFile('police-x', police, { observedAt: '2026-01-01' });
      let events = await feed.data.repos.feed.after(head, 100);
      assert.equal(events.filter((e) => e.type === 'cn.populus.person.created').length, 2, 'two new persons');
      assert.equal(events.filter((e) => e.type === 'cn.populus.person.linked').length, 0, 'a new person is no link');
      assert.equal(events.filter((e) => e.type === 'cn.populus.residence.moved').length, 2);
      assert.ok(events.every((e) => e.cause.kind === 'import' && e.cause.batchId === first.batchId));

      head = (await feed.data.repos.feed.head()).seq;
      await s.imports.importFile('police-x', police, { observedAt: '2026-01-01' });
      assert.equal((await feed.data.repos.feed.head()).seq, head, 're-importing the same file publishes nothing');

      const civil = file('civil.csv', ['证件号,值,区划', `${C},已婚,${HOME}`]);
      await s.imports.importFile('civil-x', civil, { observedAt: '2026-02-01' });
      events = await feed.data.repos.feed.after(head, 100);
      assert.deepEqual(
        events.map((e) => e.type),
        ['cn.populus.person.updated', 'cn.populus.person.linked'],
        'the second source links its record and adds a value; the same address reported again is no move',
      );
      const updated = events[0];
      assert.ok(updated && updated.type === 'cn.populus.person.updated');
      assert.deepEqual(
        updated.data.elements.map((c) => [c.element, c.old, c.new, c.source]),
        [['person.maritalStatus', null, '20', 'civil-x']],
      );

      // A subscriber asking for its own codes gets them back; a value its profile has no code for comes as the standard code, flagged.
      const person = updated.personId ?? '';
      await s.persons.updateValues(person, { 'person.maritalStatus': '30' }, { sourceFor: () => 'civil-x' });
      const later = await feed.data.repos.feed.after(head, 100);
      const local = await feed.gate.disclose(later, subscriber('civil-affairs', 'RELIEF_ASSESSMENT', { codeProfile: 'civil-x' }));
      const changes = local
        .filter((e) => e.type === 'cn.populus.person.updated')
        .flatMap((e) => (e.data as { elements: { element: string; old: string | null; new: string | null; standardCode?: boolean }[] }).elements)
        .filter((c) => c.element === 'person.maritalStatus');
      assert.deepEqual(
        changes.map((c) => [c.old, c.new, c.standardCode ?? false]),
        [
          [null, '已婚', false],
          ['已婚', '30', true],
        ],
      );
    });

    test('concurrent writers get gap-free numbers in commit order', async () => {
      const head = (await feed.data.repos.feed.head()).seq;
      const made = await Promise.all(Array.from({ length: 8 }, (_, i) => s.persons.create({ values: { 'person.name': `并发${i}` } })));
      const events = await feed.data.repos.feed.after(head, 100);
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => head + 1 + i),
      );
      assert.deepEqual(new Set(events.map((e) => e.personId)), new Set(made.map((m) => m.person.id)));
    });
  });
}
