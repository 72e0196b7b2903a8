/**
 * Transaction time for what reports read (issue 8: "a report as of a past date gives exactly what
 * the record said then, so a monthly report can be reproduced a year later").
 *
 * Observations were already bitemporal (valid time `observed_at`, transaction time `recorded_at`,
 * append-only). What was not: the rows that are changed in place — a residence or a household
 * membership ended (its `valid_to` written), a row moved to another person by a merge or back by
 * an unmerge, a dwelling's housing use changed, rows deleted by the rollback of an import. Each of
 * those tables gets a `<table>_past` table holding every version a change replaced: the row as it
 * was, and when it stopped being the record (`superseded_at`). A row's versions in transaction
 * time are then: from its recorded (created) time to its first past version's `superseded_at`, the
 * first past version; … ; after the last one, the row as it is now (none, when deleted). What the
 * record said at instant T is, for each row recorded by T, the earliest version superseded after T,
 * or the row itself when none was (src/store/report.repository.ts, `knownAs`).
 *
 * Written by triggers, so that every writer — imports, edits, merges and unmerges, rollbacks, and
 * any added later — is covered without taking part; inserts are not touched (an import's bulk
 * writes cost nothing more). An update that leaves the copied columns as they were writes nothing.
 * - SQLite: row triggers; the time is SQLite's clock, in the ISO form the application writes.
 * - PostgreSQL: statement triggers over transition tables (a rollback or an extract's ends add one
 *   statement, not one per row); the time is clock_timestamp() at the change.
 * Person-level state (merged away or not) is read from the merge records (person_merge: created_at,
 * undone_at), which already keep when.
 *
 * Also: a kept report run records the instant its record was read (`report_run.known_at`), so
 * that it can be reproduced as known then.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './column-types.ts';

/** A table whose superseded versions are kept: its key, the column that says when a row was recorded, the columns copied. */
export interface VersionedTable {
  readonly table: string;
  /** When the row entered the record (the first version's start in transaction time). */
  readonly recorded: string;
  /** Every column copied into the past table, with its PostgreSQL type (the key `id` first). */
  readonly columns: readonly (readonly [name: string, pgType: string])[];
}

/** The tables reports read that are changed in place, and the columns of theirs a past version keeps. */
export const VERSIONED_TABLES: readonly VersionedTable[] = [
  {
    table: 'residence',
    recorded: 'recorded_at',
    columns: [
      ['id', 'uuid'],
      ['person_id', 'uuid'],
      ['kind', 'text'],
      ['dwelling_id', 'uuid'],
      ['area_code', 'text'],
      ['address_text', 'text'],
      ['valid_from', 'date'],
      ['valid_to', 'date'],
      ['recorded_at', 'timestamptz'],
    ],
  },
  {
    table: 'household_member',
    recorded: 'created_at',
    columns: [
      ['id', 'uuid'],
      ['household_id', 'uuid'],
      ['person_id', 'uuid'],
      ['relationship', 'text'],
      ['valid_from', 'date'],
      ['valid_to', 'date'],
      ['created_at', 'timestamptz'],
    ],
  },
  {
    table: 'identifier',
    recorded: 'recorded_at',
    columns: [
      ['id', 'uuid'],
      ['person_id', 'uuid'],
      ['type', 'text'],
      ['number', 'text'],
      ['issuing_country', 'text'],
      ['valid_from', 'date'],
      ['valid_to', 'date'],
      ['recorded_at', 'timestamptz'],
    ],
  },
  {
    table: 'observation',
    recorded: 'recorded_at',
    columns: [
      ['id', 'bigint'],
      ['person_id', 'uuid'],
      ['element_id', 'text'],
      ['value', 'text'],
      ['source_id', 'text'],
      ['observed_at', 'date'],
      ['recorded_at', 'timestamptz'],
    ],
  },
  {
    table: 'dwelling',
    recorded: 'created_at',
    columns: [
      ['id', 'uuid'],
      ['building_id', 'uuid'],
      ['unit', 'text'],
      ['room', 'text'],
      ['housing_use', 'text'],
      ['created_at', 'timestamptz'],
    ],
  },
];

/** The copied columns a change can alter (all but the key and the recorded time). */
const changeable = (t: VersionedTable): string[] => t.columns.map(([c]) => c).filter((c) => c !== 'id' && c !== t.recorded);

async function createSqlite(db: Kysely<unknown>, t: VersionedTable): Promise<void> {
  const cols = t.columns.map(([c]) => c);
  const defs = cols.map((c) => `${c} ${c === 'id' && t.table === 'observation' ? 'integer' : 'text'}`).join(', ');
  await sql.raw(`create table ${t.table}_past (seq integer primary key autoincrement, ${defs}, superseded_at text not null)`).execute(db);
  await sql.raw(`create index ${t.table}_past_id on ${t.table}_past (id, superseded_at)`).execute(db);
  const keep = `insert into ${t.table}_past (${cols.join(', ')}, superseded_at) values (${cols.map((c) => `old.${c}`).join(', ')}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));`;
  const moved = changeable(t);
  await sql
    .raw(
      `create trigger ${t.table}_past_update after update of ${moved.join(', ')} on ${t.table} when ${moved.map((c) => `old.${c} is not new.${c}`).join(' or ')} begin ${keep} end`,
    )
    .execute(db);
  await sql.raw(`create trigger ${t.table}_past_delete after delete on ${t.table} begin ${keep} end`).execute(db);
}

async function createPostgres(db: Kysely<unknown>, t: VersionedTable): Promise<void> {
  const cols = t.columns.map(([c]) => c);
  const defs = t.columns.map(([c, type]) => `${c} ${type}`).join(', ');
  await sql
    .raw(`create table ${t.table}_past (seq bigint generated always as identity primary key, ${defs}, superseded_at timestamptz not null)`)
    .execute(db);
  await sql.raw(`create index ${t.table}_past_id on ${t.table}_past (id, superseded_at)`).execute(db);
  const list = cols.join(', ');
  const from = (alias: string): string => cols.map((c) => `${alias}.${c}`).join(', ');
  const moved = changeable(t);
  await sql
    .raw(
      `create function ${t.table}_past_update() returns trigger language plpgsql as $$ begin
        insert into ${t.table}_past (${list}, superseded_at)
          select ${from('o')}, clock_timestamp() from changed_old o join changed_new n on n.id = o.id
          where (${moved.map((c) => `o.${c}`).join(', ')}) is distinct from (${moved.map((c) => `n.${c}`).join(', ')});
        return null; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create function ${t.table}_past_delete() returns trigger language plpgsql as $$ begin
        insert into ${t.table}_past (${list}, superseded_at) select ${from('o')}, clock_timestamp() from changed_old o;
        return null; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger ${t.table}_past_update after update on ${t.table}
        referencing old table as changed_old new table as changed_new for each statement execute function ${t.table}_past_update()`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger ${t.table}_past_delete after delete on ${t.table}
        referencing old table as changed_old for each statement execute function ${t.table}_past_delete()`,
    )
    .execute(db);
}

export function transactionTime(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const t of VERSIONED_TABLES) await (dialect === 'sqlite' ? createSqlite(db, t) : createPostgres(db, t));
      await db.schema
        .alterTable('report_run')
        .addColumn('known_at', dialect === 'postgres' ? 'timestamptz' : 'text')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('report_run').dropColumn('known_at').execute();
      for (const t of VERSIONED_TABLES) {
        for (const what of ['update', 'delete']) {
          await sql.raw(`drop trigger if exists ${t.table}_past_${what}${dialect === 'postgres' ? ` on ${t.table}` : ''}`).execute(db);
          if (dialect === 'postgres') await sql.raw(`drop function if exists ${t.table}_past_${what}()`).execute(db);
        }
        await sql.raw(`drop table ${t.table}_past`).execute(db);
      }
    },
  };
}
