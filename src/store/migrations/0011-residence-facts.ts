/**
 * The residences of a whole area read in one index (issue 8): the report engine, the dashboard
 * and search screening read, for every person, the distinct residence facts in force on a date
 * (person, kind, area, dwelling, validity) — several sources often report the same one. An index
 * on exactly those columns, person first, answers that read without touching the table and hands
 * the rows over already grouped by person and without repeats (no sort for DISTINCT). Person
 * first, it also serves every look-up by person, so the index on the person alone goes.
 */
import type { Kysely, Migration } from 'kysely';

export function residenceFacts(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('residence_facts')
        .on('residence')
        .columns(['person_id', 'kind', 'area_code', 'dwelling_id', 'valid_from', 'valid_to'])
        .execute();
      await db.schema.dropIndex('residence_person').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('residence_person').on('residence').column('person_id').execute();
      await db.schema.dropIndex('residence_facts').execute();
    },
  };
}
