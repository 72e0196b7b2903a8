/**
 * Row types of migration 0006-reports, joined to the `Database` interface of database.ts by
 * module augmentation (as review-tables.ts does).
 */
export interface ReportDefinitionTable {
  id: string;
  version: number;
  department_id: string;
  purpose: string;
  definition: string;
  created_by: string;
  created_at: string;
}

export interface ReportRunTable {
  id: string;
  definition_id: string;
  definition_version: number;
  area_code: string;
  as_of: string;
  format: string;
  purpose: string;
  requested_by: string;
  unmasked: number;
  schedule_id: string | null;
  created_at: string;
  person_count: number;
  person_ids: string;
  result: string;
  content_hash: string;
  previous_run_id: string | null;
  comparison: string;
  changes: string | null;
  /** The instant the run's record was read (transaction time; migration 0013): null for runs kept before. */
  known_at: string | null;
}

export interface ReportScheduleTable {
  id: string;
  definition_id: string;
  area_code: string;
  period: string;
  format: string;
  next_due: string;
  last_run_id: string | null;
  last_run_at: string | null;
  last_error: string | null;
  run_as: string;
  created_by: string;
  created_at: string;
}

export interface ReportTemplateTable {
  id: string;
  department_id: string;
  name: string;
  target: string;
  purpose: string;
  definition_id: string | null;
  content: string;
  placeholders: string;
  created_by: string;
  created_at: string;
}

declare module './database.ts' {
  interface Database {
    report_definition: ReportDefinitionTable;
    report_run: ReportRunTable;
    report_schedule: ReportScheduleTable;
    report_template: ReportTemplateTable;
  }
}
