/**
 * Row types of migration 0009-rental-registrations, joined to the `Database` interface of
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
  source_id: string;
  batch_id: string;
  recorded_at: string;
  /** The extract date from which its source no longer reported it. */
  ended_on: string | null;
  ended_batch_id: string | null;
}

declare module './database.ts' {
  interface Database {
    rental_registration: RentalRegistrationTable;
  }
}
