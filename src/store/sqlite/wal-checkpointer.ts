/**
 * Checkpoints of an SQLite file's write-ahead log, run on a thread of their own
 * (wal-checkpointer.thread.mjs).
 *
 * better-sqlite3 is synchronous: a checkpoint the writing connection runs itself (its automatic one,
 * every 256 MiB of log, open-sqlite.ts) stops that thread while the pages are copied back into the
 * database file and synced — during the street's import, most of the time its commits took. Here a
 * second connection copies them once a smaller backlog waits, on the machine's other core, with a
 * PASSIVE checkpoint that never takes a lock a writer needs; the writing connection's own checkpoint
 * then finds little or nothing left to copy and only lets the log start over.
 */
import { Worker } from 'node:worker_threads';

export interface CheckpointerOptions {
  /** Frames (pages) waiting in the log before the thread copies them back (default 16,384: 64 MiB of 4 KiB pages). */
  readonly thresholdFrames?: number;
  /** How often the thread looks at the log's backlog, in ms (default 100). */
  readonly pollMs?: number;
}

export interface CheckpointerStats {
  /** Checkpoints the thread ran, the frames they copied back and the wall time in them (ms). */
  readonly checkpoints: number;
  readonly frames: number;
  readonly ms: number;
  /** Checkpoints that failed (the writing connection's own checkpoint then copies those pages), and the last reason. */
  readonly failures: number;
  readonly lastError: string | null;
}

export const DEFAULT_CHECKPOINT_FRAMES = 16_384;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly waiting: ((s: CheckpointerStats) => void)[] = [];
  private closed: Promise<CheckpointerStats> | undefined;
  /** Why the thread is gone (it ended, failed to start, or died), once it is. */
  private gone: string | undefined;

  constructor(path: string, options: CheckpointerOptions = {}) {
    this.worker = new Worker(new URL('./wal-checkpointer.thread.mjs', import.meta.url), {
      workerData: { path, thresholdFrames: Math.max(1, options.thresholdFrames ?? DEFAULT_CHECKPOINT_FRAMES), pollMs: Math.max(1, options.pollMs ?? 100) },
    });
    // It never holds the process open: the writing connection checkpoints by itself as well.
    this.worker.unref();
    this.worker.on('message', (s: CheckpointerStats) => this.waiting.shift()?.(s));
    // A thread that failed to start or died leaves the checkpoints to the writing connection, as before;
    // whoever waits for its answer gets one instead of waiting for ever.
    this.worker.on('error', (e) => {
      this.gone ??= `the checkpointer thread failed: ${e.message}`;
    });
    this.worker.on('exit', () => {
      this.gone ??= 'the checkpointer thread is not running';
      for (const w of this.waiting.splice(0)) w(this.none());
    });
  }

  /** What the thread has done so far. */
  stats(): Promise<CheckpointerStats> {
    return this.ask('stats');
  }

  /** Stops the thread and closes its connection; resolves with its figures. */
  close(): Promise<CheckpointerStats> {
    // The thread has closed its connection when it answers; terminate() then waits for it to end.
    this.closed ??= this.ask('close').then(async (s) => {
      await this.worker.terminate();
      return s;
    });
    return this.closed;
  }

  private none(): CheckpointerStats {
    return { checkpoints: 0, frames: 0, ms: 0, failures: 0, lastError: this.gone ?? null };
  }

  private ask(m: 'stats' | 'close'): Promise<CheckpointerStats> {
    if (this.gone !== undefined) return Promise.resolve(this.none());
    return new Promise((resolve) => {
      this.worker.ref();
      this.waiting.push((s) => {
        if (this.waiting.length === 0) this.worker.unref();
        resolve(s);
      });
      this.worker.postMessage(m);
    });
  }
}
