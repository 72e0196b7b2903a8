/**
 * Row types of the access tables (migration 0003-access), as Kysely sees them. They join the
 * `Database` interface of database.ts through the module augmentation at the end, so repositories
 * can use `Db` unchanged. JSON lists (area codes, building ids, purposes, person and element ids)
 * are stored as JSON text on both backends.
 */
export interface AppUserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  department_id: string | null;
  role: string;
  area_codes: string;
  building_ids: string;
  person_id: string | null;
  status: string;
  failed_logins: number;
  locked_until: string | null;
  totp_secret: string | null;
  /** The TOTP time step last accepted: a code is never accepted twice. */
  totp_last_step: number | null;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
}

export interface ApiTokenTable {
  id: string;
  department_id: string;
  name: string;
  purposes: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ConsoleSessionTable {
  id_hash: string;
  user_id: string;
  stage: string;
  csrf_secret: string;
  created_at: string;
  last_seen_at: string;
}

export interface AuditEntryTable {
  seq: number;
  at: string;
  actor: string;
  department_id: string | null;
  role: string | null;
  purpose: string;
  action: string;
  person_ids: string;
  element_ids: string;
  result: string;
  request_id: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditPersonTable {
  person_id: string;
  seq: number;
}

/** Entries naming more than BULK_PERSONS persons, and their index rows by entry (migration 0008). */
export interface AuditBulkEntryTable {
  seq: number;
  persons: number;
}

export interface AuditBulkPersonTable {
  seq: number;
  person_id: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  updated_at: string;
}

export interface AuditCheckpointTable {
  through_seq: number;
  through_hash: string;
  entries: number;
  first_at: string | null;
  last_at: string | null;
  created_at: string;
}

export interface AuditPruneGateTable {
  id: number;
}

export interface AccessTables {
  app_user: AppUserTable;
  api_token: ApiTokenTable;
  console_session: ConsoleSessionTable;
  audit_entry: AuditEntryTable;
  audit_person: AuditPersonTable;
  audit_bulk_entry: AuditBulkEntryTable;
  audit_bulk_person: AuditBulkPersonTable;
  audit_head: AuditHeadTable;
  audit_checkpoint: AuditCheckpointTable;
  audit_prune_gate: AuditPruneGateTable;
}

declare module './database.ts' {
  interface Database {
    app_user: AppUserTable;
    api_token: ApiTokenTable;
    console_session: ConsoleSessionTable;
    audit_entry: AuditEntryTable;
    audit_person: AuditPersonTable;
    audit_bulk_entry: AuditBulkEntryTable;
    audit_bulk_person: AuditBulkPersonTable;
    audit_head: AuditHeadTable;
    audit_checkpoint: AuditCheckpointTable;
    audit_prune_gate: AuditPruneGateTable;
  }
}
