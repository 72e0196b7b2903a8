/**
 * Reads a shipped CSV file (UTF-8, one header row, RFC 4180 quoting) into rows that remember their
 * line, so every later check can name file, line and column. Values are never converted: codes stay
 * strings ('01', '0').
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { ReferenceDataError } from './reference-data-error.ts';

export interface CsvRow {
  /** 1-based line number of the record in the file (the header is line 1). */
  readonly line: number;
  readonly values: ReadonlyMap<string, string>;
}

export interface CsvFile {
  /** The file as named in messages, relative to the data folder. */
  readonly name: string;
  readonly header: readonly string[];
  readonly rows: readonly CsvRow[];
}

/** Parses `dataDir/name`; throws ReferenceDataError for unreadable or malformed files and missing columns. */
export function readCsvFile(dataDir: string, name: string, requiredColumns: readonly string[] = []): CsvFile {
  let text: string;
  try {
    text = readFileSync(join(dataDir, name), 'utf8');
  } catch (e) {
    throw new ReferenceDataError(name, null, null, `cannot read the file (${(e as Error).message})`);
  }
  return parseCsvText(name, text, requiredColumns);
}

/** Parses CSV text already in memory; `name` is only used in messages. */
export function parseCsvText(name: string, text: string, requiredColumns: readonly string[] = []): CsvFile {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    if (e instanceof CsvError) {
      const line = typeof e.lines === 'number' ? e.lines : null;
      throw new ReferenceDataError(name, line === null ? null : { line }, null, `malformed CSV: ${e.message}`);
    }
    throw e;
  }
  const first = records[0];
  if (!first) throw new ReferenceDataError(name, { line: 1 }, null, 'the file is empty (a header row is required)');
  const header = first.record.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw new ReferenceDataError(name, { line: first.info.lines }, null, 'the header has an empty column name');
    if (seen.has(h)) throw new ReferenceDataError(name, { line: first.info.lines }, h, 'the header names this column twice');
    seen.add(h);
  }
  for (const c of requiredColumns) {
    if (!seen.has(c)) throw new ReferenceDataError(name, { line: first.info.lines }, c, 'the header has no such column');
  }
  const rows = records.slice(1).map(({ record, info }) => {
    const values = new Map<string, string>();
    header.forEach((h, i) => values.set(h, record[i] ?? ''));
    return { line: info.lines, values };
  });
  return { name, header, rows };
}

/** The value of a column, trimmed; '' when empty. */
export function cell(row: CsvRow, column: string): string {
  return (row.values.get(column) ?? '').trim();
}

/** The value of a column, which must not be empty. */
export function requiredCell(file: CsvFile, row: CsvRow, column: string, what = 'value'): string {
  const v = cell(row, column);
  if (v === '') throw new ReferenceDataError(file.name, { line: row.line }, column, `empty ${what}`);
  return v;
}

/** The value of a column, or null when it is empty. */
export function optionalCell(row: CsvRow, column: string): string | null {
  const v = cell(row, column);
  return v === '' ? null : v;
}
