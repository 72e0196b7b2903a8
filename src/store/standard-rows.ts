/** Domain → row for the data standard's tables, shared by the repository and the reference seeding. */
import type { Insertable } from 'kysely';
import type { CodeEntry, DataElement } from '../domain/standard/types.ts';
import type { CodeEntryTable, DataElementTable } from './database.ts';

export function entryRow(e: CodeEntry, now: string): Insertable<CodeEntryTable> {
  return {
    table_id: e.tableId,
    code: e.code,
    name_zh: e.nameZh,
    name_en: e.nameEn,
    parent_code: e.parentCode,
    status: e.status,
    valid_from: e.validFrom,
    valid_to: e.validTo,
    replaced_by: e.replacedBy,
    note: e.note,
    created_at: now,
  };
}

export function elementRow(e: DataElement, now: string): Insertable<DataElementTable> {
  return {
    id: e.id,
    name_zh: e.nameZh,
    name_en: e.nameEn,
    definition: e.definition,
    value_type: e.valueType,
    code_table_id: e.codeTableId,
    sensitivity: e.sensitivity,
    owner_department_id: e.ownerDepartmentId,
    freshness_days: e.freshnessDays,
    storage: e.storage,
    status: e.status,
    valid_from: e.validFrom,
    valid_to: e.validTo,
    created_at: now,
  };
}
