/**
 * Benchmark `demo`: generates the demo street (scale 1 by default, `--scale 10` for about a district)
 * into a temporary folder and reports wall time, throughput and peak memory. Targets for scale 1 on
 * the 2-core reference machine: ≤ 30 s and ≤ 500 MB peak RSS.
 *
 *   npm run bench -- demo [--scale N] [--seed N] [--keep DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../src/demo/demo-generator.ts';
import { peakRssMB, printResult, printTable } from './lib/report.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const scale = Number(option('scale', '1'));
const seed = option('seed', '1');
const keep = option('keep', '');
const outDir = keep || mkdtempSync(join(tmpdir(), 'populus-bench-demo-'));

const started = performance.now();
let sampledPeak = 0;
const summary = await generateDemo({
  seed,
  outDir,
  scale,
  onProgress: () => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  },
});
const wallS = (performance.now() - started) / 1000;
if (!keep) rmSync(outDir, { recursive: true, force: true });

const persons = Object.values(summary.persons).reduce((a, b) => a + b, 0);
const rows = summary.extractRows + summary.changeRows;
const bytes = summary.files.reduce((n, f) => n + f.bytes, 0);
const group = (prefix: string): { files: number; rows: number; MB: number } => {
  const files = summary.files.filter((f) => f.path.startsWith(prefix));
  return { files: files.length, rows: files.reduce((n, f) => n + f.rows, 0), MB: files.reduce((n, f) => n + f.bytes, 0) / 2 ** 20 };
};

printTable(`demo street, scale ${scale}, seed ${seed}`, [
  { part: 'extracts/', ...group('extracts/') },
  { part: 'truth/', ...group('truth/') },
  { part: 'changes/', ...group('changes/') },
]);
printTable('figures', [
  { figure: 'streets / committees', value: `${summary.streets} / ${summary.committees}` },
  { figure: 'persons (all statuses)', value: persons },
  { figure: 'households', value: summary.households },
  { figure: 'dwellings', value: summary.dwellings },
  { figure: 'extract + change rows', value: rows },
  { figure: 'MB written', value: bytes / 2 ** 20 },
  { figure: 'wall s', value: wallS },
]);
printResult({
  scale,
  wallS: Number(wallS.toFixed(2)),
  personsPerS: Math.round(persons / wallS),
  rowsPerS: Math.round(rows / wallS),
  mbWritten: Math.round(bytes / 2 ** 20),
  peakRssMB: Math.max(peakRssMB(), Math.round(sampledPeak / 2 ** 20)),
  withinTarget: scale !== 1 || (wallS <= 30 && peakRssMB() <= 500),
});
