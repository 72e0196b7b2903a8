/** Our webhook signatures, verified as a receiving department would: with the `standardwebhooks` package. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, sign, SECRET_PREFIX } from './signing.ts';

const body = JSON.stringify({ specversion: '1.0', id: 'e-1', type: 'cn.populus.person.updated', data: { elements: [{ element: 'person.maritalStatus', old: '10', new: '20' }] } });

function headers(id: string, ts: number, signature: string): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
}

test('secrets are whsec_ + base64 of 32 random bytes, each different', () => {
  const a = newWebhookSecret();
  const b = newWebhookSecret();
  assert.ok(a.startsWith(SECRET_PREFIX));
  assert.equal(Buffer.from(a.slice(SECRET_PREFIX.length), 'base64').length, 32);
  assert.notEqual(a, b);
});

test('standardwebhooks verifies a signature made with two secrets, with either secret (rotation)', () => {
  const oldSecret = newWebhookSecret();
  const newSecret = newWebhookSecret();
  const ts = Math.floor(Date.now() / 1000);
  const signature = sign([newSecret, oldSecret], 'msg_1', ts, body);
  assert.equal(signature.split(' ').length, 2);
  assert.ok(signature.split(' ').every((s) => /^v1,[A-Za-z0-9+/]+=*$/.test(s)));
  for (const secret of [oldSecret, newSecret]) {
    assert.deepEqual(new Webhook(secret).verify(body, headers('msg_1', ts, signature)), JSON.parse(body));
  }
  // A receiver with a third secret refuses it.
  assert.throws(() => new Webhook(newWebhookSecret()).verify(body, headers('msg_1', ts, signature)));
});

test('the signature is the one standardwebhooks itself makes', () => {
  const secret = newWebhookSecret();
  const ts = 1_700_000_000;
  assert.equal(sign([secret], 'msg_x', ts, body), new Webhook(secret).sign('msg_x', new Date(ts * 1000), body));
});

test('a tampered body, timestamp or webhook-id fails verification', () => {
  const secret = newWebhookSecret();
  const ts = Math.floor(Date.now() / 1000);
  const signature = sign([secret], 'msg_2', ts, body);
  const wh = new Webhook(secret);
  assert.throws(() => wh.verify(body.replace('"20"', '"30"'), headers('msg_2', ts, signature)));
  assert.throws(() => wh.verify(body, headers('msg_2', ts + 1, signature)));
  assert.throws(() => wh.verify(body, headers('msg_3', ts, signature)));
  assert.doesNotThrow(() => wh.verify(body, headers('msg_2', ts, signature)));
});

test('signing without a secret is refused', () => {
  assert.throws(() => sign([], 'msg', 1, body), /at least one/);
  assert.throws(() => sign(['whsec_'], 'msg', 1, body), /key bytes/);
});
