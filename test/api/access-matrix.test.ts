/**
 * The access matrix at the HTTP level: role × department × element × area × purpose × endpoint,
 * through the real API (login, cookie, CSRF, token, x-purpose), generated with fast-check and
 * checked against the independent table of test/access/policy-oracle.ts — zero mismatches. Also
 * the operations (reference data, housing, sources, imports, review, audit, accounts) against a
 * role table written here, and the rules every route shares: credentials, CSRF, purposes,
 * masking, audit before answer, the audit entry committed with its change, rate limits, headers.
 * The change feed too: the pull feed gives each caller exactly the events about persons the oracle
 * lets it see, with exactly the readable elements; subscriptions are refused exactly when they ask
 * for elements outside the department's remit, and a pull subscription reads what the oracle says.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import type { Principal, Role } from '../../src/access/principal.ts';
import type { Subject } from '../../src/access/remit-policy.ts';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import { feedFor, migrateStore, servicesFor } from '../../src/main.ts';
import { loadElements } from '../../src/reference/catalogue-loader.ts';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { loadPurposes } from '../../src/access/remit-loader.ts';
import type { Services } from '../../src/services/services.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { DEPARTMENT_TABLE, PolicyOracle } from '../access/policy-oracle.ts';
import { signedIn, testAccess, withToken, type Client } from '../support/api-client.ts';

const elements = loadElements(defaultDataDir());
const oracle = new PolicyOracle(elements);
const PURPOSES = loadPurposes(defaultDataDir()).map((p) => p.code);
const idNumber = (body17: string): string => body17 + computeCheckChar(body17);

/** Persons of the test street: areas in and out of the street and district, kinds by age, sex and values. */
const PEOPLE = [
  { key: 'woman-30-c1', area: '310105004001', id: idNumber('31010519960307002'), values: { 'person.name': '王芳', 'person.sex': '2', 'person.birthDate': '1996-03-07', 'person.maritalStatus': '20', 'person.phone': '13812345678', 'person.religion': '00' } },
  { key: 'man-70-c2', area: '310105004002', id: idNumber('31010519560101001'), values: { 'person.name': '李强', 'person.sex': '1', 'person.birthDate': '1956-01-01', 'person.healthStatus': '10', 'person.politicalStatus': '01' } },
  { key: 'disabled-c1', area: '310105004001', id: idNumber('31010519800505003'), values: { 'person.name': '赵敏', 'person.sex': '1', 'person.birthDate': '1980-05-05', 'person.disabilityCategory': '1', 'person.communityCorrection': 'true' } },
  { key: 'other-street', area: '310105005001', id: idNumber('31010519900909004'), values: { 'person.name': '孙丽', 'person.sex': '2', 'person.birthDate': '1990-09-09', 'person.phone': '13900001111' } },
  { key: 'other-district', area: '310104003001', id: idNumber('31010419850404005'), values: { 'person.name': '周杰', 'person.sex': '1', 'person.birthDate': '1985-04-04', 'person.education': '21' } },
] as const;

interface Known {
  readonly personId: string;
  readonly idNumber: string;
  readonly subject: Subject;
  /** Elements this person has something for (values, identifier, residence, category). */
  readonly elements: readonly string[];
}

/** The elements a person view shows, from its parts. */
function shownElements(view: { values: { elementId: string }[]; identifiers: { type: string }[]; residences: { kind: string }[]; category: unknown; households: unknown[] }): string[] {
  const out = new Set(view.values.map((v) => v.elementId));
  for (const i of view.identifiers) out.add(i.type === 'CN_ID' ? 'person.citizenIdNumber' : 'person.otherIdentityDocument');
  for (const r of view.residences) out.add(r.kind === 'registered' ? 'person.registeredAddress' : 'person.actualResidence');
  if (view.category !== null) out.add('person.populationCategory');
  if (view.households.length > 0) out.add('person.relationshipToHead');
  return [...out].sort();
}

type Caller = { readonly principal: Principal; readonly client: Client; readonly label: string };

describe('API access matrix', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  let services: Services;
  const people: Known[] = [];
  const callers: Caller[] = [];

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    services = servicesFor(store, '310105004');
    access = testAccess(store);
    app = await buildApp({ services, access, feed: feedFor(store, '310105004', access), logLevel: 'silent', rateLimitPerMinute: 0 });
    // Civil affairs owns marital status (marriage registration): its writes through the API are recorded as from its source.
    await services.sources.define({ id: 'civil-db', departmentId: 'civil-affairs', nameZh: '民政系统', nameEn: 'civil affairs system', level: 'district', owns: ['person.maritalStatus'] });
    for (const p of PEOPLE) {
      const v = await services.persons.create({
        values: p.values,
        identifiers: [{ type: 'CN_ID', number: p.id }],
        residences: [{ kind: 'actual', areaCode: p.area, validFrom: '2020-01-01' }],
      });
      const full = await services.persons.get(v.person.id, undefined, { masked: false });
      people.push({
        personId: v.person.id,
        idNumber: p.id,
        subject: { personId: v.person.id, areaCodes: [p.area], buildingIds: [], kinds: full.kinds },
        elements: shownElements(full),
      });
    }
    const users: { role: Role; departmentId?: string; areaCodes?: string[]; personId?: string; label: string }[] = [
      { role: 'platform-admin', label: 'platform admin' },
      { role: 'street-admin', areaCodes: ['310105004'], departmentId: 'street-population-office', label: 'street admin' },
      { role: 'committee-worker', areaCodes: ['310105004001'], departmentId: 'street-population-office', label: 'committee 001' },
      { role: 'committee-worker', areaCodes: ['310105004002'], label: 'committee 002' },
      { role: 'department-officer', departmentId: 'police-household', label: 'police' },
      { role: 'department-officer', departmentId: 'civil-affairs', label: 'civil affairs' },
      { role: 'department-officer', departmentId: 'health-family-planning', label: 'family planning' },
      { role: 'department-officer', departmentId: 'disabled-persons-federation', label: 'disabled persons' },
      { role: 'department-officer', departmentId: 'judicial', areaCodes: ['310105004'], label: 'judicial, home street only' },
      { role: 'department-officer', departmentId: 'party-organisation', label: 'party' },
      { role: 'auditor', label: 'auditor' },
      { role: 'resident', personId: people[0]?.personId ?? '', label: 'resident (woman-30)' },
    ];
    for (const u of users) {
      const { label, ...spec } = u;
      const client = await signedIn(app, access, spec, null);
      const principal: Principal = {
        actor: { kind: 'user', id: 'x' },
        role: u.role,
        departmentId: u.departmentId ?? null,
        areaCodes: u.areaCodes ?? [],
        buildingIds: [],
        personId: u.personId ?? null,
        purposes: null,
      };
      callers.push({ principal, client, label });
    }
    for (const [departmentId, purposes] of [
      ['civil-affairs', ['RELIEF_ASSESSMENT']],
      ['police-household', ['HOUSEHOLD_REGISTRATION', 'PUBLIC_SECURITY']],
      ['health-family-planning', ['FAMILY_PLANNING_SERVICE']],
    ] as const) {
      const client = await withToken(app, access, departmentId, [...purposes], null);
      const principal: Principal = { actor: { kind: 'token', id: 't' }, role: 'department-officer', departmentId, areaCodes: [], buildingIds: [], personId: null, purposes: [...purposes] };
      callers.push({ principal, client, label: `${departmentId} token` });
    }
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  /** What the oracle says this caller sees of this person for this purpose. */
  function expected(c: Caller, purpose: string | undefined, k: Known): { purposeOk: boolean; visible: boolean; shown: string[]; unmaskId: boolean; unmaskPhone: boolean } {
    const all = elements.map((e) => oracle.expect(c.principal, purpose, k.subject, e.id));
    const purposeOk = oracle.purposes(c.principal).has(purpose ?? '');
    const visible = all.some((x) => x.read);
    const shown = k.elements.filter((e) => oracle.expect(c.principal, purpose, k.subject, e).read);
    return {
      purposeOk,
      visible,
      shown,
      unmaskId: oracle.expect(c.principal, purpose, k.subject, 'person.citizenIdNumber').unmask,
      unmaskPhone: oracle.expect(c.principal, purpose, k.subject, 'person.phone').unmask,
    };
  }

  function checkPurposeRefusal(r: LightMyRequestResponse, purpose: string | undefined, label: string): void {
    if (purpose === undefined) {
      assert.equal(r.statusCode, 400, label);
      assert.equal(r.json().code, 'PURPOSE_REQUIRED', label);
    } else {
      assert.equal(r.statusCode, 403, `${label}: ${r.body}`);
      assert.equal(r.json().code, 'PURPOSE_NOT_ALLOWED', label);
    }
  }

  const ENDPOINTS = ['read', 'read-unmasked', 'search', 'history'] as const;

  test('person reads, unmasked reads, search and history match the independent policy table (fast-check)', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1000 }),
        fc.option(fc.constantFrom(...PURPOSES, 'NO_SUCH_PURPOSE'), { nil: undefined }),
        fc.nat({ max: PEOPLE.length - 1 }),
        fc.constantFrom(...ENDPOINTS),
        async (ci, purpose, pi, endpoint) => {
          const c = callers[ci % callers.length] as Caller;
          const k = people[pi] as Known;
          const client = c.client.withPurpose(purpose ?? null);
          const label = `${c.label} / ${purpose ?? '(none)'} / ${PEOPLE[pi]?.key} / ${endpoint}`;
          const e = expected(c, purpose, k);
          let r: LightMyRequestResponse;
          if (endpoint === 'search') r = await client({ method: 'POST', url: '/api/v1/persons/search', payload: { idNumber: k.idNumber, unmask: true } });
          else if (endpoint === 'history') r = await client(`/api/v1/persons/${k.personId}/values`);
          else r = await client(`/api/v1/persons/${k.personId}${endpoint === 'read-unmasked' ? '?unmask=true' : ''}`);
          checked++;
          if (!e.purposeOk) return checkPurposeRefusal(r, purpose, label);
          if (endpoint === 'search') {
            assert.equal(r.statusCode, 200, label);
            const items = r.json().items as Parameters<typeof shownElements>[0][];
            assert.equal(items.length, e.visible ? 1 : 0, `${label}: found`);
            assert.equal(r.json().total, items.length, `${label}: total counts only what is visible`);
            if (items[0]) {
              assert.deepEqual(shownElements(items[0]), e.shown, label);
              const id = (items[0].identifiers as unknown as { number: string }[])[0]?.number;
              if (id !== undefined) assert.equal(id === k.idNumber, e.unmaskId, `${label}: ID unmasked only where the remit allows`);
            }
            return;
          }
          if (!e.visible) {
            assert.equal(r.statusCode, 404, `${label}: ${r.body}`);
            assert.equal(r.json().code, 'PERSON_NOT_FOUND', label);
            return;
          }
          assert.equal(r.statusCode, 200, `${label}: ${r.body}`);
          if (endpoint === 'history') {
            const values = r.json().values as { elementId: string }[];
            const valueElements = new Set(values.map((v) => v.elementId));
            for (const el of valueElements) assert.ok(e.shown.includes(el), `${label}: history shows ${el}`);
            return;
          }
          const body = r.json();
          assert.deepEqual(shownElements(body), e.shown, label);
          const id = (body.identifiers as { number: string }[])[0]?.number;
          const phone = (body.values as { elementId: string; value: string }[]).find((v) => v.elementId === 'person.phone')?.value;
          const unmasked = endpoint === 'read-unmasked';
          if (id !== undefined) assert.equal(id === k.idNumber, unmasked && e.unmaskId, `${label}: ID masking`);
          if (id !== undefined && id !== k.idNumber) assert.match(id, /^\d{3}\*+\d{3}[\dX]$/, label);
          if (phone !== undefined) assert.equal(/^\d{11}$/.test(phone), unmasked && e.unmaskPhone, `${label}: phone masking`);
        },
      ),
      { numRuns: 400, seed: 20261127 },
    );
    assert.equal(checked, 400);
  });

  test('a list without criteria returns exactly the persons each caller may see, for each of its purposes', async () => {
    for (const c of callers) {
      for (const purpose of oracle.purposes(c.principal)) {
        const r = await c.client.withPurpose(purpose)({ method: 'POST', url: '/api/v1/persons/search', payload: { limit: 100 } });
        assert.equal(r.statusCode, 200, `${c.label} / ${purpose}: ${r.body.slice(0, 200)}`);
        const got = (r.json().items as { person: { id: string } }[]).map((i) => i.person.id).sort();
        const want = people.filter((k) => expected(c, purpose, k).visible).map((k) => k.personId).sort();
        assert.deepEqual(got, want, `${c.label} / ${purpose}`);
        assert.equal(r.json().total, want.length, `${c.label} / ${purpose}: total`);
      }
    }
  });

  test('an export holds exactly the visible persons, and only columns of readable elements, masked unless allowed', async () => {
    for (const c of callers) {
      for (const purpose of oracle.purposes(c.principal)) {
        const r = await c.client.withPurpose(purpose)({ method: 'POST', url: '/api/v1/persons/export', payload: {} });
        const label = `${c.label} / ${purpose}`;
        assert.equal(r.statusCode, 200, `${label}: ${r.body.slice(0, 200)}`);
        assert.match(String(r.headers['content-type']), /text\/csv/);
        const lines = r.body.replace(/^\uFEFF/, '').trim().split('\r\n');
        const header = (lines[0] ?? '').split(',');
        assert.equal(header[0], 'personId');
        const rows = lines.slice(1).map((l) => l.split(','));
        const want = people.filter((k) => expected(c, purpose, k).visible);
        assert.deepEqual(rows.map((x) => x[0]).sort(), want.map((k) => k.personId).sort(), `${label}: rows`);
        for (const row of rows) {
          const k = people.find((p) => p.personId === row[0]) as Known;
          const e = expected(c, purpose, k);
          header.slice(1).forEach((col, i) => {
            const v = row[i + 1] ?? '';
            if (v !== '') assert.ok(e.shown.includes(col), `${label}: ${col} exported for ${k.personId}`);
            if (col === 'person.citizenIdNumber' && v !== '') assert.notEqual(v, k.idNumber, `${label}: ID masked by default`);
          });
        }
      }
    }
    const audited = await store.db.selectFrom('audit_entry').select('action').where('action', '=', 'person.export').execute();
    assert.ok(audited.length > 0, 'exports are audited');
  });

  test('every pair of caller and person, by hand: one read each, zero mismatches', async () => {
    for (const c of callers) {
      const purpose = [...oracle.purposes(c.principal)][0];
      if (purpose === undefined) continue;
      for (const [i, k] of people.entries()) {
        const e = expected(c, purpose, k);
        const r: LightMyRequestResponse = await c.client.withPurpose(purpose)(`/api/v1/persons/${k.personId}`);
        const label: string = `${c.label} / ${purpose} / ${PEOPLE[i]?.key ?? ''}`;
        assert.equal(r.statusCode, e.visible ? 200 : 404, `${label}: ${r.body.slice(0, 200)}`);
        if (e.visible) assert.deepEqual(shownElements(r.json()), e.shown, label);
      }
    }
  });

  /** Written by hand from issue 6 and docs/access.md — not derived from src/access/operations.ts. */
  const OPERATION_EXPECTED: readonly { readonly req: { method: 'GET' | 'POST'; url: string; payload?: object }; readonly allowed: readonly (Role | 'token')[] }[] = [
    { req: { method: 'GET', url: '/api/v1/standard/code-tables' }, allowed: ['platform-admin', 'street-admin', 'committee-worker', 'department-officer', 'auditor', 'resident', 'token'] },
    { req: { method: 'GET', url: '/api/v1/areas/310105004' }, allowed: ['platform-admin', 'street-admin', 'committee-worker', 'department-officer', 'auditor', 'resident', 'token'] },
    { req: { method: 'GET', url: '/api/v1/buildings' }, allowed: ['platform-admin', 'street-admin', 'committee-worker', 'department-officer', 'token'] },
    { req: { method: 'GET', url: '/api/v1/sources' }, allowed: ['platform-admin', 'street-admin', 'department-officer', 'token'] },
    { req: { method: 'GET', url: '/api/v1/imports' }, allowed: ['platform-admin', 'street-admin', 'department-officer', 'token'] },
    { req: { method: 'GET', url: '/api/v1/audit/head' }, allowed: ['auditor'] },
    { req: { method: 'GET', url: '/api/v1/audit/entries?limit=5' }, allowed: ['auditor'] },
    { req: { method: 'GET', url: '/api/v1/users' }, allowed: ['platform-admin'] },
    { req: { method: 'GET', url: '/api/v1/tokens' }, allowed: ['platform-admin'] },
    { req: { method: 'GET', url: '/api/v1/departments/civil-affairs/remit' }, allowed: ['platform-admin'] },
    { req: { method: 'POST', url: '/api/v1/id-numbers/check', payload: { number: '310108198001010119' } }, allowed: ['platform-admin', 'street-admin', 'committee-worker', 'department-officer', 'token'] },
    { req: { method: 'GET', url: '/api/v1/subscriptions' }, allowed: ['platform-admin', 'department-officer', 'token'] },
  ];

  test('operations other than personal data follow the role table', async () => {
    for (const op of OPERATION_EXPECTED) {
      for (const c of callers) {
        const who: Role | 'token' = c.principal.actor.kind === 'token' ? 'token' : c.principal.role;
        const r = await c.client({ ...op.req });
        const label = `${c.label} ${op.req.method} ${op.req.url}`;
        if (op.allowed.includes(who)) assert.equal(r.statusCode, 200, `${label}: ${r.body.slice(0, 200)}`);
        else {
          assert.equal(r.statusCode, 403, `${label}: ${r.body.slice(0, 200)}`);
          assert.equal(r.json().code, 'NOT_ALLOWED', label);
        }
      }
    }
  });

  test('no credentials, bad token, missing CSRF token, revoked token: refused with their own codes', async () => {
    const k = people[0] as Known;
    const none = await app.inject({ url: `/api/v1/persons/${k.personId}`, headers: { 'x-purpose': 'PLATFORM_ADMINISTRATION' } });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'AUTHENTICATION_REQUIRED');
    assert.equal((await app.inject('/api/v1/standard/code-tables')).json().code, 'AUTHENTICATION_REQUIRED');
    const bad = await app.inject({ url: '/api/v1/standard/code-tables', headers: { authorization: 'Bearer ppl_nonsense' } });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().code, 'TOKEN_INVALID');
    const admin = (callers[0] as Caller).client.withPurpose('PLATFORM_ADMINISTRATION');
    const noCsrf = await admin({ method: 'PATCH', url: `/api/v1/persons/${k.personId}`, payload: { values: { 'person.education': '21' } }, headers: { 'x-csrf-token': '' } });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().code, 'CSRF_INVALID');
    const { token, record } = await access.identity.createToken({ departmentId: 'civil-affairs', name: 'revoked', purposes: ['RELIEF_ASSESSMENT'] });
    const h = { authorization: `Bearer ${token}`, 'x-purpose': 'RELIEF_ASSESSMENT' };
    assert.equal((await app.inject({ url: `/api/v1/persons/${k.personId}`, headers: h })).statusCode, 200);
    await access.identity.revokeToken(record.id);
    const revoked = await app.inject({ url: `/api/v1/persons/${k.personId}`, headers: h });
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.json().code, 'TOKEN_INVALID');
    // A token may state only the purposes it was issued for, even within its department's remit.
    const narrow = await app.inject({ url: `/api/v1/persons/${k.personId}`, headers: { authorization: `Bearer ${(await access.identity.createToken({ departmentId: 'civil-affairs', name: 'n', purposes: ['RELIEF_ASSESSMENT'] })).token}`, 'x-purpose': 'ELDERLY_CARE' } });
    assert.equal(narrow.json().code, 'PURPOSE_NOT_ALLOWED');
  });

  test('reads are audited before they are answered; unmasking is named; the resident sees who used their data', async () => {
    const k = people[0] as Known;
    const civil = callers.find((c) => c.label === 'civil affairs') as Caller;
    const r = await civil.client.withPurpose('RELIEF_ASSESSMENT')({ url: `/api/v1/persons/${k.personId}?unmask=true`, headers: { 'x-request-id': 'ignored' } });
    assert.equal(r.statusCode, 200);
    const entries = await store.db.selectFrom('audit_entry').selectAll().where('action', '=', 'person.read').where('purpose', '=', 'RELIEF_ASSESSMENT').execute();
    const mine = entries.filter((e) => (JSON.parse(e.person_ids) as string[]).includes(k.personId) && e.detail !== null);
    assert.ok(mine.length >= 1, 'the read is in the audit log when the answer arrives');
    assert.deepEqual(JSON.parse(mine[mine.length - 1]?.detail ?? '{}'), { unmasked: ['person.citizenIdNumber'] });
    assert.ok(!JSON.stringify(entries).includes(k.idNumber), 'no ID number in the audit log');
    const resident = callers.find((c) => c.principal.role === 'resident') as Caller;
    const tracker = await resident.client(`/api/v1/persons/${k.personId}/data-uses`);
    assert.equal(tracker.statusCode, 200, tracker.body);
    assert.ok((tracker.json().summary as { departmentId: string; purpose: string }[]).some((s) => s.departmentId === 'civil-affairs' && s.purpose === 'RELIEF_ASSESSMENT'));
    const other = await resident.client(`/api/v1/persons/${(people[1] as Known).personId}/data-uses`);
    assert.equal(other.statusCode, 404, 'another person’s tracker does not exist for a resident');
    const auditor = callers.find((c) => c.principal.role === 'auditor') as Caller;
    const csv = await auditor.client(`/api/v1/audit/export?personId=${k.personId}`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body.split('\n')[0] ?? '', /seq/);
    assert.ok(csv.body.includes('RELIEF_ASSESSMENT'));
    assert.equal((await access.audit.verify()).intact, true);
  });

  test('a write and its audit entry commit together; a refused write leaves neither', async () => {
    const k = people[0] as Known;
    const count = async (): Promise<number> => Number((await store.db.selectFrom('audit_entry').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'person.write').executeTakeFirstOrThrow()).n);
    const civil = callers.find((c) => c.label === 'civil affairs') as Caller;
    const before = await count();
    const ok = await civil.client.withPurpose('RELIEF_ASSESSMENT')({ method: 'PATCH', url: `/api/v1/persons/${k.personId}`, payload: { values: { 'person.maritalStatus': '21' } } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(await count(), before + 1);
    const owner = (ok.json().values as { elementId: string; status: string; value: string }[]).find((v) => v.elementId === 'person.maritalStatus');
    assert.equal(owner?.value, '21');
    // The family-planning office may read marital status but not write it authoritatively: an observation, not the value.
    const family = callers.find((c) => c.label === 'family planning') as Caller;
    const obs = await family.client.withPurpose('FAMILY_PLANNING_SERVICE')({ method: 'PATCH', url: `/api/v1/persons/${k.personId}`, payload: { values: { 'person.maritalStatus': '20' } } });
    assert.equal(obs.statusCode, 200, obs.body);
    assert.equal((obs.json().values as { elementId: string; value: string }[]).find((v) => v.elementId === 'person.maritalStatus')?.value, '21', 'the owner’s value wins');
    assert.equal(await count(), before + 2);
    // Outside the remit: refused, nothing written, nothing audited as a write.
    const denied = await family.client.withPurpose('FAMILY_PLANNING_SERVICE')({ method: 'PATCH', url: `/api/v1/persons/${k.personId}`, payload: { values: { 'person.religion': '10' } } });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'NOT_ALLOWED');
    const failing = await civil.client.withPurpose('RELIEF_ASSESSMENT')({ method: 'PATCH', url: `/api/v1/persons/${k.personId}`, payload: { values: { 'person.maritalStatus': '77' } } });
    assert.equal(failing.json().code, 'UNKNOWN_CODE');
    assert.equal(await count(), before + 2, 'a failed write leaves no audit entry');
  });

  test('rate limits per caller, security headers, strict bodies', async () => {
    const limited = await buildApp({ services, access, logLevel: 'silent', rateLimitPerMinute: 3 });
    const c = await signedIn(limited, access, { role: 'platform-admin' }, 'PLATFORM_ADMINISTRATION');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await c('/api/v1/standard/code-tables')).statusCode);
    const last = await c('/api/v1/standard/code-tables');
    assert.deepEqual(codes.slice(0, 2), [200, 200]);
    assert.equal(last.statusCode, 429);
    assert.equal(last.json().code, 'RATE_LIMITED');
    assert.ok(Number(last.json().details.retryAfterSeconds) > 0);
    await limited.close();
    const r = await (callers[0] as Caller).client('/api/v1/standard/code-tables');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.ok(r.headers['content-security-policy']);
    const extra = await (callers[0] as Caller).client.withPurpose('PLATFORM_ADMINISTRATION')({ method: 'POST', url: '/api/v1/persons/search', payload: { name: '王芳', role: 'platform-admin' } });
    assert.equal(extra.json().code, 'VALIDATION_FAILED', 'unknown fields are refused, not ignored');
  });

  type FeedEvent = { id: string; type: string; subject?: string; data: { kind?: string; elements?: { element: string; new: string | null }[] } };

  /** The elements an event tells about its person. */
  function disclosed(e: FeedEvent): string[] {
    switch (e.type) {
      case 'cn.populus.person.created':
      case 'cn.populus.person.updated':
        return (e.data.elements ?? []).map((c) => c.element);
      case 'cn.populus.residence.moved':
        return [e.data.kind === 'registered' ? 'person.registeredAddress' : 'person.actualResidence'];
      case 'cn.populus.household.changed':
        return ['person.relationshipToHead'];
      default:
        return [];
    }
  }

  /** Checks one page of the feed against the oracle for a principal and purpose: exactly the visible persons, exactly the readable elements, masked unless allowed. */
  async function checkFeed(principal: Principal, purpose: string, events: FeedEvent[], unmask: boolean, label: string, only?: readonly string[]): Promise<void> {
    const raw = new Map((await createDataAccess(store, '310105').repos.feed.after(0, 100_000)).map((e) => [e.id, e]));
    const want = people.filter((k) => elements.some((el) => oracle.expect(principal, purpose, k.subject, el.id).read)).map((k) => k.personId).sort();
    assert.deepEqual([...new Set(events.flatMap((e) => (e.subject ? [e.subject] : [])))].sort(), want, `${label}: persons`);
    for (const e of events) {
      const k = people.find((p) => p.personId === e.subject) as Known;
      const may = (el: string): boolean => oracle.expect(principal, purpose, k.subject, el).read && (only === undefined || only.length === 0 || only.includes(el));
      for (const el of disclosed(e)) assert.ok(may(el), `${label}: ${e.type} discloses ${el}`);
      const source = raw.get(e.id);
      if (source && (source.type === 'cn.populus.person.created' || source.type === 'cn.populus.person.updated')) {
        assert.deepEqual(disclosed(e), source.data.elements.map((c) => c.element).filter(may), `${label}: every readable element of the change, no other`);
      }
      for (const ch of e.data.elements ?? []) {
        if (ch.new === null) continue;
        if (ch.element === 'person.citizenIdNumber') assert.equal(ch.new === k.idNumber, unmask && oracle.expect(principal, purpose, k.subject, ch.element).unmask, `${label}: ID masking`);
        if (ch.element === 'person.phone') assert.equal(/^\d{11}$/.test(ch.new), unmask && oracle.expect(principal, purpose, k.subject, ch.element).unmask, `${label}: phone masking`);
      }
    }
  }

  test('the pull feed gives each caller exactly the events about persons the oracle lets it see, with only the elements it allows', async () => {
    const head = (await createDataAccess(store, '310105').repos.feed.head()).seq;
    let pages = 0;
    for (const c of callers) {
      const purposes = [...oracle.purposes(c.principal)];
      if (!oracle.mayReadFeed(c.principal)) {
        const r = await c.client.withPurpose(purposes[0] ?? null)('/api/v1/feed?after=0');
        assert.equal(r.statusCode, 403, `${c.label}: ${r.body.slice(0, 200)}`);
        assert.equal(r.json().code, 'NOT_ALLOWED', c.label);
        continue;
      }
      for (const purpose of purposes) {
        for (const unmask of [false, true]) {
          const label = `${c.label} / ${purpose}${unmask ? ' / unmask' : ''}`;
          const r = await c.client.withPurpose(purpose)(`/api/v1/feed?after=0&limit=1000${unmask ? '&unmask=true' : ''}`);
          assert.equal(r.statusCode, 200, `${label}: ${r.body.slice(0, 200)}`);
          assert.equal(r.json().next, head, `${label}: every event scanned`);
          await checkFeed(c.principal, purpose, r.json().events as FeedEvent[], unmask, label);
          pages++;
        }
      }
    }
    assert.ok(pages >= 10, `${pages} feed pages checked`);
  });

  test('subscriptions: refused exactly when they ask for elements outside the remit, naming them (fast-check); a pull subscription reads what the oracle says', async () => {
    const admin = callers.find((c) => c.label === 'platform admin') as Caller;
    const combos = Object.entries(DEPARTMENT_TABLE).flatMap(([d, rows]) => [...new Set(rows.flatMap((r) => r.purposes))].map((p) => [d, p] as const));
    const ids = elements.map((e) => e.id);
    let refused = 0;
    let created = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...combos), fc.subarray(ids, { maxLength: 5 }), async ([departmentId, purpose], asked) => {
        const remit = oracle.departmentRemit(departmentId, purpose);
        assert.ok(remit, `${departmentId} / ${purpose}`);
        const r = await admin.client({ method: 'POST', url: '/api/v1/subscriptions', payload: { departmentId, name: 'matrix', channel: 'pull', purpose, elements: asked } });
        const outside = asked.filter((e) => !remit.elements.has(e)).sort();
        const label = `${departmentId} / ${purpose} / ${asked.join(',')}`;
        if (outside.length > 0) {
          assert.equal(r.statusCode, 403, `${label}: ${r.body.slice(0, 300)}`);
          assert.equal(r.json().code, 'SUBSCRIPTION_OUTSIDE_REMIT', label);
          assert.deepEqual((r.json().details.outside as { value: string }[]).map((o) => o.value).sort(), outside, label);
          refused++;
        } else {
          assert.equal(r.statusCode, 201, `${label}: ${r.body.slice(0, 300)}`);
          assert.equal((await admin.client({ method: 'DELETE', url: `/api/v1/subscriptions/${r.json().subscription.id as string}` })).statusCode, 204);
          created++;
        }
      }),
      { numRuns: 120, seed: 20261127 },
    );
    assert.ok(refused > 0 && created > 0, `${refused} refused, ${created} created`);

    for (const [departmentId, purpose] of combos) {
      const label = `${departmentId} / ${purpose} subscription`;
      const r = await admin.client({ method: 'POST', url: '/api/v1/subscriptions', payload: { departmentId, name: 'matrix pull', channel: 'pull', purpose } });
      assert.equal(r.statusCode, 201, `${label}: ${r.body.slice(0, 300)}`);
      const id = r.json().subscription.id as string;
      const reader = await withToken(app, access, departmentId, [purpose], null);
      const page = await reader(`/api/v1/feed?subscription=${id}&after=0&limit=1000`);
      assert.equal(page.statusCode, 200, `${label}: ${page.body.slice(0, 300)}`);
      const principal: Principal = { actor: { kind: 'subscription', id }, role: 'department-officer', departmentId, areaCodes: [], buildingIds: [], personId: null, purposes: [purpose] };
      await checkFeed(principal, purpose, page.json().events as FeedEvent[], false, label);
      const [otherDepartment, otherPurpose] = combos.find(([d]) => d !== departmentId) ?? ['', ''];
      const stranger = await withToken(app, access, otherDepartment, [otherPurpose], null);
      assert.equal((await stranger(`/api/v1/feed?subscription=${id}`)).json().code, 'SUBSCRIPTION_NOT_FOUND', `${label}: another department cannot read it`);
    }
  });
});
