/**
 * Who may run which report, for which purpose, and who may see a kept run (issue 8). The role
 * decides whether reports may be run at all (src/access/operations.ts: report.run); this module
 * decides per definition and per run, deny by default. The remit cut of every cell is the
 * engine's job: the Access chosen here is what it cuts by.
 *
 * The purpose of a run is the definition's own: the report is produced for the department and
 * purpose it serves, and the caller's remit must hold that purpose (PURPOSE_NOT_ALLOWED
 * otherwise) — a street administrator runs the population statistics, a civil-affairs officer the
 * elderly rosters. Department officers (and their tokens) run their own department's definitions
 * or those whose purpose their remit holds. Never residents, collectors or auditors.
 */
import { PopulusError } from '../../domain/errors.ts';
import { mayPerform } from '../../access/operations.ts';
import { actorRef, type Principal } from '../../access/principal.ts';
import type { Access, RemitPolicy } from '../../access/remit-policy.ts';
import type { ReportDefinitionHeader } from './types.ts';

/** The Access a run is cut by (the definition's purpose); PURPOSE_NOT_ALLOWED or NOT_ALLOWED when there is none. */
export function runAccess(policy: RemitPolicy, p: Principal, def: ReportDefinitionHeader): Access {
  if (!mayPerform(p, 'report.run'))
    throw new PopulusError('NOT_ALLOWED', `your role (${p.role}) may not run reports`, { operation: 'report.run' });
  // The one purpose check of the remit (RemitPolicy.check); the messages here only say more.
  const check = policy.check(p, def.purpose);
  if (p.role === 'department-officer' && p.departmentId !== def.departmentId && !check.ok) {
    throw new PopulusError(
      'NOT_ALLOWED',
      `the report ${def.id} serves ${def.departmentId} for ${def.purpose}, which is not within your remit`,
      { operation: 'report.run', reportId: def.id },
    );
  }
  if (!check.ok) {
    const held = [...policy.purposesOf(p)].sort().join(', ') || 'none';
    throw new PopulusError('PURPOSE_NOT_ALLOWED', `the report ${def.id} is produced for ${def.purpose}, which is not within your remit (yours: ${held})`, {
      purpose: def.purpose,
    });
  }
  return check.access;
}

/** Whether a principal may define (version) a report or template of this department. */
export function mayDefineFor(p: Principal, departmentId: string): boolean {
  if (!mayPerform(p, 'report.define')) return false;
  if (p.role === 'platform-admin' || p.role === 'street-admin') return true;
  return p.role === 'department-officer' && p.departmentId === departmentId;
}

/**
 * Whether a principal may see a kept run: whoever produced it, administrators of its area,
 * platform administrators — and a run made with ID numbers and phones unmasked, only whoever
 * produced it.
 */
export function maySeeRun(p: Principal, run: { readonly requestedBy: string; readonly areaCode: string; readonly unmasked: boolean }): boolean {
  if (!mayPerform(p, 'report.run')) return false;
  if (run.requestedBy === actorRef(p)) return true;
  if (run.unmasked) return false;
  if (p.role === 'platform-admin') return true;
  return p.role === 'street-admin' && p.areaCodes.some((a) => run.areaCode.startsWith(a));
}
