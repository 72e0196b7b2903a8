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
 * Once `foldRows` index rows wait in audit_person_recent, the thread folds them into the person
 * index in a transaction of its own, after answering the commit that reached the mark.
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
  /** Folds of the recent index rows into the person index made, and the wall time spent in them. */
  readonly folds: number;
  readonly foldMs: number;
}

export type WriterReply =
  /** The batches with ids up to `through` are committed (or, with `error`, failed: none of their entries is). */
  { readonly kind: 'written'; readonly through: number; readonly entries: number; readonly error?: string } | WriterStats;

const { path, maxBatch, foldRows } = workerData as { path: string; maxBatch: number; foldRows: number };
const port = parentPort as MessagePort;
const db = new BetterSqlite3(path);
configureConnection(db, false);
// An import's chunk holds the write lock for a while; a read's entry waits its turn rather than fail.
db.pragma('busy_timeout = 60000');
// Prepared at the first batch: the thread may start before the database is migrated.
let statements: Record<keyof typeof AUDIT_SQLITE_SQL, BetterSqlite3.Statement> | undefined;
const prepared = (): Record<keyof typeof AUDIT_SQLITE_SQL, BetterSqlite3.Statement> =>
  (statements ??= Object.fromEntries(Object.entries(AUDIT_SQLITE_SQL).map(([k, q]) => [k, db.prepare(q)])) as Record<keyof typeof AUDIT_SQLITE_SQL, BetterSqlite3.Statement>);
interface HeadRow {
  seq: number;
  hash: string;
  unfolded: number;
}
/** Appends the batches' entries; returns the index rows waiting to be folded after it. */
const append = db.transaction((batches: readonly WriteBatch[]): number => {
  const st = prepared();
  const row = st.head.get() as HeadRow;
  let head: ChainHead = { seq: Number(row.seq), hash: row.hash };
  let rows = 0;
  for (const b of batches) {
    for (const e of sealEntries(b.entries, head, b.now)) {
      st.entry.run(...auditEntryParams(e));
      rows += indexEntrySqlite(st, e);
      head = e;
    }
  }
  const last = batches[batches.length - 1];
  if (last) st.setHead.run(head.seq, head.hash, last.now, rows);
  return Number(row.unfolded) + rows;
});
/** Folds the recent index rows into the person index if (still) due: another connection may have folded them. */
const fold = db.transaction((): void => {
  const st = prepared();
  if (Number((st.head.get() as HeadRow).unfolded) < foldRows) return;
  st.foldMove.run();
  st.foldClear.run();
  st.foldDone.run();
});

let commits = 0;
let committed = 0;
let commitMs = 0;
let folds = 0;
let foldMs = 0;

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
  let unfolded = 0;
  try {
    unfolded = append.immediate(batches);
    commits += 1;
    committed += entries;
    port.postMessage({ kind: 'written', through, entries } satisfies WriterReply);
  } catch (e) {
    port.postMessage({ kind: 'written', through, entries, error: (e as Error).message } satisfies WriterReply);
  }
  commitMs += performance.now() - started;
  if (unfolded >= foldRows) {
    const foldStarted = performance.now();
    try {
      fold.immediate();
      folds += 1;
    } catch {
      // Left for the next commit to try again: the rows stay in the recent table, found and verified there.
    }
    foldMs += performance.now() - foldStarted;
  }
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
  if (m === 'stats') port.postMessage({ kind: 'stats', ...cpu(), commitMs, commits, entries: committed, folds, foldMs } satisfies WriterReply);
  else if (m === 'close') {
    db.close();
    port.close();
  }
});
