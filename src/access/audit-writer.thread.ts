/**
 * The audit log's writer thread (SQLite files only). Group commits of reads are written here, on a
 * connection of its own, so that the fsync of each commit — better-sqlite3 is synchronous — stalls
 * this thread instead of the one answering requests. Each commit is one IMMEDIATE transaction: read
 * the chain head, seal the entries onto it, insert them, move the head. Writes of the main thread
 * (a change with its entry, AuditService.appendWithin) take the same write lock, so the chain stays
 * one gapless sequence.
 *
 * Each commit takes every batch already waiting on the port (up to maxBatch entries), so the next
 * commit begins as soon as the last one returns; one answer per commit names the last batch in it.
 */
import { readFileSync } from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { configureConnection } from '../store/sqlite/open-sqlite.ts';
import { AUDIT_SQLITE_SQL, auditEntryParams, indexEntrySqlite } from '../store/audit.repository.ts';
import { sealEntries, type AuditEntryInput, type ChainHead } from './audit-chain.ts';

/** A batch of entries from the main thread (`now` stamps those without a time of their own). */
export interface WriteBatch {
  readonly id: number;
  readonly now: string;
  readonly entries: readonly AuditEntryInput[];
}

export type WriterMessage = WriteBatch | 'stats' | 'close';

export interface WriterStats {
  readonly kind: 'stats';
  /** CPU time of this thread in ms (Linux; null elsewhere), and the part of it in the kernel (writes, fsync). */
  readonly cpuMs: number | null;
  readonly systemMs: number | null;
  /** Wall time spent inside commits (inserts and the fsync), in ms. */
  readonly commitMs: number;
  readonly commits: number;
  readonly entries: number;
}

export type WriterReply =
  /** The batches with ids up to `through` are committed (or, with `error`, failed: none of their entries is). */
  { readonly kind: 'written'; readonly through: number; readonly entries: number; readonly error?: string } | WriterStats;

const { path, maxBatch } = workerData as { path: string; maxBatch: number };
const port = parentPort as MessagePort;
const db = new BetterSqlite3(path);
configureConnection(db, false);
// An import's chunk holds the write lock for a while; a read's entry waits its turn rather than fail.
db.pragma('busy_timeout = 60000');
// Prepared at the first batch: the thread may start before the database is migrated.
let statements: Record<keyof typeof AUDIT_SQLITE_SQL, BetterSqlite3.Statement> | undefined;
const append = db.transaction((batches: readonly WriteBatch[]) => {
  const st = (statements ??= {
    head: db.prepare(AUDIT_SQLITE_SQL.head),
    entry: db.prepare(AUDIT_SQLITE_SQL.entry),
    person: db.prepare(AUDIT_SQLITE_SQL.person),
    bulkEntry: db.prepare(AUDIT_SQLITE_SQL.bulkEntry),
    bulkPerson: db.prepare(AUDIT_SQLITE_SQL.bulkPerson),
    setHead: db.prepare(AUDIT_SQLITE_SQL.setHead),
  });
  const row = st.head.get() as { seq: number; hash: string };
  let head: ChainHead = { seq: Number(row.seq), hash: row.hash };
  for (const b of batches) {
    for (const e of sealEntries(b.entries, head, b.now)) {
      st.entry.run(...auditEntryParams(e));
      indexEntrySqlite(st, e);
      head = e;
    }
  }
  const last = batches[batches.length - 1];
  if (last) st.setHead.run(head.seq, head.hash, last.now);
});

let commits = 0;
let committed = 0;
let commitMs = 0;

function cpu(): { cpuMs: number | null; systemMs: number | null } {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, systemMs: Number(fields[12]) * 10 };
  } catch {
    return { cpuMs: null, systemMs: null };
  }
}

function commit(batches: WriteBatch[], entries: number): void {
  const through = (batches[batches.length - 1] as WriteBatch).id;
  const started = performance.now();
  try {
    append.immediate(batches);
    commits += 1;
    committed += entries;
    port.postMessage({ kind: 'written', through, entries } satisfies WriterReply);
  } catch (e) {
    port.postMessage({ kind: 'written', through, entries, error: (e as Error).message } satisfies WriterReply);
  }
  commitMs += performance.now() - started;
}

port.on('message', (first: WriterMessage) => {
  // This message, and every one already waiting behind it, up to maxBatch entries or a command.
  const batches: WriteBatch[] = [];
  let entries = 0;
  let m: WriterMessage | undefined = first;
  while (m !== undefined) {
    if (m === 'stats' || m === 'close') break;
    batches.push(m);
    entries += m.entries.length;
    if (entries >= maxBatch) {
      m = undefined;
      break;
    }
    m = (receiveMessageOnPort(port) as { message: WriterMessage } | undefined)?.message;
  }
  if (batches.length > 0) commit(batches, entries);
  if (m === 'stats') port.postMessage({ kind: 'stats', ...cpu(), commitMs, commits, entries: committed } satisfies WriterReply);
  else if (m === 'close') {
    db.close();
    port.close();
  }
});
