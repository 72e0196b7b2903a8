/**
 * The change feed through the API: subscriptions (a department's own, or any for a platform
 * administrator) with their secrets, status, replays and dead letters; the pull feed with
 * long-polling; and Server-Sent Events. Every event served goes through FeedGate — cut to the
 * reader's remit for its purpose, masked, translated, audited — as every webhook and NATS delivery does.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CHANNELS, SUBSCRIPTION_STATUSES, type Subscription } from '../../domain/feed/subscription.ts';
import { EVENT_TYPES } from '../../domain/feed/change-event.ts';
import { EVERYTHING, subscriberOf, type Subscriber } from '../../feed/feed-gate.ts';
import { PopulusError } from '../../domain/errors.ts';
import { principalOfSubscription } from '../../access/principal.ts';
import type { RemitPolicy } from '../../access/remit-policy.ts';
import type { FeedServices } from '../../feed/feed-services.ts';
import { BATCH_MAX_LIMIT } from '../../feed/subscription.service.ts';
import { MAX_LIMIT, MAX_WAIT_SECONDS } from '../../feed/pull-feed.ts';
import { PURPOSE_HEADER, principalOf } from '../auth.ts';
import { errors } from '../schemas/common.schema.ts';
import { literals } from '../schemas/standard.schema.ts';

const tags = ['feed'];
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const ElementId = Type.String({ pattern: '^[a-z][a-zA-Z0-9]*\\.[a-z][a-zA-Z0-9]*$', maxLength: 80 });
const AreaPrefix = Type.String({ pattern: '^\\d{2,12}$' });
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
const Limit = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false });

const SubscriptionView = Type.Object(
  {
    id: Type.String(),
    departmentId: Type.String(),
    name: Type.String(),
    channel: literals(CHANNELS),
    url: Nullable(Type.String()),
    purpose: Type.String(),
    elements: Type.Array(Type.String()),
    areas: Type.Array(Type.String()),
    categories: Type.Array(Type.String()),
    eventTypes: Type.Array(Type.String()),
    codeProfile: Nullable(Type.String()),
    unmask: Type.Boolean(),
    batchMax: Type.Integer(),
    status: literals(SUBSCRIPTION_STATUSES),
    statusReason: Nullable(Type.String()),
    cursor: Type.Integer({ description: 'the last sequence number delivered and acknowledged' }),
    delivered: Type.Integer({ description: 'events delivered, in all' }),
    lastDeliveredAt: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Subscription' },
);

const CloudEventView = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String(),
    source: Type.String(),
    type: Type.String(),
    subject: Type.Optional(Type.String({ description: 'the person id' })),
    time: Type.String(),
    datacontenttype: Type.Literal('application/json'),
    sequence: Type.String({ description: 'the global sequence number (CloudEvents sequence extension)' }),
    data: Type.Unknown({ description: 'the changed elements (old and new, masked and translated as the remit says), their source and the cause; see docs/feed.md' }),
  },
  { $id: 'CloudEvent', description: 'A CloudEvent 1.0 in structured JSON mode' },
);

export const feedSchemas = [SubscriptionView, CloudEventView];

const NewSubscription = Type.Object(
  {
    departmentId: Type.Optional(Type.String({ maxLength: 64, description: 'platform administrators: the department subscribing; others subscribe for their own' })),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    channel: literals(CHANNELS),
    url: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'webhooks: where to POST (https, or http to loopback)' }))),
    purpose: Type.String({ minLength: 1, maxLength: 64, description: 'the purpose the deliveries serve: within the department’s remit' }),
    elements: Type.Optional(Type.Array(ElementId, { maxItems: 200, description: 'data elements wanted; empty = every element the remit allows' })),
    areas: Type.Optional(Type.Array(AreaPrefix, { maxItems: 100, description: 'area-code prefixes; empty = the whole remit' })),
    categories: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, description: 'kinds of people (kinds.json ids); empty = everyone in the remit' })),
    eventTypes: Type.Optional(Type.Array(literals(EVENT_TYPES), { maxItems: EVENT_TYPES.length, description: 'empty = every type' })),
    codeProfile: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'a source of the department: coded values arrive in its local codes' }))),
    unmask: Type.Optional(Type.Boolean({ description: 'identity numbers and phones in full where the remit allows unmasking for the purpose' })),
    batchMax: Type.Optional(Type.Integer({ minimum: 1, maximum: BATCH_MAX_LIMIT, description: 'events per webhook request: 1 = one CloudEvent; more = CloudEvents batch mode' })),
  },
  { additionalProperties: false },
);

const FeedQuery = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'the cursor: events after this sequence number (default: the subscription’s cursor, or 0)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 100 })),
    wait: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0, description: 'long-poll: when nothing is there, wait up to this many seconds for something' })),
    subscription: Type.Optional(Type.String({ maxLength: 64, description: 'read as this pull subscription of your department (its filter, purpose, codes); `after` acknowledges what you hold' })),
    unmask: Type.Optional(Type.Boolean({ description: 'without a subscription: identity numbers and phones in full where your remit allows' })),
  },
  { additionalProperties: false },
);

const StreamQuery = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'start after this sequence number (or the Last-Event-ID header)' })),
    subscription: Type.Optional(Type.String({ maxLength: 64 })),
    unmask: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const PurposeHeader = Type.Optional(Type.String({ maxLength: 64, description: 'the purpose (required without a subscription; a subscription reads for its own purpose)' }));
const FeedHeaders = Type.Object({ [PURPOSE_HEADER]: PurposeHeader });
const StreamHeaders = Type.Object({
  [PURPOSE_HEADER]: PurposeHeader,
  'last-event-id': Type.Optional(Type.String({ pattern: '^\\d+$', description: 'resume after this sequence number' })),
});

const PageView = Type.Object({
  events: Type.Array(Type.Ref('CloudEvent')),
  next: Type.Integer({ description: 'the cursor for the next read: the last sequence number scanned (events you may not see are skipped, not scanned again)' }),
  head: Type.Integer({ description: 'the last sequence number of the feed' }),
});

const Status = Type.Object({
  subscriptionId: Type.String(),
  status: literals(SUBSCRIPTION_STATUSES),
  statusReason: Nullable(Type.String()),
  cursor: Type.Integer(),
  head: Type.Integer(),
  delivered: Type.Integer(),
  lagEvents: Type.Integer({ description: 'head − cursor' }),
  lagSeconds: Type.Integer({ description: 'how long the first undelivered event has waited' }),
  lastDeliveredAt: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  attempts: Type.Integer({ description: 'failed attempts of the delivery in flight' }),
  nextAttemptAt: Nullable(Type.String()),
  deadLetters: Type.Integer({ description: 'dead letters not replayed yet' }),
});

const Attempt = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  fromSeq: Type.Integer(),
  toSeq: Type.Integer(),
  attempt: Type.Integer(),
  at: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Nullable(Type.String()),
  durationMs: Type.Integer(),
});

const DeadLetterView = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  fromSeq: Type.Integer(),
  toSeq: Type.Integer(),
  reason: Type.String(),
  createdAt: Type.String(),
  replayedAt: Nullable(Type.String()),
});

const RemitView = Type.Object({
  departmentId: Type.String(),
  purposes: Type.Array(Type.String(), { description: 'the purposes the department’s remit allows' }),
  purpose: Nullable(Type.String()),
  elements: Type.Array(Type.String(), { description: 'data elements readable for the purpose' }),
  areas: Type.Array(Type.String(), { description: 'area-code prefixes the remit covers for the purpose (empty: no area limit beyond the node)' }),
  kinds: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'kinds of people served for the purpose; null = everyone' }),
  unmask: Type.Boolean({ description: 'whether the remit allows unmasking for the purpose' }),
  codeProfiles: Type.Array(Type.String(), { description: 'sources of the department (code profiles a subscription may ask for)' }),
});

/** Aborts when the client goes away before the answer is written. */
function clientGone(reply: FastifyReply): AbortController {
  const ac = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac;
}

export function feedRoutes(feed: FeedServices, policy?: RemitPolicy): FastifyPluginAsyncTypebox {
  const { subscriptions, pull } = feed;
  const streams = new Set<AbortController>();

  /** Who reads: a pull subscription of the caller's department, or the caller itself for the stated purpose. */
  const readerOf = async (req: FastifyRequest, q: { subscription?: string | undefined; unmask?: boolean | undefined }): Promise<{ subscriber: Subscriber; subscription: Subscription | null }> => {
    const principal = principalOf(req);
    if (q.subscription !== undefined) {
      const s = await subscriptions.pullSubscription(principal, q.subscription);
      return { subscriber: subscriberOf(s), subscription: s };
    }
    const h = req.headers[PURPOSE_HEADER];
    const purpose = (Array.isArray(h) ? h[0] : h)?.trim() ?? '';
    const subscriber: Subscriber = { principal, purpose, filter: EVERYTHING, codeProfile: null, unmask: q.unmask === true };
    feed.gate.accessOf(subscriber);
    return { subscriber, subscription: null };
  };

  return async (app) => {
    app.addHook('onClose', async () => {
      for (const s of streams) s.abort();
    });

    app.post('/subscriptions', {
      config: { access: { operation: 'subscription.manage' } },
      schema: {
        tags,
        summary: 'Subscribe a department to the change feed; refused naming everything outside its remit. The signing secret is shown this once.',
        body: NewSubscription,
        response: {
          201: Type.Object({ subscription: Type.Ref('Subscription'), secret: Nullable(Type.String({ description: 'webhooks: the Standard Webhooks signing secret (whsec_…), shown only now' })) }),
          ...errors(400, 404, 422),
        },
      },
      handler: async (req, reply) => reply.status(201).send(await subscriptions.create(principalOf(req), req.body)),
    });

    app.get('/subscriptions/remit', {
      config: { access: { operation: 'subscription.manage' } },
      schema: {
        tags,
        summary: 'What a department may subscribe to: its purposes and, for one purpose, the elements, areas, kinds of people, unmasking and code profiles its remit allows (what the console offers)',
        querystring: Type.Object({ departmentId: Type.Optional(Type.String({ maxLength: 64 })), purpose: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
        response: { 200: RemitView, ...errors(403, 404, 422, 503) },
      },
      handler: async (req) => {
        if (policy === undefined) throw new PopulusError('NOT_READY', 'the remit policy is not available on this node');
        const principal = principalOf(req);
        const q = req.query;
        let departmentId: string;
        if (principal.role === 'platform-admin') {
          if (q.departmentId === undefined) throw new PopulusError('INVALID_VALUE', 'a platform administrator names the department (departmentId)', { field: 'departmentId' });
          departmentId = q.departmentId;
        } else {
          if (principal.departmentId === null || (q.departmentId !== undefined && q.departmentId !== principal.departmentId)) {
            throw new PopulusError('NOT_ALLOWED', 'a department sees its own remit only', { departmentId: q.departmentId ?? '' });
          }
          departmentId = principal.departmentId;
        }
        if (policy.departmentPurposes(departmentId).size === 0) throw new PopulusError('DEPARTMENT_NOT_FOUND', `no department ${departmentId} with a remit`, { department: departmentId });
        const purposes = [...policy.departmentPurposes(departmentId)].filter((p) => principal.purposes === null || principal.role === 'platform-admin' || principal.purposes.includes(p)).sort();
        const sources = (await feed.data.repos.sources.listSources()).filter((s) => s.departmentId === departmentId).map((s) => s.id);
        const empty = { departmentId, purposes, purpose: q.purpose ?? null, elements: [], areas: [], kinds: [], unmask: false, codeProfiles: sources };
        if (q.purpose === undefined || !purposes.includes(q.purpose)) return empty;
        const check = policy.check(principalOfSubscription({ id: 'remit', departmentId, purpose: q.purpose }), q.purpose);
        if (!check.ok) return empty;
        const scopes = check.access.scopes();
        const elements = [...new Set(scopes.flatMap((s) => [...s.elements]))].sort();
        // Per scope, the most specific list of area prefixes (the one every person must be inside).
        const areas = new Set<string>();
        for (const s of scopes) {
          const lists = [...s.areaPrefixes].sort((a, b) => Math.min(...b.map((x) => x.length)) - Math.min(...a.map((x) => x.length)));
          for (const a of lists[0] ?? []) areas.add(a);
        }
        const kinds = scopes.some((s) => s.kinds === null) ? null : [...new Set(scopes.flatMap((s) => [...(s.kinds ?? [])]))].sort();
        let limited = [...areas].sort();
        if (principal.role === 'department-officer' && principal.areaCodes.length > 0) {
          limited = principal.areaCodes.filter((c) => limited.length === 0 || limited.some((a) => c.startsWith(a)));
        }
        return { departmentId, purposes, purpose: q.purpose, elements, areas: limited, kinds, unmask: scopes.some((s) => s.unmask.size > 0), codeProfiles: sources };
      },
    });

    app.get('/subscriptions', {
      config: { access: { operation: 'subscription.manage' } },
      schema: { tags, summary: 'Subscriptions: your department’s (platform administrators: every one)', response: { 200: Type.Object({ items: Type.Array(Type.Ref('Subscription')) }) } },
      handler: async (req) => ({ items: await subscriptions.list(principalOf(req)) }),
    });

    app.get('/subscriptions/:id', {
      config: { access: { operation: 'subscription.manage' } },
      schema: { tags, summary: 'A subscription', params: Id, response: { 200: Type.Ref('Subscription'), ...errors(404) } },
      handler: (req) => subscriptions.get(principalOf(req), req.params.id),
    });

    app.delete('/subscriptions/:id', {
      config: { access: { operation: 'subscription.manage' } },
      schema: { tags, summary: 'End a subscription (its delivery log and dead letters stay on file)', params: Id, response: { 204: Type.Null(), ...errors(404) } },
      handler: async (req, reply) => {
        await subscriptions.delete(principalOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    });

    app.post('/subscriptions/:id/pause', {
      config: { access: { operation: 'subscription.manage' } },
      schema: { tags, summary: 'Pause deliveries (events wait in the outbox)', params: Id, response: { 200: Type.Ref('Subscription'), ...errors(404) } },
      handler: (req) => subscriptions.pause(principalOf(req), req.params.id),
    });

    app.post('/subscriptions/:id/resume', {
      config: { access: { operation: 'subscription.manage' } },
      schema: { tags, summary: 'Resume deliveries (also after the endpoint answered 410 and was disabled)', params: Id, response: { 200: Type.Ref('Subscription'), ...errors(404) } },
      handler: (req) => subscriptions.resume(principalOf(req), req.params.id),
    });

    app.post('/subscriptions/:id/secret', {
      config: { access: { operation: 'subscription.manage' } },
      schema: {
        tags,
        summary: 'Rotate the signing secret: the new one is shown this once; the old ones keep signing for 24 h',
        params: Id,
        response: { 200: Type.Object({ secret: Type.String(), previousExpireAt: Type.String() }), ...errors(404, 422) },
      },
      handler: (req) => subscriptions.rotateSecret(principalOf(req), req.params.id),
    });

    app.post('/subscriptions/:id/replay', {
      config: { access: { operation: 'subscription.manage' } },
      schema: {
        tags,
        summary: 'Deliver again every event from a sequence number on',
        params: Id,
        body: Type.Object({ fromSeq: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Subscription'), ...errors(400, 404, 422) },
      },
      handler: (req) => subscriptions.replayFrom(principalOf(req), req.params.id, req.body.fromSeq),
    });

    app.post('/subscriptions/:id/test', {
      config: { access: { operation: 'subscription.manage' } },
      schema: {
        tags,
        summary: 'Send a cn.populus.feed.test event (no personal data) to the webhook or NATS subject now; the attempt’s result is returned',
        params: Id,
        response: { 202: Type.Object({ result: Type.Unknown() }), ...errors(404, 422, 503) },
      },
      handler: async (req, reply) => reply.status(202).send({ result: await subscriptions.sendTest(principalOf(req), req.params.id) }),
    });

    app.get('/subscriptions/:id/deliveries', {
      config: { access: { operation: 'subscription.manage' } },
      schema: {
        tags,
        summary: 'Delivery attempts, newest first, paged (limit, default 100, and offset); total counts them all',
        params: Id,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Attempt), total: Type.Integer({ description: 'attempts in all' }) }), ...errors(400, 404) },
      },
      handler: (req) => subscriptions.deliveryPage(principalOf(req), req.params.id, req.query.limit ?? 100, req.query.offset ?? 0),
    });

    app.get('/subscriptions/:id/dead-letters', {
      config: { access: { operation: 'subscription.manage' } },
      schema: { tags, summary: 'Deliveries given up on (or refused), to replay by hand', params: Id, querystring: Limit, response: { 200: Type.Object({ items: Type.Array(DeadLetterView) }), ...errors(404) } },
      handler: async (req) => ({ items: await subscriptions.deadLetters(principalOf(req), req.params.id, req.query.limit ?? 100) }),
    });

    app.post('/subscriptions/:id/dead-letters/:deadLetterId/replay', {
      config: { access: { operation: 'subscription.manage' } },
      schema: {
        tags,
        summary: 'Deliver a dead letter’s events again (resent once with their webhook-id; the result of the attempt is returned)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }), deadLetterId: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ subscription: Type.Ref('Subscription'), result: Type.Unknown() }), ...errors(404, 503) },
      },
      handler: (req) => subscriptions.replayDeadLetter(principalOf(req), req.params.id, req.params.deadLetterId),
    });

    app.get('/subscriptions/:id/status', {
      config: { access: { operation: 'subscription.manage' } },
      schema: { tags, summary: 'What was delivered and acknowledged, the lag in events and seconds, failures and dead letters', params: Id, response: { 200: Status, ...errors(404) } },
      handler: (req) => subscriptions.status(principalOf(req), req.params.id),
    });

    app.get('/feed', {
      config: { access: { operation: 'feed.read' } },
      schema: {
        tags,
        summary: 'Pull the change feed: CloudEvents after a cursor, cut to your remit (or a pull subscription’s), with long-polling',
        querystring: FeedQuery,
        headers: FeedHeaders,
        response: { 200: PageView, ...errors(400, 404) },
      },
      handler: async (req, reply) => {
        const q = req.query;
        const { subscriber, subscription } = await readerOf(req, q);
        const after = q.after ?? subscription?.cursor ?? 0;
        const gone = clientGone(reply);
        const page = await pull.read(subscriber, after, q.limit ?? 100, q.wait ?? 0, gone.signal, req.id);
        if (subscription) await subscriptions.acknowledge(subscription, q.after ?? subscription.cursor, page.events.length);
        return page;
      },
    });

    app.get('/feed/stream', {
      config: { access: { operation: 'feed.read' } },
      schema: {
        tags,
        summary: 'The change feed as Server-Sent Events: id = sequence, event = type, data = the CloudEvent; a comment heartbeat every 15 s',
        querystring: StreamQuery,
        headers: StreamHeaders,
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errors(400, 404) },
      },
      handler: async (req, reply) => {
        const q = req.query;
        const { subscriber, subscription } = await readerOf(req, q);
        const lastId = req.headers['last-event-id'];
        const after = lastId !== undefined && /^\d+$/.test(String(lastId)) ? Number(lastId) : (q.after ?? subscription?.cursor ?? 0);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        const ac = new AbortController();
        streams.add(ac);
        res.on('close', () => ac.abort());
        const out = {
          write: (chunk: string): boolean => res.write(chunk),
          drained: (): Promise<void> =>
            new Promise<void>((resolve) => {
              const done = (): void => {
                res.off('drain', done);
                ac.signal.removeEventListener('abort', done);
                resolve();
              };
              res.on('drain', done);
              ac.signal.addEventListener('abort', done, { once: true });
            }),
        };
        try {
          await pull.stream(subscriber, after, out, ac.signal, req.id);
        } catch (e) {
          req.log.warn({ err: e }, 'feed stream ended by an error');
          if (!res.writableEnded) res.write(`event: error\ndata: ${JSON.stringify({ message: 'the stream ended; reconnect with Last-Event-ID' })}\n\n`);
        } finally {
          streams.delete(ac);
          if (!res.writableEnded) res.end();
        }
      },
    });
  };
}
