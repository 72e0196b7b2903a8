/**
 * Rental registrations entered by hand (issue 9's housing page): a registration now records how it
 * arrived, as an observation does — `method` (`import`, or `api` for one entered through the API or
 * the console), who entered it (`recorded_by`, an actor reference `user:ID` / `token:ID`, never a
 * name), for which department (`department_id`), and who ended it by hand (`ended_by`). A manual
 * entry names the pseudo-source `manual` (or the owner's source, for the department that owns the
 * actual residence) as observations and current values do, and belongs to no import batch: so the
 * foreign key from `source_id` to `source` goes (observations have none either) and `batch_id`
 * may be null. Rows written before keep `method = 'import'`.
 *
 * SQLite cannot drop a column constraint: the table is rebuilt (nothing refers to it) and its
 * indexes made again. PostgreSQL alters it in place.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './column-types.ts';

const OLD_COLUMNS =
  'id, district, dwelling_id, person_id, registration_number, landlord_name, start_date, end_date, source_id, batch_id, recorded_at, ended_on, ended_batch_id';

export function rentalProvenance(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') {
        await sql`alter table rental_registration drop constraint if exists rental_registration_source_id_fkey`.execute(db);
        await sql`alter table rental_registration alter column batch_id drop not null`.execute(db);
        await sql`alter table rental_registration
          add column method text not null default 'import',
          add column recorded_by text,
          add column department_id text,
          add column ended_by text`.execute(db);
      } else {
        await sql`create table rental_registration_next (
          id text primary key,
          district text not null,
          dwelling_id text references dwelling (id),
          person_id text not null references person (id),
          registration_number text not null,
          landlord_name text,
          start_date text not null,
          end_date text,
          source_id text not null,
          batch_id text,
          recorded_at text not null,
          ended_on text,
          ended_batch_id text,
          method text not null default 'import',
          recorded_by text,
          department_id text,
          ended_by text)`.execute(db);
        await sql`insert into rental_registration_next (${sql.raw(OLD_COLUMNS)}) select ${sql.raw(OLD_COLUMNS)} from rental_registration`.execute(db);
        await sql`drop table rental_registration`.execute(db);
        await sql`alter table rental_registration_next rename to rental_registration`.execute(db);
        await db.schema.createIndex('rental_registration_dwelling').on('rental_registration').column('dwelling_id').execute();
        await db.schema.createIndex('rental_registration_person').on('rental_registration').columns(['person_id', 'source_id']).execute();
        await db.schema.createIndex('rental_registration_batch').on('rental_registration').column('batch_id').execute();
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const c of ['method', 'recorded_by', 'department_id', 'ended_by']) await db.schema.alterTable('rental_registration').dropColumn(c).execute();
    },
  };
}
