/**
 * The composition root: config → store → services → API. Nothing else builds these; no
 * module-level singletons.
 */
import { setFlagsFromString } from 'node:v8';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { buildApp } from './api/app.ts';
import { CONSOLE_DIST } from './api/console.ts';
import { loadReferenceData } from './reference/reference-data.ts';
import { defaultAreaCodeHistory } from './reference/area-code-history.ts';
import { loadKinds } from './reference/kind-loader.ts';
import { defaultDataDir } from './reference/data-dir.ts';
import { createServices, type ServiceOptions, type Services } from './services/services.ts';
import { createDataAccess } from './store/repositories.ts';
import { seedReference } from './store/reference-seed.ts';
import { openStore, type Store } from './store/store.ts';
import { WalCheckpointer } from './store/sqlite/wal-checkpointer.ts';
import { accessServicesFromCatalogue, type AccessServices } from './access/access-services.ts';
import { DEFAULT_IDENTITY_POLICY } from './access/identity-policy.ts';
import { createFeedServices, type FeedServices } from './feed/feed-services.ts';
import { loadElements } from './reference/catalogue-loader.ts';
import { createReportServices, type ReportServices } from './apps/reports/report-services.ts';
import type { PdfFont } from './apps/reports/render/index.ts';

export interface Platform {
  readonly store: Store;
  readonly services: Services;
  /** Identity, remits, masking and the audit log. */
  readonly access: AccessServices;
  /** The change feed: the gate deliveries go through, the outbox, subscriptions. */
  readonly feed: FeedServices;
  /** Reports and forms: definitions, runs, schedules, templates (src/apps/reports). */
  readonly reports: ReportServices;
  /** SQLite files: the thread that checkpoints the write-ahead log (config.checkpointMiB). */
  readonly checkpointer?: WalCheckpointer;
  close(): Promise<void>;
}

export interface MigrationReport {
  readonly applied: string[];
  readonly referenceUpdated: boolean;
}

/** The write-ahead log's checkpointer thread, for an SQLite file (none in memory, on PostgreSQL, or with 0 MiB). */
export function checkpointerFor(store: Store, mib: number): WalCheckpointer | undefined {
  const raw = store.sqlite;
  if (!raw || raw.memory || mib <= 0) return undefined;
  const pageSize = Number(raw.pragma('page_size', { simple: true }));
  return new WalCheckpointer(raw.name, { thresholdFrames: Math.max(1, Math.round((mib * 1024 * 1024) / pageSize)) });
}

/** Applies migrations and loads the shipped reference data (idempotent). */
export async function migrateStore(store: Store): Promise<MigrationReport> {
  const applied = await store.migrate();
  const referenceUpdated = await seedReference(store.db, loadReferenceData());
  return { applied, referenceUpdated };
}

export async function openPlatform(config: Config, options: { migrate: boolean } = { migrate: true }): Promise<Platform & { migration: MigrationReport | undefined }> {
  boundHeapGrowth(config.heapGrowthPercent);
  const store = await openStore(config.databaseUrl);
  const checkpointer = checkpointerFor(store, config.checkpointMiB);
  try {
    const migration = options.migrate ? await migrateStore(store) : undefined;
    const services = servicesFor(store, config.homeArea, { importThread: config.importThread });
    const access = accessFor(store, config);
    const feed = feedFor(store, config.homeArea, access, { services, webhookAllowHttp: config.webhookAllowHttp, natsUrl: config.natsUrl });
    const reports = reportsFor(store, config.homeArea, services, access, { pdfFont: config.cjkFont });
    const close = async (): Promise<void> => {
      await services.close();
      await access.audit.close();
      await checkpointer?.close();
      await store.close();
    };
    return { store, services, access, feed, reports, migration, close, ...(checkpointer ? { checkpointer } : {}) };
  } catch (e) {
    await checkpointer?.close();
    await store.close();
    throw e;
  }
}

/**
 * The process's heap: V8 grows it to about four times what its last full collection kept, and an
 * import allocates fast, so the street's import (live heap 130–230 MB) reached 850 MB of heap and
 * 1.3 GB resident. Twice the live heap measured no slower and 850 MB resident (README, issue 4).
 * The flag is read at every full collection, so setting it once the process runs takes effect;
 * it is process-wide, like the heap it bounds.
 */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Every service over a store, for a node serving `homeArea` (a 9-digit street code). */
export function servicesFor(store: Store, homeArea: string, options: ServiceOptions = {}): Services {
  return createServices(createDataAccess(store, homeArea.slice(0, 6)), defaultAreaCodeHistory(), homeArea, loadKinds(defaultDataDir()), undefined, options);
}

/** The access services of a node, with the identity policy and audit retention of its config. */
export function accessFor(store: Store, config: Pick<Config, 'homeArea' | 'identity' | 'auditRetentionDays' | 'auditWindowMs' | 'auditThread'>): AccessServices {
  return accessServicesFromCatalogue(store, config.homeArea, defaultDataDir(), {
    identityPolicy: { ...DEFAULT_IDENTITY_POLICY, ...config.identity },
    audit: { retentionDays: config.auditRetentionDays, windowMs: config.auditWindowMs },
    auditThread: config.auditThread,
  });
}

/** The change feed's services of a node. */
export function feedFor(
  store: Store,
  homeArea: string,
  access: Pick<AccessServices, 'policy' | 'audit'>,
  options: { readonly services?: Pick<Services, 'sources'>; readonly webhookAllowHttp?: boolean; readonly natsUrl?: string } = {},
): FeedServices {
  const dataDir = defaultDataDir();
  return createFeedServices(createDataAccess(store, homeArea.slice(0, 6)), access, {
    elements: loadElements(dataDir),
    kinds: loadKinds(dataDir),
    dispatch: { district: homeArea.slice(0, 6), ...(options.natsUrl ? { natsUrl: options.natsUrl } : {}) },
    ...(options.services ? { profiles: options.services.sources } : {}),
    ...(options.webhookAllowHttp === undefined ? {} : { allowHttpWebhooks: options.webhookAllowHttp }),
  });
}

/** The reports application of a node (issue 8). */
export function reportsFor(store: Store, homeArea: string, services: Services, access: AccessServices, options: { readonly pdfFont?: PdfFont } = {}): ReportServices {
  return createReportServices({ data: createDataAccess(store, homeArea.slice(0, 6)), homeArea, services, access, elements: loadElements(defaultDataDir()), ...options });
}

export async function buildServer(config: Config, platform: Platform): Promise<FastifyInstance> {
  return buildApp({
    services: platform.services,
    access: platform.access,
    feed: platform.feed,
    reports: platform.reports,
    logLevel: config.logLevel,
    bodyLimitBytes: config.bodyLimitBytes,
    cookieSecure: config.cookieSecure,
    rateLimitPerMinute: config.rateLimitPerMinute,
    loginRateLimitPerMinute: config.loginRateLimitPerMinute,
    consoleDir: CONSOLE_DIST,
  });
}
