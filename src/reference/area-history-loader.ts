/**
 * Loads the GB/T 2260 history (data/standards/gbt2260-history-1981-2024.csv): every code used since
 * 1981, one row per (code, start year). A code may appear several times (renamed, moved to another
 * prefecture, or reused). successor_codes lists the codes that took over the area, separated by ';';
 * a '[year]' suffix says that part moved in that year rather than at the end year; the suffix is
 * dropped here.
 */
import type { AreaHistoryEntry } from '../domain/standard/types.ts';
import { cell, optionalCell, readCsvFile, requiredCell } from './csv-reader.ts';
import type { CsvFile, CsvRow } from './csv-reader.ts';
import { ReferenceDataError } from './reference-data-error.ts';

export const AREA_HISTORY_FILE = 'standards/gbt2260-history-1981-2024.csv';

const HISTORY_LEVELS = ['province', 'prefecture', 'county'];
const HISTORY_STATUSES = ['active', 'retired', 'changed'] as const;
const SUCCESSOR = /^(\d{6})(?:\[(\d{4})\])?$/;

/** One history row with where it came from, for messages. */
export interface LocatedHistoryEntry {
  readonly entry: AreaHistoryEntry;
  readonly line: number;
  /** The prefecture column: a name, '直辖' for counties directly under the province, '' for provinces. */
  readonly prefecture: string;
}

/** Reads the history file; throws ReferenceDataError on malformed rows and duplicate (code, start year). */
export function loadAreaHistory(dataDir: string): AreaHistoryEntry[] {
  return loadLocatedAreaHistory(dataDir).rows.map((r) => r.entry);
}

/** As loadAreaHistory, keeping each row's line number. */
export function loadLocatedAreaHistory(dataDir: string): { file: string; rows: LocatedHistoryEntry[] } {
  const csv = readCsvFile(dataDir, AREA_HISTORY_FILE, ['code', 'name', 'level', 'status', 'start_year', 'end_year', 'successor_codes']);
  const seen = new Map<string, number>();
  const rows = csv.rows.map((row) => {
    const entry = historyEntry(csv, row);
    const key = `${entry.code}@${entry.startYear}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ReferenceDataError(
        csv.name,
        { line: row.line },
        'start_year',
        `code ${entry.code} starts in ${entry.startYear} twice (first on line ${earlier})`,
      );
    }
    seen.set(key, row.line);
    return { entry, line: row.line, prefecture: cell(row, 'prefecture') };
  });
  return { file: csv.name, rows };
}

function historyEntry(csv: CsvFile, row: CsvRow): AreaHistoryEntry {
  const at = { line: row.line };
  const code = requiredCell(csv, row, 'code', 'code');
  if (!/^\d{6}$/.test(code)) throw new ReferenceDataError(csv.name, at, 'code', `"${code}" is not a 6-digit code`);
  const name = requiredCell(csv, row, 'name', 'name');
  const level = requiredCell(csv, row, 'level', 'level');
  if (!HISTORY_LEVELS.includes(level))
    throw new ReferenceDataError(csv.name, at, 'level', `"${level}" is not one of ${HISTORY_LEVELS.join(', ')}`);
  const status = requiredCell(csv, row, 'status', 'status');
  if (!(HISTORY_STATUSES as readonly string[]).includes(status)) {
    throw new ReferenceDataError(csv.name, at, 'status', `"${status}" is not one of ${HISTORY_STATUSES.join(', ')}`);
  }
  const startYear = year(csv, row, 'start_year');
  if (startYear === null) throw new ReferenceDataError(csv.name, at, 'start_year', 'empty start year');
  const endYear = year(csv, row, 'end_year');
  if (status === 'active' && endYear !== null) throw new ReferenceDataError(csv.name, at, 'end_year', 'an active code has no end year');
  if (status !== 'active' && endYear === null) throw new ReferenceDataError(csv.name, at, 'end_year', `a ${status} code needs an end year`);
  if (endYear !== null && endYear < startYear)
    throw new ReferenceDataError(csv.name, at, 'end_year', `end year ${endYear} is before start year ${startYear}`);
  return {
    code,
    name,
    level,
    status: status as AreaHistoryEntry['status'],
    startYear,
    endYear,
    successorCodes: successorCodes(csv, row),
  };
}

function year(csv: CsvFile, row: CsvRow, column: string): number | null {
  const v = optionalCell(row, column);
  if (v === null) return null;
  if (!/^\d{4}$/.test(v)) throw new ReferenceDataError(csv.name, { line: row.line }, column, `"${v}" is not a year`);
  return Number(v);
}

function successorCodes(csv: CsvFile, row: CsvRow): string[] {
  const raw = cell(row, 'successor_codes');
  if (raw === '') return [];
  const codes: string[] = [];
  for (const part of raw.split(';')) {
    const m = SUCCESSOR.exec(part.trim());
    if (!m?.[1])
      throw new ReferenceDataError(
        csv.name,
        { line: row.line },
        'successor_codes',
        `"${part}" is not a 6-digit code with an optional [year]`,
      );
    if (!codes.includes(m[1])) codes.push(m[1]);
  }
  return codes;
}
