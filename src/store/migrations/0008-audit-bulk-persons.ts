/**
 * The data tracker's index for entries that name many persons (a statistical report over a street
 * names every person it counted): their index rows are kept by entry — (seq, person) — instead of
 * by person, so writing one appends a run of rows at the end of a small tree rather than touching
 * a page of the person index for every person. audit_bulk_entry lists those entries, so that the
 * tracker finds a person in each with one look-up. `audit verify` checks both against the entries.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from './column-types.ts';

export function auditBulkPersons(dialect: Dialect): Migration {
  const seq = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('audit_bulk_entry')
        .addColumn('seq', seq, (c) => c.primaryKey())
        .addColumn('persons', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_bulk_person')
        .addColumn('seq', seq, (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_bulk_person_pk', ['seq', 'person_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('audit_bulk_person').execute();
      await db.schema.dropTable('audit_bulk_entry').execute();
    },
  };
}
