/**
 * The one access decision of Populus: what a principal may read, unmask and write, for one
 * stated purpose. Deny by default — a principal gets only what a grant of its role (or, for
 * department officers and tokens, of its department) gives, limited by the grant's areas and
 * kinds and by the user's own areas, buildings or record. Decisions return the set of allowed
 * element ids; an empty set means "this person does not exist for you", so callers answer
 * "not found" whether the person is missing or out of remit. Pure.
 *
 * Every read path (person reads, search, lists, exports, reports, the change feed, webhooks)
 * asks an `Access` from here: `readable()` for one person, `scopes()` to push the same rule into
 * a query. Both come from the same scopes, so they cannot disagree.
 */
import { PopulusError } from '../domain/errors.ts';
import type { DataElement } from '../domain/standard/types.ts';
import { auditScopeOf, type Principal } from './principal.ts';
import type { Grant, Remits } from './remit.ts';

/** What the policy needs to know about the person a decision is about. */
export interface Subject {
  readonly personId: string;
  /** Area codes of the person's current residences (registered and actual). */
  readonly areaCodes: readonly string[];
  /** Buildings of the dwellings of those residences. */
  readonly buildingIds: readonly string[];
  /** Kinds of people the person belongs to today (kinds.json ids). */
  readonly kinds: readonly string[];
}

/**
 * A set of persons and the elements readable about them: a person is in the scope when, for
 * every list in `areaPrefixes`, one of its residence area codes starts with one of the list's
 * prefixes; and (when not null) one of its buildings is in `buildingIds`, its id is `personId`,
 * and one of its kinds is in `kinds`. A query filters by the union of the scopes.
 */
export interface AccessScope {
  readonly elements: ReadonlySet<string>;
  readonly unmask: ReadonlySet<string>;
  readonly areaPrefixes: readonly (readonly string[])[];
  readonly buildingIds: readonly string[] | null;
  readonly personId: string | null;
  readonly kinds: ReadonlySet<string> | null;
}

export type WriteMode = 'authoritative' | 'observation' | 'denied';

export type PurposeCheck =
  { readonly ok: true; readonly access: Access } | { readonly ok: false; readonly code: 'PURPOSE_REQUIRED' | 'PURPOSE_NOT_ALLOWED' };

const EMPTY: ReadonlySet<string> = new Set();

export function subjectInScope(scope: AccessScope, s: Subject): boolean {
  for (const prefixes of scope.areaPrefixes) {
    if (!s.areaCodes.some((a) => prefixes.some((p) => a.startsWith(p)))) return false;
  }
  if (scope.buildingIds !== null && !s.buildingIds.some((b) => scope.buildingIds?.includes(b))) return false;
  if (scope.personId !== null && s.personId !== scope.personId) return false;
  if (scope.kinds !== null && !s.kinds.some((k) => scope.kinds?.has(k))) return false;
  return true;
}

/** What one principal may do for one purpose. */
export class Access {
  private readonly scopeList: readonly AccessScope[];

  constructor(
    readonly principal: Principal,
    readonly purpose: string,
    grants: readonly { readonly grant: Grant; readonly fromDepartment: boolean }[],
    private readonly elements: ReadonlyMap<string, DataElement>,
    private readonly delegated: (departmentId: string, element: DataElement) => boolean,
  ) {
    this.scopeList = grants.flatMap(({ grant, fromDepartment }) => {
      const scope = scopeOf(principal, grant, fromDepartment);
      return scope ? [scope] : [];
    });
  }

  /** The scopes to filter queries (search, lists, exports, feeds) by; empty = nothing. */
  scopes(): readonly AccessScope[] {
    return this.scopeList;
  }

  /** Elements of this person the principal may read; empty for a person out of remit (or unknown: pass undefined). */
  readable(subject: Subject | undefined): ReadonlySet<string> {
    return this.union(subject, 'elements');
  }

  /** Whether the person exists for this principal at all. */
  canSee(subject: Subject | undefined): boolean {
    return subject !== undefined && this.scopeList.some((s) => s.elements.size > 0 && subjectInScope(s, subject));
  }

  /** Elements whose values the principal may see unmasked, if it asks to (and the unmasking is audited). */
  unmaskable(subject: Subject | undefined): ReadonlySet<string> {
    return this.union(subject, 'unmask');
  }

  /** Unions of the scopes' element sets, by which scopes a subject falls in (a report asks for 100,000 persons). */
  private readonly unions = new Map<string, ReadonlySet<string>>();

  /** The elements (or unmaskable elements) of every scope the subject falls in: one scope's own set, or a union made once. */
  private union(subject: Subject | undefined, which: 'elements' | 'unmask'): ReadonlySet<string> {
    if (!subject) return EMPTY;
    const hits: number[] = [];
    for (const [i, s] of this.scopeList.entries()) if (subjectInScope(s, subject)) hits.push(i);
    if (hits.length === 0) return EMPTY;
    if (hits.length === 1) return (this.scopeList[hits[0] as number] as AccessScope)[which];
    const key = `${which}:${hits.join(',')}`;
    let out = this.unions.get(key);
    if (!out) {
      const set = new Set<string>();
      for (const i of hits) for (const e of (this.scopeList[i] as AccessScope)[which]) set.add(e);
      this.unions.set(key, (out = set));
    }
    return out;
  }

  /**
   * authoritative: the owning department (or its delegate) writes the element's value;
   * observation: another principal who may read it reports a value, kept beside the owner's;
   * denied: anything else, including persons out of remit.
   */
  writeMode(subject: Subject | undefined, elementId: string): WriteMode {
    const element = this.elements.get(elementId);
    if (!subject || !element) return 'denied';
    const inScope = this.scopeList.filter((s) => subjectInScope(s, subject));
    if (inScope.length === 0) return 'denied';
    const p = this.principal;
    if (
      p.role !== 'resident' &&
      p.departmentId !== null &&
      (element.ownerDepartmentId === p.departmentId || this.delegated(p.departmentId, element))
    ) {
      return 'authoritative';
    }
    return inScope.some((s) => s.elements.has(elementId)) ? 'observation' : 'denied';
  }

  /** Whose uses of data the principal may read in the audit log (see auditScopeOf). */
  auditScope(): ReturnType<typeof auditScopeOf> {
    return auditScopeOf(this.principal);
  }
}

/** The scope a grant gives a principal, or undefined when it gives nothing (fail closed). */
function scopeOf(p: Principal, grant: Grant, fromDepartment: boolean): AccessScope | undefined {
  const areaPrefixes: string[][] = [];
  let buildingIds: string[] | null = null;
  let personId: string | null = null;
  if (fromDepartment) {
    if (grant.areas.length === 0) return undefined;
    areaPrefixes.push([...grant.areas]);
  }
  switch (p.role) {
    case 'auditor':
      return undefined;
    case 'resident':
      if (p.personId === null) return undefined;
      personId = p.personId;
      break;
    case 'collector':
      if (p.buildingIds.length === 0) return undefined;
      buildingIds = [...p.buildingIds];
      break;
    case 'committee-worker':
    case 'street-admin':
      if (p.areaCodes.length === 0) return undefined;
      break;
    case 'platform-admin':
    case 'department-officer':
      break;
  }
  if (p.role !== 'resident' && p.areaCodes.length > 0) areaPrefixes.push([...p.areaCodes]);
  return { elements: grant.elements, unmask: grant.unmask, areaPrefixes, buildingIds, personId, kinds: grant.kinds };
}

export class RemitPolicy {
  private readonly elementsById: ReadonlyMap<string, DataElement>;

  constructor(
    private readonly remits: Remits,
    elements: readonly DataElement[],
  ) {
    this.elementsById = new Map(elements.map((e) => [e.id, e]));
  }

  private grantsOf(p: Principal): { grant: Grant; fromDepartment: boolean }[] {
    if (p.role === 'department-officer') {
      if (p.departmentId === null) return [];
      return (this.remits.byDepartment.get(p.departmentId) ?? []).map((grant) => ({ grant, fromDepartment: true }));
    }
    if (p.actor.kind !== 'user') return [];
    return (this.remits.byRole.get(p.role) ?? []).map((grant) => ({ grant, fromDepartment: false }));
  }

  /** The purposes the principal may state. */
  purposesOf(p: Principal): ReadonlySet<string> {
    const out = new Set<string>();
    for (const { grant } of this.grantsOf(p)) for (const x of grant.purposes) if (this.remits.purposes.has(x)) out.add(x);
    if (p.purposes !== null) for (const x of [...out]) if (!p.purposes.includes(x)) out.delete(x);
    return out;
  }

  /** The purposes a department's remit allows (to check the purposes of a new token). */
  departmentPurposes(departmentId: string): ReadonlySet<string> {
    const out = new Set<string>();
    for (const g of this.remits.byDepartment.get(departmentId) ?? []) for (const x of g.purposes) out.add(x);
    return out;
  }

  isPurpose(code: string): boolean {
    return this.remits.purposes.has(code);
  }

  /** The principal's access for a stated purpose, or why there is none. */
  check(p: Principal, purpose: string | null | undefined): PurposeCheck {
    if (purpose === undefined || purpose === null || purpose === '') return { ok: false, code: 'PURPOSE_REQUIRED' };
    if (!this.purposesOf(p).has(purpose)) return { ok: false, code: 'PURPOSE_NOT_ALLOWED' };
    const grants = this.grantsOf(p).filter(({ grant }) => grant.purposes.has(purpose));
    return { ok: true, access: new Access(p, purpose, grants, this.elementsById, (d, e) => this.isDelegate(d, e)) };
  }

  /** As check(), throwing PURPOSE_REQUIRED or PURPOSE_NOT_ALLOWED. */
  access(p: Principal, purpose: string | null | undefined): Access {
    const r = this.check(p, purpose);
    if (r.ok) return r.access;
    if (r.code === 'PURPOSE_REQUIRED') throw new PopulusError('PURPOSE_REQUIRED', 'state the purpose of this request (purpose code table)');
    throw new PopulusError('PURPOSE_NOT_ALLOWED', `the purpose ${purpose ?? ''} is not within your remit`, { purpose: purpose ?? '' });
  }

  private isDelegate(departmentId: string, element: DataElement): boolean {
    return this.remits.delegations.some(
      (d) => d.departmentId === departmentId && d.ownerDepartmentId === element.ownerDepartmentId && d.elements.has(element.id),
    );
  }
}
