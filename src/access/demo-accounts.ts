/**
 * The accounts `populus serve` creates beside the demo street, so that a newcomer can log in at
 * once: one per kind of user, all with one password (POPULUS_DEMO_PASSWORD, or generated and
 * printed once). Created only when the database has no users at all.
 */
import { randomBytes } from 'node:crypto';
import type { IdentityService, NewUser } from './identity.service.ts';

export interface DemoAccounts {
  readonly password: string;
  readonly users: readonly { readonly username: string; readonly role: string; readonly scope: string }[];
}

export function demoAccountSpecs(homeArea: string): Omit<NewUser, 'password'>[] {
  const committee = `${homeArea}001`;
  return [
    { username: 'admin', displayName: '平台管理员', role: 'platform-admin' },
    { username: 'street', displayName: '街道人口办', role: 'street-admin', areaCodes: [homeArea], departmentId: 'street-population-office' },
    { username: 'committee', displayName: '居委会社工', role: 'committee-worker', areaCodes: [committee], departmentId: 'street-population-office' },
    { username: 'police', displayName: '派出所户籍民警', role: 'department-officer', departmentId: 'police-household' },
    { username: 'civil', displayName: '民政科', role: 'department-officer', departmentId: 'civil-affairs' },
    { username: 'family', displayName: '计生办', role: 'department-officer', departmentId: 'health-family-planning' },
    { username: 'auditor', displayName: '审计员', role: 'auditor' },
  ];
}

/** Creates the demo accounts when there are no users; returns them, or undefined when users exist. */
export async function createDemoAccounts(identity: IdentityService, homeArea: string, password: string): Promise<DemoAccounts | undefined> {
  if ((await identity.listUsers()).length > 0) return undefined;
  const pw = password !== '' ? password : randomBytes(12).toString('base64url');
  const users = [];
  for (const spec of demoAccountSpecs(homeArea)) {
    await identity.createUser({ ...spec, password: pw });
    users.push({ username: spec.username, role: spec.role, scope: [...(spec.areaCodes ?? []), spec.departmentId ?? ''].join(' ').trim() });
  }
  return { password: pw, users };
}
