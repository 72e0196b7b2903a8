/**
 * One store test suite, run on every backend: SQLite in memory always, and a real PostgreSQL in a
 * throw-away database. PostgreSQL comes from POPULUS_TEST_PG (an admin URL; default
 * postgres://postgres@127.0.0.1:5432/postgres). In CI (CI=true) an unreachable PostgreSQL fails
 * the suite instead of skipping it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateStore } from '../../src/main.ts';
import { openStore, type Store } from '../../src/store/store.ts';

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
  /** Drops what open() created. */
  dispose(): Promise<void>;
  /** Why this backend cannot run here (only outside CI); undefined when it can. */
  readonly unavailable: string | undefined;
}

const ADMIN_URL = process.env['POPULUS_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL not reachable at ${new URL(ADMIN_URL).host}: ${(e as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function sqliteBackend(): Backend {
  const stores: Store[] = [];
  return {
    name: 'sqlite',
    unavailable: undefined,
    async open() {
      const store = await openStore('sqlite::memory:');
      await migrateStore(store);
      stores.push(store);
      return store;
    },
    async dispose() {
      for (const s of stores) await s.close();
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const problem = await postgresReachable();
  if (problem && process.env['CI']) throw new Error(`${problem}; in CI the PostgreSQL suite must run`);
  const databases: string[] = [];
  const stores: Store[] = [];
  return {
    name: 'postgres',
    unavailable: problem,
    async open() {
      const name = `populus_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      databases.push(name);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      const store = await openStore(url.toString());
      await migrateStore(store);
      stores.push(store);
      return store;
    },
    async dispose() {
      for (const s of stores) await s.close();
      if (databases.length === 0) return;
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      for (const d of databases) await admin.query(`drop database if exists ${d} with (force)`);
      await admin.end();
    },
  };
}

export async function backends(): Promise<Backend[]> {
  return [sqliteBackend(), await postgresBackend()];
}
