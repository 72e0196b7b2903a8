/**
 * The data tracker's index of recent entries, kept in the order they are written (issue 6).
 *
 * audit_person is keyed by (person, seq): each read names a random person, so each entry written
 * touched a random page of it — about 1.3 of the ~2.4 pages a read's entry wrote (a page split
 * now and then), most of a group commit's WAL. New index rows now go to audit_person_recent,
 * keyed by (seq, person): a commit appends them to the same last page. Once `audit_head.unfolded`
 * rows have gathered there, they are folded into audit_person in one sorted pass (the rows of a
 * person's page written together, once per fold instead of once per entry) and the recent table
 * is emptied, under the head's lock. A read by person looks in both (the recent table is small).
 * SQLite keeps the recent rows in the key's order alone (WITHOUT ROWID); PostgreSQL has no such
 * table but takes the same layout, so both backends run the same code.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './column-types.ts';

export function auditRecentPersons(dialect: Dialect): Migration {
  const seq = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let table = db.schema
        .createTable('audit_person_recent')
        .addColumn('seq', seq, (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_person_recent_pk', ['seq', 'person_id']);
      if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
      await table.execute();
      // How many rows wait in audit_person_recent (the fold's trigger); moved with the head.
      await db.schema
        .alterTable('audit_head')
        .addColumn('unfolded', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`insert into audit_person (person_id, seq) select person_id, seq from audit_person_recent`.execute(db);
      await db.schema.dropTable('audit_person_recent').execute();
      await db.schema.alterTable('audit_head').dropColumn('unfolded').execute();
    },
  };
}
