/**
 * The embedded default: one SQLite file through better-sqlite3, in WAL mode with
 * synchronous=FULL, set and then checked on the connection (a connection that does not hold
 * them is refused rather than silently less durable).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { PopulusError } from '../../domain/errors.ts';
import type { Database } from '../database.ts';

export interface SqliteHandle {
  readonly db: Kysely<Database>;
  /** The raw connection, for hot paths (bulk inserts, batched reads) behind repositories. */
  readonly raw: BetterSqlite3.Database;
  readonly description: string;
}

/** Applies and verifies the pragmas every connection must hold. */
export function configureConnection(raw: BetterSqlite3.Database, inMemory: boolean): void {
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const mode = String(raw.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
  raw.pragma('synchronous = FULL');
  const synchronous = Number(raw.pragma('synchronous', { simple: true }));
  if (synchronous !== 2) throw new Error(`SQLite refused synchronous=FULL (got ${synchronous})`);
  // An in-memory database has no file to write ahead of; it reports 'memory'.
  if (mode !== 'wal' && !(inMemory && mode === 'memory')) {
    throw new Error(`SQLite refused WAL journal mode (got ${mode})`);
  }
  if (Number(raw.pragma('foreign_keys', { simple: true })) !== 1) throw new Error('SQLite refused foreign_keys=ON');
}

export function openSqlite(path: string): SqliteHandle {
  const inMemory = path === ':memory:' || path === '';
  let raw: BetterSqlite3.Database;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    raw = new BetterSqlite3(inMemory ? ':memory:' : path);
  } catch (e) {
    throw new PopulusError('DATABASE_UNREACHABLE', `cannot open the SQLite database ${path}: ${(e as Error).message}`, { path });
  }
  configureConnection(raw, inMemory);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw, description: inMemory ? 'SQLite (in memory)' : `SQLite ${resolve(path)}` };
}
