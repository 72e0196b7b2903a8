/**
 * The app's rate-limit options: `rateLimitPerMinute: 0` means no limit, but a login limit of 0
 * would let nobody log in, so buildApp refuses it (and anything below 1 or fractional) with an
 * error naming the option — as config.ts refuses POPULUS_LOGIN_RATE_LIMIT_PER_MINUTE=0.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/api/app.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import type { Services } from '../../src/services/services.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { TEST_PASSWORD, testAccess } from '../support/api-client.ts';

describe('app rate-limit options', () => {
  let store: Store;
  let services: Services;
  let access: AccessServices;
  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    services = servicesFor(store, '310105004');
    access = testAccess(store);
    await access.identity.createUser({
      username: 'limit.user',
      displayName: '限流',
      password: TEST_PASSWORD,
      role: 'street-admin',
      areaCodes: ['310105004'],
    });
  });
  after(async () => {
    await access.audit.close();
    await store.close();
  });

  test('a login limit below 1 or not whole is refused naming the option', async () => {
    for (const bad of [0, -1, 2.5]) {
      await assert.rejects(
        buildApp({ services, access, logLevel: 'silent', loginRateLimitPerMinute: bad }),
        (e: Error) => e instanceof RangeError && /loginRateLimitPerMinute/.test(e.message) && e.message.includes(String(bad)),
        String(bad),
      );
    }
    await assert.rejects(
      buildApp({ services, access, logLevel: 'silent', rateLimitPerMinute: -5 }),
      /rateLimitPerMinute must be a whole number of 0 \(no limit\)/,
    );
  });

  test('a login limit of 1 allows one login a minute; a request limit of 0 limits nothing', async () => {
    const app = await buildApp({ services, access, logLevel: 'silent', loginRateLimitPerMinute: 1, rateLimitPerMinute: 0 });
    try {
      const login = () =>
        app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'limit.user', password: TEST_PASSWORD } });
      assert.equal((await login()).statusCode, 200);
      const second = await login();
      assert.equal(second.statusCode, 429, second.body);
      assert.equal(second.json().code, 'RATE_LIMITED');
      for (let i = 0; i < 30; i++) assert.equal((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
