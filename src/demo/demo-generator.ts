/**
 * The demo street generator: `generateDemo({ seed, outDir, scale })` builds 新华路街道 (and, for
 * scale above 1, further Shanghai streets: a district is about 10, Shanghai about 300) committee by
 * committee, writing the department extracts, the ground truth and a year of changes as it goes,
 * so memory stays bounded. The same seed gives byte-identical output (see manifest.json).
 */
import { accessSync, constants, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { PopulationCategory } from '../domain/population-category.ts';
import type { Quotas } from './committee-builder.ts';
import { runCommittee, type CommitteeJob } from './committee-job.ts';
import type { WrittenFile } from './csv-writer.ts';
import { extractDate } from './extract-renderer.ts';
import type { Street } from './model.ts';
import { OutputFiles } from './output-files.ts';
import { DEFAULT_NOISE, scaledNoise, type NoiseRates } from './noise.ts';
import { roadsOfCommittee, roadsOfStreet } from './places.ts';
import { apportion, Random } from './random.ts';
import { loadDemoReference, type DemoReference } from './reference-adapter.ts';
import { SYSTEMS } from './systems.data.ts';
import { writeJson, writeSystemTruth } from './truth-writer.ts';
import { drain } from './xlsx-writer.ts';

export const GENERATOR_VERSION = '1.0.0';
export const DEFAULT_AS_OF = '2024-12-31';

/** The field study's street: 81,800 actual residents and 21,000 registered but living elsewhere. */
export const STREET_COMPOSITION: Readonly<Record<PopulationCategory, number>> = {
  RESIDENT_REGISTERED: 81_800 * 0.477,
  RESIDENT_REGISTERED_ELSEWHERE_LOCAL: 81_800 * 0.306,
  FROM_OTHER_PROVINCE: 81_800 * 0.171,
  FROM_ABROAD: 81_800 * 0.046,
  REGISTERED_ABSENT: 21_000,
};

export interface DemoOptions {
  readonly seed: number | string;
  readonly outDir: string;
  /** 1 = one street (default); 0.02 = a fiftieth of it; 10 ≈ a district. */
  readonly scale?: number;
  /** Multiplier of the default noise rates; 0 = no noise. */
  readonly noise?: number;
  /** Export date of the extracts; the year of changes follows it. */
  readonly asOf?: string;
  /** Folder holding standards/ (defaults to the repository's data/). */
  readonly dataDir?: string;
  readonly onProgress?: (progress: DemoProgress) => void;
}

export interface DemoProgress {
  readonly street: string;
  readonly committee: string;
  readonly committeesDone: number;
  readonly committeesTotal: number;
  readonly persons: number;
  readonly rows: number;
}

export interface DemoSummary {
  readonly seed: string;
  readonly scale: number;
  readonly noise: number;
  readonly asOf: string;
  readonly streets: number;
  readonly committees: number;
  readonly persons: Readonly<Record<string, number>>;
  readonly households: number;
  readonly dwellings: number;
  readonly extractRows: number;
  readonly changeRows: number;
  readonly files: readonly WrittenFile[];
}

export class DemoOptionsError extends Error {}

export function validateOptions(options: DemoOptions): { scale: number; noise: number; asOf: string } {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 400)
    throw new DemoOptionsError(`--scale must be a number above 0 and at most 400, not ${String(options.scale)}`);
  const noise = options.noise ?? 1;
  if (!Number.isFinite(noise) || noise < 0 || noise > 20)
    throw new DemoOptionsError(`--noise must be a number from 0 to 20, not ${String(options.noise)}`);
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new DemoOptionsError(`the export date must be YYYY-MM-DD, not ${asOf}`);
  if (String(options.seed).trim() === '') throw new DemoOptionsError('--seed must not be empty');
  return { scale, noise, asOf };
}

/** 新华路街道 first, then the other streets of Changning, then the rest of Shanghai. */
export function pickStreets(reference: DemoReference, count: number): Street[] {
  const all = reference.shanghaiTownships;
  const first = all.filter((t) => t.code === '310105004');
  const changning = all.filter((t) => t.code.startsWith('310105') && t.code !== '310105004');
  const rest = all.filter((t) => !t.code.startsWith('310105'));
  return [...first, ...changning, ...rest].slice(0, count).map((t, index) => ({
    code: t.code,
    name: t.name,
    districtCode: t.code.slice(0, 6),
    districtName: reference.countyName(t.code.slice(0, 6)),
    index,
  }));
}

/** mkdir -p, one level at a time (recursive mkdirSync can spin on special file systems such as /proc). */
function makeDirs(dir: string): void {
  const absolute = resolve(dir);
  const parts = absolute.split(sep).filter((p) => p !== '');
  let path = absolute.startsWith(sep) ? sep : '';
  for (const part of parts) {
    path = join(path, part);
    try {
      mkdirSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!statSync(path).isDirectory()) throw Object.assign(new Error(`${path} is not a folder`), { code: 'ENOTDIR' });
    }
  }
}

function prepareOutDir(outDir: string): void {
  try {
    makeDirs(outDir);
    accessSync(outDir, constants.W_OK);
    for (const sub of ['extracts', 'truth', 'changes']) {
      rmSync(join(outDir, sub), { recursive: true, force: true });
      mkdirSync(join(outDir, sub));
    }
  } catch (e) {
    throw new DemoOptionsError(`cannot write to ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function generateDemo(options: DemoOptions): Promise<DemoSummary> {
  const { scale, noise, asOf } = validateOptions(options);
  const seed = String(options.seed);
  const outDir = options.outDir;
  prepareOutDir(outDir);
  const reference = loadDemoReference(options.dataDir);
  const streetCount = Math.max(1, Math.ceil(scale - 1e-9));
  const streets = pickStreets(reference, streetCount);
  const share = scale / streets.length;
  const rates: NoiseRates = scaledNoise(noise, DEFAULT_NOISE);
  const areaName = streets.length === 1 ? (streets[0]?.name ?? '') : [...new Set(streets.map((s) => s.districtName))].join('、');
  const jobs = planJobs(streets, reference, { seed, asOf, noise: rates, share });

  const files = new OutputFiles(SYSTEMS, { outDir, asOf, areaName });
  const persons: Record<string, number> = {};
  let households = 0;
  let dwellings = 0;
  let total = 0;
  let done = 0;
  for (const job of jobs) {
    const stats = runCommittee(job, reference, files);
    for (const [category, n] of Object.entries(stats.persons)) persons[category] = (persons[category] ?? 0) + n;
    persons.departed = (persons.departed ?? 0) + stats.departed;
    persons.later = (persons.later ?? 0) + stats.later;
    households += stats.households;
    dwellings += stats.dwellings;
    total += Object.values(stats.persons).reduce((a, b) => a + b, 0) + stats.departed + stats.later;
    options.onProgress?.({
      street: job.street.name,
      committee: stats.committeeName,
      committeesDone: ++done,
      committeesTotal: jobs.length,
      persons: total,
      rows: files.extractRows,
    });
    await drain(); // lets the XLSX zip streams write out
  }

  const written: WrittenFile[] = await files.close();
  written.push(
    ...writeSystemTruth(
      outDir,
      SYSTEMS.map((spec) => ({ spec, headerRow: files.headerRows(spec), snapshotDate: extractDate(spec, asOf, rates) })),
    ),
  );
  written.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const summary: DemoSummary = {
    seed,
    scale,
    noise,
    asOf,
    streets: streets.length,
    committees: jobs.length,
    persons,
    households,
    dwellings,
    extractRows: files.extractRows,
    changeRows: files.changeRows,
    files: written,
  };
  writeJson(outDir, 'manifest.json', {
    generator: 'populus demo',
    version: GENERATOR_VERSION,
    seed,
    scale,
    noise,
    noiseRates: rates,
    asOf,
    streets: streets.map((s) => ({ code: s.code, name: s.name, district: s.districtName })),
    counts: { persons, households, dwellings, extractRows: files.extractRows, changeRows: files.changeRows },
    files: written,
  });
  return summary;
}

/** Every committee of every street as a job: quotas apportioned by committee size, roads, ID slots. */
function planJobs(
  streets: readonly Street[],
  reference: DemoReference,
  common: { seed: string; asOf: string; noise: NoiseRates; share: number },
): CommitteeJob[] {
  const jobs: CommitteeJob[] = [];
  const perStreet = streets.map((street) => ({ street, committees: reference.committeesOf(street.code) }));
  const idSlots = Math.min(
    500,
    Math.max(
      1,
      perStreet.reduce((n, s) => n + s.committees.length, 0),
    ),
  );
  for (const { street, committees } of perStreet) {
    const random = Random.from(common.seed, 'street', street.code);
    const indexInDistrict = streets.filter((s) => s.districtCode === street.districtCode && s.index < street.index).length;
    const streetRoads = roadsOfStreet(street, indexInDistrict, random.fork('roads'));
    const weights = committees.map(() => random.around(1, 0.25, 0.5, 1.6));
    const quotas = committees.map(() => ({}) as Record<PopulationCategory, number>);
    for (const [category, total] of Object.entries(STREET_COMPOSITION) as [PopulationCategory, number][]) {
      apportion(Math.round(total * common.share), weights).forEach((n, i) => {
        const q = quotas[i];
        if (q) q[category] = n;
      });
    }
    committees.forEach((area, i) => {
      jobs.push({
        seq: jobs.length,
        seed: common.seed,
        asOf: common.asOf,
        noise: common.noise,
        street,
        committee: { code: area.code, name: area.name, roads: roadsOfCommittee(streetRoads, i, random) },
        committeeIndex: i,
        quotas: quotas[i] as Quotas,
        idSlot: jobs.length % idSlots,
        idSlots,
      });
    });
  }
  return jobs;
}
