/**
 * A department's subscription to the change feed: what it asks for (elements, areas, categories,
 * event types — empty means everything its remit allows), for which purpose, how it is delivered
 * (webhook, pull, NATS JetStream), in whose local codes, and where its delivery stands. Pure.
 */

export const CHANNELS = ['webhook', 'pull', 'nats'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SUBSCRIPTION_STATUSES = ['active', 'paused', 'disabled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What a subscriber asks for; every list empty = everything the remit allows. */
export interface SubscriptionFilter {
  readonly elements: readonly string[];
  /** Area-code prefixes. */
  readonly areas: readonly string[];
  /** Kinds of people (kinds.json ids). */
  readonly categories: readonly string[];
  readonly eventTypes: readonly string[];
}

export interface Subscription extends SubscriptionFilter {
  readonly id: string;
  readonly departmentId: string;
  readonly name: string;
  readonly channel: Channel;
  readonly url: string | null;
  readonly purpose: string;
  /** The source whose mapping profile turns standard codes back into the department's local codes. */
  readonly codeProfile: string | null;
  /** Identity numbers and phones in full, where the remit allows unmasking for the purpose. */
  readonly unmask: boolean;
  /** Events per delivery: 1 = one CloudEvent per request; more = CloudEvents batch mode. */
  readonly batchMax: number;
  readonly status: SubscriptionStatus;
  readonly statusReason: string | null;
  /** Delivery state: the last sequence number delivered and acknowledged. */
  readonly cursor: number;
  /** The delivery in flight, fixed across its retries. */
  readonly pendingFrom: number | null;
  readonly pendingTo: number | null;
  readonly attempts: number;
  readonly firstFailureAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  readonly lastDeliveredAt: string | null;
  /** Events delivered and acknowledged, in all. */
  readonly delivered: number;
  /** Raised by every rewind (replay), so that a dispatcher busy with the subscription notices it. */
  readonly generation: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type DeliveryState = Pick<Subscription, 'cursor' | 'pendingFrom' | 'pendingTo' | 'attempts' | 'firstFailureAt' | 'nextAttemptAt' | 'lastError' | 'lastDeliveredAt' | 'delivered'>;

/** A delivery that gave up (or was refused), kept to be replayed by hand. */
export interface DeadLetter {
  readonly id: string;
  readonly subscriptionId: string;
  readonly webhookId: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly reason: string;
  readonly createdAt: string;
  readonly replayedAt: string | null;
}

export interface DeliveryAttempt {
  readonly id: string;
  readonly subscriptionId: string;
  readonly webhookId: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly attempt: number;
  readonly at: string;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** A webhook signing secret (Standard Webhooks `whsec_` + base64); a rotated-out one signs until it expires. */
export interface SigningSecret {
  readonly id: string;
  readonly secret: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}
