/**
 * Drafting and checking mapping profiles over HTTP (what the console's profile editor uses): a file
 * of a source is drafted by the same drafter as `populus source draft`, a profile is checked with
 * the very rules that storing it applies, the transforms are listed, and a department officer
 * drafts only for their own department's sources.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { TRANSFORM_DOCS } from '../../src/ingest/transform/transform-registry.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';

const id = (body17: string): string => body17 + computeCheckChar(body17);

const FILE = ['身份证号码,姓名,性别,出生日期,婚姻状况,联系电话,备注', `${id('31010519900307123')},张伟,男,1990-03-07,已婚,13812345678,无`, `${id('31010519851231019')},王芳,女,1985-12-31,离异再婚,13912345678,`].join('\n');

describe('profile draft and check API', () => {
  let store: Store;
  let app: FastifyInstance;
  let services: Services;
  let admin: Client;
  let officer: Client;
  let committee: Client;
  let dir: string;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    const access = testAccess(store);
    services = servicesFor(store, '310105004');
    app = await buildApp({ services, access, logLevel: 'silent' });
    admin = await signedIn(app, access, { role: 'street-admin', areaCodes: ['310105004'] }, null);
    officer = await signedIn(app, access, { role: 'department-officer', departmentId: 'civil-affairs' }, null);
    committee = await signedIn(app, access, { role: 'committee-worker', areaCodes: ['310105004001'] }, null);
    for (const [sid, dept] of [['street-db', 'street-population-office'], ['relief', 'civil-affairs']] as const) {
      await services.sources.define({ id: sid, departmentId: dept, nameZh: sid, nameEn: sid, level: 'street', owns: [] });
    }
    dir = await mkdtemp(join(tmpdir(), 'populus-draft-api-'));
  });
  after(async () => {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a file is drafted as the CLI drafts it; nothing is stored', async () => {
    const r = await admin({ method: 'POST', url: '/api/v1/sources/street-db/draft?fileName=people.csv', headers: { 'content-type': 'text/csv' }, payload: FILE });
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json() as { profile: { recordKey: string[]; columns: { column: string }[] }; columns: { column: string; mapping: unknown }[]; unmappedColumns: string[]; unmappedValues: Record<string, string[]>; header: { format: string; headers: string[] } };
    // The same drafter as `populus source draft` (ImportService.draft) over the same file.
    const path = join(dir, 'people.csv');
    await writeFile(path, FILE);
    const direct = await services.imports.draft(path, 'people.csv');
    assert.deepEqual(d.profile, JSON.parse(JSON.stringify(direct.profile)));
    assert.deepEqual(d.unmappedColumns, direct.unmappedColumns);
    assert.deepEqual(d.unmappedValues, direct.unmappedValues);
    assert.equal(d.header.format, 'csv');
    assert.deepEqual(d.header.headers, ['身份证号码', '姓名', '性别', '出生日期', '婚姻状况', '联系电话', '备注']);
    assert.deepEqual(d.profile.recordKey, ['身份证号码'], 'the ID number column keys the records');
    assert.equal(d.columns.find((c) => c.column === '备注')?.mapping, null, 'what could not be mapped is listed, not guessed');
    assert.equal((await admin('/api/v1/sources/street-db')).json().profileVersion, null, 'a draft stores nothing');
    // The draft passes the check, and storing it gives version 1.
    const check = await admin({ method: 'POST', url: '/api/v1/sources/street-db/profiles/check', payload: d.profile });
    assert.equal(check.statusCode, 200, check.body);
    assert.deepEqual(check.json().problems, []);
  });

  test('the check gives exactly the problems storing would refuse the profile for', async () => {
    const bad = {
      extract: 'full',
      recordKey: ['无此列'],
      columns: [
        { column: '姓名', target: { element: 'person.noSuchElement' }, transforms: ['trim', 'noSuchTransform'] },
        { column: '性别', target: { element: 'person.sex' }, codeMap: 'sex' },
      ],
      codeMaps: { sex: { table: 'sex', map: { 男: '1', 女: '9x' } } },
    };
    const check = await admin({ method: 'POST', url: '/api/v1/sources/street-db/profiles/check', payload: bad });
    assert.equal(check.statusCode, 200, check.body);
    const problems = check.json().problems as { path: string; message: string }[];
    const paths = problems.map((p) => p.path).sort();
    assert.deepEqual(paths, ['codeMaps.sex.map.女', 'columns[0].target.element', 'columns[0].transforms', 'recordKey'].sort());
    const stored = await admin({ method: 'POST', url: '/api/v1/sources/street-db/profiles', payload: bad });
    assert.equal(stored.statusCode, 422);
    assert.equal(stored.json().code, 'INVALID_PROFILE');
    assert.deepEqual(stored.json().details.problems, problems, 'the same problems, in the same words');
  });

  test('an import is readable from the moment it is accepted, while it is still being checked', async () => {
    const profile = { extract: 'delta', recordKey: ['身份证号码'], columns: [{ column: '身份证号码', target: { identifier: 'CN_ID' } }, { column: '姓名', target: { element: 'person.name' } }] };
    assert.equal((await admin({ method: 'POST', url: '/api/v1/sources/relief/profiles', payload: profile })).statusCode, 201);
    const rows = Array.from({ length: 3000 }, (_v, i) => `${id(`3101051980010${String(1000 + (i % 9000)).slice(0, 4)}`)},${i % 2 ? '张伟' : '王芳'}`);
    const upload = await officer({ method: 'POST', url: '/api/v1/imports?source=relief&fileName=relief.csv', headers: { 'content-type': 'text/csv' }, payload: ['身份证号码,姓名', ...rows].join('\n') });
    assert.equal(upload.statusCode, 202, upload.body);
    const importId = upload.json().id as string;
    // Polled at once and until it ends: never "not found", whatever phase the import is in.
    let status = '';
    for (let i = 0; i < 400 && status !== 'committed' && status !== 'failed'; i++) {
      const r = await officer(`/api/v1/imports/${importId}`);
      assert.equal(r.statusCode, 200, r.body);
      status = r.json().status as string;
      if (status !== 'committed') await new Promise((res) => setTimeout(res, 20));
    }
    assert.equal(status, 'committed');
    // The administrator reads it too.
    assert.equal((await admin(`/api/v1/imports/${importId}`)).statusCode, 200);
  });

  test('the transforms a profile may name are listed with what they do', async () => {
    const r = await admin('/api/v1/transforms');
    assert.equal(r.statusCode, 200, r.body);
    const list = r.json() as { id: string; summary: string; options: string | null }[];
    assert.deepEqual(list.map((t) => t.id).sort(), Object.keys(TRANSFORM_DOCS).sort());
    assert.ok(list.every((t) => t.summary.length > 0));
  });

  test('an officer drafts and checks for their own department only, a committee worker not at all; a broken file is refused in words', async () => {
    const own = await officer({ method: 'POST', url: '/api/v1/sources/relief/draft?fileName=relief.csv', headers: { 'content-type': 'text/csv' }, payload: FILE });
    assert.equal(own.statusCode, 200, own.body);
    const other = await officer({ method: 'POST', url: '/api/v1/sources/street-db/draft?fileName=x.csv', headers: { 'content-type': 'text/csv' }, payload: FILE });
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, 'SOURCE_NOT_FOUND');
    const otherCheck = await officer({ method: 'POST', url: '/api/v1/sources/street-db/profiles/check', payload: { extract: 'full', recordKey: [], columns: [] } });
    assert.equal(otherCheck.json().code, 'SOURCE_NOT_FOUND');
    for (const req of [
      { method: 'POST' as const, url: '/api/v1/sources/street-db/draft?fileName=x.csv', headers: { 'content-type': 'text/csv' }, payload: FILE },
      { method: 'POST' as const, url: '/api/v1/sources/street-db/profiles/check', payload: { extract: 'full', recordKey: [], columns: [] } },
      { method: 'GET' as const, url: '/api/v1/transforms' },
    ]) {
      const refused = await committee(req);
      assert.equal(refused.statusCode, 403, `${req.url}: ${refused.body}`);
      assert.equal(refused.json().code, 'NOT_ALLOWED');
    }
    const broken = await admin({ method: 'POST', url: '/api/v1/sources/street-db/draft?fileName=broken.xlsx', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('truncated, not a spreadsheet')]) });
    assert.equal(broken.statusCode, 422, broken.body);
    assert.equal(broken.json().code, 'FILE_UNREADABLE');
  });
});
