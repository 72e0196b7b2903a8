/**
 * The main thread's side of the audit writer thread (audit-writer.thread.ts), for SQLite files
 * (PostgreSQL's driver does not block, and an in-memory database cannot be shared).
 *
 * The group commit is pipelined: the entries appended during one turn of the event loop go to the
 * thread as one message at the end of the turn, and the thread, each time a commit ends, takes
 * every message already waiting into its next commit — so a commit starts as soon as the previous
 * one's fsync returns, without waiting for this thread to hear of it and send the next batch. Each
 * caller's promise resolves once the commit holding its entries has returned (committed, hence
 * durable: synchronous=FULL), and rejects if that commit failed. When nothing is being written, the
 * first entry waits `windowMs` for company before it is sent.
 */
import { Worker } from 'node:worker_threads';
import type { AuditEntryInput } from './audit-chain.ts';
import { FOLD_ROWS } from '../store/audit.repository.ts';
import type { WriterMessage, WriterReply, WriterStats } from './audit-writer.thread.ts';

export interface AuditWriter {
  /** Resolves once the entries are committed. */
  write(entries: readonly AuditEntryInput[], now: string): Promise<void>;
  /** Resolves once everything written so far has been committed or has failed. */
  settled(): Promise<void>;
  /** Commits made and entries committed so far. */
  readonly commits: { readonly writes: number; readonly entries: number };
  /** The writer's own figures (CPU time, time in commits), where it has them. */
  stats?(): Promise<WriterStats>;
  close(): Promise<void>;
}

export interface ThreadWriterOptions {
  /** How long the first entry waits for company when nothing is being written, in ms (default 1). */
  readonly windowMs?: number;
  /** Most entries in one commit (default 1000; a single larger append is committed whole). */
  readonly maxBatch?: number;
  /** Index rows gathered in audit_person_recent before the thread folds them (default FOLD_ROWS). */
  readonly foldRows?: number;
}

interface Batch {
  readonly id: number;
  entries: AuditEntryInput[];
  now: string;
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export class ThreadAuditWriter implements AuditWriter {
  private readonly worker: Worker;
  private readonly windowMs: number;
  /** Batches sent and not yet answered, oldest first (the thread answers in order). */
  private readonly sent: Batch[] = [];
  /** The batch filling during this turn of the event loop (sent at its end). */
  private filling: Batch | undefined;
  private readonly statsWaiting: ((s: WriterStats) => void)[] = [];
  private next = 1;
  private failed: Error | undefined;
  private ended = false;
  private writes = 0;
  private written = 0;

  constructor(path: string, options: ThreadWriterOptions = {}) {
    this.windowMs = options.windowMs ?? 1;
    this.worker = new Worker(new URL('./audit-writer.worker.mjs', import.meta.url), {
      workerData: { path, maxBatch: Math.max(1, options.maxBatch ?? 1000), foldRows: Math.max(1, options.foldRows ?? FOLD_ROWS) },
    });
    this.worker.unref();
    this.worker.on('message', (r: WriterReply) => this.onReply(r));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      this.ended = true;
      if (this.sent.length > 0 || this.filling) this.fail(new Error(`the audit writer thread ended (exit code ${code})`));
    });
  }

  private onReply(r: WriterReply): void {
    if (r.kind === 'stats') {
      for (const w of this.statsWaiting.splice(0)) w(r);
      if (this.sent.length === 0 && !this.filling) this.worker.unref();
      return;
    }
    if (r.error === undefined) {
      this.writes += 1;
      this.written += r.entries;
    }
    const error = r.error === undefined ? undefined : new Error(`the audit writer could not append: ${r.error}`);
    while (this.sent.length > 0 && (this.sent[0] as Batch).id <= r.through) {
      const b = this.sent.shift() as Batch;
      if (error) b.reject(error);
      else b.resolve();
    }
    if (this.sent.length === 0 && !this.filling) this.worker.unref();
  }

  private fail(e: Error): void {
    this.failed = e;
    const all = this.filling ? [...this.sent, this.filling] : [...this.sent];
    this.sent.length = 0;
    this.filling = undefined;
    for (const b of all) b.reject(e);
  }

  write(entries: readonly AuditEntryInput[], now: string): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (entries.length === 0) return Promise.resolve();
    let b = this.filling;
    if (b) {
      for (const e of entries) b.entries.push(e);
      b.now = now;
      return b.done;
    }
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    b = { id: this.next++, entries: [...entries], now, done, resolve, reject };
    this.filling = b;
    this.worker.ref(); // keep the process alive while entries are in flight
    // Nothing being written: wait a moment for company. Otherwise send at the end of this turn; the
    // thread takes it into the commit after the one it is making.
    if (this.sent.length === 0 && this.windowMs > 0) setTimeout(() => this.send(), this.windowMs);
    else setImmediate(() => this.send());
    return done;
  }

  private send(): void {
    const b = this.filling;
    if (!b) return;
    this.filling = undefined;
    if (this.failed) {
      b.reject(this.failed);
      return;
    }
    this.sent.push(b);
    this.worker.postMessage({ id: b.id, now: b.now, entries: b.entries } satisfies WriterMessage);
  }

  settled(): Promise<void> {
    const last = this.filling ?? this.sent[this.sent.length - 1];
    return last
      ? last.done.then(
          () => undefined,
          () => undefined,
        )
      : Promise.resolve();
  }

  get commits(): { writes: number; entries: number } {
    return { writes: this.writes, entries: this.written };
  }

  /** The thread's own figures: CPU time (Linux), time spent in commits, commits and entries. */
  stats(): Promise<WriterStats> {
    return new Promise((resolve) => {
      this.statsWaiting.push(resolve);
      this.worker.ref(); // keep the process alive until the answer comes
      this.worker.postMessage('stats' satisfies WriterMessage);
    });
  }

  async close(): Promise<void> {
    if (this.ended) return;
    await this.settled();
    const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    this.worker.ref(); // wait for it: the thread closes its connection, then ends
    this.worker.postMessage('close' satisfies WriterMessage);
    await exited;
  }
}
