/** Code tables, entries, data elements and departments. No business rules: the service decides. */
import type { Selectable } from 'kysely';
import type { CodeEntry, CodeTable, DataElement, Department, ElementStorage, EntryStatus, Sensitivity, ValueType } from '../domain/standard/types.ts';
import type { CodeEntryTable, CodeTableTable, DataElementTable, DepartmentTable } from './database.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';
import { elementRow, entryRow } from './standard-rows.ts';
import { contains, startsWith } from './text-search.ts';

const toTable = (r: Selectable<CodeTableTable>): CodeTable => ({
  id: r.id,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  standard: r.standard,
  version: r.version,
  source: r.source,
  description: r.description,
});

const toEntry = (r: Selectable<CodeEntryTable>): CodeEntry => ({
  tableId: r.table_id,
  code: r.code,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  parentCode: r.parent_code,
  status: r.status as EntryStatus,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  replacedBy: r.replaced_by,
  note: r.note,
});

const toElement = (r: Selectable<DataElementTable>): DataElement => ({
  id: r.id,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  definition: r.definition,
  valueType: r.value_type as ValueType,
  codeTableId: r.code_table_id,
  sensitivity: r.sensitivity as Sensitivity,
  ownerDepartmentId: r.owner_department_id,
  freshnessDays: r.freshness_days,
  storage: r.storage as ElementStorage,
  status: r.status as 'standard' | 'local',
  validFrom: r.valid_from,
  validTo: r.valid_to,
});

const toDepartment = (r: Selectable<DepartmentTable>): Department => ({
  id: r.id,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  level: r.level as Department['level'],
});

export interface EntryQuery {
  /** Matches a code prefix or part of the Chinese or English name. */
  readonly q?: string | undefined;
  /** Only entries valid on this date (YYYY-MM-DD). */
  readonly asOf?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

export class StandardRepository {
  constructor(private readonly db: Db) {}

  async listCodeTables(q?: string): Promise<CodeTable[]> {
    let query = this.db.selectFrom('code_table').selectAll();
    if (q) {
      query = query.where((eb) => eb.or([contains('id', q), contains('name_zh', q), contains('name_en', q), contains('standard', q)]));
    }
    return (await query.orderBy('id').execute()).map(toTable);
  }

  async findCodeTable(id: string): Promise<CodeTable | undefined> {
    const r = await this.db.selectFrom('code_table').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toTable(r);
  }

  async countEntries(tableId: string): Promise<number> {
    const r = await this.db.selectFrom('code_entry').select((eb) => eb.fn.countAll<number>().as('n')).where('table_id', '=', tableId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async listEntries(tableId: string, query: EntryQuery): Promise<{ items: CodeEntry[]; total: number }> {
    let base = this.db.selectFrom('code_entry').where('table_id', '=', tableId);
    if (query.q) {
      const q = query.q;
      base = base.where((eb) => eb.or([startsWith('code', q), contains('name_zh', q), contains('name_en', q)]));
    }
    if (query.asOf) {
      const d = query.asOf;
      base = base.where((eb) => eb.and([eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', d)]), eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', d)])]));
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('code').limit(query.limit).offset(query.offset).execute();
    return { items: rows.map(toEntry), total: Number(total.n) };
  }

  async findEntry(tableId: string, code: string): Promise<CodeEntry | undefined> {
    const r = await this.db.selectFrom('code_entry').selectAll().where('table_id', '=', tableId).where('code', '=', code).executeTakeFirst();
    return r && toEntry(r);
  }

  async insertEntry(e: CodeEntry): Promise<void> {
    await this.db
      .insertInto('code_entry')
      .values(entryRow(e, nowIso()))
      .execute();
  }

  async updateEntryValidity(tableId: string, code: string, validTo: string | null, replacedBy: string | null): Promise<void> {
    await this.db.updateTable('code_entry').set({ valid_to: validTo, replaced_by: replacedBy }).where('table_id', '=', tableId).where('code', '=', code).execute();
  }

  async listElements(q?: string): Promise<DataElement[]> {
    let query = this.db.selectFrom('data_element').selectAll();
    if (q) {
      query = query.where((eb) => eb.or([contains('id', q), contains('name_zh', q), contains('name_en', q)]));
    }
    return (await query.orderBy('id').execute()).map(toElement);
  }

  async findElement(id: string): Promise<DataElement | undefined> {
    const r = await this.db.selectFrom('data_element').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toElement(r);
  }

  async findElements(ids: readonly string[]): Promise<DataElement[]> {
    if (ids.length === 0) return [];
    return (await this.db.selectFrom('data_element').selectAll().where('id', 'in', [...ids]).execute()).map(toElement);
  }

  async insertElement(e: DataElement): Promise<void> {
    await this.db
      .insertInto('data_element')
      .values(elementRow(e, nowIso()))
      .execute();
  }

  async listDepartments(): Promise<Department[]> {
    return (await this.db.selectFrom('department').selectAll().orderBy('id').execute()).map(toDepartment);
  }

  async findDepartment(id: string): Promise<Department | undefined> {
    const r = await this.db.selectFrom('department').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toDepartment(r);
  }
}
