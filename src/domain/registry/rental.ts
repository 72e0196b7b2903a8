/**
 * Rental registrations (租赁登记): a dwelling let to a tenant by a landlord under a registration
 * number for a period. The tenant is a person of the registry (the person a department's row is
 * linked to); the landlord is a name only — often not a resident of the street — and personal
 * data, masked unless the remit unmasks names. Each registration is what one source reported;
 * `endedOn` is the date the source stopped reporting it (a later extract without it, or with
 * another registration for the tenant), which leaves the registration in the dwelling's past.
 * Pure.
 */

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
  readonly sourceId: string;
  readonly batchId: string;
  readonly recordedAt: string;
  /** The extract date from which the source no longer reported it; null while it does. */
  readonly endedOn: string | null;
}

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
