/** Sources and imports over HTTP: define, profile, upload, poll, rejected rows as CSV. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';

const id = (body17: string): string => body17 + computeCheckChar(body17);

describe('import API', () => {
  let store: Store;
  let app: FastifyInstance;
  let api: Client;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    const access = testAccess(store);
    app = await buildApp({ services: servicesFor(store, '310105004'), access, logLevel: 'silent' });
    api = await signedIn(app, access, { role: 'platform-admin' }, 'PLATFORM_ADMINISTRATION');
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('define a source, store a profile, upload a file, follow it to the end, download its rejected rows', async () => {
    const defined = await api({
      method: 'PUT',
      url: '/api/v1/sources/street-db',
      payload: { departmentId: 'street-population-office', nameZh: '街道人口数据库', nameEn: 'street population database', level: 'street', owns: ['person.phone'] },
    });
    assert.equal(defined.statusCode, 200, defined.body);
    assert.deepEqual(defined.json().owns, ['person.phone']);

    const profile = {
      extract: 'delta',
      recordKey: ['身份证号'],
      columns: [
        { column: '身份证号', target: { identifier: 'CN_ID' }, required: true },
        { column: '姓名', target: { element: 'person.name' } },
        { column: '电话', target: { element: 'person.phone' } },
      ],
    };
    const stored = await api({ method: 'POST', url: '/api/v1/sources/street-db/profiles', payload: profile });
    assert.equal(stored.statusCode, 201, stored.body);
    assert.equal(stored.json().version, 1);
    const bad = await api({ method: 'POST', url: '/api/v1/sources/street-db/profiles', payload: { ...profile, recordKey: ['无此列'] } });
    assert.equal(bad.json().code, 'INVALID_PROFILE');

    const body = ['身份证号,姓名,电话', `${id('31010519900307123')},张伟,13812345678`, '12345,李四,13912345678', `${id('31010519851231019')},王五,电话没有`].join('\n');
    const upload = await api({ method: 'POST', url: '/api/v1/imports?source=street-db&fileName=street.csv', headers: { 'content-type': 'text/csv' }, payload: body });
    assert.equal(upload.statusCode, 202, upload.body);
    const importId = upload.json().id as string;

    let status = '';
    let view: Record<string, unknown> = {};
    for (let i = 0; i < 200 && status !== 'committed' && status !== 'failed'; i++) {
      view = (await api(`/api/v1/imports/${importId}`)).json();
      status = String(view['status']);
      if (status !== 'committed') await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(status, 'committed', JSON.stringify(view));
    assert.equal(view['rowsRead'], 3);
    assert.equal(view['rowsRejected'], 2);
    assert.equal(view['personsCreated'], 1);

    const rejected = await api(`/api/v1/imports/${importId}/rejected`);
    assert.deepEqual(
      rejected.json().map((r: { row: number; reason: string }) => [r.row, r.reason]),
      [
        [3, 'INVALID_ID_NUMBER'],
        [4, 'BAD_VALUE'],
      ],
    );
    const csv = await api(`/api/v1/imports/${importId}/rejected?format=csv`);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(csv.body, /street\.csv,3,身份证号/);
    const xlsx = await api(`/api/v1/imports/${importId}/rejected?format=xlsx`);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('rejected');
    assert.equal(sheet?.getRow(2).getCell(2).value, 3);
    assert.equal(sheet?.getRow(3).getCell(5).value, 'BAD_VALUE');

    const review = await api('/api/v1/review-items?kind=conflict&status=open');
    assert.equal(review.statusCode, 200, review.body);
    assert.equal(typeof review.json().total, 'number');
    assert.equal((await api('/api/v1/review-items?kind=nonsense')).json().code, 'VALIDATION_FAILED');

    const unknown = await api({ method: 'POST', url: '/api/v1/imports?source=nope&fileName=x.csv', headers: { 'content-type': 'text/csv' }, payload: 'a\n1' });
    assert.equal(unknown.json().code, 'SOURCE_NOT_FOUND');
  });

  test('a refused file is reported as failed with the reason, and nothing is stored', async () => {
    const upload = await api({ method: 'POST', url: '/api/v1/imports?source=street-db&fileName=wrong.csv', headers: { 'content-type': 'text/csv' }, payload: '姓名\n张伟\n' });
    const importId = upload.json().id as string;
    let view: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      view = (await api(`/api/v1/imports/${importId}`)).json();
      if (view['status'] === 'failed') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(view['status'], 'failed');
    assert.match(String(view['error']), /lacks column\(s\) 身份证号/);
  });
});
