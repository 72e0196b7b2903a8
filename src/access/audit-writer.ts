/**
 * The main thread's side of the audit writer thread (audit-writer.thread.ts): hands each group
 * commit's entries to the thread and resolves once they are committed there. Used for SQLite
 * files; PostgreSQL's driver does not block, and an in-memory database cannot be shared.
 */
import { Worker } from 'node:worker_threads';
import type { AuditEntryInput } from './audit-chain.ts';
import type { WriteReply, WriteRequest } from './audit-writer.thread.ts';

export interface AuditWriter {
  write(entries: readonly AuditEntryInput[], now: string): Promise<void>;
  close(): Promise<void>;
}

export class ThreadAuditWriter implements AuditWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private next = 1;
  private failed: Error | undefined;
  private ended = false;

  constructor(path: string) {
    this.worker = new Worker(new URL('./audit-writer.worker.mjs', import.meta.url), { workerData: { path } });
    this.worker.unref();
    this.worker.on('message', (r: WriteReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (r.error === undefined) w.resolve();
      else w.reject(new Error(`the audit writer could not append: ${r.error}`));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      this.ended = true;
      if (this.waiting.size > 0) this.fail(new Error(`the audit writer thread ended (exit code ${code})`));
    });
  }

  private fail(e: Error): void {
    this.failed = e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  write(entries: readonly AuditEntryInput[], now: string): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<void>((resolve, reject) => {
      const id = this.next++;
      this.waiting.set(id, { resolve, reject });
      this.worker.ref(); // keep the process alive while entries are in flight
      this.worker.postMessage({ id, entries, now } satisfies WriteRequest);
    }).finally(() => {
      if (this.waiting.size === 0) this.worker.unref();
    });
  }

  async close(): Promise<void> {
    if (this.ended) return;
    const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    this.worker.ref(); // wait for it: the thread closes its connection, then ends
    this.worker.postMessage('close');
    await exited;
  }
}
