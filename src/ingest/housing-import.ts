/**
 * Loading the standard address database (门牌/房屋基础信息): one row per dwelling with its
 * committee, address and housing use. Buildings and dwellings are created or updated, never
 * duplicated; department records then resolve their addresses to these dwellings (以房管人).
 * Re-loading the same list changes nothing. Bad rows are reported with their row and reason.
 */
import { dwellingPart, parseAddress } from '../domain/address/parse-address.ts';
import { PopulusError } from '../domain/errors.ts';
import { todayIso } from '../domain/dates.ts';
import type { DataAccess } from '../store/repositories.ts';
import { newId } from '../store/clock.ts';
import { openSourceFile, isIngestFileError, type SourceRecord } from './read/record-reader.ts';

export interface HousingImportReport {
  readonly rowsRead: number;
  readonly buildingsCreated: number;
  readonly dwellingsCreated: number;
  readonly dwellingsUpdated: number;
  readonly rejected: readonly { row: number; reason: string; message: string }[];
}

const COMMITTEE_CODE = ['居委会代码', '居(村)委会代码', '社区代码', 'committeeCode'];
const COMMITTEE_NAME = ['居委会', '居(村)委会', '所属居委会', '社区', 'committeeName'];
const ADDRESS = ['地址', '房屋地址', '门牌地址', '标准地址', 'address'];
const USE = ['房屋用途', '使用性质', '房屋性质', 'housingUse'];
const KIND = ['建筑类型', '房屋类型', 'buildingType'];

function pick(cells: Readonly<Record<string, string>>, names: readonly string[]): string {
  for (const n of names) {
    const v = cells[n];
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return '';
}

export async function importHousingRegister(data: DataAccess, homeArea: string, path: string, onProgress?: (rows: number) => void): Promise<HousingImportReport> {
  let source;
  try {
    source = await openSourceFile(path);
  } catch (e) {
    if (isIngestFileError(e)) throw new PopulusError('FILE_UNREADABLE', `${e.message}; nothing was imported`, { file: e.file, reason: e.code, messageZh: e.messageZh });
    throw e;
  }
  const headers = new Set(source.header.headers);
  if (!ADDRESS.some((h) => headers.has(h)) || (!COMMITTEE_CODE.some((h) => headers.has(h)) && !COMMITTEE_NAME.some((h) => headers.has(h)))) {
    await source.close();
    throw new PopulusError('PROFILE_MISMATCH', `${source.header.headers.length ? 'the file' : 'the empty file'} needs an address column (${ADDRESS[0]}) and a committee column (${COMMITTEE_CODE[0]} or ${COMMITTEE_NAME[0]})`, {
      missing: [ADDRESS[0], `${COMMITTEE_CODE[0]}|${COMMITTEE_NAME[0]}`],
      found: [...headers],
    });
  }
  const repos = data.repos;
  const committees = await repos.areas.listChildren(homeArea, true);
  const byName = new Map(committees.map((c) => [c.name, c.code]));
  const uses = (await repos.standard.listEntries('housing-use', { asOf: todayIso(), limit: 1000, offset: 0 })).items;
  const useCode = new Map<string, string>();
  for (const u of uses) {
    useCode.set(u.code, u.code);
    useCode.set(u.nameZh, u.code);
  }
  const registry = await repos.housing.registryOf(homeArea.slice(0, 6));
  const buildings = new Map(registry.buildings.map((b) => [`${b.areaCode}|${b.road}|${b.lane}|${b.number}`, b.id]));
  // Known dwellings with their housing use, so re-loading the list asks nothing per row.
  const dwellings = new Map<string, { id: string; use: string | null }>(registry.dwellings.map((d) => [`${d.buildingId}|${d.unit}|${d.room}`, { id: d.id, use: d.housingUse }]));
  const district = homeArea.slice(0, 6);

  const report = { rowsRead: 0, buildingsCreated: 0, dwellingsCreated: 0, dwellingsUpdated: 0, rejected: [] as { row: number; reason: string; message: string }[] };
  let chunk: SourceRecord[] = [];
  const flush = async (): Promise<void> => {
    const rows = chunk;
    chunk = [];
    await data.transaction(async (tx) => {
      for (const r of rows) {
        const code = pick(r.cells, COMMITTEE_CODE) || byName.get(pick(r.cells, COMMITTEE_NAME)) || '';
        if (!code.startsWith(homeArea) || code.length !== 12) {
          report.rejected.push({ row: r.row, reason: 'UNKNOWN_AREA', message: `no committee of ${homeArea} named by this row` });
          continue;
        }
        const p = parseAddress(pick(r.cells, ADDRESS));
        if (!p.road || !p.number) {
          report.rejected.push({ row: r.row, reason: 'UNRESOLVED_ADDRESS', message: 'the address has no road and number' });
          continue;
        }
        const useText = pick(r.cells, USE);
        const use = useText ? useCode.get(useText) : undefined;
        if (useText && !use) {
          report.rejected.push({ row: r.row, reason: 'UNKNOWN_CODE', message: `housing use "${useText}" is not in housing-use` });
          continue;
        }
        const bKey = `${code}|${p.road}|${p.lane ?? ''}|${p.number}`;
        let buildingId = buildings.get(bKey);
        if (!buildingId) {
          buildingId = newId();
          await tx.housing.insertBuilding({ id: buildingId, district, areaCode: code, road: p.road, lane: p.lane ?? '', number: p.number, name: null, kind: pick(r.cells, KIND) || null });
          buildings.set(bKey, buildingId);
          report.buildingsCreated++;
        }
        const { unit, room } = dwellingPart(p);
        const dKey = `${buildingId}|${unit}|${room}`;
        const existing = dwellings.get(dKey);
        if (!existing) {
          const id = newId();
          await tx.housing.insertDwelling({ id, district, buildingId, unit, room, housingUse: use ?? null });
          dwellings.set(dKey, { id, use: use ?? null });
          report.dwellingsCreated++;
        } else if (use && existing.use !== use) {
          await tx.housing.updateDwellingUse(existing.id, use);
          dwellings.set(dKey, { id: existing.id, use });
          report.dwellingsUpdated++;
        }
      }
    });
    onProgress?.(report.rowsRead);
  };
  try {
    for await (const record of source.records) {
      report.rowsRead++;
      chunk.push(record);
      if (chunk.length >= 1000) await flush();
    }
    await flush();
  } catch (e) {
    if (isIngestFileError(e)) throw new PopulusError('FILE_UNREADABLE', e.message, { file: e.file, reason: e.code, messageZh: e.messageZh });
    throw e;
  }
  return report;
}
