/** One ordered set of migrations, run the same way on both backends. */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.ts';
import type { Dialect } from './migrations/column-types.ts';
import { foundation } from './migrations/0001-foundation.ts';
import { ingest } from './migrations/0002-ingest.ts';
import { access } from './migrations/0003-access.ts';
import { review } from './migrations/0004-review.ts';
import { feed } from './migrations/0005-feed.ts';
import { reports } from './migrations/0006-reports.ts';
import { observationValidTime } from './migrations/0007-observation-valid-time.ts';
import { auditBulkPersons } from './migrations/0008-audit-bulk-persons.ts';
import { rentalRegistrations } from './migrations/0009-rental-registrations.ts';
import { coveringIndexes } from './migrations/0010-covering-indexes.ts';
import { residenceChangeLog } from './migrations/0011-residence-change-log.ts';
import { auditRecentPersons } from './migrations/0012-audit-recent-persons.ts';
import { transactionTime } from './migrations/0013-transaction-time.ts';
import { rentalProvenance } from './migrations/0014-rental-provenance.ts';

export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-foundation': foundation(dialect),
    '0002-ingest': ingest(dialect),
    '0003-access': access(dialect),
    '0004-review': review(dialect),
    '0005-feed': feed(dialect),
    '0006-reports': reports(dialect),
    '0007-observation-valid-time': observationValidTime(),
    '0008-audit-bulk-persons': auditBulkPersons(dialect),
    '0009-rental-registrations': rentalRegistrations(dialect),
    '0010-covering-indexes': coveringIndexes(),
    '0011-residence-change-log': residenceChangeLog(dialect),
    '0012-audit-recent-persons': auditRecentPersons(dialect),
    '0013-transaction-time': transactionTime(dialect),
    '0014-rental-provenance': rentalProvenance(dialect),
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly list: Record<string, Migration>) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.list);
  }
}

function migrator(db: Kysely<Database>, dialect: Dialect): Migrator {
  return new Migrator({ db, provider: new StaticProvider(migrations(dialect)) });
}

/** Applies pending migrations; returns the names applied now. */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const { error, results } = await migrator(db, dialect).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const list = await migrator(db, dialect).getMigrations();
  return list.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
