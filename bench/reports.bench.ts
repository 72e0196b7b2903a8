/**
 * Benchmark `reports` (issue 8): the monthly actual-population report for the whole street
 * (median and p99 over `--runs` runs, each a full service run: engine, audit entry, kept run with
 * its hash and comparison), the same rendered as XLSX, and every shipped report for every
 * committee of the street (17 at scale 1), as schedules produce them: each report once for all the
 * committees, reading the record once (with `--each` also one committee a run), and the monthly
 * run reproduced as the record was known when it read (transaction time, `reproduceStreetMs`; each
 * reproduction must be unchanged) — on SQLite,
 * PostgreSQL or both. Every run is computed afresh from the record: nothing of a report is kept
 * between runs. The process holds the street's residences in memory, kept current from the
 * residence change log (src/store/residence-memory.ts) as an index is; the first run loads them
 * (`firstRunMs`, apart from the median).
 *
 *   npm run bench -- reports [--scale 1] [--db FILE.db] [--backend sqlite|pg|both] [--runs 10] [--each] [--pg ADMIN_URL]
 *
 * The demo street is generated and imported first (minutes at scale 1); `--db FILE.db` keeps the
 * SQLite database in that file and reuses it when it already holds persons, so the import is paid
 * once. PostgreSQL imports into a throw-away database (created on the server of the admin URL,
 * default POPULUS_BENCH_PG or postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards).
 *
 * Targets: the monthly street report in ≤ 1 s, and all shipped reports for all committees in
 * ≤ 30 s, on SQLite.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateDemo } from '../src/demo/demo-generator.ts';
import { loadConfig } from '../src/config.ts';
import { openPlatform, type Platform } from '../src/main.ts';
import { loadDemo } from '../src/ingest/load-demo.ts';
import { cliRunner } from '../src/cli/commands/report.command.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './lib/storage-postgres.ts';
import { peakRssMB, printResult, printTable, type Figures } from './lib/report.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const scale = Number(option('scale', '1'));
const backend = option('backend', 'sqlite');
const runs = Math.max(1, Number(option('runs', '10')));
const dbFile = option('db', '');
const each = process.argv.includes('--each');
const adminUrl = option('pg', process.env['POPULUS_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const HOME = '310105004';
const AS_OF = '2024-12-31';

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

let demoDir: string | undefined;
const work = mkdtempSync(join(tmpdir(), 'populus-bench-reports-'));

async function demo(): Promise<string> {
  if (demoDir) return demoDir;
  const dir = join(work, 'demo');
  const t = performance.now();
  await generateDemo({ seed: 'xinhua', outDir: dir, scale, noise: 1 });
  console.log(`generated the demo street at scale ${scale} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  demoDir = dir;
  return dir;
}

async function ensureLoaded(platform: Platform): Promise<number> {
  if ((await platform.services.persons.search({ limit: 1, offset: 0 })).total > 0) {
    console.log('the database already holds the demo street: import skipped');
    return 0;
  }
  const dir = await demo();
  const t = performance.now();
  await loadDemo(platform.services, dir);
  const s = (performance.now() - t) / 1000;
  console.log(`imported in ${s.toFixed(1)} s`);
  return s;
}

async function measure(kind: 'sqlite' | 'pg'): Promise<Figures> {
  let throwaway: ThrowawayDatabase | undefined;
  let url: string;
  if (kind === 'sqlite') url = `sqlite:${dbFile !== '' ? resolve(dbFile) : join(work, 'reports.db')}`;
  else {
    throwaway = await createThrowawayDatabase(adminUrl);
    url = throwaway.url;
  }
  const platform = await openPlatform(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }));
  try {
    const importS = await ensureLoaded(platform);
    const { reports } = platform.reports;
    const definitions = (await reports.list()).map((i) => i.definition);
    const monthly = definitions.find((d) => d.id === 'actual-population-monthly');
    if (!monthly) throw new Error('the shipped actual-population-monthly definition is missing');
    const runOne = async (id: string, departmentId: string, area: string) =>
      reports.run(cliRunner(departmentId, 'bench'), { definitionId: id, areaCode: area, asOf: AS_OF, format: 'xlsx', requestId: null });

    // The first run: loads the street's residences into memory, prepares statements.
    const t0 = performance.now();
    await runOne(monthly.id, monthly.departmentId, HOME);
    const firstRunMs = performance.now() - t0;
    const times: number[] = [];
    let persons = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const o = await runOne(monthly.id, monthly.departmentId, HOME);
      times.push(performance.now() - t);
      persons = o.result.personCount;
    }
    const last = await runOne(monthly.id, monthly.departmentId, HOME);
    const tx = performance.now();
    const meta = await reports.metaFor(last.result, {}, 'monthly');
    await reports.render(last.result, 'xlsx', meta);
    const xlsxMs = performance.now() - tx;
    // The same run reproduced as the record was known when it read (transaction time: the database's
    // versions of then, every value re-decided from the observations recorded by then): must be unchanged.
    const reproduceTimes: number[] = [];
    let reproducedDiffer = 0;
    for (let i = 0; i < Math.min(3, runs); i++) {
      const t = performance.now();
      const again = await reports.reproduce(cliRunner(monthly.departmentId, 'bench'), monthly.id, last.run.id, null);
      reproduceTimes.push(performance.now() - t);
      if (again.run.comparison !== 'unchanged') reproducedDiffer++;
    }
    if (reproducedDiffer > 0) console.log(`  ${reproducedDiffer} reproductions of the monthly run differ from it`);

    const committees = (await platform.services.areas.children(HOME)).map((a) => a.code);
    // Every report for every committee as a schedule produces them: one run of each definition for
    // the 17 committees, reading the record once (ReportService.runMany).
    const perReport: Record<string, string | number>[] = [];
    const tAll = performance.now();
    let failures = 0;
    for (const d of definitions) {
      const t = performance.now();
      let counted = 0;
      try {
        const outcomes = await reports.runMany(cliRunner(d.departmentId, 'bench'), {
          definitionId: d.id,
          areaCodes: committees,
          asOf: AS_OF,
          format: 'xlsx',
          requestId: null,
        });
        counted = outcomes.reduce((n, o) => n + o.result.personCount, 0);
      } catch (e) {
        failures++;
        console.log(`  ${d.id}: ${(e as Error).message}`);
      }
      perReport.push({ report: d.id, committees: committees.length, persons: counted, seconds: (performance.now() - t) / 1000 });
    }
    const allS = (performance.now() - tAll) / 1000;
    printTable(`${kind}: every shipped report for every committee, each report once for all committees (as of ${AS_OF})`, perReport);
    // The same one committee at a time (each run reads its committee): --each.
    let eachS: number | undefined;
    if (each) {
      const t = performance.now();
      for (const d of definitions) for (const c of committees) await runOne(d.id, d.departmentId, c);
      eachS = (performance.now() - t) / 1000;
    }
    const figures: Figures = {
      backend: kind,
      scale,
      persons,
      importS: Number(importS.toFixed(1)),
      monthlyStreetMs: Number(percentile(times, 50).toFixed(1)),
      monthlyStreetP99Ms: Number(percentile(times, 99).toFixed(1)),
      monthlyXlsxMs: Number(xlsxMs.toFixed(1)),
      reproduceStreetMs: Number(percentile(reproduceTimes, 50).toFixed(1)),
      reproducedDiffer,
      firstRunMs: Number(firstRunMs.toFixed(1)),
      reports: definitions.length,
      committees: committees.length,
      allCommitteesS: Number(allS.toFixed(2)),
      ...(eachS === undefined ? {} : { eachCommitteeS: Number(eachS.toFixed(2)) }),
      failures: failures + reproducedDiffer,
      peakRssMB: peakRssMB(),
    };
    printTable(`${kind}: figures`, [
      { figure: 'monthly report, whole street, median (ms)', value: figures['monthlyStreetMs'] as number, target: '≤ 1000' },
      { figure: 'monthly report, whole street, p99 (ms)', value: figures['monthlyStreetP99Ms'] as number, target: '' },
      { figure: 'monthly report as XLSX (ms)', value: figures['monthlyXlsxMs'] as number, target: '' },
      { figure: 'the monthly run reproduced as known when it read, median (ms)', value: figures['reproduceStreetMs'] as number, target: '' },
      { figure: 'reproductions that differ from the run', value: reproducedDiffer, target: '0' },
      { figure: 'the first run, loading the residences (ms)', value: figures['firstRunMs'] as number, target: '' },
      { figure: `all ${definitions.length} reports × ${committees.length} committees (s)`, value: Number(allS.toFixed(2)), target: '≤ 30' },
      ...(eachS === undefined ? [] : [{ figure: 'the same, one committee a run (s)', value: Number(eachS.toFixed(2)), target: '' }]),
      { figure: 'persons in the monthly report', value: persons, target: '' },
      { figure: 'peak RSS (MB)', value: figures['peakRssMB'] as number, target: '' },
    ]);
    return figures;
  } finally {
    await platform.close();
    await throwaway?.drop();
  }
}

const kinds: ('sqlite' | 'pg')[] = backend === 'both' ? ['sqlite', 'pg'] : backend === 'pg' ? ['pg'] : ['sqlite'];
const results: Figures[] = [];
try {
  for (const k of kinds) results.push(await measure(k));
} finally {
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
const sqlite = results.find((r) => r['backend'] === 'sqlite');
const pgFigures = results.find((r) => r['backend'] === 'pg');
const base = sqlite ?? pgFigures ?? {};
printResult({
  ...base,
  ...(pgFigures && sqlite
    ? { pgMonthlyStreetMs: pgFigures['monthlyStreetMs'] ?? null, pgAllCommitteesS: pgFigures['allCommitteesS'] ?? null }
    : {}),
  peakRssMB: peakRssMB(),
});
