/**
 * User administration and the audit chain over HTTP (issue 9): a platform administrator creates a
 * user (the API's password and scope rules), the user logs in; disabling ends their sessions and
 * login, enabling restores it; a new password replaces the old; each change is audited. Others
 * are refused. Administrators read each department's remit. Auditors verify the chain (intact,
 * with an anchor; a tampered entry named) and search the log by request id.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/api/app.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { TEST_PASSWORD, signedIn, testAccess, type Client } from '../support/api-client.ts';

describe('account administration and audit verification API', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  let admin: Client;
  let auditor: Client;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    access = testAccess(store, '310105004');
    app = await buildApp({ services: servicesFor(store, '310105004'), access, logLevel: 'silent', loginRateLimitPerMinute: 1000 });
    admin = await signedIn(app, access, { role: 'platform-admin', username: 'root-admin' }, null);
    auditor = await signedIn(app, access, { role: 'auditor', username: 'the-auditor' }, null);
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const login = (username: string, password = TEST_PASSWORD) => app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  const actions = async (): Promise<string[]> => {
    await access.audit.drain();
    return (await store.db.selectFrom('audit_entry').select('action').orderBy('seq').execute()).map((r) => r.action);
  };

  test('an administrator creates a committee worker who then logs in; the rules are the API’s', async () => {
    const body = { username: 'li.na', displayName: '李娜', password: TEST_PASSWORD, role: 'committee-worker', departmentId: 'street-population-office', areaCodes: ['310105004001'] };
    const r = await admin({ method: 'POST', url: '/api/v1/users', payload: body });
    assert.equal(r.statusCode, 201, r.body);
    const user = r.json() as { id: string; username: string; status: string; totpEnabled: boolean; areaCodes: string[] };
    assert.deepEqual([user.username, user.status, user.totpEnabled, user.areaCodes], ['li.na', 'active', false, ['310105004001']]);
    assert.equal((await login('li.na')).statusCode, 200);
    assert.ok((await actions()).includes('account.user.create'));
    const again = await admin({ method: 'POST', url: '/api/v1/users', payload: body });
    assert.equal(again.json().code, 'USER_EXISTS');
    const weak = await admin({ method: 'POST', url: '/api/v1/users', payload: { ...body, username: 'short.pw', password: 'short' } });
    assert.equal(weak.statusCode, 422);
    assert.equal(weak.json().code, 'WEAK_PASSWORD');
    const noArea = await admin({ method: 'POST', url: '/api/v1/users', payload: { ...body, username: 'no.area', areaCodes: [] } });
    assert.equal(noArea.json().code, 'INVALID_VALUE', 'a committee worker needs a committee');
    const badDept = await admin({ method: 'POST', url: '/api/v1/users', payload: { ...body, username: 'bad.dept', departmentId: 'no-such-department' } });
    assert.equal(badDept.json().code, 'DEPARTMENT_NOT_FOUND');
    const listed = (await admin('/api/v1/users')).json() as { username: string }[];
    assert.ok(listed.some((u) => u.username === 'li.na'));
  });

  test('disable ends sessions and login, enable restores; a new password replaces the old', async () => {
    const created = (await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'zhao.lei', displayName: '赵磊', password: TEST_PASSWORD, role: 'auditor' } })).json() as { id: string };
    const session = await login('zhao.lei');
    const cookie = session.cookies.find((c) => c.name === 'populus_session');
    assert.ok(cookie);
    const disabled = await admin({ method: 'POST', url: `/api/v1/users/${created.id}/disable` });
    assert.equal(disabled.statusCode, 200, disabled.body);
    assert.equal(disabled.json().status, 'disabled');
    assert.equal((await app.inject({ url: '/api/v1/session', headers: { cookie: `populus_session=${cookie.value}` } })).statusCode, 401, 'the session ended');
    assert.equal((await login('zhao.lei')).statusCode, 401);
    assert.equal((await admin({ method: 'POST', url: `/api/v1/users/${created.id}/enable` })).json().status, 'active');
    assert.equal((await login('zhao.lei')).statusCode, 200);
    const next = 'a brand new long password';
    assert.equal((await admin({ method: 'PUT', url: `/api/v1/users/${created.id}/password`, payload: { password: 'too short' } })).json().code, 'WEAK_PASSWORD');
    assert.equal((await admin({ method: 'PUT', url: `/api/v1/users/${created.id}/password`, payload: { password: next } })).statusCode, 204);
    assert.equal((await login('zhao.lei')).statusCode, 401);
    assert.equal((await login('zhao.lei', next)).statusCode, 200);
    assert.equal((await admin({ method: 'POST', url: `/api/v1/users/${created.id}/unlock` })).statusCode, 200);
    const done = await actions();
    for (const a of ['account.user.disable', 'account.user.enable', 'account.user.password', 'account.user.unlock']) assert.ok(done.includes(a), a);
    assert.equal((await admin({ method: 'POST', url: '/api/v1/users/00000000-0000-4000-8000-000000000000/disable' })).json().code, 'USER_NOT_FOUND');
    const self = (await admin('/api/v1/users')).json() as { id: string; username: string }[];
    const me = self.find((u) => u.username === 'root-admin');
    assert.equal((await admin({ method: 'POST', url: `/api/v1/users/${me!.id}/disable` })).json().code, 'NOT_ALLOWED', 'an administrator cannot lock themself out');
  });

  test('only platform administrators manage accounts', async () => {
    const r = await auditor({ method: 'POST', url: '/api/v1/users', payload: { username: 'sneaky', displayName: 'x', password: TEST_PASSWORD, role: 'platform-admin' } });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().code, 'NOT_ALLOWED');
  });

  test('administrators read each department’s remit: purposes, elements (unmaskable marked), areas and kinds, as remits.json grants them', async () => {
    interface Grant { purposes: string[]; elements: string[]; unmask: string[]; areas: string[]; kinds: string[] | null }
    const remit = async (id: string): Promise<Grant[]> => {
      const r = await admin(`/api/v1/departments/${id}/remit`);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().departmentId, id);
      return r.json().grants as Grant[];
    };
    const civil = await remit('civil-affairs');
    const byPurpose = (p: string): Grant | undefined => civil.find((g) => g.purposes.includes(p));
    assert.deepEqual(civil.map((g) => g.purposes).sort(), [['ELDERLY_CARE'], ['POPULATION_STATISTICS'], ['RELIEF_ASSESSMENT']]);
    const relief = byPurpose('RELIEF_ASSESSMENT');
    assert.ok(relief);
    assert.ok(relief.elements.includes('person.subsistenceAllowance') && relief.elements.includes('person.name'), 'its elements, groups expanded');
    assert.ok(!relief.elements.includes('person.religion'), 'nothing not granted');
    assert.deepEqual([relief.unmask, relief.areas, relief.kinds], [['person.citizenIdNumber'], ['310105'], null], '$district is the node’s district');
    assert.deepEqual(byPurpose('ELDERLY_CARE')?.kinds, ['elderly-60']);
    assert.deepEqual(byPurpose('POPULATION_STATISTICS')?.unmask, []);
    const street = await remit('street-population-office');
    const service = street.find((g) => g.purposes.includes('POPULATION_SERVICE'));
    assert.ok(service);
    assert.deepEqual(service.purposes, ['DATA_COLLECTION', 'POPULATION_SERVICE'], 'one grant for two purposes is shown once');
    assert.deepEqual(service.areas, ['310105004'], '$home is the node’s street');
    assert.ok(service.elements.includes('person.citizenIdNumber') && service.unmask.includes('person.phone'));
    assert.deepEqual(await remit('no-such-department'), []);
    assert.equal((await admin('/api/v1/departments/Not%20An%20Id/remit')).json().code, 'VALIDATION_FAILED');
    assert.equal((await auditor('/api/v1/departments/civil-affairs/remit')).statusCode, 403);
  });

  test('auditors verify the chain (with an anchor), find entries by request id, and see a tampered entry named', async () => {
    assert.equal((await admin({ method: 'POST', url: '/api/v1/audit/verify', payload: {} })).statusCode, 403, 'administrators do not audit');
    const head = (await auditor('/api/v1/audit/head')).json() as { anchor: string; seq: number };
    const ok = await auditor({ method: 'POST', url: '/api/v1/audit/verify', payload: { anchor: head.anchor } });
    assert.equal(ok.statusCode, 200, ok.body);
    const report = ok.json() as { intact: boolean; entries: number; anchorChecked: boolean | null; firstBreak: unknown };
    assert.equal(report.intact, true);
    assert.equal(report.firstBreak, null);
    assert.equal(report.anchorChecked, true);
    assert.ok(report.entries >= head.seq);
    assert.equal((await auditor({ method: 'POST', url: '/api/v1/audit/verify', payload: { anchor: 'not an anchor' } })).statusCode, 400);
    // Search by request id: the create entry's request id finds exactly it.
    await access.audit.drain();
    const created = await store.db.selectFrom('audit_entry').select(['seq', 'request_id']).where('action', '=', 'account.user.create').orderBy('seq').executeTakeFirstOrThrow();
    const found = (await auditor(`/api/v1/audit/entries?requestId=${created.request_id ?? ''}`)).json() as { seq: number }[];
    assert.deepEqual(found.map((e) => e.seq), [created.seq]);
    // Tampering with an entry (by someone who can drop the append-only trigger) is named.
    await sql`drop trigger audit_entry_no_update`.execute(store.db);
    await sql`update audit_entry set purpose = 'TAMPERED' where seq = ${created.seq}`.execute(store.db);
    const brokenAnswer = await auditor({ method: 'POST', url: '/api/v1/audit/verify', payload: {} });
    assert.equal(brokenAnswer.statusCode, 200, brokenAnswer.body);
    const broken = brokenAnswer.json() as { intact: boolean; firstBreak: { seq: number } | null };
    assert.equal(broken.intact, false);
    assert.equal(broken.firstBreak?.seq, created.seq);
  });
});
