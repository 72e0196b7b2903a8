/**
 * Row types of migration 0012-audit-recent-persons, joined to the `Database` interface of
 * database.ts by module augmentation (as access-tables.ts does).
 */
export interface AuditPersonRecentTable {
  seq: number;
  person_id: string;
}

declare module './access-tables.ts' {
  interface AuditHeadTable {
    /** Index rows waiting in audit_person_recent to be folded into audit_person. */
    unfolded: number;
  }
}

declare module './database.ts' {
  interface Database {
    audit_person_recent: AuditPersonRecentTable;
  }
}
