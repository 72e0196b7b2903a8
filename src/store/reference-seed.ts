/**
 * Loads the shipped reference data (departments, code tables, elements, areas and the GB/T 2260
 * history) at migration time. Idempotent: a hash of the shipped data is kept, and only a changed
 * data set is written again. Shipped rows are upserted; rows users added (status 'local') are
 * never touched.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Area, AreaHistoryEntry, CodeEntry, CodeTable, DataElement, Department } from '../domain/standard/types.ts';
import type { Database } from './database.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';
import { elementRow, entryRow } from './standard-rows.ts';

export interface ShippedReference {
  readonly departments: readonly Department[];
  readonly codeTables: readonly CodeTable[];
  readonly entries: readonly CodeEntry[];
  readonly elements: readonly DataElement[];
  readonly areas: readonly Area[];
  readonly areaHistory: readonly AreaHistoryEntry[];
}

const STATE_KEY = 'reference-hash';

export function referenceHash(data: ShippedReference): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex');
}

async function insertChunked<T>(rows: readonly T[], size: number, write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/** Returns true when the data was (re)written, false when it was already current. */
export async function seedReference(db: Kysely<Database>, data: ShippedReference): Promise<boolean> {
  const hash = referenceHash(data);
  const current = await db.selectFrom('reference_state').select('value').where('key', '=', STATE_KEY).executeTakeFirst();
  if (current?.value === hash) return false;
  const now = nowIso();
  await db.transaction().execute(async (tx) => {
    await writeStandard(tx, data, now);
    await writeAreas(tx, data);
    await tx
      .insertInto('reference_state')
      .values({ key: STATE_KEY, value: hash })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: hash }))
      .execute();
  });
  return true;
}

async function writeStandard(tx: Db, data: ShippedReference, now: string): Promise<void> {
  await insertChunked(data.departments, 200, (chunk) =>
    tx
      .insertInto('department')
      .values(chunk.map((d) => ({ id: d.id, name_zh: d.nameZh, name_en: d.nameEn, level: d.level, status: 'standard' })))
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ name_zh: eb.ref('excluded.name_zh'), name_en: eb.ref('excluded.name_en'), level: eb.ref('excluded.level') })))
      .execute(),
  );
  await insertChunked(data.codeTables, 200, (chunk) =>
    tx
      .insertInto('code_table')
      .values(chunk.map((t) => ({ id: t.id, name_zh: t.nameZh, name_en: t.nameEn, standard: t.standard, version: t.version, source: t.source, description: t.description, status: 'standard' })))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name_zh: eb.ref('excluded.name_zh'),
          name_en: eb.ref('excluded.name_en'),
          standard: eb.ref('excluded.standard'),
          version: eb.ref('excluded.version'),
          source: eb.ref('excluded.source'),
          description: eb.ref('excluded.description'),
        })),
      )
      .execute(),
  );
  await insertChunked(data.entries, 300, (chunk) =>
    tx
      .insertInto('code_entry')
      .values(chunk.map((e) => entryRow(e, now)))
      .onConflict((oc) =>
        oc
          .columns(['table_id', 'code'])
          .doUpdateSet((eb) => ({
            name_zh: eb.ref('excluded.name_zh'),
            name_en: eb.ref('excluded.name_en'),
            parent_code: eb.ref('excluded.parent_code'),
            status: eb.ref('excluded.status'),
            valid_from: eb.ref('excluded.valid_from'),
            valid_to: eb.ref('excluded.valid_to'),
            replaced_by: eb.ref('excluded.replaced_by'),
            note: eb.ref('excluded.note'),
          }))
          .where('code_entry.status', '<>', 'local'),
      )
      .execute(),
  );
  await insertChunked(data.elements, 200, (chunk) =>
    tx
      .insertInto('data_element')
      .values(chunk.map((e) => elementRow(e, now)))
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            name_zh: eb.ref('excluded.name_zh'),
            name_en: eb.ref('excluded.name_en'),
            definition: eb.ref('excluded.definition'),
            value_type: eb.ref('excluded.value_type'),
            code_table_id: eb.ref('excluded.code_table_id'),
            sensitivity: eb.ref('excluded.sensitivity'),
            owner_department_id: eb.ref('excluded.owner_department_id'),
            freshness_days: eb.ref('excluded.freshness_days'),
            storage: eb.ref('excluded.storage'),
          }))
          .where('data_element.status', '<>', 'local'),
      )
      .execute(),
  );
}

async function writeAreas(tx: Db, data: ShippedReference): Promise<void> {
  await insertChunked(data.areas, 500, (chunk) =>
    tx
      .insertInto('area')
      .values(
        chunk.map((a) => ({
          code: a.code,
          name: a.name,
          level: a.level,
          parent_code: a.parentCode,
          status: a.status,
          start_year: a.startYear,
          end_year: a.endYear,
          successor_codes: a.successorCodes.join(';'),
          source: a.source,
        })),
      )
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          level: eb.ref('excluded.level'),
          parent_code: eb.ref('excluded.parent_code'),
          status: eb.ref('excluded.status'),
          start_year: eb.ref('excluded.start_year'),
          end_year: eb.ref('excluded.end_year'),
          successor_codes: eb.ref('excluded.successor_codes'),
          source: eb.ref('excluded.source'),
        })),
      )
      .execute(),
  );
  await insertChunked(data.areaHistory, 500, (chunk) =>
    tx
      .insertInto('area_history')
      .values(
        chunk.map((h) => ({
          code: h.code,
          start_year: h.startYear,
          name: h.name,
          level: h.level,
          status: h.status,
          end_year: h.endYear,
          successor_codes: h.successorCodes.join(';'),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['code', 'start_year']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          level: eb.ref('excluded.level'),
          status: eb.ref('excluded.status'),
          end_year: eb.ref('excluded.end_year'),
          successor_codes: eb.ref('excluded.successor_codes'),
        })),
      )
      .execute(),
  );
}
