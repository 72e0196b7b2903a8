/** One webhook request: headers and content types, redirects not followed, timeouts and refused connections as failures. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { CloudEvent } from '../../domain/feed/change-event.ts';
import { newWebhookSecret } from './signing.ts';
import { BATCH_CONTENT_TYPE, SINGLE_CONTENT_TYPE, bodyOf, sendWebhook } from './sender.ts';

const event = (id: string): CloudEvent => ({ specversion: '1.0', id, source: '/populus/areas/310105', type: 'cn.populus.feed.test', time: '2026-11-27T08:00:00.000Z', datacontenttype: 'application/json', sequence: '1', data: { message: 'hi' } });

let server: Server;
let base = '';
const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/slow') return; // never answers
      if (req.url === '/moved') {
        res.writeHead(307, { location: `${base}/ok` });
        return res.end();
      }
      if (req.url === '/gone') res.writeHead(410);
      else res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a single event goes as application/cloudevents+json with verifiable Standard Webhooks headers', async () => {
  const secret = newWebhookSecret();
  const r = await sendWebhook({ url: `${base}/ok`, webhookId: 'msg_a', secrets: [secret], events: [event('e1')], batch: false });
  assert.equal(r.ok, true);
  assert.equal(r.status, 200);
  assert.equal(r.error, null);
  assert.ok(r.durationMs >= 0);
  const got = seen.at(-1);
  assert.ok(got);
  assert.equal(got.headers['content-type'], SINGLE_CONTENT_TYPE);
  assert.equal(got.headers['webhook-id'], 'msg_a');
  assert.deepEqual(new Webhook(secret).verify(got.body, got.headers as Record<string, string>), event('e1'));
});

test('a batch goes as a JSON array with the batch content type', async () => {
  await sendWebhook({ url: `${base}/ok`, webhookId: 'msg_b', secrets: [newWebhookSecret()], events: [event('e1'), event('e2')], batch: true });
  const got = seen.at(-1);
  assert.equal(got?.headers['content-type'], BATCH_CONTENT_TYPE);
  assert.deepEqual((JSON.parse(got?.body ?? '[]') as CloudEvent[]).map((e) => e.id), ['e1', 'e2']);
  assert.throws(() => bodyOf([event('e1'), event('e2')], false), /exactly one/);
});

test('a redirect is a failure and is not followed; 410 says gone', async () => {
  const before = seen.length;
  const moved = await sendWebhook({ url: `${base}/moved`, webhookId: 'msg_c', secrets: [newWebhookSecret()], events: [event('e1')], batch: false });
  assert.equal(moved.ok, false);
  assert.equal(moved.status, 307);
  assert.match(moved.error ?? '', /redirects are not followed/);
  assert.equal(seen.length, before + 1, 'only the first URL was asked');
  const gone = await sendWebhook({ url: `${base}/gone`, webhookId: 'msg_d', secrets: [newWebhookSecret()], events: [event('e1')], batch: false });
  assert.deepEqual([gone.ok, gone.status, gone.gone], [false, 410, true]);
});

test('no answer within the timeout, or no one listening, is a failure without a status', async () => {
  const slow = await sendWebhook({ url: `${base}/slow`, webhookId: 'msg_e', secrets: [newWebhookSecret()], events: [event('e1')], batch: false }, { timeoutMs: 100 });
  assert.deepEqual([slow.ok, slow.status, slow.error], [false, null, 'timed out after 100 ms']);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await sendWebhook({ url: `http://127.0.0.1:${port}/x`, webhookId: 'msg_f', secrets: [newWebhookSecret()], events: [event('e1')], batch: false });
  assert.equal(refused.ok, false);
  assert.equal(refused.status, null);
  assert.match(refused.error ?? '', /ECONNREFUSED/);
});
