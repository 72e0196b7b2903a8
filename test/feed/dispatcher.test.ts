/**
 * The dispatcher against real local webhook receivers that verify signatures with
 * `standardwebhooks` and parse events with the `cloudevents` SDK, on every backend: in-order
 * delivery, retries with the same webhook-id, dead letters and their replay, 410 disables, a
 * redirect is not followed, batch mode, a subscriber that may see none of the events, replay from
 * a sequence number, the test event, secret rotation; and a NATS JetStream subscription against
 * the machine's nats-server (as test/feed/nats-channel.test.ts, POPULUS_TEST_NATS).
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { accessFor, feedFor, servicesFor } from '../../src/main.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import type { Subscription } from '../../src/domain/feed/subscription.ts';
import { isPopulusError } from '../../src/domain/errors.ts';
import type { FeedServices } from '../../src/feed/feed-services.ts';
import { Dispatcher, batchWebhookId, replayDeadLetter, replayFrom, sendTestEvent, type DeliveryDeps } from '../../src/feed/dispatcher.ts';
import { newWebhookSecret } from '../../src/feed/webhook/signing.ts';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from '../../src/feed/webhook/retry-schedule.ts';
import type { Services } from '../../src/services/services.ts';
import type { NewSubscription } from '../../src/store/subscription.repository.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';
import { startReceiver, type Answer, type Receiver } from './support/receiver.ts';

const HOME = '310105004';
const COMMITTEE = '310105004003';
/** Retries fall due at once: the tests drive passes themselves. */
const NATS_URL = process.env['POPULUS_TEST_NATS'] ?? 'nats://127.0.0.1:4222';
const IMMEDIATE: RetrySchedule = { delaysMs: [0], horizonMs: 72 * 3600_000 };

for (const backend of await backends()) {
  describe(`dispatcher on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    let access: AccessServices;
    let feed: FeedServices;
    const receivers: Receiver[] = [];
    let serial = 0;

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME);
      access = accessFor(store, {
        homeArea: HOME,
        identity: { idleTimeoutMinutes: 30, absoluteTimeoutHours: 12, passwordMaxAgeDays: null },
        auditRetentionDays: 180,
        auditWindowMs: 1,
        auditThread: false,
      });
      feed = feedFor(store, HOME, access);
    });
    afterEach(async () => {
      // Each test's subscriptions stop here, so that the next test's passes deliver only its own.
      for (const sub of await feed.data.repos.subscriptions.list()) await feed.data.repos.subscriptions.setStatus(sub.id, 'disabled', 'test over');
      for (const r of receivers.splice(0)) await r.close();
    });
    after(async () => {
      await access.audit.close();
      await backend.dispose();
    });

    const deps = (extra: Partial<DeliveryDeps> = {}): DeliveryDeps => ({ feed, district: HOME.slice(0, 6), retrySchedule: IMMEDIATE, timeoutMs: 5000, log: () => undefined, ...extra });

    async function receiver(secret: string, answer?: (n: number) => Answer): Promise<Receiver> {
      const r = await startReceiver(secret, answer);
      receivers.push(r);
      return r;
    }

    /** A subscription starting at the feed's head (so it sees only what the test writes next). */
    async function subscribe(url: string | null, secrets: readonly string[], o: Partial<NewSubscription> = {}): Promise<Subscription> {
      const head = (await feed.data.repos.feed.head()).seq;
      const sub = await feed.data.repos.subscriptions.insert({
        departmentId: 'police-household',
        name: 'household register sync',
        channel: 'webhook',
        url,
        purpose: 'HOUSEHOLD_REGISTRATION',
        elements: [],
        areas: [],
        categories: [],
        eventTypes: [],
        codeProfile: null,
        unmask: false,
        batchMax: 1,
        createdBy: 'user:test',
        cursor: head,
        ...o,
      });
      for (const secret of secrets) await feed.data.repos.subscriptions.addSecret(sub.id, secret);
      return sub;
    }

    /** Persons living in the home street; returns their ids. */
    async function persons(n: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        serial++;
        const p = await s.persons.create({
          values: { 'person.name': `测试${String(serial)}`, 'person.maritalStatus': '10' },
          residences: [{ kind: 'actual', areaCode: COMMITTEE, addressText: `新华路${String(serial)}号`, validFrom: '2020-01-01' }],
        });
        ids.push(p.person.id);
      }
      return ids;
    }

    const state = async (id: string): Promise<Subscription> => {
      const sub = await feed.data.repos.subscriptions.get(id);
      assert.ok(sub);
      return sub;
    };

    test('delivers every event once, signed, as a CloudEvent, in sequence order (single mode)', async () => {
      const secret = newWebhookSecret();
      const r = await receiver(secret);
      const sub = await subscribe(r.url, [secret]);
      const ids = await persons(3);
      const outbox = await feed.data.repos.feed.after(sub.cursor, 1000);
      assert.ok(outbox.length >= 3);
      const delivered = await new Dispatcher(deps()).runOnce();
      assert.equal(delivered, outbox.length);
      assert.equal(r.received.length, outbox.length);
      for (const [i, got] of r.received.entries()) {
        assert.ok(got.verified, 'the signature verifies with standardwebhooks');
        assert.equal(got.parseError, null);
        assert.equal(got.contentType, 'application/cloudevents+json');
        const e = got.events[0];
        assert.ok(e);
        assert.equal(got.events.length, 1);
        assert.equal(e.id, outbox[i]?.id);
        assert.equal(got.webhookId, e.id, 'single mode: webhook-id is the CloudEvent id');
        assert.equal(e.specversion, '1.0');
        assert.equal(e.source, '/populus/areas/310105');
        assert.equal(e['sequence'], String(outbox[i]?.seq));
      }
      assert.deepEqual([...new Set(r.received.map((x) => x.events[0]?.subject))].sort(), [...ids].sort());
      const created = r.received.find((x) => x.events[0]?.type === 'cn.populus.person.created');
      assert.ok(JSON.stringify(created?.events[0]?.data).includes('person.maritalStatus'));
      const after = await state(sub.id);
      assert.equal(after.cursor, outbox.at(-1)?.seq);
      assert.equal(after.delivered, outbox.length);
      assert.equal(after.pendingFrom, null);
      assert.ok(after.lastDeliveredAt !== null);
      const attempts = await feed.data.repos.subscriptions.attempts(sub.id);
      assert.equal(attempts.length, outbox.length);
      assert.ok(attempts.every((a) => a.statusCode === 204 && a.attempt === 1 && a.fromSeq === a.toSeq));
      // Nothing new: a second pass sends nothing.
      assert.equal(await new Dispatcher(deps()).runOnce(), 0);
      assert.equal(r.received.length, outbox.length);
    });

    test('retries after 500s with the same webhook-id, then moves on; order holds', async () => {
      const secret = newWebhookSecret();
      const r = await receiver(secret, (n) => (n < 2 ? 500 : 200));
      const sub = await subscribe(r.url, [secret]);
      await persons(2);
      const outbox = await feed.data.repos.feed.after(sub.cursor, 1000);
      const d = new Dispatcher(deps());
      assert.equal(await d.runOnce(), 0);
      let st = await state(sub.id);
      assert.equal(st.attempts, 1);
      assert.equal(st.lastError, 'HTTP 500');
      assert.equal(st.pendingFrom, outbox[0]?.seq);
      assert.ok(st.firstFailureAt !== null && st.nextAttemptAt !== null);
      assert.equal(await d.runOnce(), 0);
      assert.equal((await state(sub.id)).attempts, 2);
      assert.equal(await d.runOnce(), outbox.length);
      st = await state(sub.id);
      assert.equal(st.attempts, 0);
      assert.equal(st.firstFailureAt, null);
      assert.equal(st.cursor, outbox.at(-1)?.seq);
      const ids = r.received.map((x) => x.webhookId);
      assert.equal(ids[0], outbox[0]?.id);
      assert.deepEqual(ids.slice(0, 3), [ids[0], ids[0], ids[0]], 'the same webhook-id on every retry');
      assert.deepEqual(
        r.received.slice(2).map((x) => x.events[0]?.id),
        outbox.map((e) => e.id),
      );
      const attempts = (await feed.data.repos.subscriptions.attempts(sub.id)).filter((a) => a.webhookId === ids[0]);
      assert.deepEqual(attempts.map((a) => a.attempt).sort(), [1, 2, 3]);
    });

    test('waits for the retry schedule, gives up after 3 days into a dead letter, and the dead letter replays with its webhook-id', async () => {
      let clock = Date.parse('2026-11-27T08:00:00.000Z');
      const secret = newWebhookSecret();
      let failing = true;
      const r = await receiver(secret, () => (failing ? 503 : 200));
      const sub = await subscribe(r.url, [secret]);
      await persons(1);
      const outbox = await feed.data.repos.feed.after(sub.cursor, 1000);
      const d = new Dispatcher(deps({ retrySchedule: DEFAULT_RETRY_SCHEDULE, now: () => new Date(clock) }));
      await d.runOnce();
      let st = await state(sub.id);
      assert.equal(st.nextAttemptAt, '2026-11-27T08:00:05.000Z', 'the first retry 5 s later');
      await d.runOnce();
      assert.equal(r.received.length, 1, 'not before it is due');
      clock += 5000;
      await d.runOnce();
      assert.equal(r.received.length, 2);
      assert.equal((await state(sub.id)).nextAttemptAt, '2026-11-27T08:00:35.000Z');
      clock = Date.parse('2026-11-30T08:00:00.000Z');
      await d.runOnce();
      // The first event is dead-lettered; the dispatcher went on to the next ones (which fail too).
      const letters = await feed.data.repos.subscriptions.deadLetters(sub.id);
      assert.equal(letters.length, 1);
      const letter = letters[0];
      assert.ok(letter);
      assert.equal(letter.webhookId, outbox[0]?.id);
      assert.equal(letter.fromSeq, outbox[0]?.seq);
      assert.equal(letter.reason, 'HTTP 503');
      st = await state(sub.id);
      assert.ok(st.cursor >= (outbox[0]?.seq ?? 0));
      failing = false;
      const before = r.received.length;
      const replay = await replayDeadLetter(deps(), letter.id);
      assert.equal(replay.ok, true);
      assert.equal(replay.events, 1);
      assert.equal(r.received.length, before + 1);
      assert.equal(r.received.at(-1)?.webhookId, letter.webhookId);
      assert.ok(r.received.at(-1)?.verified);
      assert.ok((await feed.data.repos.subscriptions.deadLetters(sub.id))[0]?.replayedAt !== null);
    });

    test('HTTP 410 disables the subscription; nothing more is sent', async () => {
      const secret = newWebhookSecret();
      const r = await receiver(secret, () => 410);
      const sub = await subscribe(r.url, [secret]);
      await persons(2);
      const d = new Dispatcher(deps());
      assert.equal(await d.runOnce(), 0);
      const st = await state(sub.id);
      assert.equal(st.status, 'disabled');
      assert.match(st.statusReason ?? '', /410/);
      assert.equal(r.received.length, 1);
      await d.runOnce();
      assert.equal(r.received.length, 1);
    });

    test('a redirect is never followed: a 302 is a failure', async () => {
      const secret = newWebhookSecret();
      const elsewhere = await receiver(secret);
      const r = await receiver(secret, () => ({ status: 302, headers: { location: elsewhere.url } }));
      const sub = await subscribe(r.url, [secret]);
      await persons(1);
      await new Dispatcher(deps()).runOnce();
      assert.equal(elsewhere.received.length, 0, 'the redirect target got nothing');
      assert.equal(r.received.length, 1);
      const st = await state(sub.id);
      assert.equal(st.attempts, 1);
      assert.match(st.lastError ?? '', /302.*redirects are not followed/);
      assert.equal((await feed.data.repos.subscriptions.attempts(sub.id))[0]?.statusCode, 302);
    });

    test('batch mode: CloudEvents batches of up to batchMax, one webhook-id per range, kept across a retry', async () => {
      const secret = newWebhookSecret();
      const r = await receiver(secret, (n) => (n === 1 ? 500 : 200));
      const sub = await subscribe(r.url, [secret], { batchMax: 4 });
      await persons(5);
      const outbox = await feed.data.repos.feed.after(sub.cursor, 1000);
      assert.ok(outbox.length > 8);
      const d = new Dispatcher(deps());
      let total = 0;
      for (let i = 0; i < 5; i++) total += await d.runOnce();
      assert.equal(total, outbox.length);
      assert.ok(r.received.every((x) => x.verified && x.parseError === null && x.contentType === 'application/cloudevents-batch+json'));
      assert.ok(r.received.every((x) => x.events.length >= 1 && x.events.length <= 4));
      assert.equal(r.received[1]?.webhookId, r.received[2]?.webhookId, 'the failed batch is resent with its webhook-id');
      assert.deepEqual(r.received[1]?.events.map((e) => e.id), r.received[2]?.events.map((e) => e.id));
      const accepted = r.received.filter((x) => x.status === 200);
      assert.deepEqual(
        accepted.flatMap((x) => x.events.map((e) => e.id)),
        outbox.map((e) => e.id),
      );
      const first = accepted[0];
      assert.equal(first?.webhookId, batchWebhookId(sub.id, outbox[0]?.seq ?? 0, outbox[3]?.seq ?? 0));
    });

    test('a subscriber that may see none of the events advances past them without a request', async () => {
      const ids = await persons(2);
      const secret = newWebhookSecret();
      const r = await receiver(secret);
      // Exit-entry's remit holds identity and residence, not marital status.
      const sub = await subscribe(r.url, [secret], { departmentId: 'exit-entry', purpose: 'EXIT_ENTRY_ADMINISTRATION' });
      for (const id of ids) await s.persons.updateValues(id, { 'person.maritalStatus': '20' });
      const head = (await feed.data.repos.feed.head()).seq;
      assert.ok(head > sub.cursor);
      assert.equal(await new Dispatcher(deps()).runOnce(), 0);
      assert.equal(r.received.length, 0);
      const st = await state(sub.id);
      assert.equal(st.cursor, head);
      assert.equal(st.delivered, 0);
    });

    test('replay from a sequence number resends with the same webhook-ids; the test event is signed and out of band', async () => {
      const secret = newWebhookSecret();
      const r = await receiver(secret);
      const sub = await subscribe(r.url, [secret]);
      await persons(2);
      const d = new Dispatcher(deps());
      const n = await d.runOnce();
      const firstIds = r.received.map((x) => x.webhookId);
      const from = Number(r.received[1]?.events[0]?.['sequence']);
      await replayFrom(deps(), sub.id, from);
      assert.equal((await state(sub.id)).cursor, from - 1);
      assert.equal(await d.runOnce(), n - 1);
      assert.deepEqual(r.received.slice(n).map((x) => x.webhookId), firstIds.slice(1));
      await assert.rejects(replayFrom(deps(), sub.id, 0), /seq must be/);
      await assert.rejects(sendTestEvent(deps(), randomUUID()), (e: unknown) => isPopulusError(e) && e.code === 'SUBSCRIPTION_NOT_FOUND');
      await assert.rejects(replayDeadLetter(deps(), randomUUID(), sub.id), (e: unknown) => isPopulusError(e) && e.code === 'DEAD_LETTER_NOT_FOUND');

      const before = (await state(sub.id)).cursor;
      const t = await sendTestEvent(deps(), sub.id);
      assert.equal(t.ok, true);
      assert.equal(t.status, 204);
      const got = r.received.at(-1);
      assert.ok(got?.verified);
      assert.equal(got.events[0]?.type, 'cn.populus.feed.test');
      assert.equal(got.webhookId, t.webhookId);
      assert.equal((await state(sub.id)).cursor, before, 'the test event moves no cursor');
    });

    test('during a secret rotation both secrets sign: a receiver holding either one verifies', async () => {
      const oldSecret = newWebhookSecret();
      const newSecret = newWebhookSecret();
      const oldSide = await receiver(oldSecret);
      const newSide = await receiver(newSecret);
      await subscribe(oldSide.url, [oldSecret, newSecret]);
      await subscribe(newSide.url, [oldSecret, newSecret]);
      await persons(1);
      await new Dispatcher(deps()).runOnce();
      for (const side of [oldSide, newSide]) assert.ok(side.received.length > 0 && side.received.every((x) => x.verified));
    });

    test('the loop delivers what is written while it runs, and stops', async () => {
      const secret = newWebhookSecret();
      const r = await receiver(secret);
      const sub = await subscribe(r.url, [secret], { batchMax: 10 });
      const d = new Dispatcher(deps());
      d.start({ pollMs: 10 });
      await persons(3);
      const head = (await feed.data.repos.feed.head()).seq;
      while ((await state(sub.id)).cursor < head) await new Promise((res) => setTimeout(res, 10));
      await d.stop();
      const outbox = await feed.data.repos.feed.after(sub.cursor, 1000);
      assert.deepEqual(
        r.received.flatMap((x) => x.events.map((e) => e.id)),
        outbox.map((e) => e.id),
      );
    });

    test('a replay made while the dispatcher is delivering is not undone by it: everything from the replayed sequence is sent again', async () => {
      const secret = newWebhookSecret();
      let replay: Promise<void> | undefined;
      let subId = '';
      let firstSeq = 0;
      const r = await receiver(secret, (n) => {
        // While the second event is being received, an operator replays from the first.
        if (n === 1) replay = replayFrom(deps(), subId, firstSeq);
        return 204;
      });
      const sub = await subscribe(r.url, [secret]);
      subId = sub.id;
      await persons(3);
      const outbox = await feed.data.repos.feed.after(sub.cursor, 1000);
      firstSeq = outbox[0]?.seq ?? 0;
      const d = new Dispatcher(deps());
      await d.runOnce();
      await replay;
      await d.runOnce();
      const head = (await feed.data.repos.feed.head()).seq;
      assert.equal((await state(sub.id)).cursor, head, 'delivered through the head in the end');
      const times = r.received.filter((x) => x.events[0]?.id === outbox[0]?.id).length;
      assert.equal(times, 2, 'the first event went out again after the replay');
      assert.ok((await state(sub.id)).generation >= 1);
    });

    test('one dispatcher per database: a second waits while the first holds the lease, and takes over when it stops', async () => {
      const secret = newWebhookSecret();
      const r = await receiver(secret);
      const sub = await subscribe(r.url, [secret], { batchMax: 10 });
      const first = new Dispatcher(deps({ holder: 'serve' }));
      first.start({ pollMs: 10 });
      await persons(1);
      const head = (await feed.data.repos.feed.head()).seq;
      while ((await state(sub.id)).cursor < head) await new Promise((res) => setTimeout(res, 10));
      await persons(1);
      const second = new Dispatcher(deps({ holder: 'cli' }));
      // The first may or may not have sent the new events yet; the second must send none of them.
      const sentBefore = r.received.length;
      assert.equal(await second.runOnce(), 0, 'the lease is held by the running dispatcher');
      assert.ok(r.received.length >= sentBefore);
      await first.stop();
      const rest = (await feed.data.repos.feed.head()).seq - (await state(sub.id)).cursor;
      assert.equal(await second.runOnce(), rest, 'after the first stops (and gives up its lease) the second delivers');
      const ids = r.received.flatMap((x) => x.events.map((e) => e.id));
      assert.equal(new Set(ids).size, ids.length, 'nothing was sent twice');
    });

    test('a NATS subscription is published to JetStream in order when NATS is configured, and waits when it is not', async () => {
      const tag = randomBytes(4).toString('hex');
      const stream = `POPULUS_TEST_D${tag}`;
      const prefix = `ptestd${tag}`;
      const sub = await subscribe(null, [], { channel: 'nats' });
      await persons(2);
      const outbox = await feed.data.repos.feed.after(sub.cursor, 1000);
      assert.equal(await new Dispatcher(deps()).runOnce(), 0);
      assert.equal((await state(sub.id)).cursor, sub.cursor, 'no NATS_URL: the subscription waits');
      const d = new Dispatcher(deps({ natsUrl: NATS_URL, natsStream: stream, natsSubjectPrefix: prefix }));
      const nc = await connect({ servers: NATS_URL, name: 'populus-dispatcher-test' });
      try {
        assert.equal(await d.runOnce(), outbox.length);
        assert.equal((await state(sub.id)).cursor, outbox.at(-1)?.seq);
        const consumer = await jetstream(nc).consumers.get(stream);
        const got: { subject: string; id: string }[] = [];
        for await (const m of await consumer.fetch({ max_messages: outbox.length, expires: 5000 })) {
          got.push({ subject: m.subject, id: m.json<{ id: string }>().id });
          if (got.length === outbox.length) break;
        }
        assert.deepEqual(
          got.map((g) => g.id),
          outbox.map((e) => e.id),
        );
        assert.ok(got.every((g) => g.subject.startsWith(`${prefix}.police-household.310105.`)));
      } finally {
        await d.stop();
        await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
        await nc.close();
      }
    });
  });
}
