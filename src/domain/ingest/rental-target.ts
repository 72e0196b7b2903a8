/**
 * The `rental` target of a mapping profile: columns that together state a rental registration
 * (租赁登记) of the row's tenant. The registration number and the first day are needed; the
 * landlord's name and the last day (open-ended without it, as public housing often is) are
 * optional. The dwelling is the one the row's actual address names, so a profile mapping rentals
 * maps the actual address too.
 */
import type { ColumnMapping, ProfileProblem } from './profile.ts';

export const RENTAL_PARTS = ['registrationNumber', 'landlordName', 'startDate', 'endDate'] as const;
export type RentalPart = (typeof RENTAL_PARTS)[number];

const NEEDED: readonly RentalPart[] = ['registrationNumber', 'startDate'];

/** The problems of a profile's rental columns (none when it maps no rental). */
export function checkRentalColumns(columns: readonly ColumnMapping[]): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const seen = new Set<RentalPart>();
  for (const [i, c] of columns.entries()) {
    if (!('rental' in c.target)) continue;
    const part = c.target.rental;
    if (!RENTAL_PARTS.includes(part)) {
      problems.push({ path: `columns[${i}].target.rental`, message: `a rental column is one of ${RENTAL_PARTS.join(', ')}` });
      continue;
    }
    if (seen.has(part)) problems.push({ path: `columns[${i}].target.rental`, message: `the rental's ${part} is mapped twice` });
    if (c.codeMap !== undefined) problems.push({ path: `columns[${i}].codeMap`, message: 'rental columns take no code map' });
    seen.add(part);
  }
  if (seen.size === 0) return problems;
  for (const part of NEEDED) if (!seen.has(part)) problems.push({ path: 'columns', message: `a rental registration needs its ${part} column` });
  if (!columns.some((c) => 'residence' in c.target && c.target.residence === 'actual' && c.target.part === 'address')) {
    problems.push({ path: 'columns', message: 'rental columns need the actual address column (residence actual, part address): it names the dwelling let' });
  }
  return problems;
}

/** Whether a profile maps rental registrations. */
export function mapsRentals(columns: readonly ColumnMapping[]): boolean {
  return columns.some((c) => 'rental' in c.target);
}
