/** Remit decisions on the shipped remits.json: deny by default, purposes, areas, kinds, roles, writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultDataDir } from '../reference/data-dir.ts';
import { loadDepartments, loadElements } from '../reference/catalogue-loader.ts';
import { loadKinds } from '../reference/kind-loader.ts';
import { isPopulusError } from '../domain/errors.ts';
import { loadPurposes, loadRemitFile, loadRemitPolicy, parseRemitFile } from './remit-loader.ts';
import { remitProblems } from './remit.ts';
import type { Principal, Role } from './principal.ts';
import type { Subject } from './remit-policy.ts';

const dir = defaultDataDir();
const elements = loadElements(dir);
const departments = loadDepartments(dir);
const kinds = loadKinds(dir);
const HOME = '310105004';
const policy = loadRemitPolicy({ dataDir: dir, homeArea: HOME, elements, departments, kinds });

function user(role: Role, over: Partial<Principal> = {}): Principal {
  return { actor: { kind: 'user', id: '0190c2a4-0000-7000-8000-000000000001' }, role, departmentId: null, areaCodes: [], buildingIds: [], personId: null, purposes: null, ...over };
}
const officer = (departmentId: string, over: Partial<Principal> = {}): Principal => user('department-officer', { departmentId, ...over });
const person = (over: Partial<Subject> = {}): Subject => ({ personId: 'p-1', areaCodes: [`${HOME}001`], buildingIds: ['b-1'], kinds: [], ...over });

test('the shipped remits name only known elements, departments, kinds and purposes', () => {
  const file = loadRemitFile(dir);
  const problems = remitProblems(file, {
    elementIds: new Set(elements.map((e) => e.id)),
    departmentIds: new Set(departments.map((d) => d.id)),
    kindIds: new Set(kinds.map((k) => k.id)),
    purposes: new Set(loadPurposes(dir).map((p) => p.code)),
    owners: new Map(elements.map((e) => [e.id, e.ownerDepartmentId])),
  });
  assert.deepEqual(problems, []);
  const covered = new Set(file.departments.map((d) => d.departmentId));
  for (const d of departments) assert.ok(covered.has(d.id), `department ${d.id} has a remit`);
});

test('family planning: women 15–49 only; identity, marital status and household, never religion or criminal records', () => {
  const a = policy.access(officer('health-family-planning'), 'FAMILY_PLANNING_SERVICE');
  const woman = person({ kinds: ['women-15-49'] });
  const seen = a.readable(woman);
  for (const e of ['person.name', 'person.citizenIdNumber', 'person.maritalStatus', 'person.relationshipToHead']) assert.ok(seen.has(e), e);
  for (const e of ['person.religion', 'person.communityCorrection', 'kind.releasedPrisoner', 'person.politicalStatus', 'person.disabilityGrade']) assert.ok(!seen.has(e), e);
  assert.equal(a.readable(person({ kinds: ['elderly-60'] })).size, 0, 'a man of 70 does not exist for family planning');
  assert.equal(a.canSee(person({ kinds: ['elderly-60'] })), false);
  assert.equal(a.readable(undefined).size, 0, 'a missing person looks the same');
  assert.equal(a.readable(person({ kinds: ['women-15-49'], areaCodes: ['310104001001'] })).size, 0, 'outside the district');
});

test('purposes: required, and refused outside the remit', () => {
  assert.deepEqual(policy.check(officer('civil-affairs'), undefined), { ok: false, code: 'PURPOSE_REQUIRED' });
  assert.deepEqual(policy.check(officer('civil-affairs'), 'PUBLIC_SECURITY'), { ok: false, code: 'PURPOSE_NOT_ALLOWED' });
  assert.deepEqual(policy.check(officer('civil-affairs'), 'NO_SUCH_PURPOSE'), { ok: false, code: 'PURPOSE_NOT_ALLOWED' });
  assert.throws(() => policy.access(officer('civil-affairs'), 'PUBLIC_SECURITY'), (e) => isPopulusError(e) && e.code === 'PURPOSE_NOT_ALLOWED');
  assert.throws(() => policy.access(officer('civil-affairs'), ''), (e) => isPopulusError(e) && e.code === 'PURPOSE_REQUIRED');
  assert.deepEqual([...policy.purposesOf(officer('civil-affairs'))].sort(), ['ELDERLY_CARE', 'POPULATION_STATISTICS', 'RELIEF_ASSESSMENT']);
  assert.equal(policy.purposesOf(officer('no-such-department')).size, 0);
  assert.equal(policy.purposesOf(user('department-officer')).size, 0, 'an officer without a department has nothing');
});

test('a purpose decides the elements: civil affairs sees health for relief, not for statistics', () => {
  const relief = policy.access(officer('civil-affairs'), 'RELIEF_ASSESSMENT').readable(person());
  const stats = policy.access(officer('civil-affairs'), 'POPULATION_STATISTICS').readable(person());
  assert.ok(relief.has('person.healthStatus') && relief.has('kind.unionHardship'));
  assert.ok(!stats.has('person.healthStatus') && !stats.has('person.name') && stats.has('person.birthDate'));
});

test('committee workers see their committee only; street admins their street; collectors their buildings; residents themselves', () => {
  const cw = policy.access(user('committee-worker', { areaCodes: [`${HOME}001`] }), 'POPULATION_SERVICE');
  assert.ok(cw.readable(person()).has('person.name'));
  assert.ok(!cw.readable(person()).has('person.communityCorrection'), 'criminal records are not committee business');
  assert.ok(!cw.readable(person()).has('person.religion'));
  assert.equal(cw.readable(person({ areaCodes: [`${HOME}002`] })).size, 0);
  assert.equal(policy.access(user('committee-worker'), 'POPULATION_SERVICE').readable(person()).size, 0, 'no area, nothing (fail closed)');

  const sa = policy.access(user('street-admin', { areaCodes: [HOME] }), 'DATA_QUALITY');
  assert.ok(sa.readable(person({ areaCodes: [`${HOME}017`] })).has('person.communityCorrection'));
  assert.equal(sa.readable(person({ areaCodes: ['310105005001'] })).size, 0);

  const col = policy.access(user('collector', { buildingIds: ['b-1', 'b-2'] }), 'DATA_COLLECTION');
  assert.ok(col.readable(person({ buildingIds: ['b-2'] })).has('person.phone'));
  assert.equal(col.readable(person({ buildingIds: ['b-3'] })).size, 0);

  const me = policy.access(user('resident', { personId: 'p-1' }), 'SELF_SERVICE');
  assert.ok(me.readable(person()).has('person.religion'), 'a resident sees all of their own record');
  assert.equal(me.readable(person({ personId: 'p-2' })).size, 0);
});

test('auditors read the audit log only', () => {
  const a = policy.access(user('auditor'), 'AUDIT');
  assert.equal(a.readable(person()).size, 0);
  assert.deepEqual(a.auditScope(), { kind: 'all' });
  assert.equal(policy.check(user('auditor'), 'POPULATION_SERVICE').ok, false);
  assert.equal(policy.access(officer('civil-affairs'), 'RELIEF_ASSESSMENT').auditScope(), null);
});

test('tokens act for their department, limited to the purposes they were issued for', () => {
  const token: Principal = { actor: { kind: 'token', id: '0190c2a4-0000-7000-8000-00000000000a' }, role: 'department-officer', departmentId: 'civil-affairs', areaCodes: [], buildingIds: [], personId: null, purposes: ['RELIEF_ASSESSMENT'] };
  assert.deepEqual([...policy.purposesOf(token)], ['RELIEF_ASSESSMENT']);
  assert.equal(policy.check(token, 'ELDERLY_CARE').ok, false);
  assert.ok(policy.access(token, 'RELIEF_ASSESSMENT').readable(person()).has('person.subsistenceAllowance'));
  assert.equal(policy.access(token, 'RELIEF_ASSESSMENT').auditScope(), null);
});

test('unmasking is a permission of a purpose', () => {
  const relief = policy.access(officer('civil-affairs'), 'RELIEF_ASSESSMENT');
  assert.deepEqual([...relief.unmaskable(person())], ['person.citizenIdNumber']);
  assert.equal(policy.access(officer('civil-affairs'), 'POPULATION_STATISTICS').unmaskable(person()).size, 0);
  assert.equal(relief.unmaskable(person({ areaCodes: ['320000'] })).size, 0);
});

test('writes: the owner (or its delegate) writes authoritative values; others who may read observe; the rest is denied', () => {
  const police = policy.access(officer('police-household'), 'HOUSEHOLD_REGISTRATION');
  assert.equal(police.writeMode(person(), 'person.name'), 'authoritative');
  assert.equal(police.writeMode(person(), 'person.phone'), 'observation', 'the street office owns phones');
  assert.equal(police.writeMode(person(), 'person.religion'), 'denied');
  assert.equal(police.writeMode(person({ areaCodes: ['320000000000'] }), 'person.name'), 'denied', 'out of remit');
  assert.equal(police.writeMode(person(), 'no.such.element'), 'denied');
  const street = policy.access(officer('street-population-office'), 'DATA_COLLECTION');
  assert.equal(street.writeMode(person(), 'kind.elderlyLivingAlone'), 'authoritative', 'delegated by civil affairs');
  assert.equal(street.writeMode(person(), 'person.maritalStatus'), 'observation');
  const me = policy.access(user('resident', { personId: 'p-1', departmentId: 'street-population-office' }), 'SELF_SERVICE');
  assert.equal(me.writeMode(person(), 'person.phone'), 'observation', 'residents never write authoritative values');
  assert.equal(policy.access(user('auditor'), 'AUDIT').writeMode(person(), 'person.phone'), 'denied');
});

test('scopes() express the same rule as readable(), for queries', () => {
  const a = policy.access(officer('health-family-planning', { areaCodes: [`${HOME}001`] }), 'FAMILY_PLANNING_SERVICE');
  const scopes = a.scopes();
  assert.equal(scopes.length, 1);
  assert.deepEqual(scopes[0]?.areaPrefixes, [['310105'], [`${HOME}001`]]);
  assert.deepEqual([...(scopes[0]?.kinds ?? [])], ['women-15-49']);
});

test('a malformed remits file is refused with the entry named', () => {
  assert.throws(() => parseRemitFile('{"departments":[{"departmentId":"x","grants":[{"purposes":["A"],"bogus":1}]}]}'), /entry 1, column "grants\[0\]\.bogus": unknown field/);
  assert.throws(() => parseRemitFile('{"roles":[{"role":"king","grants":[]}]}'), /unknown role king/);
  const file = parseRemitFile('{"elementGroups":{"$g":["person.nope"]},"departments":[{"departmentId":"civil-affairs","grants":[{"purposes":["X"],"elements":["$h"]}]}],"delegations":[{"departmentId":"housing","ownerDepartmentId":"housing","elements":["person.name"]}]}');
  const problems = remitProblems(file, {
    elementIds: new Set(elements.map((e) => e.id)),
    departmentIds: new Set(departments.map((d) => d.id)),
    kindIds: new Set(),
    purposes: new Set(['Y']),
    owners: new Map(elements.map((e) => [e.id, e.ownerDepartmentId])),
  });
  assert.deepEqual(problems, [
    'element group $g names unknown element person.nope',
    'civil-affairs grant 1 names unknown purpose X',
    'civil-affairs grant 1 elements names unknown element $h',
    'civil-affairs grant 1 names no areas (a department grant is limited to areas)',
    'delegation of person.name: it is owned by police-household, not housing',
  ]);
});
