/**
 * The foundation: the data standard (departments, code tables, elements), the area tree and its
 * GB/T 2260 history, housing, households, persons with identifiers, current values, observations
 * and residences. Person-scoped tables carry `district` (6-digit county code), the distribution
 * key for sharding PostgreSQL by district later.
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypes, type Dialect } from './column-types.ts';

export function foundation(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('reference_state')
        .addColumn('key', t.text, (c) => c.primaryKey())
        .addColumn('value', t.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('department')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('name_zh', t.text, (c) => c.notNull())
        .addColumn('name_en', t.text, (c) => c.notNull())
        .addColumn('level', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('code_table')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('name_zh', t.text, (c) => c.notNull())
        .addColumn('name_en', t.text, (c) => c.notNull())
        .addColumn('standard', t.text, (c) => c.notNull())
        .addColumn('version', t.text, (c) => c.notNull())
        .addColumn('source', t.text, (c) => c.notNull())
        .addColumn('description', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('code_entry')
        .addColumn('table_id', t.text, (c) => c.notNull().references('code_table.id'))
        .addColumn('code', t.text, (c) => c.notNull())
        .addColumn('name_zh', t.text, (c) => c.notNull())
        .addColumn('name_en', t.text)
        .addColumn('parent_code', t.text)
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('valid_from', t.date)
        .addColumn('valid_to', t.date)
        .addColumn('replaced_by', t.text)
        .addColumn('note', t.text)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('code_entry_pk', ['table_id', 'code'])
        .execute();
      await db.schema.createIndex('code_entry_name').on('code_entry').columns(['table_id', 'name_zh']).execute();

      await db.schema
        .createTable('data_element')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('name_zh', t.text, (c) => c.notNull())
        .addColumn('name_en', t.text, (c) => c.notNull())
        .addColumn('definition', t.text, (c) => c.notNull())
        .addColumn('value_type', t.text, (c) => c.notNull())
        .addColumn('code_table_id', t.text, (c) => c.references('code_table.id'))
        .addColumn('sensitivity', t.text, (c) => c.notNull())
        .addColumn('owner_department_id', t.text, (c) => c.notNull().references('department.id'))
        .addColumn('freshness_days', t.int)
        .addColumn('storage', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('valid_from', t.date)
        .addColumn('valid_to', t.date)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('area')
        .addColumn('code', t.text, (c) => c.primaryKey())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('level', t.text, (c) => c.notNull())
        .addColumn('parent_code', t.text)
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('start_year', t.int)
        .addColumn('end_year', t.int)
        .addColumn('successor_codes', t.text, (c) => c.notNull())
        .addColumn('source', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('area_parent').on('area').column('parent_code').execute();
      await db.schema.createIndex('area_name').on('area').column('name').execute();

      await db.schema
        .createTable('area_history')
        .addColumn('code', t.text, (c) => c.notNull())
        .addColumn('start_year', t.int, (c) => c.notNull())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('level', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('end_year', t.int)
        .addColumn('successor_codes', t.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('area_history_pk', ['code', 'start_year'])
        .execute();

      await db.schema
        .createTable('building')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('area_code', t.text, (c) => c.notNull().references('area.code'))
        .addColumn('road', t.text, (c) => c.notNull())
        .addColumn('lane', t.text, (c) => c.notNull())
        .addColumn('number', t.text, (c) => c.notNull())
        .addColumn('name', t.text)
        .addColumn('kind', t.text)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('building_address', ['area_code', 'road', 'lane', 'number'])
        .execute();

      await db.schema
        .createTable('dwelling')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('building_id', t.uuid, (c) => c.notNull().references('building.id'))
        .addColumn('unit', t.text, (c) => c.notNull())
        .addColumn('room', t.text, (c) => c.notNull())
        .addColumn('housing_use', t.text)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('dwelling_address', ['building_id', 'unit', 'room'])
        .execute();

      await db.schema
        .createTable('person')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('merged_into', t.uuid, (c) => c.references('person.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('household')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('household_no', t.text)
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('area_code', t.text, (c) => c.notNull().references('area.code'))
        .addColumn('dwelling_id', t.uuid, (c) => c.references('dwelling.id'))
        .addColumn('address_text', t.text)
        .addColumn('registration_category', t.text)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('household_no').on('household').column('household_no').execute();
      await db.schema.createIndex('household_dwelling').on('household').column('dwelling_id').execute();

      await db.schema
        .createTable('household_member')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('household_id', t.uuid, (c) => c.notNull().references('household.id'))
        .addColumn('person_id', t.uuid, (c) => c.notNull().references('person.id'))
        .addColumn('relationship', t.text, (c) => c.notNull())
        .addColumn('valid_from', t.date)
        .addColumn('valid_to', t.date)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('household_member_household').on('household_member').column('household_id').execute();
      await db.schema.createIndex('household_member_person').on('household_member').column('person_id').execute();

      await db.schema
        .createTable('person_value')
        .addColumn('person_id', t.uuid, (c) => c.notNull().references('person.id'))
        .addColumn('element_id', t.text, (c) => c.notNull().references('data_element.id'))
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('value', t.text, (c) => c.notNull())
        .addColumn('source_id', t.text)
        .addColumn('method', t.text, (c) => c.notNull())
        .addColumn('observed_at', t.date)
        .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('person_value_pk', ['person_id', 'element_id'])
        .execute();
      await db.schema.createIndex('person_value_lookup').on('person_value').columns(['element_id', 'value']).execute();

      const observation = db.schema.createTable('observation');
      await (dialect === 'postgres'
        ? observation.addColumn('id', t.serial, (c) => c.primaryKey())
        : observation.addColumn('id', t.serial, (c) => c.primaryKey().autoIncrement())
      )
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('person_id', t.uuid, (c) => c.notNull().references('person.id'))
        .addColumn('element_id', t.text, (c) => c.notNull().references('data_element.id'))
        .addColumn('value', t.text)
        .addColumn('source_id', t.text)
        .addColumn('method', t.text, (c) => c.notNull())
        .addColumn('observed_at', t.date)
        .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
        .addColumn('batch_id', t.text)
        .addColumn('collector', t.text)
        .execute();
      await db.schema.createIndex('observation_person').on('observation').columns(['person_id', 'element_id']).execute();

      await db.schema
        .createTable('identifier')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('person_id', t.uuid, (c) => c.notNull().references('person.id'))
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('number', t.text, (c) => c.notNull())
        .addColumn('issuing_country', t.text, (c) => c.notNull())
        .addColumn('issuing_area', t.text)
        .addColumn('valid_from', t.date)
        .addColumn('valid_to', t.date)
        .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('identifier_number', ['type', 'issuing_country', 'number'])
        .execute();
      await db.schema.createIndex('identifier_person').on('identifier').column('person_id').execute();

      await db.schema
        .createTable('residence')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('person_id', t.uuid, (c) => c.notNull().references('person.id'))
        .addColumn('kind', t.text, (c) => c.notNull())
        .addColumn('dwelling_id', t.uuid, (c) => c.references('dwelling.id'))
        .addColumn('area_code', t.text, (c) => c.notNull())
        .addColumn('address_text', t.text)
        .addColumn('valid_from', t.date)
        .addColumn('valid_to', t.date)
        .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('residence_person').on('residence').column('person_id').execute();
      await db.schema.createIndex('residence_dwelling').on('residence').column('dwelling_id').execute();
      await db.schema.createIndex('residence_area').on('residence').columns(['area_code', 'kind']).execute();
    },
  };
}
