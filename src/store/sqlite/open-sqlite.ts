/**
 * The embedded default: one SQLite file through better-sqlite3, in WAL mode with
 * synchronous=FULL, set and then checked on the connection (a connection that does not hold
 * them is refused rather than silently less durable).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
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
  // Statement journals in memory: a statement that may fire a trigger or change several rows (an insert
  // into residence, which logs the change; an upsert) first copies every page it touches, and on disk
  // that copy is a temporary file written page by page — 35 µs of a residence insert's 50.
  raw.pragma('temp_store = MEMORY');
  // A 128 MiB page cache (the default is 2 MiB): imports look up and insert into indexes all over a
  // database of a few GB, and every page missing from the cache is a system call.
  raw.pragma('cache_size = -131072');
  // Checkpoint the write-ahead log every 256 MiB rather than every 4 MiB: a page several chunks of an
  // import rewrite is copied back once (at street scale each chunk writes tens of MiB of index pages
  // all over the file; 64 MiB checkpointed after nearly every chunk, and wrote 15 % more). On a file
  // opened by the platform a thread of its own copies most of the log back before (wal-checkpointer.ts),
  // so that this connection's checkpoint finds little left and mainly lets the log start over.
  raw.pragma('wal_autocheckpoint = 65536');
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
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw) }) });
  return { db, raw, description: inMemory ? 'SQLite (in memory)' : `SQLite ${resolve(path)}` };
}

/** Statements kept prepared per connection: Kysely's SQLite driver prepares every query anew. */
export const STATEMENT_CACHE_SIZE = 512;

/**
 * The connection as Kysely's dialect sees it, with prepared statements reused by SQL text (the
 * most recently used STATEMENT_CACHE_SIZE of them). Preparing costs as much as running a point
 * read; SQLite re-prepares a cached statement by itself after a schema change. A statement still
 * busy (a streaming read being iterated) is never handed out twice: a fresh one is prepared.
 */
export function withStatementCache(raw: BetterSqlite3.Database): { prepare: (sql: string) => BetterSqlite3.Statement; close: () => void } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): BetterSqlite3.Statement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql); // re-insert: most recently used last
        cache.set(sql, hit);
        return hit;
      }
      const stmt = raw.prepare(sql);
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      return stmt;
    },
    close: () => raw.close(),
  };
}

/**
 * Transactions that take the write lock when they begin (BEGIN IMMEDIATE). With one connection it
 * changes nothing; beside another writer on the same file (the audit log's writer thread) a
 * transaction that read first could otherwise fail to upgrade to writing (SQLITE_BUSY_SNAPSHOT)
 * instead of waiting its turn.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

