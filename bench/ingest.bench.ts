/**
 * Benchmark `ingest`: a generated demo street loaded through the import pipeline (address database,
 * then all 27 department extracts) into a fresh database, against the same backend bulk-inserting
 * the same number of rows with no processing (the `storage` benchmark's loaders: prepared
 * statements on SQLite, COPY on PostgreSQL); then correctness against the ground truth: per
 * element, the share of persons with a citizen ID whose current value equals the true one, the
 * share of ID-bearing records linked to the right person, and the persons created per true person.
 *
 *   npm run bench -- ingest [--scale 0.1] [--seed 1] [--backend sqlite|pg|both] [--pg ADMIN_URL]
 *
 * `--backend pg` imports into a throw-away PostgreSQL database (created on the server of the admin
 * URL, default POPULUS_BENCH_PG or postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards);
 * `both` runs SQLite then PostgreSQL on the same generated street and prints their ratio. The demo
 * is generated, and each backend runs, in a process of its own, so peak memory is the import's.
 *
 * Targets (issue 4): the full street (scale 1) in ≤ 15 s on SQLite, ≤ 3× the bulk insert, ≤ 1 GiB;
 * PostgreSQL within 2× of SQLite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemo } from '../src/demo/demo-generator.ts';
import { readPersons } from '../src/demo/truth-reader.ts';
import { loadConfig } from '../src/config.ts';
import { openPlatform } from '../src/main.ts';
import { loadDemo } from '../src/ingest/load-demo.ts';
import { openStore } from '../src/store/store.ts';
import { migrateStore } from '../src/main.ts';
import { loadSqlite } from './lib/storage-sqlite.ts';
import { createThrowawayDatabase, loadPostgresCopy, type ThrowawayDatabase } from './lib/storage-postgres.ts';
import { ROWS_PER_PERSON } from './lib/synthetic-person.ts';
import { peakRssMB, printResult, printTable, type Figures } from './lib/report.ts';
import { linkQuality } from './lib/link-quality.ts';
import { idLinks } from './lib/id-links.ts';
import { storedRows } from './lib/stored-rows.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const scale = Number(option('scale', '0.1'));
const seed = option('seed', '1');
const backend = option('backend', 'sqlite');
const adminUrl = option('pg', process.env['POPULUS_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const self = fileURLToPath(import.meta.url);

/** Runs this benchmark in a child process with extra arguments; its RESULT figures, if it wrote them. */
function child(args: readonly string[], resultFile?: string): Figures | undefined {
  // Past the street, the ground truth the accuracy figures read (a million persons and their records at ×10) outgrows V8's default heap limit: it is the benchmark's, not the import's (whose peak is read before).
  const heap = scale > 2 ? ['--max-old-space-size=16384'] : [];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', ...heap, self, '--scale', String(scale), '--seed', seed, '--pg', adminUrl, ...args, ...(resultFile ? ['--result-file', resultFile] : [])], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`the ${args.join(' ')} run failed (exit ${r.status ?? r.signal ?? '?'})`);
  return resultFile ? (JSON.parse(readFileSync(resultFile, 'utf8')) as Figures) : undefined;
}

/** One backend: the import, the baseline and the accuracy figures, printed; returns the RESULT figures. */
async function run(kind: 'sqlite' | 'pg', demoDir: string, work: string): Promise<Figures> {
  const throwaway: ThrowawayDatabase[] = [];
  const databaseUrl = async (name: string): Promise<string> => {
    if (kind === 'sqlite') return `sqlite:${join(work, `${name}.db`)}`;
    const db = await createThrowawayDatabase(adminUrl);
    throwaway.push(db);
    return db.url;
  };
  try {
    // The pipeline.
    const platform = await openPlatform(loadConfig({ DATABASE_URL: await databaseUrl('ingest'), LOG_LEVEL: 'silent' }));
    const started = performance.now();
    const { reports } = await loadDemo(platform.services, demoDir);
    const ingestS = (performance.now() - started) / 1000;
    const ingestPeakMB = peakRssMB();
    const rows = reports.reduce((n, r) => n + r.report.rowsRead, 0);
    const rejected = reports.reduce((n, r) => n + r.report.rowsRejected, 0);
    const created = reports.reduce((n, r) => n + r.report.personsCreated, 0);
    const conflicts = reports.reduce((n, r) => n + r.report.conflicts, 0);

    // Correctness against the truth, for persons holding a citizen ID number.
    const truth = readPersons(demoDir);
    const elements = ['person.name', 'person.sex', 'person.birthDate', 'person.ethnicGroup', 'person.education', 'person.maritalStatus', 'person.politicalStatus', 'person.phone'];
    const hits = new Map(elements.map((e) => [e, { right: 0, total: 0 }]));
    let found = 0;
    let withId = 0;
    const sample = [...truth.values()].filter((p) => p.values['person.citizenIdNumber']);
    const step = Math.max(1, Math.floor(sample.length / 2000));
    for (let i = 0; i < sample.length; i += step) {
      const t = sample[i];
      if (!t) continue;
      withId++;
      const r = await platform.services.persons.search({ idNumber: t.values['person.citizenIdNumber'] ?? '', limit: 1, offset: 0 });
      const p = r.items[0];
      if (!p) continue;
      found++;
      const current = new Map(p.values.map((v) => [v.elementId, v.value]));
      for (const e of elements) {
        const want = t.values[e];
        if (want === undefined || want === '') continue;
        const h = hits.get(e);
        if (!h) continue;
        h.total++;
        // Phones are masked on read: compare the visible digits.
        const got = current.get(e);
        if (e === 'person.phone' ? got !== undefined && got.slice(0, 3) === want.slice(0, 3) && got.slice(-4) === want.slice(-4) : got === want) h.right++;
      }
    }
    const ids = await idLinks(platform.store, demoDir);
    const quality = await linkQuality(platform.store, demoDir);
    const stored = await storedRows(platform.store);
    await platform.close();

    // The baseline: the same number of rows bulk-inserted with no processing, into a fresh database of the same backend.
    const baseStore = await openStore(await databaseUrl('baseline'));
    await migrateStore(baseStore);
    const basePersons = Math.ceil(rows / ROWS_PER_PERSON);
    const base =
      kind === 'sqlite'
        ? loadSqlite(baseStore.sqlite ?? (() => { throw new Error('no sqlite handle'); })(), 7, basePersons)
        : await loadPostgresCopy(baseStore.pool ?? (() => { throw new Error('no pg pool'); })(), 7, basePersons);
    await baseStore.close();

    const name = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const accuracy = Object.fromEntries([...hits].map(([e, h]) => [e, h.total ? h.right / h.total : 1]));
    printTable(`ingest on ${name}, demo street at scale ${scale} (${rows.toLocaleString('en-US')} extract rows)`, [
      { step: 'import pipeline', rows, wallS: ingestS, rowsPerS: Math.round(rows / ingestS) },
      { step: `bulk insert, no processing (${kind === 'sqlite' ? 'prepared statements' : 'COPY'})`, rows: basePersons * ROWS_PER_PERSON, wallS: base.seconds, rowsPerS: Math.round((basePersons * ROWS_PER_PERSON) / base.seconds) },
    ]);
    // The import's ratio read per stored row: its time against the bulk insert's time for as many rows as it stored.
    const storedTotal = stored.reduce((n, t) => n + t.rows, 0);
    const bulkRowsPerS = (basePersons * ROWS_PER_PERSON) / base.seconds;
    const bulkOfStoredS = storedTotal / bulkRowsPerS;
    printTable(`rows the import stored: ${storedTotal.toLocaleString('en-US')}, ${(storedTotal / rows).toFixed(1)} per extract row; the bulk insert's rate would store them in ${bulkOfStoredS.toFixed(1)} s`, [
      ...stored.map((t) => ({ table: t.table, rows: t.rows, perExtractRow: Number((t.rows / rows).toFixed(2)) })),
    ]);
    printTable('current values equal to the truth (persons with a citizen ID, sampled)', elements.map((e) => ({ element: e, compared: hits.get(e)?.total ?? 0, share: Number((accuracy[e] ?? 0).toFixed(4)) })));
    printTable('linking', [{ truePersonsWithId: withId, foundByIdNumber: found, personsCreated: created, truePersons: truth.size, rowsRejected: rejected, conflicts }]);
    printTable('ID-bearing records (a valid citizen ID number in the row) linked to the right person (target 100 %)', [
      { rowsWithValidId: ids.rows, imported: ids.imported, right: ids.right, wrong: ids.wrong, rightPct: Number(ids.rightPct.toFixed(3)) },
    ]);
    printTable('links against the truth (imported rows, pairwise; targets F1 ≥ 0.995, review ≤ 1 %)', [{ rows: quality.rows, notImported: quality.notImported, persons: quality.persons, truePersons: quality.truePersons, precision: Number(quality.precision.toFixed(4)), recall: Number(quality.recall.toFixed(4)), f1: Number(quality.f1.toFixed(4)), reviews: quality.reviews, reviewSharePct: Number(quality.reviewSharePct.toFixed(2)) }]);
    const figures: Figures = {
      backend: kind,
      scale,
      rows,
      wallS: Number(ingestS.toFixed(2)),
      rowsPerS: Math.round(rows / ingestS),
      bulkInsertS: Number(base.seconds.toFixed(2)),
      ratioToBulkInsert: Number((ingestS / base.seconds).toFixed(2)),
      ratioToBulk: Number((ingestS / base.seconds).toFixed(2)),
      storedRows: storedTotal,
      storedPerExtractRow: Number((storedTotal / rows).toFixed(2)),
      bulkOfStoredS: Number(bulkOfStoredS.toFixed(2)),
      ratioToBulkOfStored: Number((ingestS / bulkOfStoredS).toFixed(2)),
      peakRssMB: ingestPeakMB,
      rowsRejected: rejected,
      personsCreated: created,
      truePersons: truth.size,
      idPersonsFoundShare: Number((found / Math.max(1, withId)).toFixed(4)),
      idLinkedRightPct: Number(ids.rightPct.toFixed(3)),
      nameAccuracy: Number((accuracy['person.name'] ?? 0).toFixed(4)),
      birthDateAccuracy: Number((accuracy['person.birthDate'] ?? 0).toFixed(4)),
      maritalStatusAccuracy: Number((accuracy['person.maritalStatus'] ?? 0).toFixed(4)),
      conflicts,
      linkPrecision: Number(quality.precision.toFixed(4)),
      linkRecall: Number(quality.recall.toFixed(4)),
      linkF1: Number(quality.f1.toFixed(4)),
      reviewSharePct: Number(quality.reviewSharePct.toFixed(2)),
    };
    printResult(figures);
    return figures;
  } finally {
    for (const db of throwaway) await db.drop().catch((e: unknown) => console.error(`could not drop ${db.name}: ${(e as Error).message}`));
  }
}

const given = option('demo', '');
const generateOnly = option('generate-only', '');
if (generateOnly !== '') {
  await generateDemo({ seed, outDir: generateOnly, scale, noise: 1 });
} else if (given !== '') {
  // A child run on a generated street.
  if (backend !== 'sqlite' && backend !== 'pg') throw new Error(`--backend must be sqlite, pg or both (got ${backend})`);
  const work = mkdtempSync(join(tmpdir(), 'populus-bench-ingest-'));
  try {
    const figures = await run(backend, given, work);
    const resultFile = option('result-file', '');
    if (resultFile !== '') writeFileSync(resultFile, JSON.stringify(figures));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
} else {
  const kinds = backend === 'both' ? (['sqlite', 'pg'] as const) : backend === 'sqlite' || backend === 'pg' ? [backend] : undefined;
  if (!kinds) throw new Error(`--backend must be sqlite, pg or both (got ${backend})`);
  const work = mkdtempSync(join(tmpdir(), 'populus-bench-ingest-'));
  try {
    const demoDir = join(work, 'demo');
    child(['--generate-only', demoDir]);
    const results = kinds.map((k) => child(['--backend', k, '--demo', demoDir], join(work, `${k}.json`)));
    const [sqlite, pg] = results;
    if (kinds.length === 2 && sqlite && pg) {
      const ratio = Number(pg['wallS']) / Number(sqlite['wallS']);
      printTable(`SQLite and PostgreSQL, demo street at scale ${scale} (target: PostgreSQL within 2× of SQLite)`, [
        { backend: 'SQLite', wallS: Number(sqlite['wallS']), rowsPerS: Number(sqlite['rowsPerS']), ratioToBulk: Number(sqlite['ratioToBulk']), peakRssMB: Number(sqlite['peakRssMB']), idLinkedRightPct: Number(sqlite['idLinkedRightPct']) },
        { backend: 'PostgreSQL', wallS: Number(pg['wallS']), rowsPerS: Number(pg['rowsPerS']), ratioToBulk: Number(pg['ratioToBulk']), peakRssMB: Number(pg['peakRssMB']), idLinkedRightPct: Number(pg['idLinkedRightPct']) },
      ]);
      printResult({ scale, backend: 'both', sqliteWallS: Number(sqlite['wallS']), pgWallS: Number(pg['wallS']), pgToSqlite: Number(ratio.toFixed(2)), sqliteRowsPerS: Number(sqlite['rowsPerS']), pgRowsPerS: Number(pg['rowsPerS']) });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
