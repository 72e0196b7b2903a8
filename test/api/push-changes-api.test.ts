/**
 * Pushed changes over HTTP (POST /api/v1/sources/{id}/changes), on every backend: rows go through
 * the import pipeline with the source's profile, rejected rows are reported by index and not
 * applied, the change events name the push as their cause, and the Idempotency-Key makes a retry
 * harmless (same body: the stored answer; another body: refused).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import type { ChangeEvent } from '../../src/domain/feed/change-event.ts';
import { servicesFor } from '../../src/main.ts';
import { createDataAccess, type DataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import { signedIn, testAccess, withToken, type Client } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const SOURCE = 'relief-system';
const id = (body17: string): string => body17 + computeCheckChar(body17);
const A = id('31010519800101123');
const B = id('31010519751231234');

const profile = {
  extract: 'delta',
  recordKey: ['身份证号'],
  columns: [
    { column: '身份证号', target: { identifier: 'CN_ID' }, required: true },
    { column: '姓名', target: { element: 'person.name' } },
    { column: '婚姻状况', target: { element: 'person.maritalStatus' }, codeMap: 'marital' },
    { column: '备注', target: { ignore: true } },
  ],
  codeMaps: { marital: { table: 'marital-status', map: { 未婚: '10', 已婚: '20', 离婚: '40' } } },
};

for (const backend of await backends()) {
  describe(`pushed changes API on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let app: FastifyInstance;
    let data: DataAccess;
    let admin: Client;
    let relief: Client;
    let police: Client;

    const push = (client: Client, key: string | undefined, body: unknown): Promise<LightMyRequestResponse> =>
      client({ method: 'POST', url: `/api/v1/sources/${SOURCE}/changes`, payload: body as object, headers: key === undefined ? {} : { 'idempotency-key': key } });
    const eventsAfter = async (seq: number): Promise<ChangeEvent[]> => data.repos.feed.after(seq, 10_000);
    const head = async (): Promise<number> => (await data.repos.feed.head()).seq;

    before(async () => {
      store = await backend.open();
      const services = servicesFor(store, HOME);
      const access = testAccess(store);
      data = createDataAccess(store, HOME.slice(0, 6));
      app = await buildApp({ services, access, logLevel: 'silent' });
      admin = await signedIn(app, access, { role: 'platform-admin' }, 'PLATFORM_ADMINISTRATION');
      relief = await withToken(app, access, 'civil-affairs', ['RELIEF_ASSESSMENT'], null);
      police = await withToken(app, access, 'police-household', ['HOUSEHOLD_REGISTRATION'], null);
      const defined = await admin({ method: 'PUT', url: `/api/v1/sources/${SOURCE}`, payload: { departmentId: 'civil-affairs', nameZh: '救助系统', nameEn: 'relief system', level: 'district', owns: ['person.maritalStatus'] } });
      assert.equal(defined.statusCode, 200, defined.body);
      const stored = await admin({ method: 'POST', url: `/api/v1/sources/${SOURCE}/profiles`, payload: profile });
      assert.equal(stored.statusCode, 201, stored.body);
    });
    after(async () => {
      await app?.close();
      await backend.dispose();
    });

    const first = {
      rows: [
        { 身份证号: A, 姓名: '张伟', 婚姻状况: '已婚', 备注: null },
        { 身份证号: id('31010519900307123'), 姓名: '李四', 婚姻状况: '分居' },
        { 身份证号: id('31010519900307124'), 姓名: '王五', 婚姻状况: '未婚', 电话: '13812345678' },
        { 身份证号: id('31010519900307125'), 婚姻状况: '未婚' },
        { 身份证号: B, 姓名: '赵六', 婚姻状况: null },
        { 身份证号: '12345', 姓名: '钱七', 婚姻状况: '未婚' },
      ],
      observedAt: '2026-11-20',
    };

    test('a push without an Idempotency-Key is refused and applies nothing', async () => {
      const before = await head();
      const r = await push(relief, undefined, first);
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().code, 'IDEMPOTENCY_KEY_REQUIRED');
      assert.equal(r.json().details.header, 'Idempotency-Key');
      assert.equal(await head(), before);
    });

    let result: Record<string, unknown> & { batchId: string };
    test('rows are mapped with the profile and applied; rejected rows are reported by index and not applied', async () => {
      const before = await head();
      const r = await push(relief, 'push-1', first);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['idempotent-replayed'], undefined);
      result = r.json();
      assert.equal(result['sourceId'], SOURCE);
      assert.equal(result['profileVersion'], 1);
      assert.equal(result['observedAt'], '2026-11-20');
      assert.deepEqual([result['rowsReceived'], result['rowsApplied'], result['rowsRejected'], result['personsCreated'], result['rowsUnchanged']], [6, 2, 4, 2, 0]);
      assert.deepEqual(
        (result['rejected'] as { index: number; column: string | null; reason: string }[]).map((x) => [x.index, x.column, x.reason]),
        [
          [1, '婚姻状况', 'UNKNOWN_LOCAL_CODE'],
          [2, '电话', 'UNKNOWN_COLUMN'],
          [3, '姓名', 'MISSING_COLUMN'],
          [5, '身份证号', 'INVALID_ID_NUMBER'],
        ],
      );

      // The push is an import batch like any other: committed, its rejected rows numbered from 1.
      const batch = (await admin(`/api/v1/imports/${result.batchId}`)).json();
      assert.deepEqual([batch.status, batch.extract, batch.rowsRead, batch.rowsRejected, batch.personsCreated], ['committed', 'delta', 6, 4, 2]);
      const rejected = await admin.withPurpose('PLATFORM_ADMINISTRATION')(`/api/v1/imports/${result.batchId}/rejected`);
      assert.equal(rejected.statusCode, 200, rejected.body);
      assert.deepEqual(
        rejected.json().items.map((x: { row: number; reason: string }) => [x.row, x.reason]),
        [
          [2, 'UNKNOWN_LOCAL_CODE'],
          [3, 'UNKNOWN_COLUMN'],
          [4, 'MISSING_COLUMN'],
          [6, 'INVALID_ID_NUMBER'],
        ],
      );
      assert.ok(!rejected.body.includes('12345'), 'the ID number of a rejected row is masked');

      // Published: two new persons, caused by the push.
      const events = await eventsAfter(before);
      const created = events.filter((e) => e.type === 'cn.populus.person.created');
      assert.equal(created.length, 2);
      for (const e of events) assert.deepEqual(e.cause, { kind: 'push', sourceId: SOURCE, batchId: result.batchId });
      const marital = created.flatMap((e) => (e.type === 'cn.populus.person.created' ? e.data.elements : [])).filter((c) => c.element === 'person.maritalStatus');
      assert.deepEqual(
        marital.map((c) => [c.new, c.source]),
        [['20', SOURCE]],
      );
    });

    test('the same key with the same request returns the stored result and applies nothing', async () => {
      const before = await head();
      const batches = (await admin(`/api/v1/imports?source=${SOURCE}`)).json().total;
      // The same request, its rows' keys in another order.
      const reordered = { observedAt: first.observedAt, rows: first.rows.map((row) => Object.fromEntries(Object.entries(row).reverse())) };
      const r = await push(relief, 'push-1', reordered);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['idempotent-replayed'], 'true');
      assert.deepEqual(r.json(), result);
      assert.equal(await head(), before, 'no new change events');
      assert.equal((await admin(`/api/v1/imports?source=${SOURCE}`)).json().total, batches, 'no new batch');
    });

    test('the same key with a different request is refused', async () => {
      const before = await head();
      const r = await push(relief, 'push-1', { ...first, observedAt: '2026-11-21' });
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(r.json().code, 'IDEMPOTENCY_KEY_REUSED');
      assert.equal(r.statusCode, 409);
      assert.equal(await head(), before);
    });

    test('a later push changes a value, published as person.updated; an unchanged record changes nothing', async () => {
      const before = await head();
      const r = await push(relief, 'push-2', { rows: [{ 身份证号: A, 姓名: '张伟', 婚姻状况: '离婚', 备注: '2026-11 离婚登记' }] });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual([r.json().rowsApplied, r.json().rowsRejected, r.json().personsCreated, r.json().rowsUnchanged], [1, 0, 0, 0]);
      const events = await eventsAfter(before);
      const updated = events.filter((e) => e.type === 'cn.populus.person.updated');
      assert.equal(updated.length, 1, JSON.stringify(events.map((e) => e.type)));
      const change = updated[0]?.type === 'cn.populus.person.updated' ? updated[0].data.elements.find((c) => c.element === 'person.maritalStatus') : undefined;
      assert.deepEqual(change, { element: 'person.maritalStatus', old: '20', new: '40', source: SOURCE });
      assert.deepEqual(updated[0]?.cause, { kind: 'push', sourceId: SOURCE, batchId: r.json().batchId });

      const again = await head();
      const same = await push(relief, 'push-3', { rows: [{ 身份证号: A, 姓名: '张伟', 婚姻状况: '离婚', 备注: '2026-11 离婚登记' }] });
      assert.equal(same.statusCode, 200, same.body);
      assert.equal(same.json().rowsUnchanged, 1);
      assert.equal(await head(), again, 'nothing to publish');
    });

    test('two requests racing with one key: one applies, the other answers as its repeat', async () => {
      const before = await head();
      const body = { rows: [{ 身份证号: id('31010519851111222'), 姓名: '孙八', 婚姻状况: '未婚' }] };
      const [x, y] = await Promise.all([push(relief, 'push-race', body), push(relief, 'push-race', body)]);
      assert.equal(x?.statusCode, 200, x?.body);
      assert.equal(y?.statusCode, 200, y?.body);
      assert.deepEqual(x?.json(), y?.json());
      assert.deepEqual([x?.headers['idempotent-replayed'], y?.headers['idempotent-replayed']].sort(), ['true', undefined].sort());
      assert.equal((await eventsAfter(before)).filter((e) => e.type === 'cn.populus.person.created').length, 1);
    });

    test('a full push of 1,000 rows goes through in one batch', async () => {
      const rows = Array.from({ length: 1000 }, (_, i) => ({ 身份证号: id(`31010519900101${String(i).padStart(3, '0')}`), 姓名: `居民${i}`, 婚姻状况: '未婚' }));
      const r = await push(relief, 'push-full', { rows });
      assert.equal(r.statusCode, 200, r.body.slice(0, 500));
      assert.deepEqual([r.json().rowsApplied, r.json().rowsRejected, r.json().personsCreated], [1000, 0, 1000]);
    });

    test("another department's system cannot push to the source; too many rows or a bad key are refused", async () => {
      const before = await head();
      const foreign = await push(police, 'push-x', first);
      assert.equal(foreign.statusCode, 404, foreign.body);
      assert.equal(foreign.json().code, 'SOURCE_NOT_FOUND');
      const many = await push(relief, 'push-many', { rows: Array.from({ length: 1001 }, () => ({ 身份证号: A, 姓名: '张伟', 婚姻状况: '离婚' })) });
      assert.equal(many.statusCode, 400, many.body);
      assert.equal(many.json().code, 'VALIDATION_FAILED');
      const none = await push(relief, 'push-none', { rows: [] });
      assert.equal(none.statusCode, 400, none.body);
      const badKey = await push(relief, 'a key with spaces', { rows: [{ 身份证号: A, 姓名: '张伟', 婚姻状况: '离婚' }] });
      assert.equal(badKey.statusCode, 400, badKey.body);
      assert.equal(badKey.json().details.header, 'Idempotency-Key');
      const unknown = await relief({ method: 'POST', url: '/api/v1/sources/no-such-source/changes', payload: first, headers: { 'idempotency-key': 'k' } });
      assert.equal(unknown.json().code, 'SOURCE_NOT_FOUND');
      assert.equal(await head(), before);
    });
  });
}
