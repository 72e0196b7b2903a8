/**
 * Builds the area tree: the whole country to county level from MCA's current GB/T 2260 list, the
 * retired codes of the GB/T 2260 history, and Shanghai's townships/streets (9 digits) and
 * committees/villages (12 digits) from the NBS 2023 statistical division codes.
 *
 * MCA's list has no xx0100 市辖区 rows, so Shanghai's districts hang under 310000; NBS township rows
 * name their 6-digit county as parent. Retired codes take the latest history row; their parent is
 * the prefecture code (xxyy00) when that code is known and the row is not 直辖, else the province.
 * The result is ordered by level, then code, so every parent comes before its children.
 */
import { AREA_LEVELS } from '../domain/standard/types.ts';
import type { Area, AreaHistoryEntry, AreaLevel } from '../domain/standard/types.ts';
import { loadLocatedAreaHistory } from './area-history-loader.ts';
import type { LocatedHistoryEntry } from './area-history-loader.ts';
import { usagePeriods } from './area-code-history.ts';
import { optionalCell, readCsvFile, requiredCell } from './csv-reader.ts';
import type { CsvFile, CsvRow } from './csv-reader.ts';
import { ReferenceDataError } from './reference-data-error.ts';

export const MCA_COUNTY_FILE = 'standards/gbt2260-2024-county.csv';
export const NBS_TOWNSHIP_FILE = 'standards/stats-division-2023-shanghai-township.csv';
export const NBS_VILLAGE_FILE = 'standards/stats-division-2023-shanghai-village.csv';

export const MCA_SOURCE = 'GB/T 2260 (MCA 2024-12-31)';
export const HISTORY_SOURCE = 'GB/T 2260 history 1981-2024 (yescallop/areacodes)';
export const NBS_SOURCE = 'NBS 2023';

/** An area and the place in a file it came from, so a dangling parent can be reported. */
interface Located {
  readonly area: Area;
  readonly file: string;
  readonly line: number;
  readonly parentColumn: string;
}

/** Loads every area; throws ReferenceDataError on duplicate codes, unknown parents, empty names or malformed codes. */
export function loadAreas(dataDir: string): { areas: Area[]; areaHistory: AreaHistoryEntry[] } {
  const history = loadLocatedAreaHistory(dataDir);
  const located: Located[] = [];
  const origin = new Map<string, Located>();
  const add = (item: Located, codeColumn: string): void => {
    const earlier = origin.get(item.area.code);
    if (earlier) {
      throw new ReferenceDataError(
        item.file,
        { line: item.line },
        codeColumn,
        `duplicate area code "${item.area.code}" (already in ${earlier.file} line ${earlier.line})`,
      );
    }
    origin.set(item.area.code, item);
    located.push(item);
  };

  const byCode = groupByCode(history.rows);
  const mca = readCsvFile(dataDir, MCA_COUNTY_FILE, ['code', 'name', 'level', 'parent']);
  for (const row of mca.rows) {
    const code = codeCell(mca, row, 6);
    const level = requiredCell(mca, row, 'level', 'level');
    if (level !== 'province' && level !== 'prefecture' && level !== 'county') {
      throw new ReferenceDataError(mca.name, { line: row.line }, 'level', `"${level}" is not province, prefecture or county`);
    }
    const open = usagePeriods((byCode.get(code) ?? []).map((r) => r.entry)).find((p) => p.endYear === null);
    const area: Area = {
      code,
      name: requiredCell(mca, row, 'name', 'name'),
      level,
      parentCode: optionalCell(row, 'parent'),
      status: 'active',
      startYear: open?.startYear ?? null,
      endYear: null,
      successorCodes: [],
      source: MCA_SOURCE,
    };
    add({ area, file: mca.name, line: row.line, parentColumn: 'parent' }, 'code');
  }

  const retired: LocatedHistoryEntry[] = [];
  for (const [code, rows] of byCode) {
    if (origin.has(code)) continue;
    const latest = rows.reduce((a, b) => (b.entry.startYear > a.entry.startYear ? b : a));
    if (latest.entry.status === 'active') {
      throw new ReferenceDataError(
        history.file,
        { line: latest.line },
        'status',
        `code ${code} is active in the history but missing from ${MCA_COUNTY_FILE}`,
      );
    }
    retired.push(latest);
  }
  const known = new Set([...origin.keys(), ...retired.map((r) => r.entry.code)]);
  for (const row of retired) {
    const { entry, line } = row;
    const period = usagePeriods((byCode.get(entry.code) ?? []).map((r) => r.entry)).at(-1);
    const area: Area = {
      code: entry.code,
      name: entry.name,
      level: entry.level as AreaLevel,
      parentCode: retiredParent(row, known),
      status: 'retired',
      startYear: period?.startYear ?? entry.startYear,
      endYear: entry.endYear,
      successorCodes: entry.successorCodes,
      source: HISTORY_SOURCE,
    };
    add({ area, file: history.file, line, parentColumn: 'code' }, 'code');
  }

  for (const [file, level, digits] of [
    [NBS_TOWNSHIP_FILE, 'township', 9],
    [NBS_VILLAGE_FILE, 'village', 12],
  ] as const) {
    const csv = readCsvFile(dataDir, file, ['code', 'name', 'parent']);
    for (const row of csv.rows) {
      const code = codeCell(csv, row, digits);
      const parentCode = requiredCell(csv, row, 'parent', 'parent code');
      if (!code.startsWith(parentCode) || parentCode.length !== digits - 3) {
        throw new ReferenceDataError(
          csv.name,
          { line: row.line },
          'parent',
          `"${parentCode}" is not the first ${digits - 3} digits of ${code}`,
        );
      }
      const area: Area = {
        code,
        name: requiredCell(csv, row, 'name', 'name'),
        level,
        parentCode,
        status: 'active',
        startYear: null,
        endYear: null,
        successorCodes: [],
        source: NBS_SOURCE,
      };
      add({ area, file: csv.name, line: row.line, parentColumn: 'parent' }, 'code');
    }
  }

  for (const item of located) {
    const parent = item.area.parentCode;
    if (parent !== null && !origin.has(parent)) {
      throw new ReferenceDataError(
        item.file,
        { line: item.line },
        item.parentColumn,
        `parent code "${parent}" of ${item.area.code} is not a known area`,
      );
    }
  }
  const rank = (l: AreaLevel): number => AREA_LEVELS.indexOf(l);
  const areas = located
    .map((l) => l.area)
    .sort((a, b) => rank(a.level) - rank(b.level) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { areas, areaHistory: history.rows.map((r) => r.entry) };
}

function groupByCode(rows: readonly LocatedHistoryEntry[]): Map<string, LocatedHistoryEntry[]> {
  const byCode = new Map<string, LocatedHistoryEntry[]>();
  for (const row of rows) {
    const list = byCode.get(row.entry.code);
    if (list) list.push(row);
    else byCode.set(row.entry.code, [row]);
  }
  return byCode;
}

function codeCell(csv: CsvFile, row: CsvRow, digits: number): string {
  const code = requiredCell(csv, row, 'code', 'code');
  if (code.length !== digits || !/^\d+$/.test(code))
    throw new ReferenceDataError(csv.name, { line: row.line }, 'code', `"${code}" is not a ${digits}-digit code`);
  return code;
}

/** The history has parent names, not codes: derive the parent code from the code's digits. */
function retiredParent(row: LocatedHistoryEntry, known: ReadonlySet<string>): string | null {
  const { entry } = row;
  if (entry.level === 'province') return null;
  const prefecture = `${entry.code.slice(0, 4)}00`;
  if (entry.level === 'county' && row.prefecture !== '直辖' && known.has(prefecture)) return prefecture;
  return `${entry.code.slice(0, 2)}0000`;
}
