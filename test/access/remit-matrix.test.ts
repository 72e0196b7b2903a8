/**
 * The access matrix: role × department × element × area × purpose (× kinds, buildings, own
 * record, token purposes), generated with fast-check and checked against the independent table
 * of policy-oracle.ts — zero mismatches. Every read path is one of two shapes: one person
 * (Access.readable) or a query over many (Access.scopes, used by search, lists, exports, the
 * change feed and webhooks); both are checked against the same expectation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { loadDepartments, loadElements } from '../../src/reference/catalogue-loader.ts';
import { loadKinds } from '../../src/reference/kind-loader.ts';
import { loadPurposes, loadRemitPolicy } from '../../src/access/remit-loader.ts';
import { subjectInScope, type Access, type Subject } from '../../src/access/remit-policy.ts';
import { ROLES, type Principal } from '../../src/access/principal.ts';
import { HOME, PolicyOracle } from './policy-oracle.ts';

const dir = defaultDataDir();
const elements = loadElements(dir);
const departments = loadDepartments(dir);
const kinds = loadKinds(dir);
const purposes = loadPurposes(dir).map((p) => p.code);
const policy = loadRemitPolicy({ dataDir: dir, homeArea: HOME, elements, departments, kinds });
const oracle = new PolicyOracle(elements);

const ELEMENT_IDS = [...elements.map((e) => e.id), 'person.unknownElement'];
const DEPARTMENT_IDS = departments.map((d) => d.id);
const AREAS = ['310105004001', '310105004002', '310105004017', '310105004', '310105005001', '310104001001', '320102001001'];
const USER_AREAS = ['310105', '310105004', '310105004001', '310105004002', '310105005', '310104'];
const BUILDINGS = ['b-1', 'b-2', 'b-3'];
const PERSONS = ['p-1', 'p-2'];
const KIND_IDS = kinds.map((k) => k.id);

/** The read paths. One person, or a query filtered by scopes. */
const ENDPOINTS = ['person.read', 'person.search', 'person.list', 'person.export', 'feed.pull', 'webhook.deliver'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

function sees(endpoint: Endpoint, access: Access, s: Subject, elementId: string): boolean {
  if (endpoint === 'person.read') return access.readable(s).has(elementId);
  return access.scopes().some((scope) => scope.elements.has(elementId) && subjectInScope(scope, s));
}

const principalArb: fc.Arbitrary<Principal> = fc
  .record({
    kind: fc.constantFrom('user' as const, 'user' as const, 'token' as const),
    role: fc.constantFrom(...ROLES),
    departmentId: fc.option(fc.constantFrom(...DEPARTMENT_IDS, 'no-such-department'), { nil: null }),
    areaCodes: fc.subarray(USER_AREAS, { maxLength: 2 }),
    buildingIds: fc.subarray(BUILDINGS),
    personId: fc.option(fc.constantFrom(...PERSONS), { nil: null }),
    tokenPurposes: fc.subarray(purposes, { maxLength: 4 }),
  })
  .map((r): Principal =>
    r.kind === 'token'
      ? { actor: { kind: 'token', id: 't-1' }, role: 'department-officer', departmentId: r.departmentId ?? 'civil-affairs', areaCodes: [], buildingIds: [], personId: null, purposes: r.tokenPurposes }
      : { actor: { kind: 'user', id: 'u-1' }, role: r.role, departmentId: r.departmentId, areaCodes: r.areaCodes, buildingIds: r.buildingIds, personId: r.personId, purposes: null },
  );

const subjectArb: fc.Arbitrary<Subject> = fc.record({
  personId: fc.constantFrom(...PERSONS),
  areaCodes: fc.subarray(AREAS, { minLength: 0, maxLength: 2 }),
  buildingIds: fc.subarray(BUILDINGS, { maxLength: 2 }),
  kinds: fc.subarray(KIND_IDS, { maxLength: 3 }),
});

/** Mostly a purpose the principal holds (per the table), so most cases get past the purpose check. */
const caseArb = principalArb.chain((p) => {
  const held = [...oracle.purposes(p)];
  const purpose: fc.Arbitrary<string | undefined> = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'NO_SUCH_PURPOSE', ...purposes) },
    { weight: held.length > 0 ? 4 : 0, arbitrary: held.length > 0 ? fc.constantFrom(...held) : fc.constant(undefined) },
  );
  return fc.tuple(fc.constant(p), purpose);
});

test('generated cases: the policy agrees with the independent table on every read path, unmasking and writes', () => {
  let mismatches = 0;
  let granted = 0;
  fc.assert(
    fc.property(caseArb, subjectArb, fc.constantFrom(...ELEMENT_IDS), fc.constantFrom(...ENDPOINTS), ([p, purpose], s, elementId, endpoint) => {
      const want = oracle.expect(p, purpose, s, elementId);
      const check = policy.check(p, purpose);
      const problems: string[] = [];
      if (check.ok !== want.purposeOk) problems.push(`purpose ${String(purpose)}: policy ${check.ok}, table ${want.purposeOk}`);
      if (check.ok) {
        const got = sees(endpoint, check.access, s, elementId);
        if (got !== want.read) problems.push(`${endpoint} ${elementId}: policy ${got}, table ${want.read}`);
        const unmask = check.access.unmaskable(s).has(elementId);
        if (unmask !== want.unmask) problems.push(`unmask ${elementId}: policy ${unmask}, table ${want.unmask}`);
        const write = check.access.writeMode(s, elementId);
        if (write !== want.write) problems.push(`write ${elementId}: policy ${write}, table ${want.write}`);
        if (got) granted += 1;
      }
      if (problems.length > 0) mismatches += 1;
      assert.deepEqual(problems, [], JSON.stringify({ principal: p, purpose, subject: s }));
    }),
    { numRuns: 20_000, seed: 6 },
  );
  assert.equal(mismatches, 0);
  assert.ok(granted > 1000, `the generator reaches granted cases too (${granted})`);
});

test('exhaustive: every role × department × purpose × element for subjects in and out of remit', () => {
  const subjects: Subject[] = [
    { personId: 'p-1', areaCodes: ['310105004001'], buildingIds: ['b-1'], kinds: KIND_IDS },
    { personId: 'p-2', areaCodes: ['310105005001'], buildingIds: ['b-2'], kinds: ['elderly-60', 'disabled'] },
    { personId: 'p-1', areaCodes: ['320102001001'], buildingIds: ['b-1'], kinds: ['women-15-49'] },
    { personId: 'p-2', areaCodes: [], buildingIds: [], kinds: [] },
  ];
  let cases = 0;
  let mismatches = 0;
  for (const role of ROLES) {
    for (const departmentId of [null, ...DEPARTMENT_IDS]) {
      const p: Principal = { actor: { kind: 'user', id: 'u-1' }, role, departmentId, areaCodes: role === 'street-admin' ? [HOME] : role === 'committee-worker' ? ['310105004001'] : [], buildingIds: role === 'collector' ? ['b-1'] : [], personId: role === 'resident' ? 'p-1' : null, purposes: null };
      for (const purpose of purposes) {
        const check = policy.check(p, purpose);
        for (const s of subjects) {
          const readable = check.ok ? check.access.readable(s) : new Set<string>();
          for (const e of ELEMENT_IDS) {
            cases += 1;
            const want = oracle.expect(p, purpose, s, e);
            if (check.ok !== want.purposeOk || readable.has(e) !== want.read) mismatches += 1;
          }
        }
      }
    }
  }
  assert.equal(mismatches, 0, `${mismatches} of ${cases} cases disagree`);
  assert.ok(cases > 100_000);
});
