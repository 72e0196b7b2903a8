/**
 * GET /api/v1/subscriptions/remit: what a department may subscribe to, as the console offers it.
 * Checked against the subscription service's own judgement: everything the answer offers is
 * accepted when subscribed to, and an element it leaves out is refused naming it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { createFeedServices } from '../../src/feed/feed-services.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import { loadElements } from '../../src/reference/catalogue-loader.ts';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { loadKinds } from '../../src/reference/kind-loader.ts';
import type { Services } from '../../src/services/services.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';

interface Remit {
  departmentId: string;
  purposes: string[];
  purpose: string | null;
  elements: string[];
  areas: string[];
  kinds: string[] | null;
  unmask: boolean;
  codeProfiles: string[];
}

describe('the remit a department may subscribe to', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  let services: Services;
  let civil: Client;
  let admin: Client;
  let street: Client;
  let allElements: string[];

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    services = servicesFor(store, '310105004');
    access = testAccess(store);
    const elements = loadElements(defaultDataDir());
    allElements = elements.map((e) => e.id);
    const feed = createFeedServices(createDataAccess(store, '310105'), access, { elements, kinds: loadKinds(defaultDataDir()), dispatch: { district: '310105' } });
    app = await buildApp({ services, access, feed, logLevel: 'silent', rateLimitPerMinute: 0 });
    await services.sources.define({ id: 'civil-db', departmentId: 'civil-affairs', nameZh: '民政系统', nameEn: 'civil affairs system', level: 'district', owns: ['person.maritalStatus'] });
    civil = await signedIn(app, access, { role: 'department-officer', departmentId: 'civil-affairs' }, null);
    admin = await signedIn(app, access, { role: 'platform-admin' }, null);
    street = await signedIn(app, access, { role: 'street-admin', areaCodes: ['310105004'], departmentId: 'street-population-office' }, null);
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('a department officer sees its purposes, and for one purpose what it may subscribe to; all of it is accepted', async () => {
    const r = await civil('/api/v1/subscriptions/remit');
    assert.equal(r.statusCode, 200, r.body);
    const base = r.json() as Remit;
    assert.equal(base.departmentId, 'civil-affairs');
    assert.deepEqual(base.purposes, [...access.policy.departmentPurposes('civil-affairs')].sort());
    assert.deepEqual(base.elements, [], 'nothing offered before a purpose is chosen');
    assert.deepEqual(base.codeProfiles, ['civil-db'], 'the department’s own sources as code profiles');
    for (const purpose of base.purposes) {
      const remit = (await civil(`/api/v1/subscriptions/remit?purpose=${purpose}`)).json() as Remit;
      assert.equal(remit.purpose, purpose);
      assert.ok(remit.elements.length > 0, `${purpose}: some elements`);
      const accepted = await civil({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: {
          name: `all of ${purpose}`,
          channel: 'pull',
          purpose,
          elements: remit.elements,
          areas: remit.areas,
          categories: remit.kinds ?? [],
          codeProfile: remit.codeProfiles[0],
          unmask: remit.unmask,
        },
      });
      assert.equal(accepted.statusCode, 201, `${purpose}: everything offered is accepted: ${accepted.body}`);
      const outside = allElements.find((e) => !remit.elements.includes(e));
      assert.ok(outside, 'some element is outside the remit');
      const refused = await civil({ method: 'POST', url: '/api/v1/subscriptions', payload: { name: 'too much', channel: 'pull', purpose, elements: [outside] } });
      assert.equal(refused.json().code, 'SUBSCRIPTION_OUTSIDE_REMIT');
      assert.deepEqual((refused.json().details.outside as { value: string }[]).map((o) => o.value), [outside], 'what the answer leaves out is what the API refuses');
      if (!remit.unmask) {
        const unmask = await civil({ method: 'POST', url: '/api/v1/subscriptions', payload: { name: 'unmask', channel: 'pull', purpose, unmask: true } });
        assert.equal(unmask.json().code, 'SUBSCRIPTION_OUTSIDE_REMIT');
      }
    }
  });

  test('a purpose outside the remit offers nothing; another department’s remit is not shown', async () => {
    const r = (await civil('/api/v1/subscriptions/remit?purpose=HOUSEHOLD_REGISTRATION')).json() as Remit;
    assert.deepEqual([r.elements, r.areas, r.unmask], [[], [], false]);
    const other = await civil('/api/v1/subscriptions/remit?departmentId=police-household');
    assert.equal(other.statusCode, 403);
    assert.equal(other.json().code, 'NOT_ALLOWED');
  });

  test('a platform administrator names the department; those who do not manage subscriptions are refused', async () => {
    const none = await admin('/api/v1/subscriptions/remit');
    assert.equal(none.json().code, 'INVALID_VALUE');
    const unknown = await admin('/api/v1/subscriptions/remit?departmentId=no-such-department');
    assert.equal(unknown.json().code, 'DEPARTMENT_NOT_FOUND');
    const police = (await admin('/api/v1/subscriptions/remit?departmentId=police-household')).json() as Remit;
    assert.deepEqual(police.purposes, [...access.policy.departmentPurposes('police-household')].sort());
    const asCivil = (await admin('/api/v1/subscriptions/remit?departmentId=civil-affairs&purpose=ELDERLY_CARE')).json() as Remit;
    const ownView = (await civil('/api/v1/subscriptions/remit?purpose=ELDERLY_CARE')).json() as Remit;
    assert.deepEqual(asCivil, ownView, 'the administrator sees the department’s remit as the department does');
    assert.equal((await street('/api/v1/subscriptions/remit')).json().code, 'NOT_ALLOWED');
  });
});
