/**
 * Sources and the import pipeline: department systems with the elements they own, versioned
 * mapping profiles, import batches with their rejected rows, the source records linked to
 * persons, review items (conflicts, possible matches), and the status of each current value.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, type Dialect } from './column-types.ts';

export function ingest(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('source')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('department_id', t.text, (c) => c.notNull().references('department.id'))
        .addColumn('name_zh', t.text, (c) => c.notNull())
        .addColumn('name_en', t.text, (c) => c.notNull())
        .addColumn('level', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('source_element')
        .addColumn('source_id', t.text, (c) => c.notNull().references('source.id'))
        .addColumn('element_id', t.text, (c) => c.notNull().references('data_element.id'))
        .addPrimaryKeyConstraint('source_element_pk', ['source_id', 'element_id'])
        .execute();
      await db.schema.createIndex('source_element_element').on('source_element').column('element_id').execute();

      await db.schema
        .createTable('mapping_profile')
        .addColumn('source_id', t.text, (c) => c.notNull().references('source.id'))
        .addColumn('version', t.int, (c) => c.notNull())
        .addColumn('profile', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('mapping_profile_pk', ['source_id', 'version'])
        .execute();

      await db.schema
        .createTable('import_batch')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('source_id', t.text, (c) => c.notNull().references('source.id'))
        .addColumn('profile_version', t.int, (c) => c.notNull())
        .addColumn('file_name', t.text, (c) => c.notNull())
        .addColumn('file_sha256', t.text, (c) => c.notNull())
        .addColumn('extract', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('rows_read', t.int, (c) => c.notNull())
        .addColumn('rows_rejected', t.int, (c) => c.notNull())
        .addColumn('rows_unchanged', t.int, (c) => c.notNull())
        .addColumn('persons_created', t.int, (c) => c.notNull())
        .addColumn('persons_linked', t.int, (c) => c.notNull())
        .addColumn('records_ended', t.int, (c) => c.notNull())
        .addColumn('conflicts', t.int, (c) => c.notNull())
        .addColumn('observed_at', t.date)
        .addColumn('last_row', t.int, (c) => c.notNull())
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('finished_at', t.timestamp)
        .addColumn('error', t.text)
        .execute();
      await db.schema.createIndex('import_batch_source').on('import_batch').columns(['source_id', 'started_at']).execute();

      await db.schema
        .createTable('rejected_row')
        .addColumn('batch_id', t.uuid, (c) => c.notNull().references('import_batch.id'))
        .addColumn('row', t.int, (c) => c.notNull())
        .addColumn('column', t.text)
        .addColumn('value', t.text)
        .addColumn('reason', t.text, (c) => c.notNull())
        .addColumn('message', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rejected_row_batch').on('rejected_row').columns(['batch_id', 'row']).execute();

      await db.schema
        .createTable('source_record')
        .addColumn('source_id', t.text, (c) => c.notNull().references('source.id'))
        .addColumn('record_key', t.text, (c) => c.notNull())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('person_id', t.uuid, (c) => c.references('person.id'))
        .addColumn('link_rule', t.text)
        .addColumn('row_hash', t.text, (c) => c.notNull())
        .addColumn('first_batch_id', t.uuid, (c) => c.notNull())
        .addColumn('last_batch_id', t.uuid, (c) => c.notNull())
        .addColumn('ended_at', t.timestamp)
        .addColumn('ended_batch_id', t.uuid)
        .addPrimaryKeyConstraint('source_record_pk', ['source_id', 'record_key'])
        .execute();
      await db.schema.createIndex('source_record_person').on('source_record').column('person_id').execute();
      await db.schema.createIndex('source_record_batch').on('source_record').columns(['source_id', 'last_batch_id']).execute();

      await db.schema
        .createTable('review_item')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('kind', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('person_id', t.uuid, (c) => c.references('person.id'))
        .addColumn('element_id', t.text)
        .addColumn('source_id', t.text)
        .addColumn('detail', t.text, (c) => c.notNull())
        .addColumn('batch_id', t.uuid)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('resolved_at', t.timestamp)
        .execute();
      await db.schema.createIndex('review_item_open').on('review_item').columns(['status', 'kind']).execute();
      await db.schema.createIndex('review_item_person').on('review_item').columns(['person_id', 'element_id']).execute();

      await db.schema.alterTable('person_value').addColumn('status', t.text, (c) => c.notNull().defaultTo(sql`'unconfirmed'`)).execute();
      await db.schema.createIndex('observation_batch').on('observation').column('batch_id').execute();
      // Linking looks numbers up whatever their type.
      await db.schema.createIndex('identifier_by_number').on('identifier').column('number').execute();
      // Which source reported a residence: the household register owns the registered address, others the actual one.
      await db.schema.alterTable('residence').addColumn('source_id', t.text).execute();
      // Which import batch wrote or ended a row, so an interrupted import can be rolled back.
      await db.schema.alterTable('residence').addColumn('batch_id', t.uuid).execute();
      await db.schema.alterTable('residence').addColumn('ended_batch_id', t.uuid).execute();
      await db.schema.alterTable('identifier').addColumn('batch_id', t.uuid).execute();
      await db.schema.alterTable('person').addColumn('batch_id', t.uuid).execute();
      await db.schema.alterTable('household').addColumn('batch_id', t.uuid).execute();
      await db.schema.alterTable('household_member').addColumn('source_id', t.text).execute();
      await db.schema.alterTable('household_member').addColumn('batch_id', t.uuid).execute();
      await db.schema.alterTable('household_member').addColumn('ended_batch_id', t.uuid).execute();
    },
  };
}
