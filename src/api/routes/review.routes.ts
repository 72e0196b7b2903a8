/**
 * People deciding: the review queue (possible matches, conflicts with the owner's value,
 * identifier clashes) and merges. Street and platform administrators only, for a stated purpose
 * (DATA_QUALITY); every decision names its actor and commits with its audit entry.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AccessServices } from '../../access/access-services.ts';
import type { PersonGate } from '../../access/person-gate.ts';
import { PopulusError } from '../../domain/errors.ts';
import { entryOf } from '../../access/audit.service.ts';
import { actorRef } from '../../access/principal.ts';
import type { Access } from '../../access/remit-policy.ts';
import type { Services } from '../../services/services.ts';
import type { Repositories } from '../../store/repositories.ts';
import { REVIEW_DECISIONS, REVIEW_KINDS, REVIEW_STATUSES } from '../../services/review.service.ts';
import { accessOf } from '../auth.ts';
import { errors } from '../schemas/common.schema.ts';
import { literals } from '../schemas/standard.schema.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const ReviewItemView = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    status: Type.String(),
    personId: Nullable(Type.String()),
    elementId: Nullable(Type.String()),
    sourceId: Nullable(Type.String()),
    detail: Type.Object({}, { additionalProperties: true, description: 'what the item is about: the candidate and the explanation of the score, or the values in conflict (phones masked)' }),
    batchId: Nullable(Type.String()),
    createdAt: Type.String(),
    resolvedAt: Nullable(Type.String()),
    decision: Nullable(Type.String()),
    decidedBy: Nullable(Type.String()),
    decisionReason: Nullable(Type.String()),
    mergeId: Nullable(Type.String()),
  },
  { $id: 'ReviewItem' },
);

const MergeView = Type.Object(
  {
    mergeId: Type.String(),
    survivorId: Type.String(),
    loserId: Type.String(),
    decidedBy: Type.String(),
    reason: Nullable(Type.String()),
    createdAt: Type.String(),
    undoneAt: Nullable(Type.String()),
    undoneBy: Nullable(Type.String()),
    moved: Type.Record(Type.String(), Type.Integer(), { description: 'rows that moved, by kind' }),
  },
  { $id: 'Merge' },
);

export const reviewSchemas = [ReviewItemView, MergeView];

const Decision = Type.Object(
  {
    item: Type.Ref('ReviewItem'),
    mergeId: Nullable(Type.String()),
    personId: Nullable(Type.String()),
  },
  { description: 'the decided item, the merge an acceptance made, and the person the item’s person now is' },
);
const Reason = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
const Id = Type.Object({ id: Type.String() });

export function reviewRoutes(services: Services, access: AccessServices, gate: PersonGate): FastifyPluginAsyncTypebox {
  const { reviews, merges } = services;
  /** The persons an item is about: its person and, for a possible match or clash, the candidate. */
  const personsOf = (item: { kind: string; personId: string | null; detail: Record<string, unknown> }): string[] => {
    const other = item.kind === 'possible-match' ? item.detail['candidateId'] : item.kind === 'identifier-clash' ? item.detail['heldBy'] : undefined;
    return [item.personId, typeof other === 'string' ? other : null].filter((x): x is string => x !== null);
  };
  /** An item exists for the caller only when every person it is about is within the remit (as a person out of remit does not exist). */
  const visibleItem = async (a: Access, id: string): Promise<Awaited<ReturnType<typeof reviews.get>>> => {
    const item = await reviews.get(id);
    const persons = personsOf(item);
    const seen = await gate.visibleIds(a, persons);
    if (persons.some((p) => !seen.has(p))) throw new PopulusError('REVIEW_ITEM_NOT_FOUND', `there is no review item ${id}`, { reviewItemId: id });
    return item;
  };
  const visiblePersons = async (a: Access, ids: readonly string[]): Promise<void> => {
    const seen = await gate.visibleIds(a, ids);
    const hidden = ids.find((p) => !seen.has(p));
    if (hidden !== undefined) throw new PopulusError('PERSON_NOT_FOUND', `no person ${hidden}`, { personId: hidden });
  };
  const audited =
    (a: Access, action: string, personIds: readonly (string | null)[], requestId: string) =>
    async (repos: Repositories): Promise<void> => {
      const entry = entryOf({ principal: a.principal, purpose: a.purpose }, { action, personIds: personIds.filter((p): p is string => p !== null), elementIds: [], result: 'ok', requestId });
      await access.audit.appendWithin(repos.audit, [entry]);
    };
  return async (app) => {
    app.get('/review-items', {
      config: { access: { operation: 'review.read', personal: true } },
      schema: {
        tags: ['review'],
        summary: 'Review items: conflicts with the owner’s value, possible matches, identifier clashes (newest first)',
        querystring: Type.Object(
          {
            kind: Type.Optional(literals(REVIEW_KINDS)),
            status: Type.Optional(literals(REVIEW_STATUSES)),
            decision: Type.Optional(literals(REVIEW_DECISIONS)),
            personId: Type.Optional(Type.String({ format: 'uuid' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('ReviewItem')), total: Type.Integer() }), ...errors(400, 401, 403) },
      },
      handler: async (req) => {
        const q = req.query;
        const page = await reviews.list({ kind: q.kind, status: q.status, decision: q.decision, personId: q.personId, limit: q.limit ?? 50, offset: q.offset ?? 0 });
        const a = accessOf(req);
        // Items about persons outside the remit are left out (and not counted), as those persons do not exist for the caller.
        const seen = await gate.visibleIds(a, page.items.flatMap(personsOf));
        const items = page.items.filter((i) => personsOf(i).every((p) => seen.has(p)));
        const personIds = [...new Set(items.flatMap(personsOf))];
        await access.audit.record({ principal: a.principal, purpose: a.purpose }, { action: 'review.read', personIds, elementIds: [], result: 'ok', requestId: req.id });
        return { items, total: page.total - (page.items.length - items.length) };
      },
    });

    app.get('/review-items/:id', {
      config: { access: { operation: 'review.read', personal: true } },
      schema: { tags: ['review'], summary: 'One review item with its explanation', params: Id, response: { 200: Type.Ref('ReviewItem'), ...errors(401, 403, 404) } },
      handler: async (req) => {
        const a = accessOf(req);
        const item = await visibleItem(a, req.params.id);
        await access.audit.record({ principal: a.principal, purpose: a.purpose }, { action: 'review.read', personIds: item.personId ? [item.personId] : [], elementIds: [], result: 'ok', requestId: req.id });
        return item;
      },
    });

    for (const decision of ['accept', 'reject', 'acknowledge'] as const) {
      app.post(`/review-items/:id/${decision}`, {
        config: { access: { operation: 'review.decide', personal: true } },
        schema: {
          tags: ['review'],
          summary: {
            accept: 'Accept: the item’s person and the candidate are one (they are merged; a conflict is acknowledged)',
            reject: 'Reject: they are different people — kept apart, and the pair is never asked about again',
            acknowledge: 'Acknowledge a conflict or clash: the owner’s value stands',
          }[decision],
          params: Id,
          body: Reason,
          response: { 200: Decision, ...errors(400, 401, 403, 404, 409) },
        },
        handler: async (req) => {
          const a = accessOf(req);
          const item = await visibleItem(a, req.params.id);
          const within = audited(a, `review.${decision}`, personsOf(item), req.id);
          return reviews[decision](req.params.id, actorRef(a.principal), req.body.reason, within);
        },
      });
    }

    app.post('/merges', {
      config: { access: { operation: 'review.decide', personal: true } },
      schema: {
        tags: ['review'],
        summary: 'Merge two persons who are one: the loser’s records, observations, identifiers, residences, memberships and rental registrations move to the survivor; reads of the old id are redirected',
        body: Type.Object(
          { survivorId: Type.String({ format: 'uuid' }), loserId: Type.String({ format: 'uuid' }), reason: Type.Optional(Type.String({ maxLength: 500 })), force: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Merge'), ...errors(400, 401, 403, 404, 409) },
      },
      handler: async (req, reply) => {
        const a = accessOf(req);
        const { survivorId, loserId, reason, force } = req.body;
        await visiblePersons(a, [survivorId, loserId]);
        const within = audited(a, 'person.merge', [survivorId, loserId], req.id);
        return reply.status(201).send(await merges.merge(survivorId, loserId, actorRef(a.principal), { reason, force }, within));
      },
    });

    app.get('/merges/:id', {
      config: { access: { operation: 'review.read', personal: true } },
      schema: { tags: ['review'], summary: 'A merge: who, when, why, what moved, and whether it was undone', params: Id, response: { 200: Type.Ref('Merge'), ...errors(401, 403, 404) } },
      handler: async (req) => {
        const m = await merges.get(req.params.id);
        await visiblePersons(accessOf(req), [m.survivorId]);
        return m;
      },
    });

    app.post('/merges/:id/undo', {
      config: { access: { operation: 'review.decide', personal: true } },
      schema: { tags: ['review'], summary: 'Unmerge: every row the merge moved goes back and both persons are restored exactly', params: Id, body: Reason, response: { 200: Type.Ref('Merge'), ...errors(400, 401, 403, 404, 409) } },
      handler: async (req) => {
        const a = accessOf(req);
        const m = await merges.get(req.params.id);
        await visiblePersons(a, [m.survivorId]);
        const within = audited(a, 'person.unmerge', [m.survivorId, m.loserId], req.id);
        return merges.unmerge(req.params.id, actorRef(a.principal), req.body.reason, within);
      },
    });
  };
}
