/** Users, logins, lockout, sessions, TOTP and API tokens on every backend, with a hand-moved clock. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isPopulusError, type ErrorCode } from '../../src/domain/errors.ts';
import { IdentityService } from '../../src/access/identity.service.ts';
import { DEFAULT_IDENTITY_POLICY } from '../../src/access/identity-policy.ts';
import { totpCode } from '../../src/access/totp.ts';
import { AccessRepository } from '../../src/store/access.repository.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';
import { openAccessStore, TestClock } from './access-store.ts';

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isPopulusError(e), `expected a PopulusError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

const PASSWORD = 'correct horse battery staple';
/** Cheap scrypt parameters keep the suite fast; the parameters themselves are tested in password.test.ts. */
const POLICY = { ...DEFAULT_IDENTITY_POLICY, scrypt: { ln: 10, r: 8, p: 1 } };
const DEPARTMENT_PURPOSES: Record<string, string[]> = { 'civil-affairs': ['RELIEF_ASSESSMENT', 'ELDERLY_CARE'] };

for (const backend of await backends()) {
  describe(`identity on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let clock: TestClock;
    let ids: IdentityService;

    before(async () => {
      store = await openAccessStore(backend);
      clock = new TestClock();
      ids = new IdentityService({ repo: new AccessRepository(store.db), departmentPurposes: (d) => new Set(DEPARTMENT_PURPOSES[d] ?? []), policy: POLICY, clock: clock.now });
    });
    after(() => backend.dispose());

    test('users: created with a role and scope; bad input refused with clear codes', async () => {
      const u = await ids.createUser({ username: 'Li.Na', displayName: '李娜', password: PASSWORD, role: 'committee-worker', departmentId: 'street-population-office', areaCodes: ['310105004001'] });
      assert.equal(u.username, 'li.na');
      assert.deepEqual(u.areaCodes, ['310105004001']);
      assert.equal(u.totpEnabled, false);
      assert.equal('passwordHash' in u, false, 'the hash never leaves the service');
      await rejects(ids.createUser({ username: 'li.na', displayName: 'x', password: PASSWORD, role: 'auditor' }), 'USER_EXISTS');
      await rejects(ids.createUser({ username: 'weak', displayName: 'x', password: 'short', role: 'auditor' }), 'WEAK_PASSWORD');
      await rejects(ids.createUser({ username: 'cw2', displayName: 'x', password: PASSWORD, role: 'committee-worker', areaCodes: ['310105004'] }), 'INVALID_VALUE');
      await rejects(ids.createUser({ username: 'off', displayName: 'x', password: PASSWORD, role: 'department-officer' }), 'INVALID_VALUE');
      await rejects(ids.createUser({ username: 'off', displayName: 'x', password: PASSWORD, role: 'department-officer', departmentId: 'no-such' }), 'DEPARTMENT_NOT_FOUND');
      await rejects(ids.createUser({ username: 'x', displayName: 'x', password: PASSWORD, role: 'auditor' }), 'INVALID_VALUE');
      const stored = await store.db.selectFrom('app_user').select('password_hash').where('username', '=', 'li.na').executeTakeFirstOrThrow();
      assert.ok(stored.password_hash.startsWith('$scrypt$') && !stored.password_hash.includes(PASSWORD));
    });

    test('login: a session with a CSRF token; the same refusal for unknown users, wrong passwords and disabled accounts', async () => {
      const login = await ids.authenticate('LI.NA', PASSWORD);
      assert.equal(login.stage, 'active');
      assert.equal(login.principal.role, 'committee-worker');
      assert.match(login.sessionId, /^[A-Za-z0-9_-]{43}$/);
      const rows = await store.db.selectFrom('console_session').select('id_hash').execute();
      assert.ok(rows.every((r) => r.id_hash !== login.sessionId), 'only the hash of the session id is stored');
      const resumed = await ids.requireActive(login.sessionId, { token: login.csrfToken });
      assert.equal(resumed.user.username, 'li.na');
      await rejects(ids.requireActive(login.sessionId, { token: 'forged' }), 'CSRF_INVALID');
      await rejects(ids.requireActive(login.sessionId, { token: undefined }), 'CSRF_INVALID');
      for (const attempt of [() => ids.authenticate('nobody', PASSWORD), () => ids.authenticate('li.na', 'wrong password!')]) {
        await assert.rejects(attempt(), (e: unknown) => isPopulusError(e) && e.code === 'AUTHENTICATION_FAILED' && /wrong username, password or code/.test(e.message));
      }
      await ids.createUser({ username: 'gone', displayName: '离职', password: PASSWORD, role: 'auditor' });
      const gone = await ids.findUserByUsername('gone');
      assert.ok(gone);
      const goneSession = await ids.authenticate('gone', PASSWORD);
      await ids.disableUser(gone.id);
      await rejects(ids.authenticate('gone', PASSWORD), 'AUTHENTICATION_FAILED');
      await rejects(ids.resume(goneSession.sessionId), 'SESSION_EXPIRED');
      await ids.logout(login.sessionId);
      await rejects(ids.resume(login.sessionId), 'SESSION_EXPIRED');
    });

    test('lockout: 5 failures lock the account for 15 minutes, even against the right password; then it opens again', async () => {
      await ids.createUser({ username: 'wang.fang', displayName: '王芳', password: PASSWORD, role: 'auditor' });
      const before = await ids.authenticate('wang.fang', PASSWORD);
      for (let i = 0; i < 4; i++) await rejects(ids.authenticate('wang.fang', `wrong ${i} password`), 'AUTHENTICATION_FAILED');
      const ok = await ids.authenticate('wang.fang', PASSWORD);
      assert.equal(ok.stage, 'active', 'a success resets the count');
      for (let i = 0; i < 5; i++) await rejects(ids.authenticate('wang.fang', `wrong ${i} password`), 'AUTHENTICATION_FAILED');
      await rejects(ids.authenticate('wang.fang', PASSWORD), 'AUTHENTICATION_FAILED');
      await rejects(ids.resume(before.sessionId), 'SESSION_EXPIRED');
      clock.minutes(14);
      await rejects(ids.authenticate('wang.fang', PASSWORD), 'AUTHENTICATION_FAILED');
      clock.minutes(1);
      assert.equal((await ids.authenticate('wang.fang', PASSWORD)).stage, 'active');
      for (let i = 0; i < 5; i++) await rejects(ids.authenticate('wang.fang', `wrong ${i} password`), 'AUTHENTICATION_FAILED');
      const user = await ids.findUserByUsername('wang.fang');
      assert.ok(user);
      await ids.unlockUser(user.id);
      assert.equal((await ids.authenticate('wang.fang', PASSWORD)).stage, 'active', 'an administrator can lift the lock');
    });

    test('sessions end after 15 idle minutes and 8 hours in all; use keeps them alive until then', async () => {
      const s = await ids.authenticate('li.na', PASSWORD);
      for (let i = 0; i < 34; i++) {
        clock.minutes(14);
        await ids.resume(s.sessionId);
      }
      clock.minutes(14);
      await rejects(ids.resume(s.sessionId), 'SESSION_EXPIRED');
      const idle = await ids.authenticate('li.na', PASSWORD);
      clock.minutes(15);
      await rejects(ids.resume(idle.sessionId), 'SESSION_EXPIRED');
      const stale = await ids.authenticate('li.na', PASSWORD);
      clock.minutes(16);
      assert.ok((await ids.purgeStaleSessions()) >= 1);
      await rejects(ids.resume(stale.sessionId), 'SESSION_EXPIRED');
    });

    test('TOTP: enrolment needs a right code; login then waits for the code, which rotates the session id and cannot be replayed', async () => {
      const user = await ids.createUser({ username: 'zhao.lei', displayName: '赵磊', password: PASSWORD, role: 'street-admin', areaCodes: ['310105004'] });
      const { secret, uri } = ids.beginTotp(user.username);
      assert.ok(uri.includes(secret));
      await rejects(ids.enableTotp(user.id, secret, '000000' === (await totpCode(secret, clock.now())) ? '111111' : '000000'), 'AUTHENTICATION_FAILED');
      await ids.enableTotp(user.id, secret, await totpCode(secret, clock.now()));
      assert.equal((await ids.getUser(user.id)).totpEnabled, true);
      clock.advance(30_000);
      const first = await ids.authenticate('zhao.lei', PASSWORD);
      assert.equal(first.stage, 'second-factor');
      await rejects(ids.requireActive(first.sessionId), 'SECOND_FACTOR_REQUIRED');
      const code = await totpCode(secret, clock.now());
      const second = await ids.verifySecondFactor(first.sessionId, code);
      assert.equal(second.stage, 'active');
      assert.notEqual(second.sessionId, first.sessionId);
      await rejects(ids.resume(first.sessionId), 'SESSION_EXPIRED');
      const again = await ids.authenticate('zhao.lei', PASSWORD);
      await rejects(ids.verifySecondFactor(again.sessionId, code), 'AUTHENTICATION_FAILED');
      clock.advance(30_000);
      assert.equal((await ids.verifySecondFactor(again.sessionId, await totpCode(secret, clock.now()))).stage, 'active');
    });

    test('password rotation, when switched on, forces a change before anything else', async () => {
      const rotating = new IdentityService({ repo: new AccessRepository(store.db), departmentPurposes: () => new Set(), policy: { ...POLICY, passwordMaxAgeDays: 90 }, clock: clock.now });
      await rotating.createUser({ username: 'old.timer', displayName: '老用户', password: PASSWORD, role: 'auditor' });
      clock.days(91);
      const s = await rotating.authenticate('old.timer', PASSWORD);
      assert.equal(s.stage, 'password-change');
      await rejects(rotating.requireActive(s.sessionId), 'PASSWORD_CHANGE_REQUIRED');
      await rejects(rotating.changePassword(s.sessionId, 'not the password', 'a brand new password'), 'AUTHENTICATION_FAILED');
      const changed = await rotating.changePassword(s.sessionId, PASSWORD, 'a brand new password');
      assert.equal(changed.stage, 'active');
      assert.equal((await rotating.requireActive(s.sessionId)).user.username, 'old.timer');
      assert.equal((await ids.authenticate('old.timer', 'a brand new password')).stage, 'active', 'rotation is off by default');
    });

    test('API tokens: shown once, stored hashed, scoped to the remit, revocable', async () => {
      const { token, record } = await ids.createToken({ departmentId: 'civil-affairs', name: 'relief system', purposes: ['RELIEF_ASSESSMENT'] });
      assert.match(token, /^ppl_[A-Za-z0-9_-]{43}$/);
      assert.equal('token' in record, false);
      const row = await store.db.selectFrom('api_token').select('token_hash').where('id', '=', record.id).executeTakeFirstOrThrow();
      assert.match(row.token_hash, /^[0-9a-f]{64}$/);
      assert.notEqual(row.token_hash, token);
      const p = await ids.authenticateToken(token);
      assert.deepEqual({ role: p.role, departmentId: p.departmentId, purposes: p.purposes, actor: p.actor }, { role: 'department-officer', departmentId: 'civil-affairs', purposes: ['RELIEF_ASSESSMENT'], actor: { kind: 'token', id: record.id } });
      assert.ok((await ids.listTokens('civil-affairs'))[0]?.lastUsedAt !== null, 'last use is recorded');
      await rejects(ids.createToken({ departmentId: 'civil-affairs', name: 'x', purposes: ['PUBLIC_SECURITY'] }), 'PURPOSE_NOT_ALLOWED');
      await rejects(ids.createToken({ departmentId: 'civil-affairs', name: 'x', purposes: [] }), 'PURPOSE_REQUIRED');
      await rejects(ids.createToken({ departmentId: 'nowhere', name: 'x', purposes: ['RELIEF_ASSESSMENT'] }), 'DEPARTMENT_NOT_FOUND');
      await rejects(ids.authenticateToken(`${token.slice(0, -1)}x`), 'TOKEN_INVALID');
      await rejects(ids.authenticateToken(undefined), 'TOKEN_INVALID');
      await ids.revokeToken(record.id);
      await rejects(ids.authenticateToken(token), 'TOKEN_INVALID');
      await rejects(ids.revokeToken(record.id), 'TOKEN_NOT_FOUND');
    });
  });
}
