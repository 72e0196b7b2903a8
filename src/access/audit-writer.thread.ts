/**
 * The audit log's writer thread (SQLite files only). Group commits of reads are written here, on a
 * connection of its own, so that the fsync of each commit — better-sqlite3 is synchronous — stalls
 * this thread instead of the one answering requests. Each batch is one IMMEDIATE transaction: read
 * the chain head, seal the entries onto it, insert them, move the head. Writes of the main thread
 * (a change with its entry, AuditService.appendWithin) take the same write lock, so the chain stays
 * one gapless sequence.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { configureConnection } from '../store/sqlite/open-sqlite.ts';
import { AUDIT_SQLITE_SQL, auditEntryParams, indexEntrySqlite } from '../store/audit.repository.ts';
import { sealEntries, type AuditEntryInput, type ChainHead } from './audit-chain.ts';

export interface WriteRequest {
  readonly id: number;
  readonly entries: readonly AuditEntryInput[];
  readonly now: string;
}

export interface WriteReply {
  readonly id: number;
  readonly error?: string;
}

const { path } = workerData as { path: string };
const db = new BetterSqlite3(path);
configureConnection(db, false);
// An import's chunk holds the write lock for a while; a read's entry waits its turn rather than fail.
db.pragma('busy_timeout = 60000');
// Prepared at the first batch: the thread may start before the database is migrated.
let statements: Record<keyof typeof AUDIT_SQLITE_SQL, BetterSqlite3.Statement> | undefined;
const append = db.transaction((entries: readonly AuditEntryInput[], now: string) => {
  const st = (statements ??= {
    head: db.prepare(AUDIT_SQLITE_SQL.head),
    entry: db.prepare(AUDIT_SQLITE_SQL.entry),
    person: db.prepare(AUDIT_SQLITE_SQL.person),
    bulkEntry: db.prepare(AUDIT_SQLITE_SQL.bulkEntry),
    bulkPerson: db.prepare(AUDIT_SQLITE_SQL.bulkPerson),
    setHead: db.prepare(AUDIT_SQLITE_SQL.setHead),
  });
  const row = st.head.get() as { seq: number; hash: string };
  const sealed = sealEntries(entries, { seq: Number(row.seq), hash: row.hash } satisfies ChainHead, now);
  for (const e of sealed) {
    st.entry.run(...auditEntryParams(e));
    indexEntrySqlite(st, e);
  }
  const last = sealed[sealed.length - 1];
  if (last) st.setHead.run(last.seq, last.hash, now);
});

parentPort?.on('message', (m: WriteRequest | 'close') => {
  if (m === 'close') {
    db.close();
    parentPort?.close();
    return;
  }
  try {
    append.immediate(m.entries, m.now);
    parentPort?.postMessage({ id: m.id } satisfies WriteReply);
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: (e as Error).message } satisfies WriteReply);
  }
});
