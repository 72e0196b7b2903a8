/**
 * Rental registrations (租赁登记): a dwelling let to a tenant by a landlord under a registration
 * number for a period. The tenant is a person of the registry (the person a department's row is
 * linked to); the landlord is a name only — often not a resident of the street — and personal
 * data, masked unless the remit unmasks names. Each registration is what one source reported;
 * `endedOn` is the date the source stopped reporting it (a later extract without it, or with
 * another registration for the tenant), which leaves the registration in the dwelling's past.
 * Registrations entered by hand (the housing page) are checked by `rentalEntryProblem`. Pure.
 */
import { isIsoDate } from '../dates.ts';

export interface RentalRegistration {
  readonly id: string;
  /** The dwelling let, when the row's actual address named one of the standard address database. */
  readonly dwellingId: string | null;
  /** The tenant. */
  readonly personId: string;
  readonly registrationNumber: string;
  readonly landlordName: string | null;
  /** The registered period: first day, and last day unless open-ended. */
  readonly startDate: string;
  readonly endDate: string | null;
  /** The source that reported it; `manual` (or the owner's source) for one entered by hand. */
  readonly sourceId: string;
  /** The import batch that wrote it; null for one entered by hand. */
  readonly batchId: string | null;
  readonly recordedAt: string;
  /** The extract date from which the source no longer reported it (or the day it was ended by hand); null while it is in force. */
  readonly endedOn: string | null;
  /** How it arrived: `import`, or `api` (entered by hand through the API or the console). */
  readonly method: RentalMethod;
  /** Entered by hand: who (an actor reference, `user:ID` / `token:ID`, never a name) and for which department. */
  readonly recordedBy: string | null;
  readonly departmentId: string | null;
  /** Ended by hand: who. */
  readonly endedBy: string | null;
}

export type RentalMethod = 'import' | 'api';

/** What a source's row says of a rental registration (src/ingest/map/map-rental.ts). */
export interface RentalFacts {
  readonly registrationNumber: string;
  readonly landlordName: string | null;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly dwellingId: string | null;
}

/** Whether a stored registration says what a row says (then the row changes nothing about it). */
export function sameRental(a: RentalFacts, b: RentalFacts): boolean {
  return (
    a.registrationNumber === b.registrationNumber &&
    a.landlordName === b.landlordName &&
    a.startDate === b.startDate &&
    a.endDate === b.endDate &&
    a.dwellingId === b.dwellingId
  );
}

/** In force on a date: within its period, and still reported by its source then. */
export function rentalInForce(r: Pick<RentalRegistration, 'startDate' | 'endDate' | 'endedOn'>, on: string): boolean {
  return r.startDate <= on && (r.endDate === null || on <= r.endDate) && (r.endedOn === null || on < r.endedOn);
}

/** Known by a date but no longer in force on it (its period over, or its source stopped reporting it). */
export function rentalPast(r: Pick<RentalRegistration, 'startDate' | 'endDate' | 'endedOn'>, on: string): boolean {
  return r.startDate <= on && !rentalInForce(r, on);
}

/**
 * A name as shown without unmasking: its first character (the surname, mostly) and a star for each
 * other one — 王** — the way Chinese public notices mask names.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  return `${chars[0] ?? ''}${'*'.repeat(chars.length - 1)}`;
}

/** What a registration entered by hand states. */
export interface RentalEntry {
  readonly registrationNumber: string;
  readonly landlordName: string | null;
  readonly startDate: string;
  readonly endDate: string | null;
}

/** A registration entered by hand, cleaned: number and landlord trimmed, an empty landlord none. */
export function cleanRentalEntry(e: { readonly registrationNumber: string; readonly landlordName?: string | null | undefined; readonly startDate: string; readonly endDate?: string | null | undefined }): RentalEntry {
  const landlord = (e.landlordName ?? '').trim();
  return { registrationNumber: e.registrationNumber.trim(), landlordName: landlord === '' ? null : landlord, startDate: e.startDate, endDate: e.endDate ?? null };
}

/** Why a registration entered by hand cannot be recorded, or undefined when it can (the API's and the console's one rule). */
export function rentalEntryProblem(e: RentalEntry): { readonly field: keyof RentalEntry; readonly code: 'INVALID_VALUE' | 'CONFLICTING_PERIOD'; readonly message: string } | undefined {
  if (e.registrationNumber === '') return { field: 'registrationNumber', code: 'INVALID_VALUE', message: 'a rental registration needs its registration number (租赁登记号)' };
  if (!isIsoDate(e.startDate)) return { field: 'startDate', code: 'INVALID_VALUE', message: `startDate ${e.startDate} is not a date (YYYY-MM-DD)` };
  if (e.endDate !== null && !isIsoDate(e.endDate)) return { field: 'endDate', code: 'INVALID_VALUE', message: `endDate ${e.endDate} is not a date (YYYY-MM-DD)` };
  if (e.endDate !== null && e.endDate < e.startDate) return { field: 'endDate', code: 'CONFLICTING_PERIOD', message: `the registered period ends (${e.endDate}) before it begins (${e.startDate})` };
  return undefined;
}

/** A registration is open (may be ended, and blocks another with its number at its dwelling) until it is ended. */
export function rentalOpen(r: Pick<RentalRegistration, 'endedOn'>): boolean {
  return r.endedOn === null;
}
