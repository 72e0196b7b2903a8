import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTotp, newTotpSecret, totpCode, totpUri } from './totp.ts';

// RFC 6238 appendix B: the ASCII secret "12345678901234567890", SHA-1; at T = 59 s the 8-digit code is 94287082.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test('TOTP: matches the RFC 6238 test vector (6-digit form)', async () => {
  assert.equal(await totpCode(RFC_SECRET, new Date(59_000)), '287082');
  assert.equal(await totpCode(RFC_SECRET, new Date(1_111_111_109_000)), '081804');
});

test('TOTP: a current code is accepted once per time step, one step of drift either way', async () => {
  const secret = newTotpSecret();
  const now = new Date('2026-11-02T08:00:10.000Z');
  const code = await totpCode(secret, now);
  const step = await checkTotp(secret, code, now, null);
  assert.equal(step, Math.floor(now.getTime() / 30_000));
  assert.equal(await checkTotp(secret, code, now, step ?? null), undefined, 'a replayed code is refused');
  assert.equal(await checkTotp(secret, code, new Date(now.getTime() + 30_000), null), step, 'one step late is fine');
  assert.equal(await checkTotp(secret, code, new Date(now.getTime() + 90_000), null), undefined, 'three steps late is not');
  assert.equal(await checkTotp(secret, '12345', now, null), undefined);
  assert.equal(await checkTotp(secret, code === '000000' ? '000001' : '000000', now, null), undefined);
});

test('TOTP: the enrolment URI names the issuer and carries the secret', () => {
  const secret = newTotpSecret();
  const uri = totpUri(secret, 'zhang.wei');
  assert.ok(uri.startsWith('otpauth://totp/Populus:zhang.wei?'));
  assert.ok(uri.includes(`secret=${secret}`));
  assert.ok(secret.length >= 32, '20 random bytes in base32');
});
