/**
 * The reference facts the demo street is built from, taken from the shipped reference data
 * (src/reference/reference-data.ts): Shanghai's streets and committees (NBS 2023), and the GB/T 2260
 * county codes with the years they were in use (for ID numbers issued long ago), shaped into the
 * few look-ups the generator needs.
 */
import type { AreaCodeHistory } from '../domain/id-number.ts';
import type { Area } from '../domain/standard/types.ts';
import { createAreaCodeHistory } from '../reference/area-code-history.ts';
import { defaultDataDir } from '../reference/data-dir.ts';
import { loadReferenceData } from '../reference/reference-data.ts';

export interface NamedArea {
  readonly code: string;
  readonly name: string;
}

/** A county-level GB/T 2260 code and the years it was in use. */
export interface CountyCode {
  readonly code: string;
  readonly name: string;
  readonly province: string;
  /** Prefecture name; '' for counties directly under the province (直辖). */
  readonly prefecture: string;
  readonly startYear: number;
  readonly endYear: number | null;
}

export interface DemoReference {
  /** Shanghai streets and towns (9 digits) in code order. */
  readonly shanghaiTownships: readonly NamedArea[];
  /** Committees (12 digits) of a street or town, in code order. */
  committeesOf(townshipCode: string): readonly NamedArea[];
  /** Current name of a 6-digit county code (长宁区). */
  countyName(code: string): string;
  /** County-level codes of a province (2-digit prefix) that were in use in the year. */
  countiesInUse(provincePrefix: string, year: number): readonly CountyCode[];
  readonly areaHistory: AreaCodeHistory;
}

let cached: { dir: string; reference: DemoReference } | undefined;

/** Loads (once per folder) the reference data and builds the demo's look-ups. */
export function loadDemoReference(dataDir: string = defaultDataDir()): DemoReference {
  if (cached?.dir === dataDir) return cached.reference;
  const reference = build(dataDir);
  cached = { dir: dataDir, reference };
  return reference;
}

function build(dataDir: string): DemoReference {
  const { areas, areaHistory } = loadReferenceData(dataDir);
  const byCode = new Map<string, Area>(areas.map((a) => [a.code, a]));
  const townships: NamedArea[] = [];
  const committees = new Map<string, NamedArea[]>();
  for (const a of areas) {
    if (a.level === 'township' && a.code.startsWith('31')) townships.push({ code: a.code, name: a.name });
    if (a.level === 'village' && a.parentCode) {
      let list = committees.get(a.parentCode);
      if (!list) committees.set(a.parentCode, (list = []));
      list.push({ code: a.code, name: a.name });
    }
  }
  townships.sort((x, y) => (x.code < y.code ? -1 : 1));
  for (const list of committees.values()) list.sort((x, y) => (x.code < y.code ? -1 : 1));
  const history = createAreaCodeHistory(areaHistory);
  const counties: CountyCode[] = [];
  for (const row of areaHistory) {
    if (row.level !== 'county' || row.name.includes('市辖区')) continue;
    const prefecture = byCode.get(`${row.code.slice(0, 4)}00`);
    counties.push({
      code: row.code,
      name: row.name,
      province: byCode.get(`${row.code.slice(0, 2)}0000`)?.name ?? '',
      prefecture: prefecture && prefecture.level === 'prefecture' ? prefecture.name : '',
      startYear: row.startYear,
      endYear: row.endYear,
    });
  }
  const byProvinceYear = new Map<string, CountyCode[]>();
  return {
    shanghaiTownships: townships,
    committeesOf: (code) => committees.get(code) ?? [],
    countyName: (code) => byCode.get(code)?.name ?? history.name(code) ?? code,
    countiesInUse(prefix, year) {
      const key = `${prefix}:${year}`;
      let list = byProvinceYear.get(key);
      if (!list) {
        const seen = new Set<string>();
        list = counties.filter((c) => {
          if (!c.code.startsWith(prefix) || c.startYear > year || (c.endYear !== null && c.endYear < year) || seen.has(c.code))
            return false;
          seen.add(c.code);
          return true;
        });
        byProvinceYear.set(key, list);
      }
      return list;
    },
    areaHistory: history,
  };
}
