/** Console sessions over HTTP: login, cookie and CSRF, the TOTP second factor, lockout, password change, logout. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { totpCode } from '../../src/access/totp.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { TEST_PASSWORD, testAccess } from '../support/api-client.ts';

describe('session API', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  /** The identity service's clock: moved on by hand where a test needs the next TOTP step. */
  let now = new Date();

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    access = testAccess(store, '310105004', () => now);
    app = await buildApp({ services: servicesFor(store, '310105004'), access, logLevel: 'silent', loginRateLimitPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const login = (username: string, password = TEST_PASSWORD) => app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  const cookieOf = (r: LightMyRequestResponse): string => {
    const c = r.cookies.find((x) => x.name === 'populus_session');
    assert.ok(c, 'a session cookie');
    return `populus_session=${c.value}`;
  };

  test('login sets an HttpOnly, SameSite=Strict, Secure cookie; the session shows the user, stage and purposes; logout ends it', async () => {
    await access.identity.createUser({ username: 'wang.li', displayName: '王丽', password: TEST_PASSWORD, role: 'committee-worker', areaCodes: ['310105004001'] });
    const r = await login('wang.li');
    assert.equal(r.statusCode, 200, r.body);
    const raw = String(r.headers['set-cookie']);
    assert.match(raw, /HttpOnly/i);
    assert.match(raw, /SameSite=Strict/i);
    assert.match(raw, /Secure/i);
    const body = r.json() as { stage: string; csrfToken: string; purposes: string[]; user: { role: string } };
    assert.equal(body.stage, 'active');
    assert.deepEqual(body.purposes, ['DATA_COLLECTION', 'POPULATION_SERVICE', 'POPULATION_STATISTICS']);
    const cookie = cookieOf(r);
    assert.equal((await app.inject({ url: '/api/v1/session', headers: { cookie } })).json().user.role, 'committee-worker');
    const noCsrf = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie } });
    assert.equal(noCsrf.json().code, 'CSRF_INVALID');
    const out = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, 'x-csrf-token': body.csrfToken } });
    assert.equal(out.statusCode, 204);
    const after = await app.inject({ url: '/api/v1/standard/code-tables', headers: { cookie } });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().code, 'SESSION_EXPIRED');
    const entries = await store.db.selectFrom('audit_entry').select(['action', 'purpose']).where('action', '=', 'session.login').execute();
    assert.ok(entries.length >= 1, 'logins are in the audit log');
  });

  test('wrong passwords: one answer whatever the cause, and the account locks after five', async () => {
    await access.identity.createUser({ username: 'zhao.lei', displayName: '赵磊', password: TEST_PASSWORD, role: 'auditor' });
    const unknown = await login('nobody', 'whatever-password');
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.json().code, 'AUTHENTICATION_FAILED');
    for (let i = 0; i < 5; i++) assert.equal((await login('zhao.lei', 'wrong-password-123')).json().code, 'AUTHENTICATION_FAILED');
    const locked = await login('zhao.lei');
    assert.equal(locked.statusCode, 401, 'the right password is refused while locked');
    assert.equal(locked.json().message, unknown.json().message, 'and the answer does not tell');
  });

  test('TOTP: turned on with a proved code; the next login needs it and gets a new session id', async () => {
    await access.identity.createUser({ username: 'sun.mei', displayName: '孙梅', password: TEST_PASSWORD, role: 'street-admin', areaCodes: ['310105004'] });
    const first = await login('sun.mei');
    const cookie = cookieOf(first);
    const csrf = (first.json() as { csrfToken: string }).csrfToken;
    const begun = await app.inject({ method: 'POST', url: '/api/v1/session/totp', headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(begun.statusCode, 200, begun.body);
    const { secret, uri } = begun.json() as { secret: string; uri: string };
    assert.match(uri, /^otpauth:\/\/totp\//);
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/session/totp/confirm', headers: { cookie, 'x-csrf-token': csrf }, payload: { secret, code: '000000' === (await totpCode(secret, now)) ? '111111' : '000000' } });
    assert.equal(wrong.json().code, 'AUTHENTICATION_FAILED');
    const ok = await app.inject({ method: 'POST', url: '/api/v1/session/totp/confirm', headers: { cookie, 'x-csrf-token': csrf }, payload: { secret, code: await totpCode(secret, now) } });
    assert.equal(ok.statusCode, 204, ok.body);
    now = new Date(now.getTime() + 30_000); // the next TOTP step: a code is never accepted twice

    const second = await login('sun.mei');
    assert.equal(second.json().stage, 'second-factor');
    const pending = cookieOf(second);
    const blocked = await app.inject({ url: '/api/v1/standard/code-tables', headers: { cookie: pending } });
    assert.equal(blocked.json().code, 'SECOND_FACTOR_REQUIRED');
    const verified = await app.inject({ method: 'POST', url: '/api/v1/session/second-factor', headers: { cookie: pending }, payload: { code: await totpCode(secret, now) } });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(verified.json().stage, 'active');
    const active = cookieOf(verified);
    assert.notEqual(active, pending, 'a new session id after the second factor');
    assert.equal((await app.inject({ url: '/api/v1/standard/code-tables', headers: { cookie: active } })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/v1/standard/code-tables', headers: { cookie: pending } })).statusCode, 401, 'the old id is worthless');
  });

  test('changing the password needs the current one and the CSRF token; other sessions end', async () => {
    await access.identity.createUser({ username: 'li.na', displayName: '李娜', password: TEST_PASSWORD, role: 'auditor' });
    const a = await login('li.na');
    const b = await login('li.na');
    const csrf = (a.json() as { csrfToken: string }).csrfToken;
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/session/password', headers: { cookie: cookieOf(a), 'x-csrf-token': csrf }, payload: { current: 'not-my-password', next: 'a brand new passphrase' } });
    assert.equal(wrong.json().code, 'AUTHENTICATION_FAILED');
    const weak = await app.inject({ method: 'POST', url: '/api/v1/session/password', headers: { cookie: cookieOf(a), 'x-csrf-token': csrf }, payload: { current: TEST_PASSWORD, next: 'short' } });
    assert.equal(weak.json().code, 'WEAK_PASSWORD');
    const ok = await app.inject({ method: 'POST', url: '/api/v1/session/password', headers: { cookie: cookieOf(a), 'x-csrf-token': csrf }, payload: { current: TEST_PASSWORD, next: 'a brand new passphrase' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((await app.inject({ url: '/api/v1/audit/head', headers: { cookie: cookieOf(b) } })).statusCode, 401, 'the other session ended');
    assert.equal((await login('li.na', 'a brand new passphrase')).statusCode, 200);
  });
});
