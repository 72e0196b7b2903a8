/**
 * ID-bearing records against the truth: for every demo extract row whose identity-document column
 * holds a valid citizen ID number (GB 11643, 15 or 18 digits), is its source record linked to the
 * person who holds the true person's citizen ID number (following merges)? The target is
 * 100 %. For benchmarks only: the product never reads the truth.
 */
import { join } from 'node:path';
import type { Store } from '../../src/store/store.ts';
import { demoSources } from '../../src/ingest/load-demo.ts';
import { openSourceFile } from '../../src/ingest/read/record-reader.ts';
import { compileTransforms } from '../../src/ingest/transform/transform-registry.ts';
import { checkIdNumber, convert15To18 } from '../../src/domain/id-number.ts';
import { defaultAreaCodeHistory } from '../../src/reference/area-code-history.ts';
import { readLinks, readPersons } from '../../src/demo/truth-reader.ts';

export interface IdLinks {
  /** Extract rows with a valid citizen ID number in their identity-document column. */
  readonly rows: number;
  /** Of those, rows whose record was imported (the others were rejected for another reason, or repeat a key). */
  readonly imported: number;
  /** Imported rows linked to the person holding the true person's number. */
  readonly right: number;
  /** Imported rows linked to someone else (or the true number is held by nobody). */
  readonly wrong: number;
  /** right / imported, in percent. */
  readonly rightPct: number;
}

export async function idLinks(store: Store, demoDir: string): Promise<IdLinks> {
  const truthLinks = readLinks(demoDir);
  const truth = readPersons(demoDir);
  const db = store.db;
  const areas = defaultAreaCodeHistory();
  const today = new Date().toISOString().slice(0, 10);
  const redirect = new Map((await db.selectFrom('person').select(['id', 'merged_into']).where('status', '=', 'merged').execute()).map((r) => [r.id, r.merged_into ?? r.id]));
  const resolve = (id: string): string => {
    let p = id;
    for (let i = 0; i < 32 && redirect.has(p); i++) p = redirect.get(p) ?? p;
    return p;
  };
  const holders = new Map((await db.selectFrom('identifier').select(['number', 'person_id']).where('type', '=', 'CN_ID').execute()).map((r) => [r.number, resolve(r.person_id)]));
  let rows = 0;
  let imported = 0;
  let right = 0;
  for (const source of demoSources()) {
    const idColumn = source.profile.columns.find((c) => 'identifier' in c.target && source.profile.recordKey.includes(c.column));
    if (!idColumn) continue;
    const records = new Map((await db.selectFrom('source_record').select(['record_key', 'person_id']).where('source_id', '=', source.id).execute()).map((r) => [r.record_key, r.person_id]));
    const keyColumns = source.profile.recordKey.map((k) => ({ header: k, transform: compileTransforms(source.profile.columns.find((c) => c.column === k)?.transforms ?? []) }));
    const transformId = compileTransforms(idColumn.transforms ?? []);
    const read = source.profile.read;
    const file = await openSourceFile(join(demoDir, source.file), { ...(read?.sheet !== undefined ? { sheet: read.sheet } : {}), ...(read?.encoding !== undefined ? { encoding: read.encoding } : {}) });
    // truth/links.csv numbers the data rows of each extract from 1, whatever lies above them.
    let ordinal = 0;
    for await (const record of file.records) {
      const link = truthLinks.get(`${source.id}:${++ordinal}`);
      if (!link) continue;
      const t = transformId((record.cells[idColumn.column] ?? '').trim());
      if (!t.ok || !checkIdNumber(t.value.toUpperCase(), { areas, today }).valid) continue;
      rows++;
      const key = keyColumns
        .map(({ header, transform }) => {
          const k = transform((record.cells[header] ?? '').trim());
          const v = k.ok ? k.value.toUpperCase() : '';
          return /^\d{15}$/.test(v) ? convert15To18(v) : v;
        })
        .join('\u001f');
      const personId = records.get(key);
      if (!personId) continue;
      imported++;
      const trueNumber = truth.get(link.personId)?.values['person.citizenIdNumber'];
      if (trueNumber !== undefined && holders.get(trueNumber) === resolve(personId)) right++;
    }
  }
  return { rows, imported, right, wrong: imported - right, rightPct: imported === 0 ? 100 : (100 * right) / imported };
}
