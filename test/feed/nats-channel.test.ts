/**
 * The NATS JetStream channel against the machine's nats-server (JetStream on, 127.0.0.1:4222, or
 * POPULUS_TEST_NATS): events published for a subscription are read back by a consumer on the
 * subjects we promise, parse as CloudEvents with the `cloudevents` SDK, and a re-publish after a
 * "crash" is dropped by the stream. The test uses its own stream and subject prefix and deletes
 * the stream at the end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { CloudEvent as SdkCloudEvent } from 'cloudevents';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { toCloudEvent, type ChangeEvent, type CloudEvent } from '../../src/domain/feed/change-event.ts';
import { NatsChannel, subjectOf } from '../../src/feed/nats/nats-channel.ts';

const NATS_URL = process.env['POPULUS_TEST_NATS'] ?? 'nats://127.0.0.1:4222';
const tag = randomBytes(4).toString('hex');
const STREAM = `POPULUS_TEST_${tag}`;
const PREFIX = `ptest${tag}`;

let seq = 0;
function event(partial: Pick<ChangeEvent, 'type' | 'personId' | 'data' | 'district'> & { cause?: ChangeEvent['cause'] }): CloudEvent {
  seq += 1;
  const e = { seq, id: randomUUID(), time: new Date(Date.UTC(2026, 10, 27, 8, 0, seq)).toISOString(), areas: [], cause: partial.cause ?? { kind: 'system' }, ...partial } as ChangeEvent;
  return toCloudEvent(e, e.data);
}

interface Received {
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
}

/** Every message of the stream, in stream order, read with an ordered consumer. */
async function readAll(nc: NatsConnection, count: number): Promise<Received[]> {
  const consumer = await jetstream(nc).consumers.get(STREAM);
  const out: Received[] = [];
  const messages = await consumer.fetch({ max_messages: count, expires: 5000 });
  for await (const m of messages) {
    out.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), contentType: m.headers?.get('Content-Type'), body: m.json<Record<string, unknown>>() });
    if (out.length === count) break;
  }
  await consumer.delete().catch(() => undefined);
  return out;
}

describe('NATS JetStream channel', () => {
  let channel: NatsChannel;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    channel = await NatsChannel.connect(NATS_URL, { stream: STREAM, subjectPrefix: PREFIX });
    nc = await connect({ servers: NATS_URL, name: 'populus-test-reader' });
    jsm = await jetstreamManager(nc);
  });
  after(async () => {
    await jsm.streams.delete(STREAM).catch(() => undefined);
    await channel.close();
    await nc.close();
  });

  test('the stream is created when missing, with the prefix subjects; ensuring it again changes nothing', async () => {
    await channel.ensureStream();
    await channel.ensureStream();
    const info = await jsm.streams.info(STREAM);
    assert.deepEqual(info.config.subjects, [`${PREFIX}.>`]);
    assert.ok(info.config.duplicate_window >= 60 * 1e9, 'a de-duplication window of at least a minute');
    assert.equal(info.state.messages, 0);
  });

  const updated = event({ type: 'cn.populus.person.updated', personId: randomUUID(), district: '310105', data: { elements: [{ element: 'person.maritalStatus', old: '10', new: '20', source: 'police-household-register' }] }, cause: { kind: 'import', batchId: 'b-1' } });
  const moved = event({
    type: 'cn.populus.residence.moved',
    personId: randomUUID(),
    district: '310104',
    data: { kind: 'actual', from: { areaCode: '310105004001', address: null, dwellingId: null }, to: { areaCode: '310104002003', address: null, dwellingId: null }, sourceId: null },
  });
  const probe = event({ type: 'cn.populus.feed.test', personId: null, district: '310105', data: { message: 'hello' } });
  const subscription = { id: randomUUID(), departmentId: 'civil-affairs' };

  test('events arrive on populus.<department>.<area>.<type> as CloudEvents, acknowledged before publish resolves', async () => {
    await channel.publish(subscription, [updated, moved, probe]);
    // publish resolved: every message is already stored.
    assert.equal((await jsm.streams.info(STREAM)).state.messages, 3);

    const got = await readAll(nc, 3);
    assert.deepEqual(
      got.map((m) => m.subject),
      [`${PREFIX}.civil-affairs.310105.person.updated`, `${PREFIX}.civil-affairs.310104.residence.moved`, `${PREFIX}.civil-affairs.310105.feed.test`],
    );
    assert.deepEqual(
      got.map((m) => m.msgId),
      [updated, moved, probe].map((e) => `${subscription.id}:${e.id}`),
    );
    assert.ok(got.every((m) => m.contentType?.startsWith('application/cloudevents+json')));
    for (const [i, sent] of [updated, moved, probe].entries()) {
      const body = got[i]?.body;
      assert.ok(body);
      // The SDK validates the event (spec version, required attributes, extension names) as it is built.
      const parsed = new SdkCloudEvent(body as never);
      assert.equal(parsed.specversion, '1.0');
      assert.equal(parsed.id, sent.id);
      assert.equal(parsed.type, sent.type);
      assert.equal(parsed.source, sent.source);
      assert.equal(parsed.subject, sent.subject);
      assert.equal(parsed['sequence'], sent.sequence);
      assert.deepEqual(parsed.data, sent.data);
    }
    assert.equal(got[2]?.body['subject'], undefined, 'an event about no person has no subject');
  });

  test('a re-publish of the same events for the same subscription is dropped by the stream; another subscription gets its own copies', async () => {
    const next = event({ type: 'cn.populus.person.created', personId: randomUUID(), district: '310105', data: { elements: [] } });
    // The dispatcher crashed after publishing but before advancing its cursor: it sends the range again, plus what came since.
    await channel.publish(subscription, [updated, moved, probe, next]);
    let info = await jsm.streams.info(STREAM);
    assert.equal(info.state.messages, 4, 'three repeats dropped, one new message');

    await channel.publish({ id: randomUUID(), departmentId: 'labour' }, [updated]);
    info = await jsm.streams.info(STREAM);
    assert.equal(info.state.messages, 5);
    const all = await readAll(nc, 5);
    assert.deepEqual(
      all.map((m) => m.subject),
      [
        `${PREFIX}.civil-affairs.310105.person.updated`,
        `${PREFIX}.civil-affairs.310104.residence.moved`,
        `${PREFIX}.civil-affairs.310105.feed.test`,
        `${PREFIX}.civil-affairs.310105.person.created`,
        `${PREFIX}.labour.310105.person.updated`,
      ],
    );
    assert.equal(all[3]?.body['id'], next.id);
  });

  test('an existing stream without the channel subjects gets them added, keeping its own', async () => {
    const other = `${STREAM}_OLD`;
    await jsm.streams.add({ name: other, subjects: [`${PREFIX}old.>`] });
    const second = await NatsChannel.connect(NATS_URL, { stream: other, subjectPrefix: `${PREFIX}new` });
    try {
      await second.ensureStream();
      assert.deepEqual((await jsm.streams.info(other)).config.subjects, [`${PREFIX}old.>`, `${PREFIX}new.>`]);
    } finally {
      await second.close();
      await jsm.streams.delete(other);
    }
  });

  test('publishing nothing is a no-op', async () => {
    await channel.publish(subscription, []);
    assert.equal((await jsm.streams.info(STREAM)).state.messages, 5);
  });

  test('a department id or type that cannot be a subject token is refused before anything is sent', async () => {
    assert.throws(() => subjectOf('populus', 'civil.affairs', updated), /cannot be a subject token/);
    assert.throws(() => subjectOf('populus', 'civil-affairs', { ...updated, source: 'urn:elsewhere' }), /names no area/);
    assert.throws(() => subjectOf('populus', 'civil-affairs', { ...updated, type: 'cn.populus.person.*' }), /cannot form subject tokens/);
    assert.equal(subjectOf('populus', 'civil-affairs', updated), 'populus.civil-affairs.310105.person.updated');
    await assert.rejects(channel.publish({ id: 'x', departmentId: 'civil affairs' }, [next()]), /cannot be a subject token/);
    assert.equal((await jsm.streams.info(STREAM)).state.messages, 5);
  });
});

function next(): CloudEvent {
  return event({ type: 'cn.populus.person.updated', personId: randomUUID(), district: '310105', data: { elements: [] } });
}
