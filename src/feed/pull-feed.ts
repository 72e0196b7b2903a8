/**
 * The pull side of the change feed: a department reads the events after a cursor, cut to its remit
 * by FeedGate (the one door every delivery goes through), optionally waiting for the next change
 * (long-polling), or keeps reading as a stream (Server-Sent Events). `next` is the last raw
 * sequence number scanned, so events the reader may not see are never scanned again. Waiting polls
 * the outbox head (every ~100 ms), which is cheap on both backends and needs no notifications.
 */
import type { CloudEvent } from '../domain/feed/change-event.ts';
import type { FeedRepository } from '../store/feed.repository.ts';
import type { FeedGate, Subscriber } from './feed-gate.ts';

export const MAX_LIMIT = 1000;
export const MAX_WAIT_SECONDS = 30;
/** Raw events one read scans at most (the reader continues from `next`). */
export const SCAN_BUDGET = 10_000;
export const POLL_MS = 100;
export const HEARTBEAT_MS = 15_000;

export interface PullPage {
  readonly events: CloudEvent[];
  /** The cursor to read after next time: the last raw sequence number scanned. */
  readonly next: number;
  /** The outbox head when the read ended. */
  readonly head: number;
}

export interface PullFeedDeps {
  readonly gate: FeedGate;
  readonly feed: Pick<FeedRepository, 'after' | 'head'>;
  readonly pollMs?: number;
  readonly heartbeatMs?: number;
}

/** Resolves after `ms`, or at once when the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class PullFeed {
  private open = 0;

  constructor(private readonly deps: PullFeedDeps) {}

  /** Streams open now (Server-Sent Events). */
  get openStreams(): number {
    return this.open;
  }

  /** Up to `limit` visible events after `after`, scanning at most SCAN_BUDGET raw events. */
  async scan(s: Subscriber, after: number, limit: number, requestId: string | null = null): Promise<PullPage> {
    const events: CloudEvent[] = [];
    let next = after;
    let scanned = 0;
    while (events.length < limit && scanned < SCAN_BUDGET) {
      // Never more raw events than visible ones still wanted: the visible ones then all fit, and `next` is exact.
      const raw = await this.deps.feed.after(next, Math.min(limit - events.length, SCAN_BUDGET - scanned));
      if (raw.length === 0) break;
      scanned += raw.length;
      next = raw[raw.length - 1]?.seq ?? next;
      events.push(...(await this.deps.gate.disclose(raw, s, requestId)));
    }
    const head = (await this.deps.feed.head()).seq;
    return { events, next, head: Math.max(head, next) };
  }

  /**
   * As scan(), but when nothing visible is there, waits up to `waitSeconds` for something that is
   * (or until the signal aborts: the client went away).
   */
  async read(s: Subscriber, after: number, limit: number, waitSeconds: number, signal?: AbortSignal, requestId: string | null = null): Promise<PullPage> {
    // Checks the purpose before any waiting: a refusal comes at once.
    this.deps.gate.accessOf(s);
    const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
    let page = await this.scan(s, after, limit, requestId);
    while (page.events.length === 0 && Date.now() < deadline && !signal?.aborted) {
      if (page.next >= page.head) {
        await sleep(Math.min(this.deps.pollMs ?? POLL_MS, Math.max(0, deadline - Date.now())), signal);
        const head = (await this.deps.feed.head()).seq;
        if (head <= page.next) continue;
      }
      page = await this.scan(s, page.next, limit, requestId);
    }
    return page;
  }

  /**
   * Server-Sent Events: writes `id:` (sequence), `event:` (type) and `data:` (the CloudEvent) for
   * each visible event after `after`, a comment heartbeat every 15 s, until the signal aborts.
   * `write` returns false when the client cannot take more yet; the stream then waits for `drain`.
   */
  async stream(s: Subscriber, after: number, out: { write(chunk: string): boolean; drained(): Promise<void> }, signal: AbortSignal, requestId: string | null = null): Promise<void> {
    this.open++;
    try {
      let cursor = after;
      let lastWrite = Date.now();
      const heartbeat = this.deps.heartbeatMs ?? HEARTBEAT_MS;
      const send = async (chunk: string): Promise<void> => {
        lastWrite = Date.now();
        if (!out.write(chunk)) await out.drained();
      };
      await send(': populus change feed\nretry: 3000\n\n');
      while (!signal.aborted) {
        const page = await this.scan(s, cursor, 100, requestId);
        for (const e of page.events) {
          if (signal.aborted) return;
          await send(`id: ${e.sequence}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
        }
        cursor = page.next;
        if (page.next < page.head) continue;
        await sleep(this.deps.pollMs ?? POLL_MS, signal);
        if (!signal.aborted && Date.now() - lastWrite >= heartbeat) await send(`: heartbeat ${new Date().toISOString()}\n\n`);
      }
    } finally {
      this.open--;
    }
  }
}
