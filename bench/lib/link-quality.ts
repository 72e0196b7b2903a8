/**
 * Link quality of a demo load against its ground truth: which person each extract row was linked
 * to (the row's record key → source_record → person, following merges) against the true person of
 * the row (truth/links.csv). Pairwise over the imported rows: two rows linked to one person are a
 * predicted pair, two rows of one true person a true pair; precision, recall, F1. Also the share of
 * imported rows sent to review as possible matches. For benchmarks only: the product never reads
 * the truth.
 */
import { join } from 'node:path';
import type { Store } from '../../src/store/store.ts';
import { demoSources } from '../../src/ingest/load-demo.ts';
import { openSourceFile } from '../../src/ingest/read/record-reader.ts';
import { compileTransforms } from '../../src/ingest/transform/transform-registry.ts';
import { convert15To18 } from '../../src/domain/id-number.ts';
import { readLinks } from '../../src/demo/truth-reader.ts';

export interface LinkQuality {
  /** Extract rows found imported (their record key in the registry) and in the truth. */
  readonly rows: number;
  /** Rows of the truth not imported (rejected, or a repeated key). */
  readonly notImported: number;
  readonly predictedPairs: number;
  readonly truePairs: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Possible-match review items the import opened. */
  readonly reviews: number;
  /** reviews / rows, in percent. */
  readonly reviewSharePct: number;
  /** Persons the rows were linked to, and true persons behind them. */
  readonly persons: number;
  readonly truePersons: number;
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

export async function linkQuality(store: Store, demoDir: string): Promise<LinkQuality> {
  const truth = readLinks(demoDir);
  const db = store.db;
  const redirect = new Map((await db.selectFrom('person').select(['id', 'merged_into']).where('status', '=', 'merged').execute()).map((r) => [r.id, r.merged_into ?? r.id]));
  const resolve = (id: string): string => {
    let p = id;
    for (let i = 0; i < 32 && redirect.has(p); i++) p = redirect.get(p) ?? p;
    return p;
  };
  const cells = new Map<string, number>();
  const byPerson = new Map<string, number>();
  const byTruth = new Map<string, number>();
  let rows = 0;
  let notImported = 0;
  for (const source of demoSources()) {
    const records = new Map((await db.selectFrom('source_record').select(['record_key', 'person_id']).where('source_id', '=', source.id).execute()).map((r) => [r.record_key, r.person_id]));
    const keyColumns = source.profile.recordKey.map((k) => {
      const column = source.profile.columns.find((c) => c.column === k);
      return { header: k, transform: compileTransforms(column?.transforms ?? []) };
    });
    const read = source.profile.read;
    const file = await openSourceFile(join(demoDir, source.file), { ...(read?.sheet !== undefined ? { sheet: read.sheet } : {}), ...(read?.encoding !== undefined ? { encoding: read.encoding } : {}) });
    const seen = new Set<string>();
    // truth/links.csv numbers the data rows of each extract from 1, whatever lies above them.
    let ordinal = 0;
    for await (const record of file.records) {
      const link = truth.get(`${source.id}:${++ordinal}`);
      if (!link) continue;
      const key = keyColumns
        .map(({ header, transform }) => {
          const t = transform((record.cells[header] ?? '').trim());
          const v = t.ok ? t.value.toUpperCase() : '';
          return /^\d{15}$/.test(v) ? convert15To18(v) : v;
        })
        .join('\u001f');
      const personId = records.get(key);
      if (!personId || seen.has(key)) {
        notImported++;
        continue;
      }
      seen.add(key);
      rows++;
      const person = resolve(personId);
      const cell = `${person}\u0000${link.personId}`;
      cells.set(cell, (cells.get(cell) ?? 0) + 1);
      byPerson.set(person, (byPerson.get(person) ?? 0) + 1);
      byTruth.set(link.personId, (byTruth.get(link.personId) ?? 0) + 1);
    }
  }
  let tp = 0;
  for (const n of cells.values()) tp += pairs(n);
  let predicted = 0;
  for (const n of byPerson.values()) predicted += pairs(n);
  let truePairs = 0;
  for (const n of byTruth.values()) truePairs += pairs(n);
  const precision = predicted === 0 ? 1 : tp / predicted;
  const recall = truePairs === 0 ? 1 : tp / truePairs;
  const reviews = Number(
    (await db.selectFrom('review_item').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'possible-match').where('batch_id', 'is not', null).executeTakeFirstOrThrow()).n,
  );
  return {
    rows,
    notImported,
    predictedPairs: predicted,
    truePairs,
    truePositives: tp,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    reviews,
    reviewSharePct: rows === 0 ? 0 : (100 * reviews) / rows,
    persons: byPerson.size,
    truePersons: byTruth.size,
  };
}
