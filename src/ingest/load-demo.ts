/**
 * Loading a generated demo street through the import pipeline, as a street would on its first day:
 * the standard address database first, then the authoritative identity sources, then every other
 * department system, each through its source's mapping profile (data/demo/sources.json). Nothing
 * goes behind the pipeline's back, and nothing of the ground truth is read.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../services/services.ts';
import type { MappingProfile } from '../domain/ingest/profile.ts';
import type { ImportProgress, ImportReport } from './import.service.ts';
import { defaultDataDir } from '../reference/data-dir.ts';

export interface DemoSource {
  readonly id: string;
  readonly departmentId: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly level: 'city' | 'district' | 'street';
  readonly owns: readonly string[];
  readonly file: string;
  readonly snapshotDaysBack: number;
  readonly profile: MappingProfile;
}

export function demoSources(dataDir: string = defaultDataDir()): DemoSource[] {
  return (JSON.parse(readFileSync(join(dataDir, 'demo', 'sources.json'), 'utf8')) as { sources: DemoSource[] }).sources;
}

export interface DemoLoadEvents {
  onSource?(source: DemoSource, index: number, total: number): void;
  onProgress?(p: ImportProgress): void;
  onReport?(source: DemoSource, report: ImportReport): void;
}

function daysBefore(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export async function loadDemo(services: Services, demoDir: string, events: DemoLoadEvents = {}): Promise<{ reports: { source: string; report: ImportReport }[]; housing: { buildings: number; dwellings: number } }> {
  const manifestPath = join(demoDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${demoDir} holds no generated demo (no manifest.json); run populus demo generate first`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { asOf?: string; options?: { asOf?: string } };
  const asOf = manifest.asOf ?? manifest.options?.asOf ?? '2024-12-31';
  const housing = await services.imports.housingRegister(join(demoDir, 'extracts', 'housing-register.csv'));
  const sources = demoSources();
  const reports: { source: string; report: ImportReport }[] = [];
  for (const [i, s] of sources.entries()) {
    events.onSource?.(s, i, sources.length);
    await services.sources.define({ id: s.id, departmentId: s.departmentId, nameZh: s.nameZh, nameEn: s.nameEn, level: s.level, owns: s.owns });
    await services.sources.addProfile(s.id, s.profile);
    const report = await services.imports.importFile(s.id, join(demoDir, s.file), {
      observedAt: daysBefore(asOf, s.snapshotDaysBack),
      ...(events.onProgress ? { onProgress: events.onProgress } : {}),
    });
    events.onReport?.(s, report);
    reports.push({ source: s.id, report });
  }
  return { reports, housing: { buildings: housing.buildingsCreated, dwellings: housing.dwellingsCreated } };
}
