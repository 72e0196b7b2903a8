/**
 * A whole area's reads from indexes alone (issue 8):
 * - Residences: the report engine, the dashboard and search screening read, for every person, the
 *   distinct residence facts in force on a date (person, kind, area, dwelling, validity) — several
 *   sources often report the same one. An index on exactly those columns, person first, answers
 *   that read without touching the table and hands the rows over grouped by person and without
 *   repeats (no sort for DISTINCT). Person first, it also serves every look-up by person, so the
 *   index on the person alone goes.
 * - Current values: reports read an element's values for the whole street (every birth date, say).
 *   The look-up index by element and value gains the person, so that read is the index alone instead
 *   of a table row fetched per value; finding persons by a value (a name's beginning) is served as
 *   before.
 * Same number of indexes as before: writes pay a little width, not another index.
 */
import type { Kysely, Migration } from 'kysely';

export function coveringIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('residence_facts')
        .on('residence')
        .columns(['person_id', 'kind', 'area_code', 'dwelling_id', 'valid_from', 'valid_to'])
        .execute();
      await db.schema.dropIndex('residence_person').execute();
      await db.schema.dropIndex('person_value_lookup').execute();
      await db.schema.createIndex('person_value_lookup').on('person_value').columns(['element_id', 'value', 'person_id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('person_value_lookup').execute();
      await db.schema.createIndex('person_value_lookup').on('person_value').columns(['element_id', 'value']).execute();
      await db.schema.createIndex('residence_person').on('residence').column('person_id').execute();
      await db.schema.dropIndex('residence_facts').execute();
    },
  };
}
