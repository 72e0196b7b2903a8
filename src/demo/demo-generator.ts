/**
 * The demo street generator: `generateDemo({ seed, outDir, scale })` builds 新华路街道 (and, for
 * scale above 1, further Shanghai streets: a district is about 10, Shanghai about 300) committee by
 * committee, writing the department extracts, the ground truth and a year of changes as it goes,
 * so memory stays bounded. The same seed gives byte-identical output (see manifest.json).
 */
import { accessSync, constants, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { PopulationCategory } from '../domain/population-category.ts';
import { ChangeWriters } from './change-writer.ts';
import { CommitteeBuilder, type IdCounters, type Quotas } from './committee-builder.ts';
import type { WrittenFile } from './csv-writer.ts';
import { ExtractWriters } from './extract-writer.ts';
import { IdIssuer } from './id-issuer.ts';
import { assignKinds } from './kinds.ts';
import type { Committee, Street } from './model.ts';
import { DEFAULT_NOISE, scaledNoise, type NoiseRates } from './noise.ts';
import { roadsOfCommittee, roadsOfStreet } from './places.ts';
import { apportion, Random } from './random.ts';
import { loadDemoReference, type DemoReference } from './reference-adapter.ts';
import { SYSTEMS } from './systems.data.ts';
import { TruthWriters, writeJson, writeSystemTruth } from './truth-writer.ts';
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
  if (!Number.isFinite(scale) || scale <= 0 || scale > 400) throw new DemoOptionsError(`--scale must be a number above 0 and at most 400, not ${String(options.scale)}`);
  const noise = options.noise ?? 1;
  if (!Number.isFinite(noise) || noise < 0 || noise > 20) throw new DemoOptionsError(`--noise must be a number from 0 to 20, not ${String(options.noise)}`);
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

  const truth = new TruthWriters(outDir, asOf);
  const extracts = new ExtractWriters(SYSTEMS, { outDir, seed, asOf, noise: rates, areaName }, truth.links);
  const changes = new ChangeWriters(SYSTEMS, { outDir, seed, asOf, noise: rates, reference }, truth);
  const counters: IdCounters = { person: 0, household: 0, dwelling: 0 };
  const persons: Record<string, number> = {};
  let households = 0;
  let dwellings = 0;
  const plan = streets.map((street) => ({ street, committees: reference.committeesOf(street.code) }));
  const committeesTotal = plan.reduce((n, s) => n + s.committees.length, 0);
  let committeesDone = 0;

  for (const { street, committees } of plan) {
    const random = Random.from(seed, 'street', street.code);
    const issuer = new IdIssuer(reference, street.index, streets.length);
    const indexInDistrict = streets.filter((s) => s.districtCode === street.districtCode && s.index < street.index).length;
    const streetRoads = roadsOfStreet(street, indexInDistrict, random.fork('roads'));
    const weights = committees.map(() => random.around(1, 0.25, 0.5, 1.6));
    const quotas = committees.map(() => ({}) as Record<PopulationCategory, number>);
    for (const [category, total] of Object.entries(STREET_COMPOSITION) as [PopulationCategory, number][]) {
      apportion(Math.round(total * share), weights).forEach((n, i) => {
        const q = quotas[i];
        if (q) q[category] = n;
      });
    }
    for (const [i, area] of committees.entries()) {
      const committee: Committee = { code: area.code, name: area.name, street, roads: roadsOfCommittee(streetRoads, i, random) };
      const builder = new CommitteeBuilder({ seed, reference, issuer, asOf, counters }, committee, i);
      const build = builder.run(quotas[i] as Quotas);
      assignKinds(build, asOf);
      changes.planCommittee(build, builder);
      extracts.writeCommittee(build);
      truth.writeCommittee(build);
      changes.writeCommittee(build);
      for (const p of build.persons) persons[p.category] = (persons[p.category] ?? 0) + 1;
      persons.departed = (persons.departed ?? 0) + build.ghosts.length;
      households += build.households.length;
      dwellings += build.dwellings.length;
      committeesDone++;
      options.onProgress?.({ street: street.name, committee: area.name, committeesDone, committeesTotal, persons: counters.person, rows: extracts.rows });
      await drain();
    }
  }
  persons.later = changes.laterPersons;

  const files: WrittenFile[] = [];
  files.push(...(await extracts.close()));
  files.push(...truth.close());
  files.push(...changes.close());
  files.push(...writeSystemTruth(outDir, SYSTEMS.map((spec) => ({ spec, headerRow: extracts.headerRows(spec), snapshotDate: extracts.snapshotDate(spec) }))));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const summary: DemoSummary = {
    seed,
    scale,
    noise,
    asOf,
    streets: streets.length,
    committees: committeesTotal,
    persons,
    households,
    dwellings,
    extractRows: extracts.rows,
    changeRows: changes.rows,
    files,
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
    counts: { persons, households, dwellings, extractRows: extracts.rows, changeRows: changes.rows },
    files,
  });
  return summary;
}
