/**
 * The change feed through the HTTP API, as departments use it: subscribing (and being refused,
 * with every item outside the remit named), the secret shown once and rotated, status and
 * replays, the test event verified with the `standardwebhooks` package, the pull feed with
 * long-polling, and Server-Sent Events over a real socket.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { buildApp } from '../../src/api/app.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { createFeedServices, type FeedServices } from '../../src/feed/feed-services.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import { loadElements } from '../../src/reference/catalogue-loader.ts';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { loadKinds } from '../../src/reference/kind-loader.ts';
import type { Services } from '../../src/services/services.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { signedIn, testAccess, withToken, type Client } from '../support/api-client.ts';

interface Event {
  id: string;
  type: string;
  subject?: string;
  sequence: string;
  data: { elements?: { element: string; old: string | null; new: string | null; masked?: true }[] };
}

/** A webhook endpoint that verifies each request's signature with the given secret. */
async function receiver(): Promise<{ url: string; secret: { value: string }; bodies: { verified: boolean; body: string }[]; close(): Promise<void> }> {
  const bodies: { verified: boolean; body: string }[] = [];
  const secret = { value: '' };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      let verified = false;
      try {
        new Webhook(secret.value).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      bodies.push({ verified, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, secret, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

describe('the change feed through the API', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  let services: Services;
  let feed: FeedServices;
  let civil: Client;
  let police: Client;
  let admin: Client;
  let auditor: Client;
  let civilToken: Client;
  let pullId = '';

  const person = (name: string, area: string, extra: Record<string, string> = {}) =>
    services.persons.create({ values: { 'person.name': name, 'person.maritalStatus': '20', 'person.phone': '13812345678', ...extra }, residences: [{ kind: 'actual', areaCode: area, validFrom: '2020-01-01' }] });

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    services = servicesFor(store, '310105004');
    access = testAccess(store);
    const dataDir = defaultDataDir();
    feed = createFeedServices(createDataAccess(store, '310105'), access, { elements: loadElements(dataDir), kinds: loadKinds(dataDir), dispatch: { district: '310105' } });
    app = await buildApp({ services, access, feed, logLevel: 'silent', rateLimitPerMinute: 0 });
    await services.sources.define({ id: 'civil-db', departmentId: 'civil-affairs', nameZh: '民政系统', nameEn: 'civil affairs system', level: 'district', owns: ['person.maritalStatus'] });
    civil = await signedIn(app, access, { role: 'department-officer', departmentId: 'civil-affairs' }, 'RELIEF_ASSESSMENT');
    police = await signedIn(app, access, { role: 'department-officer', departmentId: 'police-household' }, 'HOUSEHOLD_REGISTRATION');
    admin = await signedIn(app, access, { role: 'platform-admin' }, 'PLATFORM_ADMINISTRATION');
    auditor = await signedIn(app, access, { role: 'auditor' }, 'AUDIT');
    civilToken = await withToken(app, access, 'civil-affairs', ['RELIEF_ASSESSMENT'], 'RELIEF_ASSESSMENT');
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('a subscription outside the remit is refused naming what is outside; unknown fields are refused', async () => {
    const r = await civil({
      method: 'POST',
      url: '/api/v1/subscriptions',
      payload: { name: 'too much', channel: 'pull', purpose: 'RELIEF_ASSESSMENT', elements: ['person.religion', 'person.maritalStatus'], areas: ['310104'], categories: ['nobody'] },
    });
    assert.equal(r.statusCode, 403, r.body);
    assert.equal(r.json().code, 'SUBSCRIPTION_OUTSIDE_REMIT');
    assert.deepEqual((r.json().details.outside as { field: string; value: string }[]).map((o) => `${o.field}:${o.value}`).sort(), ['areas:310104', 'categories:nobody', 'elements:person.religion']);
    assert.match(r.json().message, /person\.religion/);
    const token = await civilToken({ method: 'POST', url: '/api/v1/subscriptions', payload: { name: 'x', channel: 'pull', purpose: 'ELDERLY_CARE' } });
    assert.equal(token.json().code, 'SUBSCRIPTION_OUTSIDE_REMIT', 'a token subscribes only for its own purposes');
    const extra = await civil({ method: 'POST', url: '/api/v1/subscriptions', payload: { name: 'x', channel: 'pull', purpose: 'RELIEF_ASSESSMENT', cursor: 0 } });
    assert.equal(extra.json().code, 'VALIDATION_FAILED');
    const http = await civil({ method: 'POST', url: '/api/v1/subscriptions', payload: { name: 'x', channel: 'webhook', url: 'http://relief.example.org/hook', purpose: 'RELIEF_ASSESSMENT' } });
    assert.equal(http.json().code, 'INVALID_VALUE');
    for (const c of [auditor]) {
      assert.equal((await c('/api/v1/subscriptions')).json().code, 'NOT_ALLOWED');
      assert.equal((await c('/api/v1/feed')).json().code, 'NOT_ALLOWED');
    }
  });

  test('create shows the secret once; list and get never; other departments do not see it; rotation; status; pause; replay; delete', async () => {
    const created = await civil({ method: 'POST', url: '/api/v1/subscriptions', payload: { name: 'relief hook', channel: 'webhook', url: 'https://relief.example.org/hook', purpose: 'RELIEF_ASSESSMENT', batchMax: 10 } });
    assert.equal(created.statusCode, 201, created.body);
    const { subscription, secret } = created.json() as { subscription: { id: string; cursor: number; status: string }; secret: string };
    assert.match(secret, /^whsec_/);
    const head = (await feed.data.repos.feed.head()).seq;
    assert.equal(subscription.cursor, head);
    const got = await civil(`/api/v1/subscriptions/${subscription.id}`);
    assert.equal(got.statusCode, 200);
    assert.ok(!got.body.includes(secret) && !got.body.includes('whsec_'), 'the secret is never shown again');
    assert.ok(!(await civil('/api/v1/subscriptions')).body.includes('whsec_'));
    assert.equal((await police(`/api/v1/subscriptions/${subscription.id}`)).json().code, 'SUBSCRIPTION_NOT_FOUND');
    assert.deepEqual((await police('/api/v1/subscriptions')).json().items, []);
    assert.ok(((await admin('/api/v1/subscriptions')).json().items as { id: string }[]).some((s) => s.id === subscription.id), 'platform administrators see every subscription');
    assert.equal((await police({ method: 'DELETE', url: `/api/v1/subscriptions/${subscription.id}` })).statusCode, 404, 'nor may they touch it');

    const rotated = await civil({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/secret` });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.notEqual(rotated.json().secret, secret);
    assert.ok(Date.parse(rotated.json().previousExpireAt) > Date.now() + 23 * 3600 * 1000);

    await person('王芳', '310105004001');
    const status = await civil(`/api/v1/subscriptions/${subscription.id}/status`);
    assert.equal(status.statusCode, 200, status.body);
    assert.ok(status.json().lagEvents >= 1);
    assert.equal(status.json().cursor, head);
    assert.equal((await civil({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/pause` })).json().status, 'paused');
    assert.equal((await civil({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/resume` })).json().status, 'active');
    const replay = await civil({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/replay`, payload: { fromSeq: 1 } });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal(replay.json().cursor, 0);
    assert.deepEqual((await civil(`/api/v1/subscriptions/${subscription.id}/deliveries`)).json().items, []);
    assert.deepEqual((await civil(`/api/v1/subscriptions/${subscription.id}/dead-letters`)).json().items, []);
    assert.equal((await civil({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/dead-letters/nope/replay` })).json().code, 'DEAD_LETTER_NOT_FOUND');
    assert.equal((await civil({ method: 'DELETE', url: `/api/v1/subscriptions/${subscription.id}` })).statusCode, 204);
    assert.equal((await civil(`/api/v1/subscriptions/${subscription.id}`)).statusCode, 404);
  });

  test('a platform administrator subscribes for a department; the test event arrives signed with the secret shown', async () => {
    const hook = await receiver();
    try {
      const r = await admin({ method: 'POST', url: '/api/v1/subscriptions', payload: { departmentId: 'police-household', name: 'police hook', channel: 'webhook', url: hook.url, purpose: 'HOUSEHOLD_REGISTRATION' } });
      assert.equal(r.statusCode, 201, r.body);
      hook.secret.value = r.json().secret as string;
      const id = r.json().subscription.id as string;
      assert.equal(r.json().subscription.departmentId, 'police-household');
      assert.equal((await police(`/api/v1/subscriptions/${id}`)).statusCode, 200, 'the department sees what was made for it');
      const sent = await police({ method: 'POST', url: `/api/v1/subscriptions/${id}/test` });
      assert.equal(sent.statusCode, 202, sent.body);
      assert.equal(hook.bodies.length, 1);
      assert.equal(hook.bodies[0]?.verified, true, 'the signature verifies with standardwebhooks');
      assert.match(hook.bodies[0]?.body ?? '', /cn\.populus\.feed\.test/);
      await police({ method: 'DELETE', url: `/api/v1/subscriptions/${id}` });
    } finally {
      await hook.close();
    }
  });

  test('the delivery log pages on the server, newest first, with the total; others’ subscriptions stay hidden', async () => {
    const r = await civil({ method: 'POST', url: '/api/v1/subscriptions', payload: { name: 'logged hook', channel: 'webhook', url: 'http://127.0.0.1:9/hook', purpose: 'RELIEF_ASSESSMENT' } });
    assert.equal(r.statusCode, 201, r.body);
    const id = r.json().subscription.id as string;
    // 25 attempts a second apart, as the dispatcher records them (fromSeq = the attempt's number).
    for (let i = 1; i <= 25; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 8, 0, i)).toISOString();
      await feed.data.repos.subscriptions.recordAttempt({ subscriptionId: id, webhookId: `msg_${i}`, fromSeq: i, toSeq: i, attempt: 1, at, statusCode: i % 5 === 0 ? 500 : 204, error: null, durationMs: 3 });
    }
    const log = `/api/v1/subscriptions/${id}/deliveries`;
    const first = (await civil(`${log}?limit=10`)).json();
    assert.equal(first.total, 25);
    assert.deepEqual(first.items.map((a: { fromSeq: number }) => a.fromSeq), [25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    const last = (await civil(`${log}?limit=10&offset=20`)).json();
    assert.deepEqual(last.items.map((a: { fromSeq: number }) => a.fromSeq), [5, 4, 3, 2, 1]);
    assert.equal(last.total, 25);
    assert.equal((await civil(log)).json().items.length, 25, 'the default page (100) holds them all, as before');
    assert.equal((await civil(`${log}?offset=-1`)).json().code, 'VALIDATION_FAILED');
    assert.equal((await police(`${log}?limit=10`)).statusCode, 404, 'another department’s subscription is not there');
    await civil({ method: 'DELETE', url: `/api/v1/subscriptions/${id}` });
  });

  test('the pull feed: only the remit, only the elements asked for, masked; next skips the rest; a pull subscription acknowledges', async () => {
    const created = await civilToken({ method: 'POST', url: '/api/v1/subscriptions', payload: { name: 'relief pull', channel: 'pull', purpose: 'RELIEF_ASSESSMENT', elements: ['person.maritalStatus', 'person.phone'] } });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().secret, null);
    pullId = created.json().subscription.id as string;
    const start = created.json().subscription.cursor as number;
    const outside = await person('周杰', '310104003001');
    const inside = await person('李强', '310105004002');
    const r = await civilToken(`/api/v1/feed?subscription=${pullId}`);
    assert.equal(r.statusCode, 200, r.body);
    const events = r.json().events as Event[];
    const head = (await feed.data.repos.feed.head()).seq;
    assert.equal(r.json().next, head);
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.subject === inside.person.id), 'nothing about the person in another district');
    assert.ok(!r.body.includes(outside.person.id));
    const createdEvent = events.find((e) => e.type === 'cn.populus.person.created');
    assert.deepEqual(createdEvent?.data.elements?.map((c) => c.element), ['person.maritalStatus', 'person.phone']);
    const phone = createdEvent?.data.elements?.find((c) => c.element === 'person.phone');
    assert.equal(phone?.masked, true);
    assert.notEqual(phone?.new, '13812345678');
    // Reading after `next` acknowledges it: the subscription's cursor moves and the status shows it.
    const again = await civilToken(`/api/v1/feed?subscription=${pullId}&after=${r.json().next}`);
    assert.deepEqual(again.json().events, []);
    const status = (await civilToken(`/api/v1/subscriptions/${pullId}/status`)).json();
    assert.equal(status.cursor, head);
    assert.equal(status.lagEvents, 0);
    assert.ok(status.delivered >= events.length);
    assert.ok(start < head);
    // Without a subscription: the caller's own remit for its purpose; a purpose is required.
    const own = await civil(`/api/v1/feed?after=${start}`);
    assert.equal(own.statusCode, 200, own.body);
    assert.ok((own.json().events as Event[]).every((e) => e.subject === inside.person.id));
    assert.equal((await civil.withPurpose(null)(`/api/v1/feed?after=${start}`)).json().code, 'PURPOSE_REQUIRED');
    assert.equal((await civil.withPurpose('PUBLIC_SECURITY')(`/api/v1/feed?after=${start}`)).json().code, 'PURPOSE_NOT_ALLOWED');
    assert.equal((await police(`/api/v1/feed?subscription=${pullId}`)).json().code, 'SUBSCRIPTION_NOT_FOUND', 'another department cannot read it');
    assert.equal((await civil('/api/v1/feed?limit=5000')).json().code, 'VALIDATION_FAILED');
    // The stream refuses the same way, with a JSON error, before it starts.
    const noPurpose = await civil.withPurpose(null)('/api/v1/feed/stream');
    assert.deepEqual([noPurpose.statusCode, noPurpose.json().code], [400, 'PURPOSE_REQUIRED']);
    assert.equal((await police(`/api/v1/feed/stream?subscription=${pullId}`)).json().code, 'SUBSCRIPTION_NOT_FOUND');
  });

  test('long-polling waits for the next visible change', async () => {
    const head = (await feed.data.repos.feed.head()).seq;
    const waiting = civilToken(`/api/v1/feed?subscription=${pullId}&after=${head}&wait=20`);
    await new Promise((r) => setTimeout(r, 300));
    const p = await person('孙丽', '310105004001');
    const r = await waiting;
    assert.equal(r.statusCode, 200, r.body);
    const events = r.json().events as Event[];
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.subject === p.person.id));
    assert.ok(r.json().next > head);
  });

  test('Server-Sent Events over a socket: id, event, data; resumes after Last-Event-ID; the stream ends when the client goes', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const head = (await feed.data.repos.feed.head()).seq;
    const ac = new AbortController();
    const { token } = await access.identity.createToken({ departmentId: 'civil-affairs', name: 'sse', purposes: ['RELIEF_ASSESSMENT'] });
    const res = await fetch(`${address}/api/v1/feed/stream?subscription=${pullId}`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': String(head) }, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const p = await person('赵敏', '310105004001');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!/\n\n/.test(text.split('data: ').slice(1).join('data: '))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const frame = text.split('\n\n').find((f) => f.includes('\ndata: ')) ?? '';
    const id = /^id: (\d+)$/m.exec(frame)?.[1];
    const type = /^event: (.+)$/m.exec(frame)?.[1];
    const data = JSON.parse(/^data: (.+)$/m.exec(frame)?.[1] ?? '{}') as Event;
    assert.ok(Number(id) > head, 'resumes after the Last-Event-ID');
    assert.equal(data.sequence, id);
    assert.equal(data.type, type);
    assert.equal(data.subject, p.person.id);
    assert.equal(feed.pull.openStreams, 1);
    ac.abort();
    await reader.cancel().catch(() => undefined);
    for (let i = 0; i < 200 && feed.pull.openStreams > 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(feed.pull.openStreams, 0, 'the server stops streaming when the client goes');
  });
});

