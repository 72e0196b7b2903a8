/**
 * Subscriptions to the change feed as rows: the subscription and its delivery state, its signing
 * secrets, every delivery attempt, dead letters, and the idempotency keys of pushed changes. No
 * decisions: src/feed decides who may subscribe to what and when to deliver.
 */
import type { Selectable } from 'kysely';
import type { Channel, DeadLetter, DeliveryAttempt, DeliveryState, SigningSecret, Subscription, SubscriptionStatus } from '../domain/feed/subscription.ts';
import type { SubscriptionTable } from './feed-tables.ts';
import './feed-tables.ts';
import type { Db } from './store.ts';
import { newId, nowIso } from './clock.ts';

function fromRow(r: Selectable<SubscriptionTable>): Subscription {
  const list = (s: string): string[] => JSON.parse(s) as string[];
  const num = (v: number | null): number | null => (v === null ? null : Number(v));
  return {
    id: r.id,
    departmentId: r.department_id,
    name: r.name,
    channel: r.channel as Channel,
    url: r.url,
    purpose: r.purpose,
    elements: list(r.elements),
    areas: list(r.areas),
    categories: list(r.categories),
    eventTypes: list(r.event_types),
    codeProfile: r.code_profile,
    unmask: Number(r.unmask) === 1,
    batchMax: Number(r.batch_max),
    status: r.status as SubscriptionStatus,
    statusReason: r.status_reason,
    cursor: Number(r.cursor),
    pendingFrom: num(r.pending_from),
    pendingTo: num(r.pending_to),
    attempts: Number(r.attempts),
    firstFailureAt: r.first_failure_at,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    lastDeliveredAt: r.last_delivered_at,
    delivered: Number(r.delivered),
    generation: Number(r.generation),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What an attempt and a dead letter share: which delivery of which subscription. */
function rangeOf(r: { id: string; subscription_id: string; webhook_id: string; from_seq: number; to_seq: number }): { id: string; subscriptionId: string; webhookId: string; fromSeq: number; toSeq: number } {
  return { id: r.id, subscriptionId: r.subscription_id, webhookId: r.webhook_id, fromSeq: Number(r.from_seq), toSeq: Number(r.to_seq) };
}

export type NewSubscription = Pick<
  Subscription,
  'departmentId' | 'name' | 'channel' | 'url' | 'purpose' | 'elements' | 'areas' | 'categories' | 'eventTypes' | 'codeProfile' | 'unmask' | 'batchMax' | 'createdBy'
> & {
  /** Where delivery starts: events after this sequence number (usually the feed's head when created). */
  readonly cursor: number;
};

export class SubscriptionRepository {
  constructor(private readonly db: Db) {}

  async insert(s: NewSubscription, id: string = newId()): Promise<Subscription> {
    const now = nowIso();
    await this.db
      .insertInto('subscription')
      .values({
        id,
        department_id: s.departmentId,
        name: s.name,
        channel: s.channel,
        url: s.url,
        purpose: s.purpose,
        elements: JSON.stringify(s.elements),
        areas: JSON.stringify(s.areas),
        categories: JSON.stringify(s.categories),
        event_types: JSON.stringify(s.eventTypes),
        code_profile: s.codeProfile,
        unmask: s.unmask ? 1 : 0,
        batch_max: s.batchMax,
        status: 'active',
        status_reason: null,
        cursor: s.cursor,
        pending_from: null,
        pending_to: null,
        attempts: 0,
        first_failure_at: null,
        next_attempt_at: null,
        last_error: null,
        last_delivered_at: null,
        delivered: 0,
        generation: 0,
        created_by: s.createdBy,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const row = await this.get(id);
    if (!row) throw new Error('subscription vanished after insert');
    return row;
  }

  async get(id: string): Promise<Subscription | undefined> {
    const r = await this.db.selectFrom('subscription').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? fromRow(r) : undefined;
  }

  /** Subscriptions, oldest first; of one department when given. */
  async list(filter: { readonly departmentId?: string; readonly channel?: Channel; readonly status?: SubscriptionStatus } = {}): Promise<Subscription[]> {
    let q = this.db.selectFrom('subscription').selectAll();
    if (filter.departmentId !== undefined) q = q.where('department_id', '=', filter.departmentId);
    if (filter.channel !== undefined) q = q.where('channel', '=', filter.channel);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /** Sets the status (active, paused, disabled) and why. */
  async setStatus(id: string, status: SubscriptionStatus, reason: string | null): Promise<void> {
    await this.db.updateTable('subscription').set({ status, status_reason: reason, updated_at: nowIso() }).where('id', '=', id).execute();
  }

  /**
   * Updates the delivery state (only the fields given); with `generation`, only if no rewind
   * happened since that generation was read. Returns whether it was applied.
   */
  async setDelivery(id: string, state: Partial<DeliveryState>, generation?: number): Promise<boolean> {
    const set: Partial<Record<keyof SubscriptionTable, unknown>> = {};
    if (state.cursor !== undefined) set.cursor = state.cursor;
    if (state.pendingFrom !== undefined) set.pending_from = state.pendingFrom;
    if (state.pendingTo !== undefined) set.pending_to = state.pendingTo;
    if (state.attempts !== undefined) set.attempts = state.attempts;
    if (state.firstFailureAt !== undefined) set.first_failure_at = state.firstFailureAt;
    if (state.nextAttemptAt !== undefined) set.next_attempt_at = state.nextAttemptAt;
    if (state.lastError !== undefined) set.last_error = state.lastError;
    if (state.lastDeliveredAt !== undefined) set.last_delivered_at = state.lastDeliveredAt;
    if (state.delivered !== undefined) set.delivered = state.delivered;
    if (Object.keys(set).length === 0) return true;
    let q = this.db
      .updateTable('subscription')
      .set({ ...(set as Partial<SubscriptionTable>), updated_at: nowIso() })
      .where('id', '=', id);
    if (generation !== undefined) q = q.where('generation', '=', generation);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Starts delivery again after `cursor` (a replay): the delivery in flight is dropped and the generation raised. */
  async rewind(id: string, cursor: number): Promise<void> {
    await this.db
      .updateTable('subscription')
      .set((eb) => ({
        cursor,
        pending_from: null,
        pending_to: null,
        attempts: 0,
        first_failure_at: null,
        next_attempt_at: null,
        generation: eb('generation', '+', 1),
        updated_at: nowIso(),
      }))
      .where('id', '=', id)
      .execute();
  }

  /** Deletes a subscription with its secrets; its attempts and dead letters stay on file. */
  async delete(id: string): Promise<boolean> {
    await this.db.deleteFrom('subscription_secret').where('subscription_id', '=', id).execute();
    const r = await this.db.deleteFrom('subscription').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async addSecret(subscriptionId: string, secret: string): Promise<SigningSecret> {
    const s: SigningSecret = { id: newId(), secret, createdAt: nowIso(), expiresAt: null };
    await this.db.insertInto('subscription_secret').values({ id: s.id, subscription_id: subscriptionId, secret: s.secret, created_at: s.createdAt, expires_at: null }).execute();
    return s;
  }

  /** Secrets that still sign at `at` (newest first). */
  async secrets(subscriptionId: string, at: string = nowIso()): Promise<SigningSecret[]> {
    const rows = await this.db
      .selectFrom('subscription_secret')
      .selectAll()
      .where('subscription_id', '=', subscriptionId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({ id: r.id, secret: r.secret, createdAt: r.created_at, expiresAt: r.expires_at }));
  }

  /** Lets every secret but `keep` expire at `at` (a rotation: both sign until then). */
  async expireSecrets(subscriptionId: string, keep: string, at: string): Promise<void> {
    await this.db
      .updateTable('subscription_secret')
      .set({ expires_at: at })
      .where('subscription_id', '=', subscriptionId)
      .where('id', '<>', keep)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      .execute();
  }

  async recordAttempt(a: Omit<DeliveryAttempt, 'id'>): Promise<void> {
    await this.db
      .insertInto('delivery_attempt')
      .values({
        id: newId(),
        subscription_id: a.subscriptionId,
        webhook_id: a.webhookId,
        from_seq: a.fromSeq,
        to_seq: a.toSeq,
        attempt: a.attempt,
        at: a.at,
        status_code: a.statusCode,
        error: a.error,
        duration_ms: Math.round(a.durationMs),
      })
      .execute();
  }

  /** The latest attempts of a subscription, newest first (skipping `offset`). */
  async attempts(subscriptionId: string, limit = 100, offset = 0): Promise<DeliveryAttempt[]> {
    const rows = await this.db
      .selectFrom('delivery_attempt')
      .selectAll()
      .where('subscription_id', '=', subscriptionId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => ({
      ...rangeOf(r),
      attempt: Number(r.attempt),
      at: r.at,
      statusCode: r.status_code === null ? null : Number(r.status_code),
      error: r.error,
      durationMs: Number(r.duration_ms),
    }));
  }

  /** How many delivery attempts a subscription has had. */
  async countAttempts(subscriptionId: string): Promise<number> {
    const r = await this.db.selectFrom('delivery_attempt').select((eb) => eb.fn.countAll<number | string>().as('n')).where('subscription_id', '=', subscriptionId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async addDeadLetter(d: Omit<DeadLetter, 'id' | 'createdAt' | 'replayedAt'>): Promise<DeadLetter> {
    const row: DeadLetter = { ...d, id: newId(), createdAt: nowIso(), replayedAt: null };
    await this.db
      .insertInto('dead_letter')
      .values({ id: row.id, subscription_id: row.subscriptionId, webhook_id: row.webhookId, from_seq: row.fromSeq, to_seq: row.toSeq, reason: row.reason, created_at: row.createdAt, replayed_at: null })
      .execute();
    return row;
  }

  async deadLetters(subscriptionId: string, limit = 100): Promise<DeadLetter[]> {
    const rows = await this.db.selectFrom('dead_letter').selectAll().where('subscription_id', '=', subscriptionId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      ...rangeOf(r),
      reason: r.reason,
      createdAt: r.created_at,
      replayedAt: r.replayed_at,
    }));
  }

  async markReplayed(deadLetterId: string, at: string = nowIso()): Promise<void> {
    await this.db.updateTable('dead_letter').set({ replayed_at: at }).where('id', '=', deadLetterId).execute();
  }

  /**
   * Takes (or renews) the named lease for `holder` until `expiresAt`, unless another holder's
   * lease is still running at `now`; returns whether `holder` holds it now.
   */
  async takeLease(name: string, holder: string, now: string, expiresAt: string): Promise<boolean> {
    await this.db
      .insertInto('dispatcher_lease')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb('dispatcher_lease.holder', '=', holder), eb('dispatcher_lease.expires_at', '<', now)])),
      )
      .execute();
    const row = await this.db.selectFrom('dispatcher_lease').select('holder').where('name', '=', name).executeTakeFirst();
    return row?.holder === holder;
  }

  /** Gives the lease up (if `holder` has it), so another dispatcher need not wait for it to expire. */
  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('dispatcher_lease').where('name', '=', name).where('holder', '=', holder).execute();
  }

  /** The stored answer to a pushed change with this idempotency key, if any. */
  async inbound(sourceId: string, key: string): Promise<{ requestSha256: string; response: string } | undefined> {
    const r = await this.db.selectFrom('inbound_change').select(['request_sha256', 'response']).where('source_id', '=', sourceId).where('idempotency_key', '=', key).executeTakeFirst();
    return r ? { requestSha256: r.request_sha256, response: r.response } : undefined;
  }

  async recordInbound(sourceId: string, key: string, requestSha256: string, response: string): Promise<void> {
    await this.db.insertInto('inbound_change').values({ source_id: sourceId, idempotency_key: key, request_sha256: requestSha256, response, created_at: nowIso() }).execute();
  }
}
