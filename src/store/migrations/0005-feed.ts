/**
 * Publish and subscribe: the transactional outbox of change events (a global, gap-free sequence
 * handed out by a counter row that every writing transaction updates, so events are numbered in
 * commit order on both backends), departments' subscriptions with their delivery state and
 * signing secrets, deliveries that gave up (dead letters), every delivery attempt, and the
 * idempotency keys of changes pushed by department systems.
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypes, type Dialect } from './column-types.ts';

export function feed(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('feed_counter')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('last_seq', big, (c) => c.notNull())
        .execute();
      await db.insertInto('feed_counter' as never).values({ name: 'change_event', last_seq: 0 } as never).execute();

      await db.schema
        .createTable('change_event')
        .addColumn('seq', big, (c) => c.primaryKey())
        .addColumn('id', t.uuid, (c) => c.notNull().unique())
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('person_id', t.uuid)
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('time', t.timestamp, (c) => c.notNull())
        // JSON: the elements changed (old and new, owning source), or what moved, merged, linked.
        .addColumn('data', t.text, (c) => c.notNull())
        // JSON: what caused it: {kind: import|api|user|merge|system, batchId?, sourceId?, actor?}.
        .addColumn('cause', t.text, (c) => c.notNull())
        // JSON array: area codes the event itself names (a move's old and new area), besides the person's current ones.
        .addColumn('areas', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('change_event_person').on('change_event').columns(['person_id', 'seq']).execute();

      await db.schema
        .createTable('subscription')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('department_id', t.text, (c) => c.notNull().references('department.id'))
        .addColumn('name', t.text, (c) => c.notNull())
        // webhook | pull | nats
        .addColumn('channel', t.text, (c) => c.notNull())
        .addColumn('url', t.text)
        .addColumn('purpose', t.text, (c) => c.notNull())
        // JSON arrays; an empty array means "everything the remit allows".
        .addColumn('elements', t.text, (c) => c.notNull())
        .addColumn('areas', t.text, (c) => c.notNull())
        .addColumn('categories', t.text, (c) => c.notNull())
        .addColumn('event_types', t.text, (c) => c.notNull())
        // The source whose mapping profile translates standard codes back to the department's local codes.
        .addColumn('code_profile', t.text)
        // 1: identity numbers and phones delivered in full, where the remit allows unmasking for the purpose (checked when created).
        .addColumn('unmask', t.int, (c) => c.notNull())
        // Events per delivery: 1 = one CloudEvent per request, more = CloudEvents batch mode.
        .addColumn('batch_max', t.int, (c) => c.notNull())
        // active | paused | disabled
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('status_reason', t.text)
        // The last sequence number delivered and acknowledged.
        .addColumn('cursor', big, (c) => c.notNull())
        // The delivery in flight (its range stays fixed across retries, so its webhook-id does).
        .addColumn('pending_from', big)
        .addColumn('pending_to', big)
        .addColumn('attempts', t.int, (c) => c.notNull())
        .addColumn('first_failure_at', t.timestamp)
        .addColumn('next_attempt_at', t.timestamp)
        .addColumn('last_error', t.text)
        .addColumn('last_delivered_at', t.timestamp)
        .addColumn('delivered', big, (c) => c.notNull())
        // Raised by every rewind (replay): a dispatcher's write about an earlier generation is not applied.
        .addColumn('generation', t.int, (c) => c.notNull())
        .addColumn('created_by', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('subscription_department').on('subscription').column('department_id').execute();

      await db.schema
        .createTable('subscription_secret')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('subscription_id', t.uuid, (c) => c.notNull().references('subscription.id'))
        // whsec_… (Standard Webhooks); kept to sign, never shown again after it is created.
        .addColumn('secret', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        // A rotated-out secret still signs until then, so receivers can switch without downtime.
        .addColumn('expires_at', t.timestamp)
        .execute();
      await db.schema.createIndex('subscription_secret_subscription').on('subscription_secret').column('subscription_id').execute();

      await db.schema
        .createTable('delivery_attempt')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('subscription_id', t.uuid, (c) => c.notNull())
        .addColumn('webhook_id', t.text, (c) => c.notNull())
        .addColumn('from_seq', big, (c) => c.notNull())
        .addColumn('to_seq', big, (c) => c.notNull())
        .addColumn('attempt', t.int, (c) => c.notNull())
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .addColumn('status_code', t.int)
        .addColumn('error', t.text)
        .addColumn('duration_ms', t.int, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('delivery_attempt_subscription').on('delivery_attempt').columns(['subscription_id', 'at']).execute();

      await db.schema
        .createTable('dead_letter')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('subscription_id', t.uuid, (c) => c.notNull())
        .addColumn('webhook_id', t.text, (c) => c.notNull())
        .addColumn('from_seq', big, (c) => c.notNull())
        .addColumn('to_seq', big, (c) => c.notNull())
        .addColumn('reason', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('replayed_at', t.timestamp)
        .execute();
      await db.schema.createIndex('dead_letter_subscription').on('dead_letter').columns(['subscription_id', 'created_at']).execute();

      // Who delivers the feed: one dispatcher per database at a time (serve, or `populus feed dispatch`).
      await db.schema
        .createTable('dispatcher_lease')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('holder', t.text, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('inbound_change')
        .addColumn('source_id', t.text, (c) => c.notNull())
        .addColumn('idempotency_key', t.text, (c) => c.notNull())
        .addColumn('request_sha256', t.text, (c) => c.notNull())
        .addColumn('response', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('inbound_change_pk', ['source_id', 'idempotency_key'])
        .execute();
    },
  };
}
