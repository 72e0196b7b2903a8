/**
 * The shipped reference data of the data standard, read from the repository's data/ folder into
 * domain types: code tables and their entries, the data-element catalogue, departments, the area tree
 * and the GB/T 2260 history. No database; migrations store what this returns.
 */
import type { Area, AreaHistoryEntry, CodeEntry, CodeTable, DataElement, Department } from '../domain/standard/types.ts';
import { loadAreas } from './area-loader.ts';
import { loadDepartments, loadElements } from './catalogue-loader.ts';
import { loadCodeTables } from './code-table-loader.ts';
import { defaultDataDir } from './data-dir.ts';

export interface ReferenceData {
  readonly codeTables: CodeTable[];
  readonly entries: CodeEntry[];
  readonly elements: DataElement[];
  readonly departments: Department[];
  /** Parents before children (ordered by level, then code). */
  readonly areas: Area[];
  /** Every row of the GB/T 2260 history, in file order. */
  readonly areaHistory: AreaHistoryEntry[];
}

/**
 * Loads everything under `dir` (default: the repository's data/ folder). Throws ReferenceDataError
 * naming file, line and column when a file is malformed; cross-references are checked by checkCatalogue.
 */
export function loadReferenceData(dir: string = defaultDataDir()): ReferenceData {
  const { codeTables, entries } = loadCodeTables(dir);
  const { areas, areaHistory } = loadAreas(dir);
  return {
    codeTables,
    entries,
    elements: loadElements(dir),
    departments: loadDepartments(dir),
    areas,
    areaHistory,
  };
}
