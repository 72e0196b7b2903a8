/** The HTTP API through api(): shapes, statuses, error codes, the OpenAPI document. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { HTTP_STATUS } from '../../src/api/error-handler.ts';
import { OPENAPI_PATH, generateOpenApi } from '../../src/api/write-openapi.ts';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';

describe('API', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  let api: Client;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    access = testAccess(store);
    app = await buildApp({ services: servicesFor(store, '310105004'), access, logLevel: 'silent', bodyLimitBytes: 64 * 1024 });
    api = await signedIn(app, access, { role: 'platform-admin' }, 'PLATFORM_ADMINISTRATION');
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('health and readiness', async () => {
    assert.deepEqual((await app.inject('/health')).json(), { status: 'ok' });
    assert.deepEqual((await app.inject('/api/v1/health')).json(), { status: 'ok' });
    const ready = await app.inject('/api/v1/ready');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready' });
  });

  test('readiness is refused on an unmigrated database', async () => {
    const empty = await openStore('sqlite::memory:');
    const bare = await buildApp({ services: servicesFor(empty, '310105004'), access: testAccess(empty), logLevel: 'silent' });
    const r = await bare.inject('/api/v1/ready');
    assert.equal(r.statusCode, 503);
    assert.equal(r.json().code, 'NOT_READY');
    assert.match(r.json().message, /0001-foundation/);
    await bare.close();
    await empty.close();
  });

  test('every refusal has the same shape and a documented code', async () => {
    const cases: { req: InjectOptions; status: number; code: string }[] = [
      { req: { method: 'GET', url: '/api/v1/nowhere' }, status: 404, code: 'ROUTE_NOT_FOUND' },
      { req: { method: 'GET', url: '/api/v1/areas/999999' }, status: 404, code: 'AREA_NOT_FOUND' },
      { req: { method: 'GET', url: '/api/v1/areas/abc' }, status: 400, code: 'VALIDATION_FAILED' },
      { req: { method: 'POST', url: '/api/v1/persons', payload: { values: {}, isAdmin: true } }, status: 400, code: 'VALIDATION_FAILED' },
      { req: { method: 'POST', url: '/api/v1/persons', payload: '{"values": ', headers: { 'content-type': 'application/json' } }, status: 400, code: 'VALIDATION_FAILED' },
      { req: { method: 'POST', url: '/api/v1/persons', payload: 'name=x', headers: { 'content-type': 'text/plain' } }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { req: { method: 'POST', url: '/api/v1/persons', payload: { values: { 'person.name': 'x'.repeat(100_000) } } }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
      { req: { method: 'POST', url: '/api/v1/persons', payload: { identifiers: [{ type: 'CN_ID', number: '310105199003071235' }] } }, status: 422, code: 'INVALID_ID_NUMBER' },
      { req: { method: 'POST', url: '/api/v1/persons', payload: { values: { 'person.maritalStatus': '77' } } }, status: 422, code: 'UNKNOWN_CODE' },
      { req: { method: 'GET', url: '/api/v1/persons/0190d5c4-0000-7000-8000-000000000000' }, status: 404, code: 'PERSON_NOT_FOUND' },
      { req: { method: 'GET', url: '/api/v1/standard/code-tables/nope' }, status: 404, code: 'CODE_TABLE_NOT_FOUND' },
    ];
    for (const c of cases) {
      const r = await api(c.req);
      assert.equal(r.statusCode, c.status, `${JSON.stringify(c.req).slice(0, 80)} → ${r.body.slice(0, 200)}`);
      const body = r.json();
      assert.equal(body.code, c.code);
      assert.equal(typeof body.message, 'string');
      assert.equal(typeof body.details, 'object');
      assert.doesNotMatch(r.body, /at .*\.ts:\d+/, 'no stack trace');
    }
    const invalid = await api({ method: 'POST', url: '/api/v1/persons', payload: { identifiers: [{ type: 'CN_ID', number: '310105199002301239' }] } });
    assert.equal(invalid.json().details.reason, 'BIRTH_DATE');
    const unknown = await api({ method: 'POST', url: '/api/v1/persons', payload: { values: { 'person.maritalStatus': '77' } } });
    assert.equal(unknown.json().details.codeTable, 'marital-status');
  });

  test('every error code has an HTTP status and is documented', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of ERROR_CODES) {
      assert.ok(HTTP_STATUS[code] >= 400, code);
      assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${HTTP_STATUS[code]} \\|`), `docs/errors.md documents ${code} with status ${HTTP_STATUS[code]}`);
    }
  });

  test('ID-number check endpoint: verdicts, masked number', async () => {
    const ok = await api({ method: 'POST', url: '/api/v1/id-numbers/check', payload: { number: '310108198001010119' } });
    assert.equal(ok.statusCode, 200);
    const body = ok.json();
    assert.equal(body.valid, true);
    assert.equal(body.facts.number, '310***********0119');
    assert.equal(body.facts.addressCodeRetired, true);
    assert.equal(body.facts.birthDate, '1980-01-01');
    const bad = (await api({ method: 'POST', url: '/api/v1/id-numbers/check', payload: { number: '11010119491001001x', strict: true } })).json();
    assert.deepEqual([bad.valid, bad.reason], [false, 'NOT_CANONICAL']);
  });

  test('a person round trip through the API', async () => {
    const created = await api({
      method: 'POST',
      url: '/api/v1/persons',
      payload: { values: { 'person.name': '陈静' }, identifiers: [{ type: 'CN_ID', number: '310105200108152468' }], residences: [{ kind: 'actual', areaCode: '310105004003' }, { kind: 'registered', areaCode: '340102' }] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const p = created.json();
    assert.equal(p.category.category, 'FROM_OTHER_PROVINCE');
    const read = await api(`/api/v1/persons/${p.person.id}`);
    assert.equal(read.json().identifiers[0].number, '310***********2468');
    const found = await api({ method: 'POST', url: '/api/v1/persons/search', payload: { idNumber: '310105200108152468' } });
    assert.equal(found.json().total, 1);
    const patched = await api({ method: 'PATCH', url: `/api/v1/persons/${p.person.id}`, payload: { values: { 'person.education': '21' } } });
    assert.equal(patched.statusCode, 200, patched.body);
  });

  test('standard: add a local code value through the API', async () => {
    const r = await api({ method: 'POST', url: '/api/v1/standard/code-tables/marital-status/entries', payload: { code: '50', nameZh: '分居', nameEn: 'separated', validFrom: '2026-01-01' } });
    assert.equal(r.statusCode, 201, r.body);
    const again = await api({ method: 'POST', url: '/api/v1/standard/code-tables/marital-status/entries', payload: { code: '50', nameZh: '分居', validFrom: '2026-01-01' } });
    assert.equal(again.json().code, 'CODE_EXISTS');
    const listed = await api('/api/v1/standard/code-tables/marital-status/entries?q=%E5%88%86%E5%B1%85');
    assert.deepEqual(listed.json().items.map((e: { code: string }) => e.code), ['50']);
  });

  test('the served OpenAPI document is 3.1 and matches the committed docs/openapi.json', async () => {
    const served = (await app.inject('/api/v1/openapi.json')).json();
    assert.equal(served.openapi, '3.1.0');
    assert.ok(served.paths['/api/v1/persons/{id}']);
    const committed = readFileSync(OPENAPI_PATH, 'utf8');
    assert.equal(await generateOpenApi(), committed, 'docs/openapi.json drifted from the code: run `npm run openapi`');
  });
});
