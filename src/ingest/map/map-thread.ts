/**
 * The import's mapping thread, seen from the import: `start` hands a file and its mapping spec to
 * the thread and returns a MappedFileJob with the same answers as `mapFileInline`. The thread starts
 * at the first file and stays for the next ones; it holds the process open only while a job runs.
 */
import { Worker } from 'node:worker_threads';
import type { CheckProgress, FileCheck, MapFileRequest, MappedChunk, MappedFileJob } from './mapped-file.ts';
import type { MappingSpec } from './mapping-spec.ts';
import { fromThreadError, type FromThread, type ToThread } from './map-thread.protocol.ts';

/** Chunks the thread may map ahead of the writes: enough to keep both threads busy, few enough to bound memory. */
const LOOKAHEAD = 2;

interface Listener {
  onMessage(m: FromThread): void;
  onExit(e: Error): void;
}

export class MapThread {
  private worker: Worker | undefined;
  private nextJob = 1;
  private readonly listeners = new Map<number, Listener>();

  start(req: MapFileRequest, spec: MappingSpec): MappedFileJob {
    const job = this.nextJob++;
    const queue: MappedChunk[] = [];
    let checkProgress: CheckProgress | undefined;
    let checked: { resolve: (c: FileCheck) => void; reject: (e: Error) => void } | undefined;
    let earlyCheck: { value?: FileCheck; error?: Error } | undefined;
    let failure: Error | undefined;
    let finished = false;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const end = (): void => {
      this.listeners.delete(job);
      if (this.listeners.size === 0) this.worker?.unref();
    };
    const fail = (e: Error): void => {
      if (checked) checked.reject(e);
      else if (!earlyCheck) earlyCheck = { error: e };
      checked = undefined;
      failure = e;
      finished = true;
      end();
      notify();
    };
    this.listeners.set(job, {
      onMessage: (m) => {
        switch (m.type) {
          case 'progress':
            checkProgress?.(m.rows, m.bytes, m.total);
            return;
          case 'checked':
            if (checked) checked.resolve({ rows: m.rows, size: m.size });
            else earlyCheck = { value: { rows: m.rows, size: m.size } };
            checked = undefined;
            return;
          case 'chunk':
            queue.push(m.chunk);
            notify();
            return;
          case 'done':
            finished = true;
            end();
            notify();
            return;
          case 'error':
            fail(fromThreadError(m.error));
            return;
        }
      },
      onExit: fail,
    });
    const worker = this.thread();
    worker.ref();
    worker.postMessage({ type: 'start', job, req, spec, credit: LOOKAHEAD } satisfies ToThread);
    const post = (m: ToThread): void => {
      if (this.listeners.has(job)) this.worker?.postMessage(m);
    };
    return {
      check: (onProgress) => {
        checkProgress = onProgress;
        if (earlyCheck?.error) return Promise.reject(earlyCheck.error);
        if (earlyCheck?.value) return Promise.resolve(earlyCheck.value);
        return new Promise<FileCheck>((resolve, reject) => (checked = { resolve, reject }));
      },
      chunks: async function* () {
        for (;;) {
          const next = queue.shift();
          if (next) {
            yield next;
            post({ type: 'credit', job });
            continue;
          }
          if (failure) throw failure;
          if (finished) return;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
      cancel: () => {
        post({ type: 'cancel', job });
        finished = true;
        end();
        notify();
      },
    };
  }

  /** Stops the thread (jobs still running fail). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./map-thread.worker.mjs', import.meta.url));
    worker.on('message', (m: FromThread) => this.listeners.get(m.job)?.onMessage(m));
    const lost = (e: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const l of [...this.listeners.values()]) l.onExit(e);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the mapping thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
