/**
 * What services see of the store: repositories, and a unit of work that runs a function against
 * repositories bound to one transaction (the change and everything written with it commit
 * together, or none of it does). Kysely stays behind this line.
 */
import { AuditRepository } from './audit.repository.ts';
import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from './store.ts';
import type { Db } from './store.ts';
import { AreaRepository } from './area.repository.ts';
import { HouseholdRepository } from './household.repository.ts';
import { HousingRepository } from './housing.repository.ts';
import { PersonRepository } from './person.repository.ts';
import { StandardRepository } from './standard.repository.ts';
import { SourceRepository } from './source.repository.ts';
import { IngestRepository } from './ingest.repository.ts';
import { ImportReadRepository } from './import-read.repository.ts';
import { FreshnessRepository } from './freshness.repository.ts';
import { MergeRepository } from './merge.repository.ts';
import { ReviewRepository } from './review.repository.ts';
import { EventCache, FeedRepository } from './feed.repository.ts';
import { SubscriptionRepository } from './subscription.repository.ts';
import { ReportRepository } from './report.repository.ts';
import { ReportStoreRepository } from './report-store.repository.ts';
import { RentalRepository } from './rental.repository.ts';
import { ResidenceMemory } from './residence-memory.ts';

export interface Repositories {
  readonly standard: StandardRepository;
  readonly areas: AreaRepository;
  readonly housing: HousingRepository;
  readonly households: HouseholdRepository;
  readonly persons: PersonRepository;
  readonly sources: SourceRepository;
  readonly ingest: IngestRepository;
  /** Pages of import batches and rejected rows for readers (the console, GET /imports). */
  readonly importReads: ImportReadRepository;
  /** How many current values are past their element's freshness, per source (the dashboard). */
  readonly freshness: FreshnessRepository;
  /** Merges and unmerges of persons (src/services/merge.service.ts). */
  readonly merges: MergeRepository;
  /** Decisions on review items and pairs kept apart. */
  readonly reviews: ReviewRepository;
  /** The audit log, for entries that must commit with the change they record (AuditService.appendWithin). */
  readonly audit: AuditRepository;
  /** The change-event outbox: events append in the transaction of their change. */
  readonly feed: FeedRepository;
  /** Subscriptions to the feed, their secrets, delivery attempts and dead letters; pushed changes' idempotency keys. */
  readonly subscriptions: SubscriptionRepository;
  /** Report definitions, runs, schedules and form templates (src/apps/reports). */
  readonly reports: ReportStoreRepository;
  /** Bulk reads of persons, residences and values for the report engine. */
  readonly reportReads: ReportRepository;
  /** Rental registrations (租赁登记) of dwellings and their tenants, written by imports. */
  readonly rentals: RentalRepository;
}

export interface DataAccess {
  readonly repos: Repositories;
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  /** Reachable and migrated. */
  readiness(): Promise<{ ready: boolean; reason: string | null }>;
}

export function createRepositories(
  db: Db,
  district: string,
  raw?: BetterSqlite3.Database,
  events?: EventCache,
  residences?: ResidenceMemory,
): Repositories {
  return {
    standard: new StandardRepository(db),
    areas: new AreaRepository(db),
    housing: new HousingRepository(db),
    households: new HouseholdRepository(db),
    persons: new PersonRepository(db, raw),
    sources: new SourceRepository(db),
    ingest: new IngestRepository(db, district, raw),
    importReads: new ImportReadRepository(db),
    freshness: new FreshnessRepository(db),
    merges: new MergeRepository(db),
    reviews: new ReviewRepository(db, district),
    audit: new AuditRepository(db, raw),
    feed: new FeedRepository(db, district, events, raw),
    subscriptions: new SubscriptionRepository(db),
    reports: new ReportStoreRepository(db),
    reportReads: new ReportRepository(db, raw, undefined, residences),
    rentals: new RentalRepository(db, district, raw !== undefined),
  };
}

/** One memory of the street's residences per store, shared by every data access over it (services, feed, reports). */
const memories = new WeakMap<Store, ResidenceMemory>();

/** @param district the 6-digit county code written as the distribution key of new rows */
export function createDataAccess(store: Store, district: string): DataAccess {
  const events = new EventCache();
  let residences = memories.get(store);
  if (!residences) memories.set(store, (residences = new ResidenceMemory()));
  return {
    repos: createRepositories(store.db, district, store.sqlite, events, residences),
    transaction: (work) => store.db.transaction().execute((tx) => work(createRepositories(tx, district, store.sqlite, events, residences))),
    async readiness() {
      try {
        const pending = await store.pending();
        if (pending.length > 0) return { ready: false, reason: `${pending.length} migration(s) not applied: ${pending.join(', ')}` };
        return { ready: true, reason: null };
      } catch (e) {
        return { ready: false, reason: `database not reachable: ${(e as Error).message}` };
      }
    },
  };
}
