/**
 * A small demo street (scale 0.02) loaded through the import pipeline into an in-memory SQLite
 * store, with the reports application built over it: what the reports' service, API and CLI
 * tests share (one import per test file).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../src/demo/demo-generator.ts';
import { loadDemo } from '../../src/ingest/load-demo.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { createReportServices, type ReportServices } from '../../src/apps/reports/report-services.ts';
import { loadElements } from '../../src/reference/catalogue-loader.ts';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { testAccess } from './api-client.ts';
import type { ReportDefinition } from '../../src/apps/reports/types.ts';

export const HOME = '310105004';

export interface ReportDemo {
  readonly store: Store;
  readonly services: Services;
  readonly access: AccessServices;
  readonly reports: ReportServices;
  /** The generated demo folder (truth/ holds the ground truth). */
  readonly dir: string;
  close(): Promise<void>;
}

/** The reports application over a store and its services (what every test building an app with reports needs). */
export function reportsOver(store: Store, services: Services, access: AccessServices, clock?: () => Date): ReportServices {
  return createReportServices({
    data: createDataAccess(store, HOME.slice(0, 6)),
    homeArea: HOME,
    services,
    access,
    elements: loadElements(defaultDataDir()),
    ...(clock ? { clock } : {}),
  });
}

/** Generates and loads the demo street at `scale` into `databaseUrl` (default in memory). */
export async function reportDemo(scale = 0.02, databaseUrl = 'sqlite::memory:', clock?: () => Date): Promise<ReportDemo> {
  const root = await mkdtemp(join(tmpdir(), 'populus-report-demo-'));
  const dir = join(root, 'demo');
  await generateDemo({ seed: 'xinhua', outDir: dir, scale, noise: 1 });
  const store = await openStore(databaseUrl);
  await migrateStore(store);
  const services = servicesFor(store, HOME);
  await loadDemo(services, dir);
  const access = testAccess(store, HOME, clock);
  const reports = reportsOver(store, services, access, clock);
  return {
    store,
    services,
    access,
    reports,
    dir,
    async close() {
      await access.audit.close();
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The five population categories, as the dashboard and the person search's checks count them. */
export const CATEGORY_CODES = ['RESIDENT_REGISTERED', 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 'FROM_OTHER_PROVINCE', 'FROM_ABROAD', 'REGISTERED_ABSENT'] as const;

/**
 * A report definition counting persons by population category (all five, or those of one kind):
 * what tests of the dashboard and the search compare with, run by the report engine.
 */
export function categoryTable(purpose: string, kind?: string): ReportDefinition {
  return {
    id: 'category-check',
    version: 1,
    kind: 'table',
    title: { zh: '核对', en: 'Check' },
    departmentId: 'street-population-office',
    purpose,
    period: 'on-demand',
    population: kind === undefined ? { categories: [...CATEGORY_CODES] } : { kinds: [kind] },
    table: {
      rows: [{ by: 'populationCategory', label: { zh: '人口类别', en: 'Category' }, buckets: CATEGORY_CODES.map((c) => ({ key: c, label: { zh: c, en: c }, values: [c] })) }],
      columns: [],
      measures: ['persons'],
      totalRow: true,
    },
  } as unknown as ReportDefinition;
}
