/**
 * Remits as data: what each department (and each non-department role) may see, for which
 * purposes, where and about whom. The file form (catalogue/remits.json) names element groups,
 * sensitivity classes and area placeholders; `resolveRemits` turns it into grants over concrete
 * element ids and area prefixes, and `remitProblems` lists everything wrong with it. Pure.
 */
import { SENSITIVITIES, type DataElement, type Sensitivity } from '../domain/standard/types.ts';
import type { Role } from './principal.ts';

/** One grant as written in remits.json. */
export interface GrantSpec {
  readonly purposes: readonly string[];
  /** Element ids or `$group` names. */
  readonly elements?: readonly string[];
  /** Adds every element at or below this sensitivity class. */
  readonly sensitivityUpTo?: Sensitivity;
  /** Element ids or groups never granted by this grant, even if the class includes them. */
  readonly exclude?: readonly string[];
  /** Area code prefixes, or `$district` / `$home`. Department grants only: role grants use the user's own scope. */
  readonly areas?: readonly string[];
  /** The person must be of one of these kinds (kinds.json ids); absent = anyone in the areas. */
  readonly kinds?: readonly string[];
  /** Elements (ids or groups) whose values may be unmasked for these purposes. */
  readonly unmask?: readonly string[];
}

export interface DelegationSpec {
  /** The department that writes… */
  readonly departmentId: string;
  /** …authoritative values of elements this department owns. */
  readonly ownerDepartmentId: string;
  readonly elements: readonly string[];
  readonly note?: string;
}

export interface RemitFile {
  readonly elementGroups: Readonly<Record<string, readonly string[]>>;
  readonly departments: readonly { readonly departmentId: string; readonly grants: readonly GrantSpec[] }[];
  readonly roles: readonly { readonly role: Role; readonly grants: readonly GrantSpec[] }[];
  readonly delegations: readonly DelegationSpec[];
}

/** A grant with every name resolved. */
export interface Grant {
  readonly purposes: ReadonlySet<string>;
  readonly elements: ReadonlySet<string>;
  /** Area code prefixes; empty only for role grants (the user's own scope applies). */
  readonly areas: readonly string[];
  /** null = any person in scope. */
  readonly kinds: ReadonlySet<string> | null;
  readonly unmask: ReadonlySet<string>;
}

export interface Delegation {
  readonly departmentId: string;
  readonly ownerDepartmentId: string;
  readonly elements: ReadonlySet<string>;
}

export interface Remits {
  readonly byDepartment: ReadonlyMap<string, readonly Grant[]>;
  readonly byRole: ReadonlyMap<Role, readonly Grant[]>;
  readonly delegations: readonly Delegation[];
  /** Every purpose code known (the purpose code table). */
  readonly purposes: ReadonlySet<string>;
}

export interface ResolveContext {
  readonly elements: readonly DataElement[];
  /** The 9-digit street this node serves ($home); its first 6 digits are $district. */
  readonly homeArea: string;
  readonly purposes: readonly string[];
}

export const sensitivityRank = (s: Sensitivity): number => SENSITIVITIES.indexOf(s);

function expand(names: readonly string[] | undefined, groups: RemitFile['elementGroups']): string[] {
  const out: string[] = [];
  for (const n of names ?? []) {
    if (n.startsWith('$')) out.push(...(groups[n] ?? []));
    else out.push(n);
  }
  return out;
}

function resolveArea(a: string, homeArea: string): string {
  if (a === '$home') return homeArea;
  if (a === '$district') return homeArea.slice(0, 6);
  return a;
}

function resolveGrant(g: GrantSpec, file: RemitFile, ctx: ResolveContext): Grant {
  const elements = new Set(expand(g.elements, file.elementGroups));
  if (g.sensitivityUpTo !== undefined) {
    const max = sensitivityRank(g.sensitivityUpTo);
    for (const e of ctx.elements) if (sensitivityRank(e.sensitivity) <= max) elements.add(e.id);
  }
  for (const x of expand(g.exclude, file.elementGroups)) elements.delete(x);
  const unmask = new Set(expand(g.unmask, file.elementGroups).filter((e) => elements.has(e)));
  return {
    purposes: new Set(g.purposes),
    elements,
    areas: (g.areas ?? []).map((a) => resolveArea(a, ctx.homeArea)),
    kinds: g.kinds === undefined ? null : new Set(g.kinds),
    unmask,
  };
}

export function resolveRemits(file: RemitFile, ctx: ResolveContext): Remits {
  const byDepartment = new Map<string, Grant[]>();
  for (const d of file.departments) byDepartment.set(d.departmentId, d.grants.map((g) => resolveGrant(g, file, ctx)));
  const byRole = new Map<Role, Grant[]>();
  for (const r of file.roles) byRole.set(r.role, r.grants.map((g) => resolveGrant(g, file, ctx)));
  return {
    byDepartment,
    byRole,
    delegations: file.delegations.map((d) => ({ departmentId: d.departmentId, ownerDepartmentId: d.ownerDepartmentId, elements: new Set(expand(d.elements, file.elementGroups)) })),
    purposes: new Set(ctx.purposes),
  };
}

export interface CatalogueFacts {
  readonly elementIds: ReadonlySet<string>;
  readonly departmentIds: ReadonlySet<string>;
  readonly kindIds: ReadonlySet<string>;
  readonly purposes: ReadonlySet<string>;
  /** Owner department of each element. */
  readonly owners: ReadonlyMap<string, string>;
}

/** Everything wrong with a remit file against the catalogue; empty = fine. */
export function remitProblems(file: RemitFile, facts: CatalogueFacts): string[] {
  const problems: string[] = [];
  for (const [name, members] of Object.entries(file.elementGroups)) {
    if (!name.startsWith('$')) problems.push(`element group ${name} must start with $`);
    for (const e of members) if (!facts.elementIds.has(e)) problems.push(`element group ${name} names unknown element ${e}`);
  }
  const checkNames = (where: string, names: readonly string[] | undefined): void => {
    for (const n of names ?? []) {
      if (n.startsWith('$') ? file.elementGroups[n] === undefined : !facts.elementIds.has(n)) problems.push(`${where} names unknown element ${n}`);
    }
  };
  const checkGrant = (where: string, g: GrantSpec, isRole: boolean): void => {
    if (g.purposes.length === 0) problems.push(`${where} has no purposes`);
    for (const p of g.purposes) if (!facts.purposes.has(p)) problems.push(`${where} names unknown purpose ${p}`);
    checkNames(`${where} elements`, g.elements);
    checkNames(`${where} exclude`, g.exclude);
    checkNames(`${where} unmask`, g.unmask);
    if (g.sensitivityUpTo !== undefined && !SENSITIVITIES.includes(g.sensitivityUpTo)) problems.push(`${where} has unknown sensitivity ${g.sensitivityUpTo}`);
    for (const k of g.kinds ?? []) if (!facts.kindIds.has(k)) problems.push(`${where} names unknown kind ${k}`);
    if (!isRole && (g.areas ?? []).length === 0) problems.push(`${where} names no areas (a department grant is limited to areas)`);
    if (isRole && g.areas !== undefined) problems.push(`${where}: role grants take the user's own areas; remove "areas"`);
    for (const a of g.areas ?? []) if (a !== '$home' && a !== '$district' && !/^\d{2,12}$/.test(a)) problems.push(`${where} has bad area ${a}`);
  };
  const seenDepartments = new Set<string>();
  for (const d of file.departments) {
    if (!facts.departmentIds.has(d.departmentId)) problems.push(`remit for unknown department ${d.departmentId}`);
    if (seenDepartments.has(d.departmentId)) problems.push(`department ${d.departmentId} has two remits`);
    seenDepartments.add(d.departmentId);
    d.grants.forEach((g, i) => checkGrant(`${d.departmentId} grant ${i + 1}`, g, false));
  }
  for (const r of file.roles) {
    if (r.role === 'department-officer') problems.push('department officers take their department’s remit; remove the role entry');
    r.grants.forEach((g, i) => checkGrant(`role ${r.role} grant ${i + 1}`, g, true));
  }
  for (const d of file.delegations) {
    if (!facts.departmentIds.has(d.departmentId)) problems.push(`delegation to unknown department ${d.departmentId}`);
    for (const e of expand(d.elements, file.elementGroups)) {
      if (!facts.elementIds.has(e)) problems.push(`delegation names unknown element ${e}`);
      else if (facts.owners.get(e) !== d.ownerDepartmentId) problems.push(`delegation of ${e}: it is owned by ${facts.owners.get(e) ?? '?'}, not ${d.ownerDepartmentId}`);
    }
  }
  return problems;
}
