/**
 * Benchmark `storage` (issue 2): the raw speed of each backend, the baseline later capabilities are
 * measured against. Bulk-inserts generated persons (7 rows each: person, CN_ID identifier,
 * registered + actual residence, name/sex/birth-date values) into a fresh database per size, then
 * does point reads of a person by primary key with its ID number: prepared statement, through
 * Kysely, and batched. Prints rows/s, reads/s, wall time and peak memory.
 *
 *   npm run bench -- storage [--sizes 100000,1000000] [--backend sqlite|postgres|both]
 *                            [--reads 100000] [--kysely-reads 20000] [--batch 100] [--seed 2]
 *                            [--sqlite-cache-mb N]   (default: the store's own page cache, SQLite's 2 MB)
 *
 * PostgreSQL: POPULUS_BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres); a throw-away
 * database populus_bench_<random> is created per size and dropped afterwards, also on error or ^C.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadReferenceData, type ReferenceData } from '../src/reference/reference-data.ts';
import { seedReference } from '../src/store/reference-seed.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { peakRssMB, printResult, printTable, type Figures } from './lib/report.ts';
import { kyselyReads, perSecond, readPlan, type Load, type Timed } from './lib/storage-reads.ts';
import { loadSqlite, sqliteBatchedReads, sqlitePkReads } from './lib/storage-sqlite.ts';
import {
  createThrowawayDatabase,
  databaseMB,
  loadPostgresCopy,
  loadPostgresInsert,
  postgresBatchedReads,
  postgresPkReads,
  truncatePersons,
  vacuumAnalyze,
} from './lib/storage-postgres.ts';

type Backend = 'sqlite' | 'postgres';

interface Options {
  readonly sizes: number[];
  readonly backends: Backend[];
  readonly reads: number;
  readonly kyselyReads: number;
  readonly batch: number;
  readonly seed: number;
  readonly sqliteCacheMB: number | undefined;
  readonly pgUrl: string;
}

interface Run {
  readonly backend: Backend;
  readonly method: string;
  readonly persons: number;
  readonly load: Load;
  readonly pk?: Timed;
  readonly kysely?: Timed;
  readonly batched?: Timed;
  readonly dbMB?: number;
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  const n = m ? Number(m[1]) * ({ k: 1e3, m: 1e6 }[(m[2] ?? '').toLowerCase() as 'k' | 'm'] ?? 1) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--sizes: "${text}" is not a positive whole number (100000, 100k, 1m)`);
  return n;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '100000,1000000' },
      backend: { type: 'string', default: 'both' },
      reads: { type: 'string', default: '100000' },
      'kysely-reads': { type: 'string', default: '20000' },
      batch: { type: 'string', default: '100' },
      seed: { type: 'string', default: '2' },
      'sqlite-cache-mb': { type: 'string' },
    },
  });
  const backend = values.backend;
  if (backend !== 'sqlite' && backend !== 'postgres' && backend !== 'both') throw new Error(`--backend is sqlite, postgres or both, not "${backend}"`);
  return {
    sizes: values.sizes.split(',').map(parseSize),
    backends: backend === 'both' ? ['sqlite', 'postgres'] : [backend],
    reads: parseSize(values.reads),
    kyselyReads: parseSize(values['kysely-reads']),
    batch: parseSize(values.batch),
    seed: parseSize(values.seed),
    sqliteCacheMB: values['sqlite-cache-mb'] === undefined ? undefined : parseSize(values['sqlite-cache-mb']),
    pgUrl: process.env['POPULUS_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

/** 100000 → 100k, 1000000 → 1m. */
function label(n: number): string {
  if (n % 1e6 === 0) return `${n / 1e6}m`;
  if (n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** Cleanups still owed (temp files, throw-away databases), run on ^C too. */
const cleanups = new Set<() => Promise<void> | void>();
async function withCleanup<T>(cleanup: () => Promise<void> | void, body: () => Promise<T>): Promise<T> {
  cleanups.add(cleanup);
  try {
    return await body();
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}
process.once('SIGINT', () => {
  console.error('\ninterrupted; cleaning up');
  // Dropping a database ends the connections still using it; their errors no longer matter.
  process.on('uncaughtException', () => undefined);
  void Promise.allSettled([...cleanups].map(async (c) => c())).then(() => process.exit(130));
});

async function prepare(store: Store, reference: ReferenceData): Promise<void> {
  await store.migrate();
  await seedReference(store.db, reference);
}

async function runSqlite(o: Options, persons: number, reference: ReferenceData): Promise<Run[]> {
  const dir = mkdtempSync(join(tmpdir(), 'populus-bench-'));
  return withCleanup(
    () => rmSync(dir, { recursive: true, force: true }),
    async () => {
      const file = join(dir, 'bench.db');
      const store = await openStore(`sqlite:${file}`);
      try {
        await prepare(store, reference);
        const raw = store.sqlite;
        if (!raw) throw new Error('the SQLite store has no raw handle');
        if (o.sqliteCacheMB !== undefined) raw.pragma(`cache_size = -${o.sqliteCacheMB * 1024}`);
        const load = loadSqlite(raw, o.seed, persons);
        const plan = readPlan(o.seed, persons, o.reads);
        const pk = sqlitePkReads(raw, plan);
        const kysely = await kyselyReads(store.db, plan, o.kyselyReads);
        const batched = sqliteBatchedReads(raw, plan, o.batch);
        const size = (f: string): number => {
          try {
            return statSync(f).size;
          } catch {
            return 0;
          }
        };
        const dbMB = Math.round((size(file) + size(`${file}-wal`)) / 2 ** 20);
        const method = `prepared, 50k rows/tx${o.sqliteCacheMB === undefined ? '' : `, ${o.sqliteCacheMB} MB cache`}`;
        return [{ backend: 'sqlite', method, persons, load, pk, kysely, batched, dbMB }];
      } finally {
        await store.close();
      }
    },
  );
}

async function runPostgres(o: Options, persons: number, reference: ReferenceData): Promise<Run[]> {
  const database = await createThrowawayDatabase(o.pgUrl);
  return withCleanup(
    () => database.drop(),
    async () => {
      const store = await openStore(database.url);
      try {
        await prepare(store, reference);
        const pool = store.pool;
        if (!pool) throw new Error('the PostgreSQL store has no pool');
        const insert = await loadPostgresInsert(pool, o.seed, persons);
        await truncatePersons(pool);
        const copy = await loadPostgresCopy(pool, o.seed, persons);
        await vacuumAnalyze(pool);
        const plan = readPlan(o.seed, persons, o.reads);
        const pk = await postgresPkReads(pool, plan);
        const kysely = await kyselyReads(store.db, plan, o.kyselyReads);
        const batched = await postgresBatchedReads(pool, plan, o.batch);
        const dbMB = await databaseMB(pool);
        return [
          { backend: 'postgres', method: 'INSERT … unnest, 10k persons/stmt', persons, load: insert },
          { backend: 'postgres', method: 'COPY, 20k persons/tx', persons, load: copy, pk, kysely, batched, dbMB },
        ];
      } finally {
        await store.close();
      }
    },
  );
}

function tableRows(runs: readonly Run[]): Record<string, string | number>[] {
  const rate = (t: Timed | undefined): string | number => (t ? perSecond(t) : '-');
  return runs.map((r) => ({
    method: r.method,
    persons: r.persons,
    rows: r.load.count,
    wallS: round(r.load.wallSeconds),
    genS: round(r.load.wallSeconds - r.load.seconds),
    rowsPerS: perSecond(r.load),
    pkReadsPerS: rate(r.pk),
    kyselyReadsPerS: rate(r.kysely),
    batchedReadsPerS: rate(r.batched),
    dbMB: r.dbMB ?? '-',
    peakRssMB: peakRssMB(),
  }));
}

function figures(runs: readonly Run[], o: Options, wallS: number): Figures {
  const f: Figures = {};
  const largest = new Map<Backend, Run>();
  for (const r of runs) {
    const prefix = `${r.backend === 'sqlite' ? 'sqlite' : 'pg'}${label(r.persons)}`;
    if (r.backend === 'postgres' && r.pk === undefined) {
      f[`${prefix}InsertRowsPerS`] = perSecond(r.load);
      f[`${prefix}InsertWallS`] = round(r.load.wallSeconds);
      continue;
    }
    f[`${prefix}RowsPerS`] = perSecond(r.load);
    f[`${prefix}WallS`] = round(r.load.wallSeconds);
    if (r.pk) f[`${prefix}PointReadsPerS`] = perSecond(r.pk);
    if (r.kysely) f[`${prefix}KyselyReadsPerS`] = perSecond(r.kysely);
    if (r.batched) f[`${prefix}BatchedReadsPerS`] = perSecond(r.batched);
    const seen = largest.get(r.backend);
    if (!seen || r.persons >= seen.persons) largest.set(r.backend, r);
  }
  // The point-read figures of each backend at its largest size, the headline numbers.
  for (const [backend, r] of largest) {
    const b = backend === 'sqlite' ? 'sqlite' : 'pg';
    if (r.pk) f[`${b}PointReadsPerS`] = perSecond(r.pk);
    if (r.kysely) f[`${b}KyselyReadsPerS`] = perSecond(r.kysely);
    if (r.batched) f[`${b}BatchedReadsPerS`] = perSecond(r.batched);
  }
  f['readsPerSize'] = o.reads;
  f['kyselyReadsPerSize'] = o.kyselyReads;
  f['batchSize'] = o.batch;
  if (o.sqliteCacheMB !== undefined) f['sqliteCacheMB'] = o.sqliteCacheMB;
  f['loadAvg1mAtEnd'] = loadAverage();
  f['peakRssMB'] = peakRssMB();
  f['wallS'] = round(wallS);
  return f;
}

const round = (s: number): number => Math.round(s * 100) / 100;
const loadAverage = (): number => round(loadavg()[0] ?? 0);

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const started = performance.now();
  const reference = loadReferenceData();
  const runs: Run[] = [];
  console.log(
    `storage: sizes ${o.sizes.map(label).join(', ')} persons (×7 rows); ${o.reads.toLocaleString('en-US')} point reads per size ` +
      `(${o.kyselyReads.toLocaleString('en-US')} through Kysely, batches of ${o.batch})\n` +
      'wallS: load time, of which genS generating the persons (untimed in rowsPerS = rows / (wallS − genS)); peakRssMB: this process, so far\n' +
      `load average at start ${loadAverage()} (the figures are only comparable on an otherwise idle machine)`,
  );
  for (const backend of o.backends) {
    for (const persons of o.sizes) {
      const result = backend === 'sqlite' ? await runSqlite(o, persons, reference) : await runPostgres(o, persons, reference);
      runs.push(...result);
      printTable(`${backend}, ${label(persons)} persons`, tableRows(result));
      (globalThis as { gc?: () => void }).gc?.();
    }
  }
  printResult(figures(runs, o, (performance.now() - started) / 1000));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
