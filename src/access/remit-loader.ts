/**
 * Reads catalogue/remits.json and catalogue/purposes.csv, checks their shape (a malformed file
 * fails with the file and entry named) and builds the remit policy for a node. Cross-references
 * (unknown elements, departments, kinds, purposes) are listed by `remitProblems`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReferenceDataError } from '../reference/reference-data-error.ts';
import { readCsvFile, requiredCell, cell } from '../reference/csv-reader.ts';
import { SENSITIVITIES, type DataElement, type Department } from '../domain/standard/types.ts';
import type { KindDefinition } from '../domain/kinds.ts';
import { isRole } from './principal.ts';
import { remitProblems, resolveRemits, type DelegationSpec, type GrantSpec, type RemitFile } from './remit.ts';
import { RemitPolicy } from './remit-policy.ts';

export const REMITS_FILE = 'catalogue/remits.json';
export const PURPOSES_FILE = 'catalogue/purposes.csv';

export interface Purpose {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
}

export function loadPurposes(dataDir: string): Purpose[] {
  const file = readCsvFile(dataDir, PURPOSES_FILE, ['code', 'name', 'name_en']);
  return file.rows.map((r) => {
    const code = requiredCell(file, r, 'code', 'purpose code');
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new ReferenceDataError(PURPOSES_FILE, { line: r.line }, 'code', `purpose codes are UPPER_SNAKE_CASE, not ${code}`);
    return { code, nameZh: requiredCell(file, r, 'name'), nameEn: cell(r, 'name_en') };
  });
}

type Json = Record<string, unknown>;

function fail(entry: number | null, field: string | null, problem: string): never {
  throw new ReferenceDataError(REMITS_FILE, entry === null ? null : { entry }, field, problem);
}

function strings(v: unknown, entry: number, field: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(entry, field, 'expected a list of strings');
  return v as string[];
}

const GRANT_FIELDS = new Set(['purposes', 'elements', 'sensitivityUpTo', 'exclude', 'areas', 'kinds', 'unmask']);

function grant(v: unknown, entry: number, where: string): GrantSpec {
  if (typeof v !== 'object' || v === null) fail(entry, where, 'a grant is an object');
  const o = v as Json;
  for (const k of Object.keys(o)) if (!GRANT_FIELDS.has(k)) fail(entry, `${where}.${k}`, 'unknown field');
  const purposes = strings(o['purposes'], entry, `${where}.purposes`);
  if (!purposes) fail(entry, `${where}.purposes`, 'is missing');
  const s = o['sensitivityUpTo'];
  if (s !== undefined && !(SENSITIVITIES as readonly unknown[]).includes(s)) fail(entry, `${where}.sensitivityUpTo`, `expected one of ${SENSITIVITIES.join(', ')}`);
  const optional = (field: string): Partial<Record<string, readonly string[]>> => {
    const list = strings(o[field], entry, `${where}.${field}`);
    return list === undefined ? {} : { [field]: list };
  };
  return {
    purposes,
    ...optional('elements'),
    ...optional('exclude'),
    ...optional('areas'),
    ...optional('kinds'),
    ...optional('unmask'),
    ...(s === undefined ? {} : { sensitivityUpTo: s as GrantSpec['sensitivityUpTo'] & string }),
  } as GrantSpec;
}

/** Parses the text of remits.json; throws ReferenceDataError naming the entry and field. */
export function parseRemitFile(text: string): RemitFile {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    fail(null, null, `not valid JSON: ${(e as Error).message}`);
  }
  const groupsRaw = doc['elementGroups'] ?? {};
  if (typeof groupsRaw !== 'object' || groupsRaw === null) fail(null, 'elementGroups', 'expected an object');
  const elementGroups: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(groupsRaw as Json)) elementGroups[k] = strings(v, 0, `elementGroups.${k}`) ?? [];
  const list = (field: string): unknown[] => {
    const v = doc[field] ?? [];
    if (!Array.isArray(v)) fail(null, field, 'expected a list');
    return v;
  };
  const departments = list('departments').map((d, i) => {
    const o = d as Json;
    if (typeof o['departmentId'] !== 'string') fail(i + 1, 'departmentId', 'is missing');
    if (!Array.isArray(o['grants'])) fail(i + 1, 'grants', 'expected a list');
    return { departmentId: o['departmentId'], grants: (o['grants'] as unknown[]).map((g, j) => grant(g, i + 1, `grants[${j}]`)) };
  });
  const roles = list('roles').map((r, i) => {
    const o = r as Json;
    const role = o['role'];
    if (typeof role !== 'string' || !isRole(role)) fail(i + 1, 'role', `unknown role ${String(role)}`);
    if (!Array.isArray(o['grants'])) fail(i + 1, 'grants', 'expected a list');
    return { role, grants: (o['grants'] as unknown[]).map((g, j) => grant(g, i + 1, `grants[${j}]`)) };
  });
  const delegations = list('delegations').map((d, i): DelegationSpec => {
    const o = d as Json;
    if (typeof o['departmentId'] !== 'string' || typeof o['ownerDepartmentId'] !== 'string') fail(i + 1, 'departmentId', 'a delegation names departmentId and ownerDepartmentId');
    return { departmentId: o['departmentId'], ownerDepartmentId: o['ownerDepartmentId'], elements: strings(o['elements'], i + 1, 'elements') ?? [] };
  });
  return { elementGroups, departments, roles, delegations };
}

export function loadRemitFile(dataDir: string): RemitFile {
  let text: string;
  try {
    text = readFileSync(join(dataDir, REMITS_FILE), 'utf8');
  } catch (e) {
    fail(null, null, `cannot read the file (${(e as Error).message})`);
  }
  return parseRemitFile(text);
}

export interface PolicyInputs {
  readonly dataDir: string;
  readonly homeArea: string;
  readonly elements: readonly DataElement[];
  readonly departments: readonly Department[];
  readonly kinds: readonly KindDefinition[];
}

/** Loads, checks and resolves the shipped remits into a policy; throws listing every problem. */
export function loadRemitPolicy(inputs: PolicyInputs): RemitPolicy {
  const file = loadRemitFile(inputs.dataDir);
  const purposes = loadPurposes(inputs.dataDir).map((p) => p.code);
  const problems = remitProblems(file, {
    elementIds: new Set(inputs.elements.map((e) => e.id)),
    departmentIds: new Set(inputs.departments.map((d) => d.id)),
    kindIds: new Set(inputs.kinds.map((k) => k.id)),
    purposes: new Set(purposes),
    owners: new Map(inputs.elements.map((e) => [e.id, e.ownerDepartmentId])),
  });
  if (problems.length > 0) fail(null, null, `${problems.length} problem(s): ${problems.join('; ')}`);
  return new RemitPolicy(resolveRemits(file, { elements: inputs.elements, homeArea: inputs.homeArea, purposes }), inputs.elements);
}
