/**
 * The dispatcher: takes change events from the outbox to every active webhook and NATS
 * subscription, each strictly in sequence order (so a person's events arrive in the order they
 * happened), several subscriptions at once. Everything goes through the feed gate (remit, masking,
 * audit). A batch's raw sequence range is stored as pending BEFORE it is sent, so that a retry, or
 * a restart after a crash, resends exactly that range with the same `webhook-id`; a single event's
 * webhook-id is the event's own id, so it is the same whenever it is sent. Delivery is at least
 * once, never lost, and a duplicate is recognisable. Failures are retried on the retry
 * schedule for up to 3 days and then dead-lettered; HTTP 410 disables the subscription.
 * Only one dispatcher may run against a database at a time.
 */
import { randomUUID } from 'node:crypto';
import { PopulusError, isPopulusError } from '../domain/errors.ts';
import { cloudEventSource, type ChangeEvent, type CloudEvent } from '../domain/feed/change-event.ts';
import type { DeliveryAttempt, DeliveryState, Subscription } from '../domain/feed/subscription.ts';
import type { Repositories } from '../store/repositories.ts';
import { GroupCommit } from '../access/group-commit.ts';
import type { FeedServices } from './feed-services.ts';
import { subscriberOf } from './feed-gate.ts';
import { NatsChannel, type NatsChannelOptions } from './nats/nats-channel.ts';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt, type RetrySchedule } from './webhook/retry-schedule.ts';
import { sendWebhook, type SendResult } from './webhook/sender.ts';

/** Raw events read ahead per subscription (at least the batch size). */
const READ_AHEAD = 500;
/** NATS deliveries carry this many events per publish (each is its own message). */
const NATS_BATCH = 100;
/** When nothing changed, a full pass still runs this often (new subscriptions, replays, resumed ones). */
const IDLE_FULL_PASS_MS = 2000;

export type DispatchLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Readonly<Record<string, string | number | null>>) => void;

export interface DispatcherOptions {
  /** The 6-digit district of this node (the CloudEvents source of test events). */
  readonly district: string;
  /** NATS subscriptions are delivered only when set. */
  readonly natsUrl?: string;
  /** The JetStream stream and subject prefix (default the channel's: POPULUS_FEED, `populus`). */
  readonly natsStream?: string;
  readonly natsSubjectPrefix?: string;
  /** Subscriptions worked at once (default: all of them, 16 to 64 — most of a delivery is waiting, for the audit commit, the receiver). */
  readonly concurrency?: number;
  /** Per-request timeout, ms (default 10 s). */
  readonly timeoutMs?: number;
  readonly retrySchedule?: RetrySchedule;
  /** Deliveries per subscription per pass, so that busy subscriptions take turns when there are more than `concurrency` (default 16). */
  readonly maxPerPass?: number;
  readonly now?: () => Date;
  /** Never given personal data: subscription ids, sequence numbers, statuses and error causes only. */
  readonly log?: DispatchLog;
  /**
   * Who this dispatcher is, for the lease that lets one dispatcher per database deliver (default a
   * random id per instance; a dispatcher restarted under the same id takes its lease back at once).
   */
  readonly holder?: string;
  /** How long the lease lasts without renewal, ms (default 15 s): a crashed dispatcher's successor waits at most this long. */
  readonly leaseMs?: number;
}

/** The lease's name: one dispatcher delivers the whole feed of a database. */
const LEASE = 'feed';

export interface DeliveryDeps extends DispatcherOptions {
  readonly feed: FeedServices;
}

/** One delivery: a raw sequence range and the events of it the subscriber may see. */
interface Delivery {
  readonly from: number;
  readonly to: number;
  readonly webhookId: string;
  readonly events: readonly CloudEvent[];
}

type AttemptRow = Omit<DeliveryAttempt, 'id'>;

/** The next thing to do for a subscription. */
type Plan =
  | { readonly kind: 'idle' }
  | { readonly kind: 'waiting'; readonly due: number }
  /** Move on without a request (nothing visible). */
  | { readonly kind: 'skip'; readonly state: Partial<DeliveryState> }
  /** Send; `fresh` when the range is not yet on record as pending. */
  | { readonly kind: 'send'; readonly fresh: boolean; readonly delivery: Delivery };

/** The delivery state with no delivery in flight. */
const CLEARED = { pendingFrom: null, pendingTo: null, attempts: 0, firstFailureAt: null, nextAttemptAt: null } as const;

interface Lookahead {
  /** The cursor the lookahead starts after; stale once the cursor differs. */
  readonly after: number;
  /** The last raw sequence number read. */
  readonly readThrough: number;
  /** Visible events not yet delivered, with their sequence numbers. */
  readonly items: readonly { readonly seq: number; readonly event: CloudEvent }[];
}

/** The `webhook-id` of a batch: the same for every retry of the same range of the same subscription. */
export function batchWebhookId(subscriptionId: string, from: number, to: number): string {
  return `msg_${subscriptionId.replaceAll('-', '')}_${from}_${to}`;
}

/** Deliveries acknowledged before their state is written (one commit for them all); a crash resends at most these. */
const WRITE_EVERY = 32;

/** Whether a delivery's identity depends on its recorded range (webhook batches), so that the range must be on record before sending. */
const rangeNamesDelivery = (s: Subscription): boolean => s.channel === 'webhook' && s.batchMax > 1;

const isDelivered = (s: Subscription, natsUrl: string | undefined): boolean =>
  s.status === 'active' && ((s.channel === 'webhook' && s.url !== null) || (s.channel === 'nats' && natsUrl !== undefined));

const batchSize = (s: Subscription): number => (s.channel === 'nats' ? Math.max(s.batchMax, NATS_BATCH) : Math.max(1, s.batchMax));

function natsOptions(o: DispatcherOptions): NatsChannelOptions {
  return { ...(o.natsStream !== undefined ? { stream: o.natsStream } : {}), ...(o.natsSubjectPrefix !== undefined ? { subjectPrefix: o.natsSubjectPrefix } : {}) };
}

const defaultLog: DispatchLog = (level, message, fields) => {
  if (level === 'error') process.stderr.write(`dispatcher: ${message} ${JSON.stringify(fields ?? {})}\n`);
};

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

export class Dispatcher {
  private readonly lookahead = new Map<string, Lookahead>();
  private readonly busy = new Set<string>();
  private nats: Promise<NatsChannel> | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private passes = 0;

  /** The subscriptions' delivery state, written in shared transactions: one commit (one fsync) for what several subscriptions did at once. */
  private readonly commits: GroupCommit<(tx: Repositories) => Promise<void>>;

  constructor(private readonly deps: DeliveryDeps) {
    this.commits = new GroupCommit(
      (works) =>
        deps.feed.data.transaction(async (tx) => {
          for (const work of works) await work(tx);
        }),
      { windowMs: 1, maxBatch: 64 },
    );
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Readonly<Record<string, string | number | null>>): void {
    (this.deps.log ?? defaultLog)(level, message, fields);
  }

  private holderId: string | undefined;
  private leaseRenewedAt = 0;
  private waitingForLease = false;

  /**
   * Whether this dispatcher may deliver: it holds (or has just taken, or renewed) the lease. Two
   * dispatchers on one database would send everything twice and interleave its order.
   */
  private async lead(): Promise<boolean> {
    const leaseMs = this.deps.leaseMs ?? 15_000;
    const now = Date.now();
    if (now - this.leaseRenewedAt < leaseMs / 3) return true;
    const held = await this.deps.feed.data.repos.subscriptions.takeLease(LEASE, this.holder(), new Date(now).toISOString(), new Date(now + leaseMs).toISOString());
    this.leaseRenewedAt = held ? now : 0;
    if (!held && !this.waitingForLease) this.log('warn', 'another dispatcher is delivering this feed; waiting for its lease to end', {});
    this.waitingForLease = !held;
    return held;
  }

  private async release(): Promise<void> {
    this.leaseRenewedAt = 0;
    await this.deps.feed.data.repos.subscriptions.releaseLease(LEASE, this.holder()).catch(() => undefined);
  }

  private holder(): string {
    this.holderId ??= this.deps.holder ?? randomUUID();
    return this.holderId;
  }

  /** One pass over every deliverable subscription (when no other dispatcher holds the feed); returns the number of events delivered. */
  async runOnce(): Promise<number> {
    if (this.running) return (await this.pass()).delivered;
    if (!(await this.lead())) return 0;
    try {
      return (await this.pass()).delivered;
    } finally {
      await this.release();
    }
  }

  private async pass(): Promise<{ delivered: number; progressed: boolean; nextDue: number | undefined }> {
    const listed = (await this.deps.feed.data.repos.subscriptions.list({ status: 'active' })).filter((s) => isDelivered(s, this.deps.natsUrl));
    // Each pass starts one further along the list, so that no subscription always waits for a pool slot.
    const start = listed.length === 0 ? 0 : this.passes++ % listed.length;
    const subs = [...listed.slice(start), ...listed.slice(0, start)];
    let delivered = 0;
    let progressed = false;
    let nextDue: number | undefined;
    // Every subscription at once up to 64 (a delivery mostly waits: for its audit commit, for the receiver); one waiting for the next pass waits a whole pass.
    await pool(subs, this.deps.concurrency ?? Math.min(64, Math.max(16, subs.length)), async (s) => {
      if (this.busy.has(s.id)) return;
      this.busy.add(s.id);
      try {
        const r = await this.drain(s.id);
        delivered += r.delivered;
        progressed ||= r.progressed;
        if (r.nextDue !== undefined) nextDue = Math.min(nextDue ?? Infinity, r.nextDue);
      } catch (e) {
        this.log('error', 'delivery failed', { subscription: s.id, error: e instanceof Error ? e.message : String(e) });
      } finally {
        this.busy.delete(s.id);
      }
    });
    return { delivered, progressed, nextDue };
  }

  /**
   * Delivers to one subscription until it is idle, waiting for a retry, stopped, or its share of
   * the pass is used. Successes are written together — with the next batch's pending range, or
   * every WRITE_EVERY single events — so a crash before that commit only means those deliveries
   * are sent again, with the same webhook-ids. Failures are written at once. Changes made
   * meanwhile through the API (pause, replay) apply at the next pass.
   */
  private async drain(id: string): Promise<{ delivered: number; progressed: boolean; nextDue: number | undefined }> {
    const repos = this.deps.feed.data.repos.subscriptions;
    let s = await repos.get(id);
    const generation = s?.generation ?? 0;
    let stale = false;
    let delivered = 0;
    let progressed = false;
    let nextDue: number | undefined;
    /** What is not yet written (successes, and pending ranges that need not be on record first): it goes with the next write. */
    let unwritten: { attempts: AttemptRow[]; state: Partial<DeliveryState> } | undefined;
    const write = async (state: Partial<DeliveryState>, attempt?: AttemptRow, also?: (tx: Repositories) => Promise<void>): Promise<void> => {
      const attempts = [...(unwritten?.attempts ?? []), ...(attempt ? [attempt] : [])];
      const merged = { ...unwritten?.state, ...state };
      unwritten = undefined;
      await this.commits.submit([
        async (tx) => {
          for (const a of attempts) await tx.subscriptions.recordAttempt(a);
          // Not applied when the subscription was rewound (replayed) meanwhile: this drain's state is stale.
          if (!(await tx.subscriptions.setDelivery(id, merged, generation))) stale = true;
          await also?.(tx);
        },
      ]);
    };
    let secrets: Promise<string[]> | undefined;
    const secretsOf = (): Promise<string[]> => (secrets ??= repos.secrets(id, this.now().toISOString()).then((list) => list.map((x) => x.secret)));
    const defer = (state: Partial<DeliveryState>, attempt?: AttemptRow): void => {
      unwritten = { attempts: [...(unwritten?.attempts ?? []), ...(attempt ? [attempt] : [])], state: { ...unwritten?.state, ...state } };
    };
    try {
      for (let i = 0; i < (this.deps.maxPerPass ?? 16) && !stale && s !== undefined && isDelivered(s, this.deps.natsUrl); i++) {
        let plan: Plan;
        try {
          plan = await this.plan(s);
        } catch (e) {
          if (!isPopulusError(e) || (e.code !== 'PURPOSE_NOT_ALLOWED' && e.code !== 'PURPOSE_REQUIRED')) throw e;
          // The remit no longer allows the subscription's purpose: nothing can be delivered until it is changed.
          await repos.setStatus(id, 'disabled', e.message);
          this.log('warn', 'subscription disabled: its purpose is no longer within the remit', { subscription: id });
          break;
        }
        if (plan.kind === 'idle') break;
        if (plan.kind === 'waiting') {
          nextDue = plan.due;
          break;
        }
        if (plan.kind === 'skip') {
          // Moving past events the subscriber may not see needs no commit of its own: after a crash they are skipped again.
          defer(plan.state);
          s = { ...s, ...plan.state };
          progressed = true;
          continue;
        }
        const d = plan.delivery;
        if (plan.fresh) {
          const pending: Partial<DeliveryState> = { cursor: d.from - 1, pendingFrom: d.from, pendingTo: d.to, attempts: 0, firstFailureAt: null, nextAttemptAt: null };
          // A batch is on record before it leaves, so that a retry or a restart resends exactly this
          // range under the same webhook-id. A single event's webhook-id is its own id (and NATS
          // de-duplicates by event id), so a restart from the last written cursor sends the same.
          if (rangeNamesDelivery(s)) await write(pending);
          else defer(pending);
          s = { ...s, ...pending };
        }
        const at = this.now();
        const result = await this.transmit(s, d, secretsOf);
        const attempt: AttemptRow = { subscriptionId: id, webhookId: d.webhookId, fromSeq: d.from, toSeq: d.to, attempt: s.attempts + 1, at: at.toISOString(), statusCode: result.status, error: result.error, durationMs: result.durationMs };
        progressed = true;
        if (result.ok) {
          const state: Partial<DeliveryState> = { cursor: d.to, pendingFrom: null, pendingTo: null, attempts: 0, firstFailureAt: null, nextAttemptAt: null, lastDeliveredAt: this.now().toISOString(), delivered: s.delivered + d.events.length };
          defer(state, attempt);
          s = { ...s, ...state };
          delivered += d.events.length;
          if ((unwritten?.attempts.length ?? 0) >= WRITE_EVERY) await write({});
          continue;
        }
        this.lookahead.delete(id);
        const failed = await this.failed(s, d, result, attempt, write);
        if (failed.due !== undefined) nextDue = failed.due;
        if (failed.stop) break;
        s = { ...s, ...failed.state };
      }
    } finally {
      if (unwritten) await write({});
      if (stale) {
        // Rewound meanwhile: forget what was read ahead; the next pass starts from the replayed cursor.
        this.lookahead.delete(id);
        this.log('info', 'subscription rewound while delivering; starting again from its new cursor', { subscription: id });
      }
    }
    return { delivered, progressed: progressed || stale, nextDue };
  }

  /** What to do next for a subscription, given its delivery state. */
  private async plan(s: Subscription): Promise<Plan> {
    if (s.pendingFrom !== null && s.pendingTo !== null) {
      if (s.nextAttemptAt !== null && Date.parse(s.nextAttemptAt) > this.now().getTime()) return { kind: 'waiting', due: Date.parse(s.nextAttemptAt) };
      const events = await this.deps.feed.gate.disclose(await this.deps.feed.data.repos.feed.range(s.pendingFrom, s.pendingTo), subscriberOf(s));
      // Nothing of it is visible any more (the person left the remit): the delivery is done.
      if (events.length === 0) return { kind: 'skip', state: { ...CLEARED, cursor: s.pendingTo } };
      return { kind: 'send', fresh: false, delivery: { from: s.pendingFrom, to: s.pendingTo, events, webhookId: this.webhookId(s, s.pendingFrom, s.pendingTo, events) } };
    }
    const ahead = await this.ahead(s);
    if (ahead === undefined) return { kind: 'idle' };
    if (ahead.items.length === 0) {
      this.lookahead.delete(s.id);
      return { kind: 'skip', state: { cursor: ahead.readThrough } };
    }
    const size = batchSize(s);
    const taken = ahead.items.slice(0, size);
    const rest = ahead.items.slice(taken.length);
    const from = (taken[0] as (typeof taken)[number]).seq;
    // A batch that takes every visible event read also covers the invisible ones after it.
    const to = rest.length === 0 && size > 1 ? ahead.readThrough : (taken.at(-1) as (typeof taken)[number]).seq;
    const events = taken.map((t) => t.event);
    this.lookahead.set(s.id, { after: to, readThrough: ahead.readThrough, items: rest });
    return { kind: 'send', fresh: true, delivery: { from, to, events, webhookId: this.webhookId(s, from, to, events) } };
  }

  /** The subscription's visible events after its cursor: from the lookahead when it is current, else read and disclosed. */
  private async ahead(s: Subscription): Promise<Lookahead | undefined> {
    const held = this.lookahead.get(s.id);
    if (held && held.after === s.cursor && (held.items.length > 0 || held.readThrough > held.after)) return held;
    this.lookahead.delete(s.id);
    const raw = await this.deps.feed.data.repos.feed.after(s.cursor, Math.max(batchSize(s), READ_AHEAD));
    if (raw.length === 0) return undefined;
    const events = await this.deps.feed.gate.disclose(raw, subscriberOf(s));
    const ahead: Lookahead = { after: s.cursor, readThrough: (raw.at(-1) as ChangeEvent).seq, items: events.map((event) => ({ seq: Number(event.sequence), event })) };
    this.lookahead.set(s.id, ahead);
    return ahead;
  }

  private webhookId(s: Subscription, from: number, to: number, events: readonly CloudEvent[]): string {
    if (s.channel === 'webhook' && s.batchMax <= 1 && events.length === 1) return (events[0] as CloudEvent).id;
    return batchWebhookId(s.id, from, to);
  }

  /** A failed attempt: retry later, dead-letter past the horizon, or disable on 410. */
  private async failed(
    s: Subscription,
    d: Delivery,
    result: SendResult,
    attempt: AttemptRow,
    write: (state: Partial<DeliveryState>, attempt?: AttemptRow, also?: (tx: Repositories) => Promise<void>) => Promise<void>,
  ): Promise<{ stop: boolean; due?: number; state: Partial<DeliveryState> }> {
    const firstFailureAt = s.firstFailureAt ?? attempt.at;
    if (result.gone) {
      const state = { attempts: attempt.attempt, firstFailureAt, nextAttemptAt: null, lastError: result.error };
      await write(state, attempt, (tx) => tx.subscriptions.setStatus(s.id, 'disabled', 'the endpoint answered HTTP 410 Gone'));
      this.log('warn', 'subscription disabled: HTTP 410 Gone', { subscription: s.id });
      return { stop: true, state };
    }
    const next = nextAttemptAt(this.deps.retrySchedule ?? DEFAULT_RETRY_SCHEDULE, attempt.attempt, new Date(firstFailureAt), this.now());
    if (next === undefined) {
      const state = { ...CLEARED, cursor: d.to, lastError: result.error };
      await write(state, attempt, async (tx) => {
        await tx.subscriptions.addDeadLetter({ subscriptionId: s.id, webhookId: d.webhookId, fromSeq: d.from, toSeq: d.to, reason: result.error ?? 'delivery failed' });
      });
      this.log('warn', 'delivery dead-lettered after the retry horizon', { subscription: s.id, from: d.from, to: d.to });
      return { stop: false, state };
    }
    const state = { attempts: attempt.attempt, firstFailureAt, nextAttemptAt: next.toISOString(), lastError: result.error };
    await write(state, attempt);
    return { stop: true, due: next.getTime(), state };
  }

  /** Sends a delivery; `secrets` are read once per drain (a rotation shows at the next pass). */
  private async transmit(s: Subscription, d: Delivery, secretsOf: () => Promise<string[]>): Promise<SendResult> {
    if (s.channel === 'nats') return this.publish(s, d.events);
    const secrets = await secretsOf();
    if (secrets.length === 0 || s.url === null) return { ok: false, status: null, error: 'the subscription has no signing secret or no URL', durationMs: 0, gone: false };
    return sendWebhook({ url: s.url, webhookId: d.webhookId, secrets, events: d.events, batch: s.batchMax > 1 }, this.senderOptions());
  }

  private senderOptions(): { timeoutMs?: number } {
    return this.deps.timeoutMs !== undefined ? { timeoutMs: this.deps.timeoutMs } : {};
  }

  private async publish(s: Subscription, events: readonly CloudEvent[]): Promise<SendResult> {
    const started = performance.now();
    try {
      const channel = await this.channel();
      await channel.publish({ id: s.id, departmentId: s.departmentId }, events);
      return { ok: true, status: null, error: null, durationMs: performance.now() - started, gone: false };
    } catch (e) {
      return { ok: false, status: null, error: `NATS: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300), durationMs: performance.now() - started, gone: false };
    }
  }

  /** The NATS channel, connected on first use; a failed connection is tried again next time. */
  private channel(): Promise<NatsChannel> {
    const url = this.deps.natsUrl;
    if (url === undefined) return Promise.reject(new Error('no NATS_URL configured'));
    this.nats ??= (async () => {
      const c = await NatsChannel.connect(url, natsOptions(this.deps));
      try {
        await c.ensureStream();
      } catch (e) {
        await c.close();
        throw e;
      }
      return c;
    })().catch((e: unknown) => {
      this.nats = undefined;
      throw e;
    });
    return this.nats;
  }

  /**
   * Runs passes until stop(): straight on while there is work, otherwise every `pollMs` (default
   * 100 ms) it looks at the outbox head and runs a pass when there are new events, a retry falls
   * due, wake() was called, or now and then regardless.
   */
  start(options: { readonly pollMs?: number } = {}): void {
    if (this.running) return;
    this.running = true;
    const pollMs = options.pollMs ?? 100;
    this.loop = (async () => {
      let lastHead = -1;
      let lastFull = 0;
      let nextDue: number | undefined;
      let progressed = true;
      while (this.running) {
        try {
          if (!(await this.lead())) {
            progressed = false;
            await this.sleep(Math.max(pollMs, 1000));
            continue;
          }
          const head = (await this.deps.feed.data.repos.feed.head()).seq;
          const now = this.now().getTime();
          const due = progressed || this.woken || head !== lastHead || (nextDue !== undefined && nextDue <= now) || now - lastFull >= IDLE_FULL_PASS_MS;
          this.woken = false;
          if (due) {
            lastHead = head;
            lastFull = now;
            const r = await this.pass();
            progressed = r.progressed;
            nextDue = r.nextDue;
          } else progressed = false;
        } catch (e) {
          progressed = false;
          this.log('error', 'dispatch pass failed', { error: e instanceof Error ? e.message : String(e) });
        }
        if (!progressed && this.running) await this.sleep(pollMs);
      }
    })();
  }

  /** Ask for a pass soon (e.g. after a replay or a new subscription). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops the loop after the delivery in flight, and closes the NATS connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = undefined;
    await this.release();
    const nats = this.nats;
    this.nats = undefined;
    if (nats) await nats.then((c) => c.close()).catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}

/* ---- Actions for the API: out of band, outside the dispatcher's loop. ---- */

async function getSubscription(deps: DeliveryDeps, id: string): Promise<Subscription> {
  const s = await deps.feed.data.repos.subscriptions.get(id);
  if (!s) throw new PopulusError('SUBSCRIPTION_NOT_FOUND', `no subscription ${id}`, { subscriptionId: id });
  return s;
}

/** Whether this node sends to the subscription itself (webhooks; NATS when configured) rather than being read from (pull). */
const sentTo = (deps: DeliveryDeps, s: Subscription): boolean => (s.channel === 'webhook' && s.url !== null) || (s.channel === 'nats' && deps.natsUrl !== undefined);

/** Sends one delivery outside the loop (webhook, or NATS when configured). */
async function sendOnce(deps: DeliveryDeps, s: Subscription, webhookId: string, events: readonly CloudEvent[]): Promise<SendResult> {
  if (s.channel === 'nats') {
    if (deps.natsUrl === undefined) return { ok: false, status: null, error: 'no NATS_URL configured', durationMs: 0, gone: false };
    const started = performance.now();
    let channel: NatsChannel | undefined;
    try {
      channel = await NatsChannel.connect(deps.natsUrl, natsOptions(deps));
      await channel.ensureStream();
      await channel.publish({ id: s.id, departmentId: s.departmentId }, events);
      return { ok: true, status: null, error: null, durationMs: performance.now() - started, gone: false };
    } catch (e) {
      return { ok: false, status: null, error: `NATS: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300), durationMs: performance.now() - started, gone: false };
    } finally {
      await channel?.close().catch(() => undefined);
    }
  }
  if (s.channel !== 'webhook' || s.url === null) throw new PopulusError('VALIDATION_FAILED', 'a pull subscription is read, not sent to', { channel: s.channel });
  const secrets = (await deps.feed.data.repos.subscriptions.secrets(s.id)).map((x) => x.secret);
  if (secrets.length === 0) throw new PopulusError('VALIDATION_FAILED', 'the subscription has no signing secret', {});
  return sendWebhook({ url: s.url, webhookId, secrets, events, batch: s.batchMax > 1 }, deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {});
}

/** Sends a signed `cn.populus.feed.test` CloudEvent (no personal data) to the subscription, out of band. */
export async function sendTestEvent(deps: DeliveryDeps, subscriptionId: string): Promise<SendResult & { readonly webhookId: string }> {
  const s = await getSubscription(deps, subscriptionId);
  const id = randomUUID();
  const event: CloudEvent = {
    specversion: '1.0',
    id,
    source: cloudEventSource(deps.district),
    type: 'cn.populus.feed.test',
    time: (deps.now?.() ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    sequence: '0',
    data: { message: 'a test event from Populus', subscriptionId: s.id },
  };
  return { ...(await sendOnce(deps, s, id, [event])), webhookId: id };
}

/**
 * Resends a dead-lettered range once with its webhook-id; marks it replayed when it was accepted.
 * A subscription this node does not send to (pull, or NATS without NATS_URL) is rewound to the
 * dead letter's first event instead, so that it is read or sent again.
 */
export async function replayDeadLetter(deps: DeliveryDeps, deadLetterId: string, subscriptionId?: string): Promise<SendResult & { readonly events: number }> {
  const repos = deps.feed.data.repos;
  const subs = subscriptionId !== undefined ? [await getSubscription(deps, subscriptionId)] : await repos.subscriptions.list();
  for (const s of subs) {
    const dl = (await repos.subscriptions.deadLetters(s.id, 10_000)).find((d) => d.id === deadLetterId);
    if (!dl) continue;
    if (!sentTo(deps, s)) {
      if (dl.fromSeq - 1 < s.cursor) await repos.subscriptions.rewind(s.id, dl.fromSeq - 1);
      await repos.subscriptions.markReplayed(dl.id, (deps.now?.() ?? new Date()).toISOString());
      return { ok: true, status: null, error: null, durationMs: 0, gone: false, events: 0 };
    }
    const events = await deps.feed.gate.disclose(await repos.feed.range(dl.fromSeq, dl.toSeq), subscriberOf(s));
    const at = (deps.now?.() ?? new Date()).toISOString();
    if (events.length === 0) {
      await repos.subscriptions.markReplayed(dl.id, at);
      return { ok: true, status: null, error: null, durationMs: 0, gone: false, events: 0 };
    }
    const result = await sendOnce(deps, s, dl.webhookId, events);
    await repos.subscriptions.recordAttempt({ subscriptionId: s.id, webhookId: dl.webhookId, fromSeq: dl.fromSeq, toSeq: dl.toSeq, attempt: 1, at, statusCode: result.status, error: result.error, durationMs: result.durationMs });
    if (result.ok) await repos.subscriptions.markReplayed(dl.id, at);
    return { ...result, events: events.length };
  }
  throw new PopulusError('DEAD_LETTER_NOT_FOUND', `no dead letter ${deadLetterId}`, { deadLetterId });
}

/** Delivery starts again at `seq` (the cursor goes back to seq − 1; a pending delivery is dropped). */
export async function replayFrom(deps: DeliveryDeps, subscriptionId: string, seq: number): Promise<void> {
  const s = await getSubscription(deps, subscriptionId);
  const head = (await deps.feed.data.repos.feed.head()).seq;
  if (!Number.isInteger(seq) || seq < 1 || seq > head + 1) throw new PopulusError('VALIDATION_FAILED', `seq must be a whole number from 1 to ${head + 1}`, { seq });
  await deps.feed.data.repos.subscriptions.rewind(s.id, seq - 1);
}
