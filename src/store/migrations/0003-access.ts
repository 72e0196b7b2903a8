/**
 * Access control: console users with their role and scope, API tokens of department systems,
 * console sessions, and the hash-chained audit log (entries, a per-person index for the data
 * tracker, the chain head, and the checkpoints that retention pruning leaves behind).
 *
 * Audit entries are append-only: triggers refuse UPDATE, and refuse DELETE unless the pruning
 * transaction has opened the gate (a row in audit_prune_gate). The triggers stop accidents; the
 * hash chain is what detects deliberate tampering by someone who can drop them.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, type Dialect } from './column-types.ts';

export function access(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  /** Audit sequence numbers are 64-bit on PostgreSQL (SQLite integers always are). */
  const seq = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('app_user')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('username', t.text, (c) => c.notNull().unique())
        .addColumn('display_name', t.text, (c) => c.notNull())
        .addColumn('password_hash', t.text, (c) => c.notNull())
        .addColumn('department_id', t.text, (c) => c.references('department.id'))
        .addColumn('role', t.text, (c) => c.notNull())
        .addColumn('area_codes', t.text, (c) => c.notNull())
        .addColumn('building_ids', t.text, (c) => c.notNull())
        .addColumn('person_id', t.uuid)
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('failed_logins', t.int, (c) => c.notNull())
        .addColumn('locked_until', t.timestamp)
        .addColumn('totp_secret', t.text)
        .addColumn('totp_last_step', t.int)
        .addColumn('password_changed_at', t.timestamp, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('app_user_department').on('app_user').column('department_id').execute();

      await db.schema
        .createTable('api_token')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('department_id', t.text, (c) => c.notNull().references('department.id'))
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('purposes', t.text, (c) => c.notNull())
        .addColumn('token_hash', t.text, (c) => c.notNull().unique())
        .addColumn('created_by', t.text)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_used_at', t.timestamp)
        .addColumn('revoked_at', t.timestamp)
        .execute();
      await db.schema.createIndex('api_token_department').on('api_token').column('department_id').execute();

      await db.schema
        .createTable('console_session')
        .addColumn('id_hash', t.text, (c) => c.primaryKey())
        .addColumn('user_id', t.uuid, (c) => c.notNull().references('app_user.id'))
        .addColumn('stage', t.text, (c) => c.notNull())
        .addColumn('csrf_secret', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_seen_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('console_session_user').on('console_session').column('user_id').execute();

      await db.schema
        .createTable('audit_entry')
        .addColumn('seq', seq, (c) => c.primaryKey())
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .addColumn('actor', t.text, (c) => c.notNull())
        .addColumn('department_id', t.text)
        .addColumn('role', t.text)
        .addColumn('purpose', t.text, (c) => c.notNull())
        .addColumn('action', t.text, (c) => c.notNull())
        .addColumn('person_ids', t.text, (c) => c.notNull())
        .addColumn('element_ids', t.text, (c) => c.notNull())
        .addColumn('result', t.text, (c) => c.notNull())
        .addColumn('request_id', t.text)
        .addColumn('detail', t.text)
        .addColumn('prev_hash', t.text, (c) => c.notNull())
        .addColumn('hash', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_entry_at').on('audit_entry').column('at').execute();
      await db.schema.createIndex('audit_entry_actor').on('audit_entry').columns(['actor', 'seq']).execute();
      await db.schema.createIndex('audit_entry_department').on('audit_entry').columns(['department_id', 'seq']).execute();

      // The data tracker's index: which entries name a person. Derived from audit_entry.person_ids;
      // `audit verify` checks that the two agree.
      await db.schema
        .createTable('audit_person')
        .addColumn('person_id', t.text, (c) => c.notNull())
        .addColumn('seq', seq, (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_person_pk', ['person_id', 'seq'])
        .execute();
      await db.schema.createIndex('audit_person_seq').on('audit_person').column('seq').execute();

      // One row (id 1): the last sequence number and hash. Appenders lock it, so entries are
      // numbered without gaps even with several processes writing.
      await db.schema
        .createTable('audit_head')
        .addColumn('id', t.int, (c) => c.primaryKey())
        .addColumn('seq', seq, (c) => c.notNull())
        .addColumn('hash', t.text, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await sql`insert into audit_head (id, seq, hash, updated_at) values (1, 0, ${'0'.repeat(64)}, ${new Date(0).toISOString()})`.execute(db);

      await db.schema
        .createTable('audit_checkpoint')
        .addColumn('through_seq', seq, (c) => c.primaryKey())
        .addColumn('through_hash', t.text, (c) => c.notNull())
        .addColumn('entries', t.int, (c) => c.notNull())
        .addColumn('first_at', t.timestamp)
        .addColumn('last_at', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema.createTable('audit_prune_gate').addColumn('id', t.int, (c) => c.primaryKey()).execute();

      if (dialect === 'postgres') {
        await sql`create function audit_entry_append_only() returns trigger language plpgsql as $$
          begin
            if tg_op = 'DELETE' and exists (select 1 from audit_prune_gate) then return old; end if;
            raise exception 'audit entries are append-only';
          end $$`.execute(db);
        await sql`create trigger audit_entry_no_update before update on audit_entry for each row execute function audit_entry_append_only()`.execute(db);
        await sql`create trigger audit_entry_no_delete before delete on audit_entry for each row execute function audit_entry_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_entry_no_update before update on audit_entry begin select raise(abort, 'audit entries are append-only'); end`.execute(db);
        await sql`create trigger audit_entry_no_delete before delete on audit_entry when not exists (select 1 from audit_prune_gate) begin select raise(abort, 'audit entries are append-only'); end`.execute(db);
      }
    },
  };
}
