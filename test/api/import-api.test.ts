/** Sources and imports over HTTP: define, profile, upload, poll, rejected rows as CSV; the imports and rejected rows paged on the server. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { AccessServices } from '../../src/access/access-services.ts';
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
  let access: AccessServices;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    access = testAccess(store);
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
    assert.equal(rejected.json().total, 2);
    assert.deepEqual(
      rejected.json().items.map((r: { row: number; reason: string }) => [r.row, r.reason]),
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

  test('imports and rejected rows page on the server: limit and offset, the total of all, downloads whole, each page audited', async () => {
    const upload = await api({
      method: 'POST',
      url: '/api/v1/imports?source=street-db&fileName=many.csv',
      headers: { 'content-type': 'text/csv' },
      payload: ['身份证号,姓名,电话', ...Array.from({ length: 25 }, (_, i) => `bad-${i},某人,1380000${String(i).padStart(4, '0')}`)].join('\n'),
    });
    const importId = upload.json().id as string;
    for (let i = 0; i < 200 && (await api(`/api/v1/imports/${importId}`)).json().status !== 'committed'; i++) await new Promise((r) => setTimeout(r, 25));

    const audited = async (): Promise<number> => {
      await access.audit.drain();
      return (await store.db.selectFrom('audit_entry').select('seq').where('action', '=', 'import.rejected.read').execute()).length;
    };
    const readsBefore = await audited();
    const first = (await api(`/api/v1/imports/${importId}/rejected?limit=10`)).json();
    const third = (await api(`/api/v1/imports/${importId}/rejected?limit=10&offset=20`)).json();
    assert.equal(await audited(), readsBefore + 2, 'each page read is a use of personal data');
    assert.equal(first.total, 25);
    assert.deepEqual(first.items.map((r: { row: number }) => r.row), Array.from({ length: 10 }, (_, i) => i + 2), 'file rows 2–11 (row 1 is the header)');
    assert.deepEqual(third.items.map((r: { row: number }) => r.row), [22, 23, 24, 25, 26]);
    assert.equal((await api(`/api/v1/imports/${importId}/rejected`)).json().items.length, 25, 'the default page (100 rows) holds all 25');
    const csv = await api(`/api/v1/imports/${importId}/rejected?format=csv&limit=1`);
    assert.equal(csv.body.trim().split('\n').length, 26, 'the download holds every row, a header first');
    assert.equal((await api(`/api/v1/imports/${importId}/rejected?limit=0`)).json().code, 'VALIDATION_FAILED');
    assert.equal((await api(`/api/v1/imports/${importId}/rejected?limit=1001`)).json().code, 'VALIDATION_FAILED');
    assert.equal((await api('/api/v1/imports/no-such-import/rejected?limit=5')).json().code, 'IMPORT_NOT_FOUND');

    const all = (await api('/api/v1/imports')).json();
    assert.equal(all.total, 2, 'two imports so far');
    assert.equal(all.items[0].id, importId, 'newest first');
    const second = (await api('/api/v1/imports?limit=1&offset=1')).json();
    assert.equal(second.total, all.total);
    assert.deepEqual(second.items.map((b: { id: string }) => b.id), [all.items[1].id]);
    assert.deepEqual((await api('/api/v1/imports?source=nope')).json(), { items: [], total: 0 });
    assert.equal((await api('/api/v1/imports?limit=501')).json().code, 'VALIDATION_FAILED');
  });

  test('a department officer pages through their own department’s imports only', async () => {
    const officer = await signedIn(app, access, { role: 'department-officer', departmentId: 'civil-affairs' }, 'RELIEF_ASSESSMENT');
    assert.deepEqual((await officer('/api/v1/imports')).json(), { items: [], total: 0 });
    assert.deepEqual((await officer('/api/v1/imports?source=street-db')).json(), { items: [], total: 0 });
    const own = await signedIn(app, access, { role: 'department-officer', departmentId: 'street-population-office' }, 'POPULATION_SERVICE');
    const page = (await own('/api/v1/imports?limit=2')).json();
    assert.equal(page.total, 2);
    assert.equal(page.items.length, 2);
    assert.ok(page.items.every((b: { sourceId: string }) => b.sourceId === 'street-db'));
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
