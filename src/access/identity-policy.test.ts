import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterFailedLogin, DEFAULT_IDENTITY_POLICY as P, identityPolicyProblems, isLocked, passwordExpired, sessionState } from './identity-policy.ts';

const T0 = Date.parse('2026-11-02T08:00:00.000Z');
const at = (ms: number): Date => new Date(T0 + ms);
const MIN = 60_000;

test('lockout: the fifth consecutive failure locks for 15 minutes, and the lock runs out', () => {
  let failed = 0;
  let lockedUntil: string | null = null;
  for (let i = 1; i <= 4; i++) {
    ({ failedLogins: failed, lockedUntil } = afterFailedLogin(failed, at(i * 1000), P));
    assert.equal(lockedUntil, null, `not locked after ${i} failures`);
    assert.equal(failed, i);
  }
  ({ failedLogins: failed, lockedUntil } = afterFailedLogin(failed, at(5000), P));
  assert.equal(failed, 0, 'the counter restarts once the lock is set');
  assert.equal(lockedUntil, at(5000 + 15 * MIN).toISOString());
  assert.equal(isLocked(lockedUntil, at(5000 + 15 * MIN - 1)), true);
  assert.equal(isLocked(lockedUntil, at(5000 + 15 * MIN)), false);
  assert.equal(isLocked(null, at(0)), false);
});

test('sessions: idle after 15 minutes unused, expired 8 hours after login whatever the use', () => {
  const created = at(0).toISOString();
  assert.equal(sessionState(created, created, at(15 * MIN - 1), P), 'live');
  assert.equal(sessionState(created, created, at(15 * MIN), P), 'idle');
  const recent = at(8 * 60 * MIN - MIN).toISOString();
  assert.equal(sessionState(created, recent, at(8 * 60 * MIN - 1), P), 'live');
  assert.equal(sessionState(created, recent, at(8 * 60 * MIN), P), 'expired');
  const custom = { ...P, idleTimeoutMinutes: 5, absoluteTimeoutHours: 1 };
  assert.equal(sessionState(created, created, at(5 * MIN), custom), 'idle');
});

test('password rotation is off by default (ASVS) and a setting when an assessor requires it', () => {
  const changed = at(0).toISOString();
  assert.equal(passwordExpired(changed, at(10_000 * 86_400_000), P), false);
  const rotating = { ...P, passwordMaxAgeDays: 90 };
  assert.equal(passwordExpired(changed, at(89 * 86_400_000), rotating), false);
  assert.equal(passwordExpired(changed, at(90 * 86_400_000), rotating), true);
});

test('identityPolicyProblems: the defaults are fine; nonsense is named', () => {
  assert.deepEqual(identityPolicyProblems(P), []);
  const problems = identityPolicyProblems({ ...P, maxFailedLogins: 0, idleTimeoutMinutes: 600, minPasswordLength: 4 });
  assert.equal(problems.length, 3);
});
