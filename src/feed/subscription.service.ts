/**
 * Subscriptions to the change feed, as a department (or a platform administrator for it) manages
 * them: a new subscription is checked item by item against the department's remit for its purpose
 * — the same RemitPolicy every read uses — and refused naming everything outside it; delivery
 * starts with the next change (the cursor is the outbox head), and the webhook signing secret is
 * shown once, at creation and at each rotation (the old secret keeps signing for 24 h). Also
 * pause/resume, replay from a sequence number, and the delivery status (lag, failures, dead letters).
 * Who may touch which subscription: a department its own, a platform administrator every one;
 * to anyone else a subscription does not exist.
 */
import { PopulusError } from '../domain/errors.ts';
import { isEventType } from '../domain/feed/change-event.ts';
import { CHANNELS, type Channel, type DeadLetter, type DeliveryAttempt, type Subscription } from '../domain/feed/subscription.ts';
import type { KindDefinition } from '../domain/kinds.ts';
import type { DataElement } from '../domain/standard/types.ts';
import { actorRef, principalOfSubscription, type Principal } from '../access/principal.ts';
import type { AccessScope, RemitPolicy } from '../access/remit-policy.ts';
import type { DataAccess } from '../store/repositories.ts';
import { newWebhookSecret } from './webhook/signing.ts';

/** How long a rotated-out secret keeps signing. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
export const BATCH_MAX_LIMIT = 1000;

export interface SubscriptionInput {
  /** Required of platform administrators; others subscribe for their own department. */
  readonly departmentId?: string;
  readonly name: string;
  readonly channel: Channel;
  readonly url?: string | null;
  readonly purpose: string;
  readonly elements?: readonly string[];
  readonly areas?: readonly string[];
  readonly categories?: readonly string[];
  readonly eventTypes?: readonly string[];
  readonly codeProfile?: string | null;
  readonly unmask?: boolean;
  readonly batchMax?: number;
}

/** One thing a subscription asked for that its department may not have (or that does not exist). */
export interface OutsideItem {
  readonly field: 'departmentId' | 'purpose' | 'elements' | 'areas' | 'categories' | 'eventTypes' | 'codeProfile' | 'unmask';
  readonly value: string;
  readonly reason: string;
}

export interface SubscriptionStatusReport {
  readonly subscriptionId: string;
  readonly status: Subscription['status'];
  readonly statusReason: string | null;
  readonly cursor: number;
  readonly head: number;
  readonly delivered: number;
  readonly lagEvents: number;
  readonly lagSeconds: number;
  readonly lastDeliveredAt: string | null;
  readonly lastError: string | null;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly deadLetters: number;
}

/** What the webhook dispatcher does on request (src/feed/dispatcher.ts, bound to its deps by the composition root). */
export interface DeliveryActions {
  sendTestEvent(subscriptionId: string): Promise<unknown>;
  replayDeadLetter(deadLetterId: string, subscriptionId: string): Promise<unknown>;
  replayFrom?(subscriptionId: string, seq: number): Promise<unknown>;
}

export interface SubscriptionServiceDeps {
  readonly data: DataAccess;
  readonly policy: RemitPolicy;
  readonly elements: readonly DataElement[];
  readonly kinds: readonly KindDefinition[];
  /** Plain http webhooks to hosts other than loopback (default false: https required). */
  readonly allowHttpWebhooks?: boolean;
  readonly actions?: DeliveryActions;
  readonly now?: () => Date;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Whether a principal manages the subscriptions of this department. */
function manages(p: Principal, departmentId: string): boolean {
  return p.role === 'platform-admin' || (p.role === 'department-officer' && p.departmentId === departmentId);
}

/** Whether a requested area prefix lies inside a scope's areas (every area list of the scope must contain it). */
function areaInside(prefix: string, scope: AccessScope): boolean {
  return scope.areaPrefixes.every((list) => list.some((p) => prefix.startsWith(p)));
}

export class SubscriptionService {
  private readonly elementIds: ReadonlySet<string>;
  private readonly kindIds: ReadonlySet<string>;

  constructor(private readonly deps: SubscriptionServiceDeps) {
    this.elementIds = new Set(deps.elements.map((e) => e.id));
    this.kindIds = new Set(deps.kinds.map((k) => k.id));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private get repos(): DataAccess['repos'] {
    return this.deps.data.repos;
  }

  /** The department a principal subscribes for; NOT_ALLOWED for another department's. */
  private departmentFor(p: Principal, requested: string | undefined): string {
    if (p.role === 'platform-admin') {
      if (requested === undefined) throw new PopulusError('INVALID_VALUE', 'a platform administrator names the department the subscription is for (departmentId)', { field: 'departmentId' });
      return requested;
    }
    if (p.role !== 'department-officer' || p.departmentId === null) throw new PopulusError('NOT_ALLOWED', 'only a department (or a platform administrator for it) subscribes to the change feed');
    if (requested !== undefined && requested !== p.departmentId) {
      throw new PopulusError('NOT_ALLOWED', 'a department subscribes for itself only', { departmentId: requested });
    }
    return p.departmentId;
  }

  private checkUrl(channel: Channel, url: string | null | undefined): string | null {
    if (channel !== 'webhook') {
      if (url !== undefined && url !== null) throw new PopulusError('INVALID_VALUE', `a ${channel} subscription has no URL`, { field: 'url' });
      return null;
    }
    if (url === undefined || url === null) throw new PopulusError('INVALID_VALUE', 'a webhook subscription needs the URL to deliver to', { field: 'url' });
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new PopulusError('INVALID_VALUE', 'the webhook URL is not a URL', { field: 'url' });
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new PopulusError('INVALID_VALUE', 'a webhook URL is http(s)', { field: 'url' });
    if (parsed.username !== '' || parsed.password !== '') throw new PopulusError('INVALID_VALUE', 'a webhook URL carries no credentials (the signature authenticates deliveries)', { field: 'url' });
    if (parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname) && this.deps.allowHttpWebhooks !== true) {
      throw new PopulusError('INVALID_VALUE', 'a webhook URL must be https (plain http only to loopback, or where the node allows it)', { field: 'url' });
    }
    return parsed.toString();
  }

  /** Everything the subscription asks for that is outside the department's remit or unknown. */
  async outsideOf(caller: Principal, departmentId: string, input: SubscriptionInput): Promise<OutsideItem[]> {
    const outside: OutsideItem[] = [];
    for (const t of input.eventTypes ?? []) if (!isEventType(t)) outside.push({ field: 'eventTypes', value: t, reason: 'not an event type' });
    for (const k of input.categories ?? []) if (!this.kindIds.has(k)) outside.push({ field: 'categories', value: k, reason: 'not a kind of people (kinds.json)' });
    for (const e of input.elements ?? []) if (!this.elementIds.has(e)) outside.push({ field: 'elements', value: e, reason: 'not a data element of the catalogue' });
    if (input.codeProfile !== undefined && input.codeProfile !== null) {
      const source = await this.repos.sources.findSource(input.codeProfile);
      if (source?.departmentId !== departmentId) outside.push({ field: 'codeProfile', value: input.codeProfile, reason: `not a source of ${departmentId}` });
    }
    if (caller.purposes !== null && !caller.purposes.includes(input.purpose)) {
      outside.push({ field: 'purpose', value: input.purpose, reason: 'not a purpose this API token was issued for' });
    }
    // A department officer limited to some areas subscribes within them only.
    if (caller.role === 'department-officer' && caller.areaCodes.length > 0) {
      const areas = input.areas ?? [];
      if (areas.length === 0) outside.push({ field: 'areas', value: '', reason: `your account is limited to ${caller.areaCodes.join(', ')}: name areas within them` });
      for (const a of areas) if (!caller.areaCodes.some((c) => a.startsWith(c))) outside.push({ field: 'areas', value: a, reason: `your account is limited to ${caller.areaCodes.join(', ')}` });
    }
    const check = this.deps.policy.check(principalOfSubscription({ id: 'new', departmentId, purpose: input.purpose }), input.purpose);
    if (!check.ok) {
      outside.push({ field: 'purpose', value: input.purpose, reason: `not a purpose the remit of ${departmentId} allows` });
      return outside;
    }
    const scopes = check.access.scopes();
    const readable = new Set(scopes.flatMap((s) => [...s.elements]));
    for (const e of input.elements ?? []) {
      if (this.elementIds.has(e) && !readable.has(e)) outside.push({ field: 'elements', value: e, reason: `not readable by ${departmentId} for ${input.purpose}` });
    }
    for (const a of input.areas ?? []) {
      if (!scopes.some((s) => areaInside(a, s))) outside.push({ field: 'areas', value: a, reason: `outside the areas of ${departmentId} for ${input.purpose}` });
    }
    for (const k of input.categories ?? []) {
      if (this.kindIds.has(k) && !scopes.some((s) => s.kinds === null || s.kinds.has(k))) outside.push({ field: 'categories', value: k, reason: `not a kind of people ${departmentId} serves for ${input.purpose}` });
    }
    if (input.unmask === true && !scopes.some((s) => s.unmask.size > 0)) outside.push({ field: 'unmask', value: 'true', reason: `the remit of ${departmentId} allows no unmasking for ${input.purpose}` });
    return outside;
  }

  /** Creates a subscription; the signing secret comes back this once (webhooks; null otherwise). */
  async create(caller: Principal, input: SubscriptionInput): Promise<{ subscription: Subscription; secret: string | null }> {
    const departmentId = this.departmentFor(caller, input.departmentId);
    if (!(CHANNELS as readonly string[]).includes(input.channel)) throw new PopulusError('INVALID_VALUE', `channel is one of ${CHANNELS.join(', ')}`, { field: 'channel' });
    if (this.deps.policy.departmentPurposes(departmentId).size === 0) throw new PopulusError('DEPARTMENT_NOT_FOUND', `no department ${departmentId} with a remit`, { department: departmentId });
    const batchMax = input.batchMax ?? 1;
    if (!Number.isInteger(batchMax) || batchMax < 1 || batchMax > BATCH_MAX_LIMIT) throw new PopulusError('INVALID_VALUE', `batchMax is 1..${BATCH_MAX_LIMIT}`, { field: 'batchMax' });
    const url = this.checkUrl(input.channel, input.url);
    const outside = await this.outsideOf(caller, departmentId, input);
    if (outside.length > 0) {
      throw new PopulusError('SUBSCRIPTION_OUTSIDE_REMIT', `the subscription asks for what is outside the remit of ${departmentId}: ${outside.map((o) => `${o.field} ${o.value}`.trim()).join(', ')}`, { outside });
    }
    const dedupe = (xs: readonly string[] | undefined): string[] => [...new Set(xs ?? [])];
    return this.deps.data.transaction(async (repos) => {
      const head = await repos.feed.head();
      const subscription = await repos.subscriptions.insert({
        departmentId,
        name: input.name,
        channel: input.channel,
        url,
        purpose: input.purpose,
        elements: dedupe(input.elements),
        areas: dedupe(input.areas),
        categories: dedupe(input.categories),
        eventTypes: dedupe(input.eventTypes),
        codeProfile: input.codeProfile ?? null,
        unmask: input.unmask === true,
        batchMax,
        createdBy: actorRef(caller),
        cursor: head.seq,
      });
      const secret = input.channel === 'webhook' ? (await repos.subscriptions.addSecret(subscription.id, newWebhookSecret())).secret : null;
      return { subscription, secret };
    });
  }

  /** A department's own subscriptions; a platform administrator's view is every one. */
  async list(caller: Principal): Promise<Subscription[]> {
    if (caller.role === 'platform-admin') return this.repos.subscriptions.list();
    if (caller.role !== 'department-officer' || caller.departmentId === null) return [];
    return this.repos.subscriptions.list({ departmentId: caller.departmentId });
  }

  /** The subscription, if the caller manages it; SUBSCRIPTION_NOT_FOUND otherwise (missing and not allowed look the same). */
  async get(caller: Principal, id: string): Promise<Subscription> {
    const s = await this.repos.subscriptions.get(id);
    if (!s || !manages(caller, s.departmentId)) throw new PopulusError('SUBSCRIPTION_NOT_FOUND', `there is no subscription ${id}`, { subscriptionId: id });
    return s;
  }

  async delete(caller: Principal, id: string): Promise<void> {
    await this.get(caller, id);
    await this.repos.subscriptions.delete(id);
  }

  async pause(caller: Principal, id: string): Promise<Subscription> {
    await this.get(caller, id);
    await this.repos.subscriptions.setStatus(id, 'paused', `paused by ${actorRef(caller)}`);
    return this.get(caller, id);
  }

  /** Active again (also after the endpoint was disabled by HTTP 410); the retry count starts afresh. */
  async resume(caller: Principal, id: string): Promise<Subscription> {
    await this.get(caller, id);
    await this.repos.subscriptions.setStatus(id, 'active', null);
    await this.repos.subscriptions.setDelivery(id, { attempts: 0, nextAttemptAt: null, firstFailureAt: null });
    return this.get(caller, id);
  }

  /** A new signing secret, returned once; the previous ones keep signing for 24 h. */
  async rotateSecret(caller: Principal, id: string): Promise<{ secret: string; previousExpireAt: string }> {
    const s = await this.get(caller, id);
    if (s.channel !== 'webhook') throw new PopulusError('INVALID_VALUE', 'only webhook subscriptions have a signing secret', { field: 'channel' });
    const previousExpireAt = new Date(this.now().getTime() + SECRET_OVERLAP_MS).toISOString();
    return this.deps.data.transaction(async (repos) => {
      const fresh = await repos.subscriptions.addSecret(id, newWebhookSecret());
      await repos.subscriptions.expireSecrets(id, fresh.id, previousExpireAt);
      return { secret: fresh.secret, previousExpireAt };
    });
  }

  /** Delivers again every event from `seq` on (the events are cut to the remit again as they go). */
  async replayFrom(caller: Principal, id: string, seq: number): Promise<Subscription> {
    await this.get(caller, id);
    if (!Number.isInteger(seq) || seq < 1) throw new PopulusError('INVALID_VALUE', 'replay starts at a sequence number ≥ 1', { field: 'fromSeq' });
    if (this.deps.actions?.replayFrom) await this.deps.actions.replayFrom(id, seq);
    else await this.repos.subscriptions.rewind(id, seq - 1);
    return this.get(caller, id);
  }

  /** Sends a `cn.populus.feed.test` event through the subscription's webhook or NATS subject (the dispatcher does it). */
  async sendTest(caller: Principal, id: string): Promise<unknown> {
    const s = await this.get(caller, id);
    if (s.channel === 'pull') throw new PopulusError('INVALID_VALUE', 'test events are sent to webhooks and NATS; a pull subscription reads GET /api/v1/feed', { field: 'channel' });
    if (!this.deps.actions) throw new PopulusError('NOT_READY', 'no webhook dispatcher runs on this node');
    return this.deps.actions.sendTestEvent(id);
  }

  /** A page of the delivery log, newest first, with how many attempts there are in all. */
  async deliveryPage(caller: Principal, id: string, limit: number, offset: number): Promise<{ items: DeliveryAttempt[]; total: number }> {
    await this.get(caller, id);
    const [items, total] = await Promise.all([this.repos.subscriptions.attempts(id, limit, offset), this.repos.subscriptions.countAttempts(id)]);
    return { items, total };
  }

  async deadLetters(caller: Principal, id: string, limit: number): Promise<DeadLetter[]> {
    await this.get(caller, id);
    return this.repos.subscriptions.deadLetters(id, limit);
  }

  /**
   * Delivers a dead letter's events again: the dispatcher resends them once with their webhook-id
   * (its result is returned); without a dispatcher, the cursor goes back to them.
   */
  async replayDeadLetter(caller: Principal, id: string, deadLetterId: string): Promise<{ subscription: Subscription; result: unknown }> {
    const s = await this.get(caller, id);
    const letters = await this.repos.subscriptions.deadLetters(id, 10_000);
    const letter = letters.find((d) => d.id === deadLetterId);
    if (!letter) throw new PopulusError('DEAD_LETTER_NOT_FOUND', `subscription ${id} has no dead letter ${deadLetterId}`, { subscriptionId: id, deadLetterId });
    let result: unknown = null;
    if (this.deps.actions) result = await this.deps.actions.replayDeadLetter(deadLetterId, id);
    else {
      if (letter.fromSeq - 1 < s.cursor) await this.repos.subscriptions.rewind(id, letter.fromSeq - 1);
      await this.repos.subscriptions.markReplayed(deadLetterId);
    }
    return { subscription: await this.get(caller, id), result };
  }

  /** What was delivered and acknowledged, how far behind (events and seconds), failures and dead letters. */
  async status(caller: Principal, id: string): Promise<SubscriptionStatusReport> {
    const s = await this.get(caller, id);
    const head = await this.repos.feed.head();
    const lagEvents = Math.max(0, head.seq - s.cursor);
    let lagSeconds = 0;
    if (lagEvents > 0) {
      const first = await this.repos.feed.timeOf(s.cursor + 1);
      if (first !== null) lagSeconds = Math.max(0, Math.round((this.now().getTime() - Date.parse(first)) / 1000));
    }
    const letters = await this.repos.subscriptions.deadLetters(id, 10_000);
    return {
      subscriptionId: s.id,
      status: s.status,
      statusReason: s.statusReason,
      cursor: s.cursor,
      head: head.seq,
      delivered: s.delivered,
      lagEvents,
      lagSeconds,
      lastDeliveredAt: s.lastDeliveredAt,
      lastError: s.lastError,
      attempts: s.attempts,
      nextAttemptAt: s.nextAttemptAt,
      deadLetters: letters.filter((d) => d.replayedAt === null).length,
    };
  }

  /** A pull subscription the caller reads: of its own department (platform administrators read none: they are no department). */
  async pullSubscription(caller: Principal, id: string): Promise<Subscription> {
    const s = await this.repos.subscriptions.get(id);
    if (!s || caller.role !== 'department-officer' || caller.departmentId !== s.departmentId || s.channel !== 'pull') {
      throw new PopulusError('SUBSCRIPTION_NOT_FOUND', `there is no pull subscription ${id}`, { subscriptionId: id });
    }
    return s;
  }

  /** A pull subscription's reader confirms it holds everything through `seq`. */
  async acknowledge(s: Subscription, seq: number, deliveredCount: number): Promise<void> {
    const cursor = Math.max(s.cursor, seq);
    await this.repos.subscriptions.setDelivery(s.id, { cursor, delivered: s.delivered + deliveredCount, ...(deliveredCount > 0 ? { lastDeliveredAt: this.now().toISOString() } : {}) });
  }
}
