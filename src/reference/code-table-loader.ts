/**
 * Loads the shipped code tables: the list in data/catalogue/code-tables.json and, for each table,
 * its entries from the CSV file the list names, read through the column mapping given there.
 */
import { ENTRY_STATUSES } from '../domain/standard/types.ts';
import type { CodeEntry, CodeTable, EntryStatus } from '../domain/standard/types.ts';
import { cell, optionalCell, readCsvFile, requiredCell } from './csv-reader.ts';
import { nullableStr, obj, readJsonList, str, strList } from './json-reader.ts';
import { ReferenceDataError } from './reference-data-error.ts';

export const CODE_TABLES_FILE = 'catalogue/code-tables.json';

/** How to read one table's CSV file: column names, or null when the file has no such column. */
export interface CodeTableColumns {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string | null;
  readonly parent: string | null;
  readonly status: string | null;
  /** Columns joined into the entry's note: a column named 'note' as is, any other as column=value. */
  readonly note: readonly string[];
}

/** A catalogue entry: the table, the file holding its entries (relative to the data folder) and how to read it. */
export interface CodeTableSpec {
  readonly table: CodeTable;
  readonly file: string;
  readonly columns: CodeTableColumns;
}

const TABLE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Reads data/catalogue/code-tables.json. */
export function loadCodeTableSpecs(dataDir: string): CodeTableSpec[] {
  const seen = new Set<string>();
  return readJsonList(dataDir, CODE_TABLES_FILE, 'tables').map((e) => {
    const id = str(e, 'id');
    if (!TABLE_ID.test(id)) throw new ReferenceDataError(e.file, { entry: e.index }, 'id', `"${id}" is not a kebab-case id`);
    if (seen.has(id)) throw new ReferenceDataError(e.file, { entry: e.index }, 'id', `duplicate table id "${id}"`);
    seen.add(id);
    const c = obj(e, 'columns');
    return {
      table: {
        id,
        nameZh: str(e, 'nameZh'),
        nameEn: str(e, 'nameEn'),
        standard: str(e, 'standard'),
        version: str(e, 'version'),
        source: str(e, 'source'),
        description: str(e, 'description'),
      },
      file: str(e, 'file'),
      columns: {
        code: str(c, 'code'),
        nameZh: str(c, 'nameZh'),
        nameEn: nullableStr(c, 'nameEn'),
        parent: nullableStr(c, 'parent'),
        status: nullableStr(c, 'status'),
        note: strList(c, 'note'),
      },
    };
  });
}

/** Reads the entries of one table; throws ReferenceDataError on duplicate codes, unknown parents, empty names. */
export function loadCodeEntries(dataDir: string, spec: CodeTableSpec): CodeEntry[] {
  const { columns } = spec;
  const used = [columns.code, columns.nameZh, columns.nameEn, columns.parent, columns.status, ...columns.note];
  const csv = readCsvFile(
    dataDir,
    spec.file,
    used.filter((c): c is string => c !== null),
  );
  const lineOf = new Map<string, number>();
  const entries = csv.rows.map((row): CodeEntry => {
    const code = requiredCell(csv, row, columns.code, 'code');
    const earlier = lineOf.get(code);
    if (earlier !== undefined) {
      throw new ReferenceDataError(csv.name, { line: row.line }, columns.code, `duplicate code "${code}" (first on line ${earlier})`);
    }
    lineOf.set(code, row.line);
    return {
      tableId: spec.table.id,
      code,
      nameZh: requiredCell(csv, row, columns.nameZh, 'name'),
      nameEn: columns.nameEn === null ? null : optionalCell(row, columns.nameEn),
      parentCode: columns.parent === null ? null : optionalCell(row, columns.parent),
      status: columns.status === null ? 'standard' : entryStatus(csv.name, row.line, columns.status, cell(row, columns.status)),
      validFrom: null,
      validTo: null,
      replacedBy: null,
      note: noteOf(columns.note, (c) => cell(row, c)),
    };
  });
  for (const entry of entries) {
    if (entry.parentCode !== null && !lineOf.has(entry.parentCode)) {
      const line = lineOf.get(entry.code) ?? null;
      throw new ReferenceDataError(
        csv.name,
        line === null ? null : { line },
        columns.parent,
        `parent code "${entry.parentCode}" is not in the table`,
      );
    }
  }
  return entries;
}

/** All shipped code tables and their entries. */
export function loadCodeTables(dataDir: string): { codeTables: CodeTable[]; entries: CodeEntry[] } {
  const specs = loadCodeTableSpecs(dataDir);
  return { codeTables: specs.map((s) => s.table), entries: specs.flatMap((s) => loadCodeEntries(dataDir, s)) };
}

function entryStatus(file: string, line: number, column: string, value: string): EntryStatus {
  if (value === '') return 'standard';
  if (!(ENTRY_STATUSES as readonly string[]).includes(value)) {
    throw new ReferenceDataError(file, { line }, column, `status "${value}" is not one of ${ENTRY_STATUSES.join(', ')}`);
  }
  return value as EntryStatus;
}

function noteOf(noteColumns: readonly string[], valueOf: (column: string) => string): string | null {
  const parts: string[] = [];
  for (const column of noteColumns) {
    const value = valueOf(column);
    if (value !== '') parts.push(column === 'note' ? value : `${column}=${value}`);
  }
  return parts.length === 0 ? null : parts.join('; ');
}
