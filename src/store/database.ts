/**
 * Row types of the database, as Kysely sees them. They stay inside src/store: repositories turn
 * rows into domain types. Dates are ISO strings (YYYY-MM-DD) and timestamps ISO instants on both
 * backends (the PostgreSQL pool parses date/timestamptz columns into strings).
 */
import type { Generated } from 'kysely';

export interface ReferenceStateTable {
  key: string;
  value: string;
}

export interface DepartmentTable {
  id: string;
  name_zh: string;
  name_en: string;
  level: string;
  status: string;
}

export interface CodeTableTable {
  id: string;
  name_zh: string;
  name_en: string;
  standard: string;
  version: string;
  source: string;
  description: string;
  status: string;
}

export interface CodeEntryTable {
  table_id: string;
  code: string;
  name_zh: string;
  name_en: string | null;
  parent_code: string | null;
  status: string;
  valid_from: string | null;
  valid_to: string | null;
  replaced_by: string | null;
  note: string | null;
  created_at: string;
}

export interface DataElementTable {
  id: string;
  name_zh: string;
  name_en: string;
  definition: string;
  value_type: string;
  code_table_id: string | null;
  sensitivity: string;
  owner_department_id: string;
  freshness_days: number | null;
  storage: string;
  status: string;
  valid_from: string | null;
  valid_to: string | null;
  created_at: string;
}

export interface AreaTable {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  status: string;
  start_year: number | null;
  end_year: number | null;
  successor_codes: string;
  source: string;
}

export interface AreaHistoryTable {
  code: string;
  start_year: number;
  name: string;
  level: string;
  status: string;
  end_year: number | null;
  successor_codes: string;
}

export interface BuildingTable {
  id: string;
  district: string;
  area_code: string;
  road: string;
  lane: string;
  number: string;
  name: string | null;
  kind: string | null;
  created_at: string;
  updated_at: string;
}

export interface DwellingTable {
  id: string;
  district: string;
  building_id: string;
  unit: string;
  room: string;
  housing_use: string | null;
  created_at: string;
  updated_at: string;
}

export interface HouseholdTable {
  id: string;
  district: string;
  household_no: string | null;
  type: string;
  area_code: string;
  dwelling_id: string | null;
  address_text: string | null;
  registration_category: string | null;
  created_at: string;
  updated_at: string;
  batch_id: Generated<string | null>;
}

export interface HouseholdMemberTable {
  id: string;
  district: string;
  household_id: string;
  person_id: string;
  relationship: string;
  valid_from: string | null;
  valid_to: string | null;
  created_at: string;
  source_id: Generated<string | null>;
  batch_id: Generated<string | null>;
  ended_batch_id: Generated<string | null>;
}

export interface PersonTable {
  id: string;
  district: string;
  status: string;
  merged_into: string | null;
  created_at: string;
  updated_at: string;
  /** The import batch that created the person, if one did. */
  batch_id: Generated<string | null>;
}

export interface PersonValueTable {
  person_id: string;
  element_id: string;
  district: string;
  value: string;
  source_id: string | null;
  method: string;
  observed_at: string | null;
  recorded_at: string;
  /** 'owner': the authoritative source's value; 'unconfirmed': another source's, the owner silent. */
  status: Generated<string>;
}

export interface ObservationTable {
  id: Generated<number>;
  district: string;
  person_id: string;
  element_id: string;
  value: string | null;
  source_id: string | null;
  method: string;
  observed_at: string | null;
  recorded_at: string;
  batch_id: string | null;
  collector: string | null;
}

export interface IdentifierTable {
  id: string;
  district: string;
  person_id: string;
  type: string;
  number: string;
  issuing_country: string;
  issuing_area: string | null;
  valid_from: string | null;
  valid_to: string | null;
  recorded_at: string;
  batch_id: Generated<string | null>;
}

export interface ResidenceTable {
  id: string;
  district: string;
  person_id: string;
  kind: string;
  dwelling_id: string | null;
  area_code: string;
  address_text: string | null;
  valid_from: string | null;
  valid_to: string | null;
  recorded_at: string;
  source_id: Generated<string | null>;
  batch_id: Generated<string | null>;
  ended_batch_id: Generated<string | null>;
}

export interface SourceTable {
  id: string;
  department_id: string;
  name_zh: string;
  name_en: string;
  level: string;
  created_at: string;
}

export interface SourceElementTable {
  source_id: string;
  element_id: string;
}

export interface MappingProfileTable {
  source_id: string;
  version: number;
  profile: string;
  created_at: string;
}

export interface ImportBatchTable {
  id: string;
  source_id: string;
  profile_version: number;
  file_name: string;
  file_sha256: string;
  extract: string;
  status: string;
  rows_read: number;
  rows_rejected: number;
  rows_unchanged: number;
  persons_created: number;
  persons_linked: number;
  records_ended: number;
  conflicts: number;
  observed_at: string | null;
  /** The last file row whose chunk committed: an interrupted import resumes after it. */
  last_row: number;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

export interface RejectedRowTable {
  batch_id: string;
  row: number;
  column: string | null;
  value: string | null;
  reason: string;
  message: string;
}

export interface SourceRecordTable {
  source_id: string;
  record_key: string;
  district: string;
  person_id: string | null;
  link_rule: string | null;
  row_hash: string;
  first_batch_id: string;
  last_batch_id: string;
  ended_at: string | null;
  ended_batch_id: string | null;
}

export interface ReviewItemTable {
  id: string;
  district: string;
  kind: string;
  status: string;
  person_id: string | null;
  element_id: string | null;
  source_id: string | null;
  detail: string;
  batch_id: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface Database {
  reference_state: ReferenceStateTable;
  department: DepartmentTable;
  code_table: CodeTableTable;
  code_entry: CodeEntryTable;
  data_element: DataElementTable;
  area: AreaTable;
  area_history: AreaHistoryTable;
  building: BuildingTable;
  dwelling: DwellingTable;
  household: HouseholdTable;
  household_member: HouseholdMemberTable;
  person: PersonTable;
  person_value: PersonValueTable;
  observation: ObservationTable;
  identifier: IdentifierTable;
  residence: ResidenceTable;
  source: SourceTable;
  source_element: SourceElementTable;
  mapping_profile: MappingProfileTable;
  import_batch: ImportBatchTable;
  rejected_row: RejectedRowTable;
  source_record: SourceRecordTable;
  review_item: ReviewItemTable;
}
