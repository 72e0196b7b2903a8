/**
 * PostgreSQL 15+ through node-postgres. Dates and timestamps come back as ISO strings and int8 as
 * numbers, so rows look the same as on SQLite. A server that cannot be reached fails with a
 * message naming the host, never the password.
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { PopulusError } from '../../domain/errors.ts';
import type { Database } from '../database.ts';

const { Pool, types } = pg;

const DATE = 1082;
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const INT8 = 20;

function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === DATE) return (v) => v;
  if (oid === TIMESTAMPTZ || oid === TIMESTAMP) return (v) => new Date(v).toISOString();
  if (oid === INT8) return (v) => Number(v);
  return types.getTypeParser(oid, format as 'text');
}

export interface PostgresHandle {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  readonly description: string;
}

export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1)) || '(default database)'}`;
  } catch {
    return 'PostgreSQL (unparseable URL)';
  }
}

export async function openPostgres(url: string, poolSize = 10): Promise<PostgresHandle> {
  const description = describePostgresUrl(url);
  const pool = new Pool({ connectionString: url, max: poolSize, types: { getTypeParser: typeParser } as pg.CustomTypesConfig, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    const reason = (e as Error).message.replace(/password[^\s]*/gi, 'password');
    throw new PopulusError('DATABASE_UNREACHABLE', `cannot reach ${description}: ${reason}`, { database: description });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, description };
}
