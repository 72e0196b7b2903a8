/**
 * The residence change log (issue 8, issue 9): which persons' residences changed, in an order a
 * reader can follow. Reports, the dashboard and search read every residence of the street; a
 * process keeps those facts in memory (src/store/residence-memory.ts) and, before each read, takes
 * from this log the persons whose residences changed since its last look and reads just theirs.
 *
 * Written by triggers, so that every writer — imports, edits, merges and unmerges, rollbacks, the
 * end of residences by a full extract, and any added later — is covered without taking part.
 * - SQLite: one row per residence row inserted, updated (in a column a read uses) or deleted; a
 *   single writer at a time commits the numbers in order, so "after the last number seen" is exact.
 * - PostgreSQL: one row per person per statement (statement triggers over transition tables, so a
 *   bulk insert of thousands of residences adds one statement, not one per row), stamped with the
 *   writing transaction's id: numbers from concurrent transactions commit out of order, so a reader
 *   asks instead for every row of a transaction not yet finished when it last looked (at or above
 *   that snapshot's xmin) — see ResidenceMemory.
 * The log only grows with residence writes (the residences themselves are never deleted but by a
 * rollback): a few tens of bytes a row.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './column-types.ts';

export function residenceChangeLog(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'sqlite') {
        // AUTOINCREMENT: numbers are never reused, even if the log is emptied.
        await sql`create table residence_change (seq integer primary key autoincrement, person_id text not null)`.execute(db);
        await sql`create trigger residence_change_insert after insert on residence begin
          insert into residence_change (person_id) values (new.person_id); end`.execute(db);
        await sql`create trigger residence_change_update after update of person_id, kind, area_code, dwelling_id, valid_from, valid_to on residence begin
          insert into residence_change (person_id) values (new.person_id);
          insert into residence_change (person_id) select old.person_id where old.person_id <> new.person_id; end`.execute(db);
        await sql`create trigger residence_change_delete after delete on residence begin
          insert into residence_change (person_id) values (old.person_id); end`.execute(db);
        return;
      }
      await sql`create table residence_change (
        seq bigint generated always as identity primary key,
        xid xid8 not null default pg_current_xact_id(),
        person_id uuid not null)`.execute(db);
      await sql`create index residence_change_xid on residence_change (xid)`.execute(db);
      await sql`create function residence_change_new() returns trigger language plpgsql as $$
        begin insert into residence_change (person_id) select distinct person_id from changed_new; return null; end $$`.execute(db);
      await sql`create function residence_change_old() returns trigger language plpgsql as $$
        begin insert into residence_change (person_id) select distinct person_id from changed_old; return null; end $$`.execute(db);
      await sql`create function residence_change_both() returns trigger language plpgsql as $$
        begin insert into residence_change (person_id)
          select person_id from changed_new union select person_id from changed_old; return null; end $$`.execute(db);
      await sql`create trigger residence_change_insert after insert on residence
        referencing new table as changed_new for each statement execute function residence_change_new()`.execute(db);
      await sql`create trigger residence_change_update after update on residence
        referencing old table as changed_old new table as changed_new for each statement execute function residence_change_both()`.execute(db);
      await sql`create trigger residence_change_delete after delete on residence
        referencing old table as changed_old for each statement execute function residence_change_old()`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ['residence_change_insert', 'residence_change_update', 'residence_change_delete'])
        await sql`drop trigger if exists ${sql.raw(t)}${sql.raw(dialect === 'postgres' ? ' on residence' : '')}`.execute(db);
      if (dialect === 'postgres')
        for (const f of ['residence_change_new', 'residence_change_old', 'residence_change_both']) await sql`drop function if exists ${sql.raw(f)}()`.execute(db);
      await sql`drop table residence_change`.execute(db);
    },
  };
}
