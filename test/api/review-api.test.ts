/** Review and merges over HTTP: administrators only, with a purpose; every decision audited in its own transaction. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';

describe('review and merge API', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  let services: Services;
  let admin: Client;
  let committee: Client;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    services = servicesFor(store, '310105004');
    access = testAccess(store);
    app = await buildApp({ services, access, logLevel: 'silent' });
    admin = await signedIn(app, access, { role: 'street-admin', areaCodes: ['310105004'] }, 'DATA_QUALITY');
    committee = await signedIn(app, access, { role: 'committee-worker', areaCodes: ['310105004001'] }, 'POPULATION_SERVICE');
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const person = async (name: string): Promise<string> =>
    (await services.persons.create({ values: { 'person.name': name, 'person.birthDate': '1980-01-02' }, residences: [{ kind: 'actual', areaCode: '310105004001', validFrom: '2020-01-01' }] })).person.id;
  const audited = async (action: string): Promise<number> =>
    Number((await store.db.selectFrom('audit_entry').select((eb) => eb.fn.countAll().as('n')).where('action', '=', action).executeTakeFirstOrThrow()).n);

  test('merge two persons and undo it; both audited; the old id is redirected while merged', async () => {
    const a = await person('陈静');
    const b = await person('陈静');
    const merged = await admin({ method: 'POST', url: '/api/v1/merges', payload: { survivorId: a, loserId: b, reason: 'same person, entered twice' } });
    assert.equal(merged.statusCode, 201, merged.body);
    const m = merged.json() as { mergeId: string; decidedBy: string; survivorId: string };
    assert.match(m.decidedBy, /^user:/);
    assert.equal(await audited('person.merge'), 1);
    const loser = await admin(`/api/v1/persons/${b}`);
    assert.equal(loser.json().person.id, a, 'a read of the merged id is redirected to the survivor');
    const undone = await admin({ method: 'POST', url: `/api/v1/merges/${m.mergeId}/undo`, payload: { reason: 'they are twins' } });
    assert.equal(undone.statusCode, 200, undone.body);
    assert.ok(undone.json().undoneAt);
    assert.equal(await audited('person.unmerge'), 1);
    assert.equal((await admin(`/api/v1/persons/${b}`)).json().person.id, b, 'after the undo the old id is itself again');
    const again = await admin({ method: 'POST', url: `/api/v1/merges/${m.mergeId}/undo`, payload: {} });
    assert.ok(again.statusCode >= 400 && again.statusCode < 500, again.body);
    assert.equal(await audited('person.unmerge'), 1, 'a refused decision leaves no audit entry');
  });

  test('merges stay within the remit: persons of another street do not exist for its administrator', async () => {
    const other = await signedIn(app, access, { role: 'street-admin', areaCodes: ['310105005'] }, 'DATA_QUALITY');
    const a = await person('周明');
    const b = await person('周明');
    const refused = await other({ method: 'POST', url: '/api/v1/merges', payload: { survivorId: a, loserId: b } });
    assert.equal(refused.statusCode, 404);
    assert.equal(refused.json().code, 'PERSON_NOT_FOUND');
    const made = (await admin({ method: 'POST', url: '/api/v1/merges', payload: { survivorId: a, loserId: b } })).json() as { mergeId: string };
    assert.equal((await other(`/api/v1/merges/${made.mergeId}`)).json().code, 'PERSON_NOT_FOUND');
    assert.equal((await other({ method: 'POST', url: `/api/v1/merges/${made.mergeId}/undo`, payload: {} })).json().code, 'PERSON_NOT_FOUND');
    assert.equal((await admin(`/api/v1/merges/${made.mergeId}`)).statusCode, 200);
  });

  test('a possible match: visible to the administrator of its street only, accepted into a merge with its audit entry', async () => {
    const a = await person('吴芳');
    const b = await person('吴芳');
    const itemId = '0190d5c4-0000-7000-8000-00000000abcd';
    await createDataAccess(store, '310105').repos.ingest.insertReviewItems([{ id: itemId, kind: 'possible-match', personId: b, elementId: null, sourceId: null, detail: JSON.stringify({ candidateId: a, probability: 0.7 }), batchId: null }]);
    const other = await signedIn(app, access, { role: 'street-admin', areaCodes: ['310105005'] }, 'DATA_QUALITY');
    const listed = (await other('/api/v1/review-items?kind=possible-match')).json() as { items: { id: string }[] };
    assert.ok(!listed.items.some((i) => i.id === itemId), 'hidden from another street');
    assert.equal((await other(`/api/v1/review-items/${itemId}`)).json().code, 'REVIEW_ITEM_NOT_FOUND');
    assert.equal((await other({ method: 'POST', url: `/api/v1/review-items/${itemId}/accept`, payload: {} })).json().code, 'REVIEW_ITEM_NOT_FOUND');
    const mine = (await admin('/api/v1/review-items?kind=possible-match')).json() as { items: { id: string }[] };
    assert.ok(mine.items.some((i) => i.id === itemId));
    const before = await audited('review.accept');
    const accepted = await admin({ method: 'POST', url: `/api/v1/review-items/${itemId}/accept`, payload: { reason: 'same person' } });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.equal(accepted.json().personId, a);
    assert.ok(accepted.json().mergeId);
    assert.equal(accepted.json().item.decision, 'accepted');
    assert.equal(await audited('review.accept'), before + 1);
    const again = await admin({ method: 'POST', url: `/api/v1/review-items/${itemId}/reject`, payload: {} });
    assert.equal(again.json().code, 'ALREADY_DECIDED');
    assert.equal(await audited('review.reject'), 0, 'a refused decision leaves no audit entry');
  });

  test('review items are for administrators; unknown items are not found', async () => {
    assert.equal((await admin('/api/v1/review-items')).statusCode, 200);
    const denied = await committee('/api/v1/review-items');
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'NOT_ALLOWED');
    const missing = await admin({ method: 'POST', url: '/api/v1/review-items/nope/accept', payload: {} });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'REVIEW_ITEM_NOT_FOUND');
    const merge = await committee({ method: 'POST', url: '/api/v1/merges', payload: { survivorId: await person('甲'), loserId: await person('乙') } });
    assert.equal(merge.json().code, 'NOT_ALLOWED');
  });
});
