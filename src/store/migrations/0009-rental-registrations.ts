/**
 * Rental registrations (租赁登记, issue 9): a dwelling rented to a tenant — the person the
 * department's row is linked to — from a landlord (a name only, personal data: landlords are often
 * not residents of the street), under a registration number, for a period (start, and an end
 * unless open-ended, as public housing is). Each row is what one source reported in one import
 * batch; a later extract that reports another registration for the tenant, or (a full extract) no
 * longer lists them, ends it on its extract date (`ended_on`) instead of deleting it, so the
 * dwelling keeps its past registrations. Read by dwelling and by person.
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypes, type Dialect } from './column-types.ts';

export function rentalRegistrations(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('rental_registration')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('dwelling_id', t.uuid, (c) => c.references('dwelling.id'))
        .addColumn('person_id', t.uuid, (c) => c.notNull().references('person.id'))
        .addColumn('registration_number', t.text, (c) => c.notNull())
        .addColumn('landlord_name', t.text)
        .addColumn('start_date', t.date, (c) => c.notNull())
        .addColumn('end_date', t.date)
        .addColumn('source_id', t.text, (c) => c.notNull().references('source.id'))
        .addColumn('batch_id', t.uuid, (c) => c.notNull())
        .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
        .addColumn('ended_on', t.date)
        .addColumn('ended_batch_id', t.uuid)
        .execute();
      await db.schema.createIndex('rental_registration_dwelling').on('rental_registration').column('dwelling_id').execute();
      // The tenant's registrations, and a source's open ones for a chunk's persons.
      await db.schema.createIndex('rental_registration_person').on('rental_registration').columns(['person_id', 'source_id']).execute();
      await db.schema.createIndex('rental_registration_batch').on('rental_registration').column('batch_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('rental_registration').execute();
    },
  };
}
