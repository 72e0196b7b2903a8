/**
 * Subscriptions and the pull feed over a real store, on every backend: a subscription is checked
 * item by item against its department's remit and refused naming what is outside; it starts at the
 * outbox head; secrets are shown once and rotate with an overlap; status reports the lag; the pull
 * feed returns only what the remit lets the reader see, with `next` past what it skipped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { principalOfToken, type Principal } from '../../src/access/principal.ts';
import { PopulusError } from '../../src/domain/errors.ts';
import { subscriberOf } from '../../src/feed/feed-gate.ts';
import type { FeedServices } from '../../src/feed/feed-services.ts';
import { feedFor, servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';
import { testAccess } from '../support/api-client.ts';

const officer = (departmentId: string, areaCodes: string[] = []): Principal => ({
  actor: { kind: 'user', id: `officer-${departmentId}` },
  role: 'department-officer',
  departmentId,
  areaCodes,
  buildingIds: [],
  personId: null,
  purposes: null,
});
const admin: Principal = { actor: { kind: 'user', id: 'admin' }, role: 'platform-admin', departmentId: null, areaCodes: [], buildingIds: [], personId: null, purposes: null };

async function refusal(p: Promise<unknown>): Promise<PopulusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PopulusError) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

for (const backend of await backends()) {
  describe(`subscriptions and the pull feed on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let services: Services;
    let feed: FeedServices;

    before(async () => {
      store = await backend.open();
      services = servicesFor(store, '310105004');
      const access = testAccess(store);
      feed = feedFor(store, '310105004', access);
      await services.sources.define({ id: 'civil-db', departmentId: 'civil-affairs', nameZh: '民政系统', nameEn: 'civil affairs system', level: 'district', owns: ['person.maritalStatus'] });
      await services.sources.define({ id: 'police-db', departmentId: 'police-household', nameZh: '户籍系统', nameEn: 'household register', level: 'city', owns: [] });
    });
    after(() => backend.dispose());

    test('a subscription outside the remit is refused naming every item outside', async () => {
      const e = await refusal(
        feed.subscriptions.create(officer('civil-affairs'), {
          name: 'too much',
          channel: 'pull',
          purpose: 'RELIEF_ASSESSMENT',
          elements: ['person.maritalStatus', 'person.religion', 'person.noSuchThing'],
          areas: ['310105', '310104'],
          categories: ['elderly-60', 'no-such-kind'],
          codeProfile: 'police-db',
        }),
      );
      assert.equal(e.code, 'SUBSCRIPTION_OUTSIDE_REMIT');
      const outside = (e.details['outside'] as { field: string; value: string }[]).map((o) => `${o.field}:${o.value}`).sort();
      assert.deepEqual(outside, ['areas:310104', 'categories:no-such-kind', 'codeProfile:police-db', 'elements:person.noSuchThing', 'elements:person.religion']);
      const purpose = await refusal(feed.subscriptions.create(officer('civil-affairs'), { name: 'x', channel: 'pull', purpose: 'PUBLIC_SECURITY' }));
      assert.deepEqual(purpose.details['outside'], [{ field: 'purpose', value: 'PUBLIC_SECURITY', reason: 'not a purpose the remit of civil-affairs allows' }]);
      const unmask = await refusal(feed.subscriptions.create(officer('civil-affairs'), { name: 'x', channel: 'pull', purpose: 'POPULATION_STATISTICS', unmask: true }));
      assert.deepEqual((unmask.details['outside'] as { field: string }[]).map((o) => o.field), ['unmask']);
      // Family planning serves women 15–49 only: the elderly are outside its remit.
      const kinds = await refusal(feed.subscriptions.create(officer('health-family-planning'), { name: 'x', channel: 'pull', purpose: 'FAMILY_PLANNING_SERVICE', categories: ['elderly-60'] }));
      assert.deepEqual((kinds.details['outside'] as { value: string }[]).map((o) => o.value), ['elderly-60']);
      // A token subscribes only for the purposes it was issued for; an officer limited to a street, within it.
      const token = principalOfToken({ id: 't1', departmentId: 'civil-affairs', name: 't', purposes: ['RELIEF_ASSESSMENT'], createdBy: null, createdAt: '', lastUsedAt: null, revokedAt: null });
      const tokenRefusal = await refusal(feed.subscriptions.create(token, { name: 'x', channel: 'pull', purpose: 'ELDERLY_CARE' }));
      assert.deepEqual((tokenRefusal.details['outside'] as { field: string }[]).map((o) => o.field), ['purpose']);
      const limited = await refusal(feed.subscriptions.create(officer('judicial', ['310105004']), { name: 'x', channel: 'pull', purpose: 'COMMUNITY_CORRECTION', areas: ['310105005'] }));
      assert.deepEqual((limited.details['outside'] as { value: string }[]).map((o) => o.value), ['310105005']);
      assert.equal((await feed.subscriptions.list(admin)).length, 0, 'nothing was created');
    });

    test('webhook URLs: https, or http to loopback; other channels have none; a department subscribes for itself', async () => {
      const base = { name: 'w', channel: 'webhook' as const, purpose: 'RELIEF_ASSESSMENT' };
      assert.equal((await refusal(feed.subscriptions.create(officer('civil-affairs'), { ...base, url: 'http://example.org/hook' }))).code, 'INVALID_VALUE');
      assert.equal((await refusal(feed.subscriptions.create(officer('civil-affairs'), { ...base, url: 'ftp://example.org/hook' }))).code, 'INVALID_VALUE');
      assert.equal((await refusal(feed.subscriptions.create(officer('civil-affairs'), { ...base }))).code, 'INVALID_VALUE');
      assert.equal((await refusal(feed.subscriptions.create(officer('civil-affairs'), { ...base, url: 'https://example.org/h', batchMax: 1001 }))).code, 'INVALID_VALUE');
      assert.equal((await refusal(feed.subscriptions.create(officer('civil-affairs'), { ...base, channel: 'pull', url: 'https://example.org/h' }))).code, 'INVALID_VALUE');
      assert.equal((await refusal(feed.subscriptions.create(officer('civil-affairs'), { ...base, url: 'https://example.org/h', departmentId: 'police-household' }))).code, 'NOT_ALLOWED');
      assert.equal((await refusal(feed.subscriptions.create(admin, { ...base, url: 'https://example.org/h' }))).code, 'INVALID_VALUE', 'an administrator names the department');
      const local = await feed.subscriptions.create(officer('civil-affairs'), { ...base, url: 'http://127.0.0.1:9999/hook' });
      assert.equal(local.subscription.url, 'http://127.0.0.1:9999/hook');
      await feed.subscriptions.delete(officer('civil-affairs'), local.subscription.id);
    });

    test('create starts at the head with a secret shown once; rotation keeps the old secret signing for 24 h; only the department sees it', async () => {
      await services.persons.create({ values: { 'person.name': '张三', 'person.sex': '1' }, residences: [{ kind: 'actual', areaCode: '310105004001', validFrom: '2020-01-01' }] });
      const head = (await feed.data.repos.feed.head()).seq;
      assert.ok(head > 0);
      const { subscription, secret } = await feed.subscriptions.create(officer('civil-affairs'), { name: 'relief', channel: 'webhook', url: 'https://relief.example.org/hook', purpose: 'RELIEF_ASSESSMENT', codeProfile: 'civil-db', batchMax: 50 });
      assert.equal(subscription.cursor, head, 'deliveries start with the next change');
      assert.match(secret ?? '', /^whsec_[A-Za-z0-9+/]+=*$/);
      assert.equal(Buffer.from((secret ?? '').slice(6), 'base64').length, 32);
      assert.equal(subscription.createdBy, 'user:officer-civil-affairs');
      assert.equal((await refusal(feed.subscriptions.get(officer('police-household'), subscription.id))).code, 'SUBSCRIPTION_NOT_FOUND');
      assert.deepEqual((await feed.subscriptions.list(officer('police-household'))).map((s) => s.id), []);
      assert.deepEqual((await feed.subscriptions.list(officer('civil-affairs'))).map((s) => s.id), [subscription.id]);
      assert.equal((await feed.subscriptions.get(admin, subscription.id)).id, subscription.id);

      const rotated = await feed.subscriptions.rotateSecret(officer('civil-affairs'), subscription.id);
      assert.notEqual(rotated.secret, secret);
      const inOverlap = await feed.data.repos.subscriptions.secrets(subscription.id);
      assert.deepEqual(inOverlap.map((s) => s.secret).sort(), [secret, rotated.secret].sort());
      const later = new Date(Date.parse(rotated.previousExpireAt) + 1000).toISOString();
      assert.deepEqual((await feed.data.repos.subscriptions.secrets(subscription.id, later)).map((s) => s.secret), [rotated.secret]);
      await feed.subscriptions.delete(officer('civil-affairs'), subscription.id);
      assert.equal((await refusal(feed.subscriptions.get(admin, subscription.id))).code, 'SUBSCRIPTION_NOT_FOUND');
    });

    test('status reports the lag; replay rewinds; pause and resume; dead letters replay by rewinding', async () => {
      const civil = officer('civil-affairs');
      const { subscription } = await feed.subscriptions.create(civil, { name: 'relief', channel: 'pull', purpose: 'RELIEF_ASSESSMENT' });
      let status = await feed.subscriptions.status(civil, subscription.id);
      assert.equal(status.lagEvents, 0);
      assert.equal(status.lagSeconds, 0);
      await services.persons.create({ values: { 'person.name': '李四' }, residences: [{ kind: 'actual', areaCode: '310105004002', validFrom: '2020-01-01' }] });
      status = await feed.subscriptions.status(civil, subscription.id);
      assert.ok(status.lagEvents >= 1);
      assert.equal(status.head - status.cursor, status.lagEvents);
      assert.equal(status.deadLetters, 0);
      const replayed = await feed.subscriptions.replayFrom(civil, subscription.id, 1);
      assert.equal(replayed.cursor, 0);
      assert.equal((await feed.subscriptions.pause(civil, subscription.id)).status, 'paused');
      assert.equal((await feed.subscriptions.resume(civil, subscription.id)).status, 'active');
      const letter = await feed.data.repos.subscriptions.addDeadLetter({ subscriptionId: subscription.id, webhookId: 'msg_1', fromSeq: 1, toSeq: 1, reason: 'HTTP 500 for 3 days' });
      await feed.data.repos.subscriptions.setDelivery(subscription.id, { cursor: status.head });
      assert.equal((await feed.subscriptions.status(civil, subscription.id)).deadLetters, 1);
      assert.equal((await feed.subscriptions.replayDeadLetter(civil, subscription.id, letter.id)).subscription.cursor, 0);
      assert.equal((await feed.subscriptions.status(civil, subscription.id)).deadLetters, 0);
      assert.equal((await refusal(feed.subscriptions.replayDeadLetter(civil, subscription.id, 'nope'))).code, 'DEAD_LETTER_NOT_FOUND');
      await feed.subscriptions.delete(civil, subscription.id);
    });

    test('the pull feed shows only what the remit allows and skips the rest for good', async () => {
      const start = (await feed.data.repos.feed.head()).seq;
      const outside = await services.persons.create({ values: { 'person.name': '周杰', 'person.maritalStatus': '20' }, residences: [{ kind: 'actual', areaCode: '310104003001', validFrom: '2020-01-01' }] });
      const inside = await services.persons.create({ values: { 'person.name': '王芳', 'person.maritalStatus': '20', 'person.religion': '00' }, residences: [{ kind: 'actual', areaCode: '310105004001', validFrom: '2020-01-01' }] });
      const { subscription } = await feed.subscriptions.create(officer('civil-affairs'), { name: 'p', channel: 'pull', purpose: 'RELIEF_ASSESSMENT', elements: ['person.maritalStatus'] });
      const page = await feed.pull.scan(subscriberOf(subscription), start, 100);
      const head = (await feed.data.repos.feed.head()).seq;
      assert.equal(page.next, head);
      assert.ok(page.events.length > 0);
      assert.ok(page.events.every((e) => e.subject === inside.person.id), 'nothing about a person outside the district');
      assert.ok(!page.events.some((e) => e.subject === outside.person.id));
      const created = page.events.find((e) => e.type === 'cn.populus.person.created');
      assert.deepEqual((created?.data as { elements: { element: string }[] }).elements.map((c) => c.element), ['person.maritalStatus'], 'only the elements asked for and readable');
      // One at a time: `next` moves past events that are not for this reader.
      const one = await feed.pull.scan(subscriberOf(subscription), start, 1);
      assert.equal(one.events.length, 1);
      assert.ok(one.next > start && one.next <= head);
      const empty = await feed.pull.read(subscriberOf(subscription), head, 10, 0);
      assert.deepEqual([empty.events.length, empty.next], [0, head]);
    });
  });
}
