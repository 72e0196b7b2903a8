/**
 * What an import left in the database, table by table: the rows it stored for the extract rows it
 * read. The `ingest` benchmark sets the count beside the bulk insert's rate, so that its ratio to the
 * bulk insert can be read two ways — per extract row (the figure) and per row the
 * pipeline's model stores (observations, current values, change events, source records…).
 */
import { sql } from 'kysely';
import type { Store } from '../../src/store/store.ts';

/** The tables an import writes (reference data, areas and the housing register are loaded before it). */
export const IMPORT_TABLES = [
  'observation',
  'person_value',
  'change_event',
  'source_record',
  'residence',
  'residence_change',
  'identifier',
  'person',
  'household',
  'household_member',
  'rental_registration',
  'review_item',
  'match_link',
  'rejected_row',
] as const;

export async function storedRows(store: Store): Promise<{ table: string; rows: number }[]> {
  const out: { table: string; rows: number }[] = [];
  for (const table of IMPORT_TABLES) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
    out.push({ table, rows: Number(r.rows[0]?.n ?? 0) });
  }
  return out.sort((a, b) => b.rows - a.rows);
}
