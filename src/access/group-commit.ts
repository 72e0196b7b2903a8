/**
 * Group commit: many callers' items share one write. A caller's promise resolves only after the
 * write holding its items has finished (for the audit log: committed, hence durable), and
 * rejects if that write fails. Items submitted while a write is in flight go into the next one;
 * a quiet queue waits at most `windowMs` for company before writing.
 */
export interface GroupCommitOptions {
  /** How long the first item of a quiet queue waits for others (default 1 ms). */
  readonly windowMs: number;
  /** Most items in one write (default 1000); a fuller queue writes at once. */
  readonly maxBatch: number;
}

interface Waiting<T> {
  readonly items: readonly T[];
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class GroupCommit<T> {
  private queue: Waiting<T>[] = [];
  private queued = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly options: GroupCommitOptions;
  /** Number of writes made, and items written (for tests and metrics). */
  writes = 0;
  written = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    options: Partial<GroupCommitOptions> = {},
  ) {
    this.options = { windowMs: options.windowMs ?? 1, maxBatch: Math.max(1, options.maxBatch ?? 1000) };
  }

  /** Resolves once the items are written. */
  submit(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queued += items.length;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing) return;
    if (this.queued >= this.options.maxBatch) {
      this.startNow();
      return;
    }
    this.timer ??= setTimeout(() => this.startNow(), this.options.windowMs);
  }

  private startNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing) return;
    this.writing = this.run().finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Waiting<T>[] = [];
      let n = 0;
      while (this.queue.length > 0 && (batch.length === 0 || n + (this.queue[0]?.items.length ?? 0) <= this.options.maxBatch)) {
        const w = this.queue.shift() as Waiting<T>;
        batch.push(w);
        n += w.items.length;
      }
      this.queued -= n;
      try {
        await this.write(batch.flatMap((w) => w.items));
        this.writes += 1;
        this.written += n;
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  }

  /** Waits until everything submitted so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.writing) {
      if (!this.writing) this.startNow();
      await this.writing;
    }
  }
}
