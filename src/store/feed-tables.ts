/**
 * Row types of migration 0005-feed, joined to the `Database` interface of database.ts by module
 * augmentation (as access-tables.ts does): the change-event outbox, subscriptions, their secrets,
 * delivery attempts, dead letters and pushed changes' idempotency keys.
 */
export interface FeedCounterTable {
  name: string;
  last_seq: number;
}

export interface ChangeEventTable {
  seq: number;
  id: string;
  type: string;
  person_id: string | null;
  district: string;
  time: string;
  data: string;
  cause: string;
  areas: string;
}

export interface SubscriptionTable {
  id: string;
  department_id: string;
  name: string;
  channel: string;
  url: string | null;
  purpose: string;
  elements: string;
  areas: string;
  categories: string;
  event_types: string;
  code_profile: string | null;
  unmask: number;
  batch_max: number;
  status: string;
  status_reason: string | null;
  cursor: number;
  pending_from: number | null;
  pending_to: number | null;
  attempts: number;
  first_failure_at: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  last_delivered_at: string | null;
  delivered: number;
  generation: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionSecretTable {
  id: string;
  subscription_id: string;
  secret: string;
  created_at: string;
  expires_at: string | null;
}

export interface DeliveryAttemptTable {
  id: string;
  subscription_id: string;
  webhook_id: string;
  from_seq: number;
  to_seq: number;
  attempt: number;
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface DeadLetterTable {
  id: string;
  subscription_id: string;
  webhook_id: string;
  from_seq: number;
  to_seq: number;
  reason: string;
  created_at: string;
  replayed_at: string | null;
}

export interface DispatcherLeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface InboundChangeTable {
  source_id: string;
  idempotency_key: string;
  request_sha256: string;
  response: string;
  created_at: string;
}

declare module './database.ts' {
  interface Database {
    feed_counter: FeedCounterTable;
    change_event: ChangeEventTable;
    subscription: SubscriptionTable;
    subscription_secret: SubscriptionSecretTable;
    delivery_attempt: DeliveryAttemptTable;
    dead_letter: DeadLetterTable;
    inbound_change: InboundChangeTable;
    dispatcher_lease: DispatcherLeaseTable;
  }
}
