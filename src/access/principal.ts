/**
 * Who is asking: roles as a closed union, users and API tokens as domain types, and the
 * principal every access decision is made for. Pure.
 */

export const ROLES = ['platform-admin', 'street-admin', 'committee-worker', 'collector', 'department-officer', 'auditor', 'resident'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** A console user. The password hash and TOTP secret never leave the identity service. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** The department the user works for; null for platform administrators, auditors and residents. */
  readonly departmentId: string | null;
  /** Area code prefixes the user is limited to (street or committee codes); empty = no limit of its own. */
  readonly areaCodes: readonly string[];
  /** Collectors and housing coordinators: the buildings they are assigned to. */
  readonly buildingIds: readonly string[];
  /** Residents: their own person id. */
  readonly personId: string | null;
  readonly status: UserStatus;
  readonly totpEnabled: boolean;
  readonly passwordChangedAt: string;
  readonly createdAt: string;
}

/** An API token of a department system, as shown after creation (never the token itself). */
export interface ApiToken {
  readonly id: string;
  readonly departmentId: string;
  readonly name: string;
  readonly purposes: readonly string[];
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/**
 * The principal of one request. A token acts as a department officer of its department,
 * limited to the token's purposes.
 */
export interface Principal {
  /** A signed-in user, a department system's API token, or a department's feed subscription (what it is delivered). */
  readonly actor: { readonly kind: 'user' | 'token' | 'subscription'; readonly id: string };
  readonly role: Role;
  readonly departmentId: string | null;
  readonly areaCodes: readonly string[];
  readonly buildingIds: readonly string[];
  readonly personId: string | null;
  /** Tokens: the purposes the token was issued for; null = whatever the role and remit allow. */
  readonly purposes: readonly string[] | null;
}

export function principalOfUser(u: User): Principal {
  return {
    actor: { kind: 'user', id: u.id },
    role: u.role,
    departmentId: u.departmentId,
    areaCodes: u.areaCodes,
    buildingIds: u.buildingIds,
    personId: u.personId,
    purposes: null,
  };
}

export function principalOfToken(t: ApiToken): Principal {
  return {
    actor: { kind: 'token', id: t.id },
    role: 'department-officer',
    departmentId: t.departmentId,
    areaCodes: [],
    buildingIds: [],
    personId: null,
    purposes: t.purposes,
  };
}

/** A feed subscription receives as its department's officer would, for the one purpose it was made for. */
export function principalOfSubscription(s: { readonly id: string; readonly departmentId: string; readonly purpose: string }): Principal {
  return {
    actor: { kind: 'subscription', id: s.id },
    role: 'department-officer',
    departmentId: s.departmentId,
    areaCodes: [],
    buildingIds: [],
    personId: null,
    purposes: [s.purpose],
  };
}

/** How an actor is written in the audit log: `user:<id>`, `token:<id>` or `system`. */
export function actorRef(p: Principal | 'system'): string {
  return p === 'system' ? 'system' : `${p.actor.kind}:${p.actor.id}`;
}

/**
 * Whose uses of data a principal may read in the audit log: everyone's (auditors, signed in as
 * users), one person's (a resident's own data tracker), or none.
 */
export function auditScopeOf(p: Principal): { readonly kind: 'all' } | { readonly kind: 'person'; readonly personId: string } | null {
  if (p.role === 'auditor' && p.actor.kind === 'user') return { kind: 'all' };
  if (p.role === 'resident' && p.personId !== null) return { kind: 'person', personId: p.personId };
  return null;
}

/** What each role needs besides its name; returns the problems (empty = fine). */
export function scopeProblems(u: Pick<User, 'role' | 'departmentId' | 'areaCodes' | 'buildingIds' | 'personId'>): string[] {
  const problems: string[] = [];
  const areasOf = (digits: number): boolean => u.areaCodes.length > 0 && u.areaCodes.every((a) => new RegExp(`^\\d{${digits}}$`).test(a));
  switch (u.role) {
    case 'platform-admin':
      if (!u.areaCodes.every((a) => /^\d{2,12}$/.test(a))) problems.push('area codes are digits');
      break;
    case 'street-admin':
      if (!areasOf(9)) problems.push('a street administrator needs one or more 9-digit street codes (--area)');
      break;
    case 'committee-worker':
      if (!areasOf(12)) problems.push('a committee worker needs their 12-digit committee code (--area)');
      break;
    case 'collector':
      if (u.buildingIds.length === 0) problems.push('a collector needs the buildings they are assigned to (--building)');
      break;
    case 'department-officer':
      if (u.departmentId === null) problems.push('a department officer needs a department (--department)');
      if (!u.areaCodes.every((a) => /^\d{2,12}$/.test(a))) problems.push('area codes are digits');
      break;
    case 'auditor':
      break;
    case 'resident':
      if (u.personId === null) problems.push('a resident account is linked to one person (--person)');
      break;
  }
  return problems;
}
