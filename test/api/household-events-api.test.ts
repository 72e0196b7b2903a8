/**
 * Household memberships added and ended by hand through the API are published like an import's:
 * one `household.changed` event each, in the same transaction as the write and its audit entry,
 * caused by the user — joining names the household and relationship, leaving names the household
 * left. On both backends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import type { Store } from '../../src/store/store.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const COMMITTEE = '310105004001';

for (const backend of await backends()) {
  describe(`household memberships by hand are published on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let services: Services;
    let access: AccessServices;
    let app: FastifyInstance;
    let street: Client;
    let personId = '';

    const events = async () =>
      (
        await store.db
          .selectFrom('change_event')
          .select(['type', 'person_id', 'data', 'cause'])
          .where('type', '=', 'cn.populus.household.changed')
          .orderBy('seq')
          .execute()
      ).map((e) => ({
        personId: e.person_id,
        data: JSON.parse(e.data) as Record<string, unknown>,
        cause: JSON.parse(e.cause) as Record<string, unknown>,
      }));

    before(async () => {
      store = await backend.open();
      services = servicesFor(store, HOME);
      access = testAccess(store, HOME);
      app = await buildApp({ services, access, logLevel: 'silent' });
      street = await signedIn(app, access, { role: 'street-admin', areaCodes: [HOME] }, 'POPULATION_SERVICE');
      personId = (await services.persons.create({ residences: [{ kind: 'registered', areaCode: COMMITTEE, validFrom: '2020-01-01' }] }))
        .person.id;
    });
    after(async () => {
      await app?.close();
      await access?.audit.close();
      await backend.dispose();
    });

    test('joining and leaving a household each publish one event with the write', async () => {
      const household = await street({ method: 'POST', url: '/api/v1/households', payload: { type: 'FAMILY', areaCode: COMMITTEE } });
      assert.equal(household.statusCode, 201, household.body);
      const householdId = (household.json() as { id: string }).id;
      assert.deepEqual(await events(), [], 'nothing published before');

      const joined = await street({
        method: 'POST',
        url: `/api/v1/households/${householdId}/members`,
        payload: { personId, relationship: '02', validFrom: '2020-01-01' },
      });
      assert.equal(joined.statusCode, 201, joined.body);
      const memberId = (joined.json() as { id: string }).id;
      const [join] = await events();
      assert.ok(join);
      assert.equal(join.personId, personId);
      assert.deepEqual(join.data, { householdId, relationship: '02', fromHouseholdId: null, sourceId: null });
      assert.equal(join.cause['kind'], 'user');
      assert.match(String(join.cause['actor']), /^user:/);

      const left = await street({
        method: 'POST',
        url: `/api/v1/households/${householdId}/members/${memberId}/end`,
        payload: { validTo: '2024-06-30' },
      });
      assert.equal(left.statusCode, 200, left.body);
      const all = await events();
      assert.equal(all.length, 2);
      assert.deepEqual(all[1]?.data, { householdId: null, relationship: null, fromHouseholdId: householdId, sourceId: null });

      // A refused write publishes nothing.
      const again = await street({
        method: 'POST',
        url: `/api/v1/households/${householdId}/members/${memberId}/end`,
        payload: { validTo: '2019-01-01' },
      });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal((await events()).length, 2, 'nothing more published');
    });
  });
}
