/**
 * Benchmark `ingest`: a generated demo street loaded through the import pipeline (address database,
 * then all 27 department extracts) into a fresh SQLite file, against the same database
 * bulk-inserting the same number of rows with no processing (the `storage` benchmark's loader, run
 * in this process); then correctness against the ground truth: per element, the share of persons
 * with a citizen ID whose current value equals the true one, and the persons created per true person.
 *
 *   npm run bench -- ingest [--scale 0.1] [--seed 1]
 *
 * Targets (issue 4): the full street (scale 1) in ≤ 15 s on SQLite, ≤ 3× the bulk insert, ≤ 1 GiB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../src/demo/demo-generator.ts';
import { readPersons } from '../src/demo/truth-reader.ts';
import { loadConfig } from '../src/config.ts';
import { openPlatform } from '../src/main.ts';
import { loadDemo } from '../src/ingest/load-demo.ts';
import { openStore } from '../src/store/store.ts';
import { migrateStore } from '../src/main.ts';
import { loadSqlite } from './lib/storage-sqlite.ts';
import { ROWS_PER_PERSON } from './lib/synthetic-person.ts';
import { peakRssMB, printResult, printTable } from './lib/report.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const scale = Number(option('scale', '0.1'));
const seed = option('seed', '1');
const work = mkdtempSync(join(tmpdir(), 'populus-bench-ingest-'));
try {
  const demoDir = join(work, 'demo');
  await generateDemo({ seed, outDir: demoDir, scale, noise: 1 });

  // The pipeline.
  const platform = await openPlatform(loadConfig({ DATABASE_URL: `sqlite:${join(work, 'ingest.db')}`, LOG_LEVEL: 'silent' }));
  const started = performance.now();
  const { reports } = await loadDemo(platform.services, demoDir);
  const ingestS = (performance.now() - started) / 1000;
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
  await platform.close();

  // The baseline: the same number of rows bulk-inserted with no processing.
  const baseStore = await openStore(`sqlite:${join(work, 'baseline.db')}`);
  await migrateStore(baseStore);
  const basePersons = Math.ceil(rows / ROWS_PER_PERSON);
  const base = loadSqlite(baseStore.sqlite ?? (() => { throw new Error('no sqlite handle'); })(), 7, basePersons);
  await baseStore.close();

  const accuracy = Object.fromEntries([...hits].map(([e, h]) => [e, h.total ? h.right / h.total : 1]));
  printTable(`ingest, demo street at scale ${scale} (${rows.toLocaleString('en-US')} extract rows)`, [
    { step: 'import pipeline', rows, wallS: ingestS, rowsPerS: Math.round(rows / ingestS) },
    { step: 'bulk insert, no processing', rows: basePersons * ROWS_PER_PERSON, wallS: base.seconds, rowsPerS: Math.round((basePersons * ROWS_PER_PERSON) / base.seconds) },
  ]);
  printTable('current values equal to the truth (persons with a citizen ID, sampled)', elements.map((e) => ({ element: e, compared: hits.get(e)?.total ?? 0, share: Number((accuracy[e] ?? 0).toFixed(4)) })));
  printTable('linking', [{ truePersonsWithId: withId, foundByIdNumber: found, personsCreated: created, truePersons: truth.size, rowsRejected: rejected, conflicts }]);
  printResult({
    scale,
    rows,
    wallS: Number(ingestS.toFixed(2)),
    rowsPerS: Math.round(rows / ingestS),
    bulkInsertS: Number(base.seconds.toFixed(2)),
    ratioToBulkInsert: Number((ingestS / base.seconds).toFixed(2)),
    peakRssMB: peakRssMB(),
    rowsRejected: rejected,
    personsCreated: created,
    truePersons: truth.size,
    idPersonsFoundShare: Number((found / Math.max(1, withId)).toFixed(4)),
    nameAccuracy: Number((accuracy['person.name'] ?? 0).toFixed(4)),
    birthDateAccuracy: Number((accuracy['person.birthDate'] ?? 0).toFixed(4)),
    maritalStatusAccuracy: Number((accuracy['person.maritalStatus'] ?? 0).toFixed(4)),
    conflicts,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
