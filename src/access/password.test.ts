import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, passwordProblems, verifyPassword } from './password.ts';

const FAST = { ln: 10, r: 8, p: 1 };

test('scrypt: the right password verifies, a wrong one does not', async () => {
  const h = await hashPassword('correct horse battery staple', FAST);
  assert.match(h, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.equal(await verifyPassword('correct horse battery staple', h), true);
  assert.equal(await verifyPassword('correct horse battery stapl', h), false);
  assert.equal(await verifyPassword('', h), false);
});

test('scrypt: the default parameters are memory-hard (N = 2^15, r = 8) and still verify', async () => {
  assert.deepEqual(DEFAULT_SCRYPT, { ln: 15, r: 8, p: 1 });
  const h = await hashPassword('一二三四五六七八九十百千', DEFAULT_SCRYPT);
  assert.ok(h.startsWith('$scrypt$ln=15,r=8,p=1$'));
  assert.equal(await verifyPassword('一二三四五六七八九十百千', h), true);
});

test('scrypt: each hash has its own salt; a tampered or malformed hash never verifies', async () => {
  const a = await hashPassword('same password here', FAST);
  const b = await hashPassword('same password here', FAST);
  assert.notEqual(a, b);
  const parts = a.split('$');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  key[0] = (key[0] ?? 0) ^ 1;
  parts[5] = key.toString('base64');
  assert.equal(await verifyPassword('same password here', parts.join('$')), false);
  assert.equal(await verifyPassword('same password here', 'plain'), false);
  assert.equal(await verifyPassword('same password here', '$scrypt$ln=40,r=8,p=1$AAAA$AAAA'), false);
});

test('needsRehash: weaker stored parameters are upgraded on the next login', async () => {
  const weak = await hashPassword('some password 1', FAST);
  assert.equal(needsRehash(weak, DEFAULT_SCRYPT), true);
  assert.equal(needsRehash(weak, FAST), false);
  assert.equal(needsRehash('garbage'), true);
});

test('passwordProblems: length only, counted in characters', () => {
  assert.deepEqual(passwordProblems('short'), ['a password has at least 12 characters']);
  assert.deepEqual(passwordProblems('十二个汉字组成的一句长密码'), []);
  assert.equal(passwordProblems('x'.repeat(129)).length, 1);
  assert.deepEqual(passwordProblems('abcdefgh', 8), []);
});
