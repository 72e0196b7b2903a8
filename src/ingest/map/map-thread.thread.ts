/**
 * The mapping thread: reads, decodes and maps import files (mapped-file.ts) so that the import's
 * thread only writes. Jobs run side by side; each waits for credit before sending another chunk.
 */
import { parentPort } from 'node:worker_threads';
import { defaultAreaCodeHistory } from '../../reference/area-code-history.ts';
import { compileTransforms } from '../transform/transform-registry.ts';
import { checkFile, mapChunks } from './mapped-file.ts';
import { mappingContextOf } from './mapping-spec.ts';
import { toThreadError, type FromThread, type ToThread } from './map-thread.protocol.ts';

interface Job {
  credit: number;
  cancelled: boolean;
  wake: (() => void) | undefined;
}

const jobs = new Map<number, Job>();
const send = (m: FromThread): void => parentPort?.postMessage(m);

async function run(m: Extract<ToThread, { type: 'start' }>, job: Job): Promise<void> {
  try {
    const ctx = mappingContextOf(m.spec, { compileTransforms, areaHistory: defaultAreaCodeHistory() });
    const check = await checkFile(m.req, m.spec.profile, (rows, bytes, total) => send({ type: 'progress', job: m.job, rows, bytes, total }));
    send({ type: 'checked', job: m.job, rows: check.rows, size: check.size });
    for await (const chunk of mapChunks(m.req, ctx)) {
      while (job.credit <= 0 && !job.cancelled) await new Promise<void>((resolve) => (job.wake = resolve));
      if (job.cancelled) return;
      job.credit--;
      send({ type: 'chunk', job: m.job, chunk });
    }
    send({ type: 'done', job: m.job });
  } catch (e) {
    if (!job.cancelled) send({ type: 'error', job: m.job, error: toThreadError(e) });
  } finally {
    jobs.delete(m.job);
  }
}

parentPort?.on('message', (m: ToThread) => {
  if (m.type === 'start') {
    const job: Job = { credit: m.credit, cancelled: false, wake: undefined };
    jobs.set(m.job, job);
    void run(m, job);
    return;
  }
  const job = jobs.get(m.job);
  if (!job) return;
  if (m.type === 'credit') job.credit++;
  else job.cancelled = true;
  const wake = job.wake;
  job.wake = undefined;
  wake?.();
});
