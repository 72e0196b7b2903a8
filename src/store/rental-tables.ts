/**
 * Row types of migrations 0009-rental-registrations and 0014-rental-provenance, joined to the `Database` interface of
 * database.ts by module augmentation (as access-tables.ts does).
 */
export interface RentalRegistrationTable {
  id: string;
  district: string;
  dwelling_id: string | null;
  /** The tenant. */
  person_id: string;
  registration_number: string;
  landlord_name: string | null;
  start_date: string;
  end_date: string | null;
  /** The source that reported it; `manual` (or the owner's source) for one entered by hand. */
  source_id: string;
  /** The import batch that wrote it; null for one entered by hand. */
  batch_id: string | null;
  recorded_at: string;
  /** The extract date from which its source no longer reported it, or the day it was ended by hand. */
  ended_on: string | null;
  ended_batch_id: string | null;
  /** import | api */
  method: string;
  /** Entered by hand: the actor (`user:ID`, `token:ID`). */
  recorded_by: string | null;
  /** Entered by hand: the department of whoever entered it. */
  department_id: string | null;
  /** Ended by hand: the actor. */
  ended_by: string | null;
}

declare module './database.ts' {
  interface Database {
    rental_registration: RentalRegistrationTable;
  }
}
