/**
 * The store: one Kysely database on either backend, chosen by DATABASE_URL. Everything above it
 * sees the same interface; backend-specific fast paths stay inside src/store.
 */
import type { Kysely, Transaction } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { Database } from './database.ts';
import type { Dialect } from './migrations/column-types.ts';
import { migrateToLatest, pendingMigrations } from './migrate.ts';
import { openSqlite } from './sqlite/open-sqlite.ts';
import { openPostgres } from './postgres/open-postgres.ts';

export type { Dialect } from './migrations/column-types.ts';

export type Db = Kysely<Database> | Transaction<Database>;

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Backend and location, safe to show (never a password). */
  readonly description: string;
  /** Raw handles for hot paths inside src/store; undefined on the other backend. */
  readonly sqlite: BetterSqlite3.Database | undefined;
  readonly pool: pg.Pool | undefined;
  migrate(): Promise<string[]>;
  pending(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const h = openSqlite(databaseUrl.slice('sqlite:'.length));
    return makeStore(h.db, 'sqlite', h.description, h.raw, undefined);
  }
  const h = await openPostgres(databaseUrl);
  return makeStore(h.db, 'postgres', h.description, undefined, h.pool);
}

function makeStore(
  db: Kysely<Database>,
  dialect: Dialect,
  description: string,
  sqlite: BetterSqlite3.Database | undefined,
  pool: pg.Pool | undefined,
): Store {
  return {
    db,
    dialect,
    description,
    sqlite,
    pool,
    migrate: () => migrateToLatest(db, dialect),
    pending: () => pendingMigrations(db, dialect),
    close: () => db.destroy(),
  };
}
