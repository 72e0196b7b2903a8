/**
 * What each role may do besides reading and writing persons: the operations on reference data,
 * housing, sources, imports, review, the audit log and accounts. Reads and writes of personal
 * data are never decided here — they go through the remit (RemitPolicy) for a stated purpose.
 * Deny by default: an operation not listed for a role is refused (NOT_ALLOWED). Pure.
 */
import type { Principal, Role } from './principal.ts';

export const OPERATIONS = [
  /** Code tables, data elements, kinds, departments, areas: the standard, no personal data. */
  'reference.read',
  'reference.write',
  /** Buildings and dwellings (addresses, housing use). */
  'housing.read',
  'housing.write',
  /** Households: who lives with whom — personal, so also remit-checked per member. */
  'household.write',
  /** Sources and their mapping profiles. Department officers: their own department's sources only. */
  'source.read',
  'source.write',
  /** Imports of department data, their reports and rejected rows. Department officers: their own department's sources only. */
  'import.run',
  'import.read',
  /** The review queue, merges and duplicate detection. */
  'review.read',
  'review.decide',
  /** The audit log (search, export, chain head). */
  'audit.read',
  /** Users and API tokens. */
  'account.manage',
  /** The GB 11643 checker (no data is stored or read). */
  'id.check',
  /** The pull feed and its Server-Sent Events stream (what is delivered is still cut to the remit by FeedGate). */
  'feed.read',
  /** Subscriptions to the change feed. Department officers and tokens: their own department's only. */
  'subscription.manage',
  /** Report definitions and form templates: list and read them (no personal data). */
  'report.read',
  /**
   * Running reports and filling forms, and reading kept runs. The figures are still cut to the
   * remit of the purpose (the engine's job); department officers run their own department's
   * definitions or those whose purpose their remit holds. Never residents, collectors or auditors.
   */
  'report.run',
  /** Defining reports (new versions), their schedules, and uploading form templates. Department officers: their own department's only. */
  'report.define',
] as const;
export type Operation = (typeof OPERATIONS)[number];

const STAFF: readonly Role[] = ['platform-admin', 'street-admin', 'committee-worker', 'collector', 'department-officer'];

/** Roles allowed each operation. Tokens act as department officers of their department. */
export const OPERATION_ROLES: Readonly<Record<Operation, readonly Role[]>> = {
  'reference.read': ['platform-admin', 'street-admin', 'committee-worker', 'collector', 'department-officer', 'auditor', 'resident'],
  'reference.write': ['platform-admin', 'street-admin'],
  'housing.read': STAFF,
  'housing.write': ['platform-admin', 'street-admin', 'committee-worker', 'collector'],
  'household.write': ['platform-admin', 'street-admin', 'committee-worker', 'collector', 'department-officer'],
  'source.read': ['platform-admin', 'street-admin', 'department-officer'],
  'source.write': ['platform-admin', 'street-admin', 'department-officer'],
  'import.run': ['platform-admin', 'street-admin', 'department-officer'],
  'import.read': ['platform-admin', 'street-admin', 'department-officer'],
  'review.read': ['platform-admin', 'street-admin'],
  'review.decide': ['platform-admin', 'street-admin'],
  'audit.read': ['auditor'],
  'account.manage': ['platform-admin'],
  'id.check': STAFF,
  'feed.read': ['department-officer'],
  'subscription.manage': ['platform-admin', 'department-officer'],
  'report.read': STAFF,
  'report.run': ['platform-admin', 'street-admin', 'committee-worker', 'department-officer'],
  'report.define': ['platform-admin', 'street-admin', 'department-officer'],
};

/** Operations that only a signed-in person may perform, never a department system's token. */
const USERS_ONLY: ReadonlySet<Operation> = new Set(['audit.read', 'account.manage', 'reference.write', 'review.decide']);

export function mayPerform(p: Principal, op: Operation): boolean {
  if (p.actor.kind !== 'user' && USERS_ONLY.has(op)) return false;
  return OPERATION_ROLES[op].includes(p.role);
}

/**
 * Operations limited to a department's own sources: a department officer (or token) acts only on
 * sources of its own department; street and platform administrators on every source.
 */
export function mayActOnSource(p: Principal, sourceDepartmentId: string): boolean {
  if (p.role === 'platform-admin' || p.role === 'street-admin') return true;
  return p.role === 'department-officer' && p.departmentId === sourceDepartmentId;
}
