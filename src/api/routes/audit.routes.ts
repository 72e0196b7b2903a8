/**
 * The audit log through the API: auditors search and export it and read the chain head (to anchor
 * it elsewhere); a resident reads their own data tracker — who used their data, when and why.
 */
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AccessServices } from '../../access/access-services.ts';
import { AUDIT_RESULTS, formatAnchor, parseAnchor } from '../../access/audit-chain.ts';
import { PopulusError } from '../../domain/errors.ts';
import { principalOf } from '../auth.ts';
import { errors } from '../schemas/common.schema.ts';
import { literals } from '../schemas/standard.schema.ts';

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

const AuditEntryView = Type.Object(
  {
    seq: Type.Integer(),
    at: Type.String(),
    actor: Type.String(),
    departmentId: Nullable(Type.String()),
    role: Nullable(Type.String()),
    purpose: Type.String(),
    action: Type.String(),
    personIds: Type.Array(Type.String()),
    elementIds: Type.Array(Type.String()),
    result: Type.String(),
    requestId: Nullable(Type.String()),
    detail: Nullable(Type.String()),
    prevHash: Type.String(),
    hash: Type.String(),
  },
  { $id: 'AuditEntry' },
);

export const auditSchemas = [AuditEntryView];

const Filter = {
  personId: Type.Optional(Type.String({ format: 'uuid' })),
  actor: Type.Optional(Type.String({ pattern: '^(user|token):[0-9a-f-]{1,64}$|^system$' })),
  departmentId: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
  purpose: Type.Optional(Type.String({ maxLength: 64 })),
  result: Type.Optional(literals(AUDIT_RESULTS)),
  requestId: Type.Optional(Type.String({ maxLength: 100, description: 'the id of the request an entry was made for (as recorded in the entry)' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
};

export function auditRoutes(access: AccessServices): FastifyPluginAsyncTypebox {
  const { audit } = access;
  const who = (p: ReturnType<typeof principalOf>) => ({ principal: p, purpose: 'AUDIT' });
  return async (app) => {
    app.get('/audit/entries', {
      config: { access: { operation: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: 'Auditors: search the audit log, newest first (keyset paging with beforeSeq); the search is itself recorded',
        querystring: Type.Object({ ...Filter, beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(Type.Ref('AuditEntry')), ...errors(400, 401, 403) },
      },
      handler: async (req) => {
        const { limit, ...filter } = req.query;
        return audit.search(who(principalOf(req)), { ...filter, limit: limit ?? 100 }, req.id);
      },
    });

    app.get('/audit/export', {
      config: { access: { operation: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: 'Auditors: export matching entries as CSV with their hashes (so a copy can be checked against the chain)',
        querystring: Type.Object(Filter, { additionalProperties: false }),
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errors(400, 401, 403) },
      },
      handler: async (req, reply) => {
        const lines = audit.exportCsv(who(principalOf(req)), req.query, req.id);
        const first = await lines.next(); // the check and the export's own entry happen before the answer starts
        async function* all(): AsyncGenerator<string> {
          if (!first.done) yield `${first.value}\n`;
          for await (const l of lines) yield `${l}\n`;
        }
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="audit.csv"')
          .send(Readable.from(all()) as never);
      },
    });

    app.get('/audit/head', {
      config: { access: { operation: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: 'Auditors: the chain head (sequence and hash) and its anchor line, to keep elsewhere and check later with `populus audit verify --anchor`',
        response: { 200: Type.Object({ seq: Type.Integer(), hash: Type.String(), anchor: Type.String() }), ...errors(401, 403) },
      },
      handler: async () => {
        const head = await audit.head();
        return { seq: head.seq, hash: head.hash, anchor: await audit.anchor() };
      },
    });

    app.post('/audit/verify', {
      config: { access: { operation: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: 'Auditors: walk the whole hash chain now (as `populus audit verify`): intact, or the first broken entry; optionally check an anchor kept earlier',
        body: Type.Object(
          { anchor: Type.Optional(Type.String({ maxLength: 200, description: 'a line from GET /audit/head kept elsewhere: populus-audit-head:<seq>:<hash>' })) },
          { additionalProperties: false, description: 'send {} to verify without an anchor' },
        ),
        response: {
          200: Type.Object({
            intact: Type.Boolean(),
            entries: Type.Integer({ description: 'entries verified' }),
            head: Type.Object({ seq: Type.Integer(), hash: Type.String(), anchor: Type.String() }, { description: 'the last good entry' }),
            checkpoint: Type.Union([Type.Object({ throughSeq: Type.Integer(), entries: Type.Integer() }), Type.Null()], { description: 'where the walk began after pruning' }),
            firstBreak: Type.Union([Type.Object({ seq: Type.Integer(), kind: Type.String(), message: Type.String() }), Type.Null()]),
            anchorChecked: Type.Union([Type.Boolean(), Type.Null()], { description: 'whether the anchor given was found and matched (null: none given, or pruned)' }),
            verifiedAt: Type.String(),
          }),
          ...errors(400, 401, 403),
        },
      },
      handler: async (req) => {
        const line = req.body.anchor;
        const anchor = line === undefined || line.trim() === '' ? undefined : parseAnchor(line);
        if (line !== undefined && line.trim() !== '' && anchor === undefined) throw new PopulusError('VALIDATION_FAILED', 'the anchor is not a populus-audit-head:<seq>:<hash> line', { field: 'anchor' });
        await audit.drain();
        const r = await audit.verify(anchor === undefined ? {} : { anchor });
        await audit.record(who(principalOf(req)), { action: 'audit.verify', personIds: [], elementIds: [], result: 'ok', requestId: req.id });
        return {
          intact: r.intact,
          entries: r.entries,
          head: { seq: r.head.seq, hash: r.head.hash, anchor: formatAnchor(r.head) },
          checkpoint: r.checkpoint ? { throughSeq: r.checkpoint.throughSeq, entries: r.checkpoint.entries } : null,
          firstBreak: r.firstBreak ? { seq: r.firstBreak.seq, kind: r.firstBreak.kind, message: r.firstBreak.message } : null,
          anchorChecked: r.anchorChecked,
          verifiedAt: new Date().toISOString(),
        };
      },
    });

    app.get('/persons/:id/data-uses', {
      config: { access: {} },
      schema: {
        tags: ['audit'],
        summary: "The resident's data tracker: which department used which of this person's data, when and for what purpose (residents: their own record; auditors: anyone)",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            uses: Type.Array(
              Type.Object({ at: Type.String(), departmentId: Nullable(Type.String()), role: Nullable(Type.String()), purpose: Type.String(), action: Type.String(), elementIds: Type.Array(Type.String()) }),
            ),
            summary: Type.Array(
              Type.Object({ departmentId: Nullable(Type.String()), purpose: Type.String(), elementIds: Type.Array(Type.String()), uses: Type.Integer(), firstAt: Type.String(), lastAt: Type.String() }),
            ),
            nextBeforeSeq: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...errors(401, 404),
        },
      },
      handler: async (req) => {
        const p = principalOf(req);
        const purpose = p.role === 'resident' ? 'SELF_SERVICE' : 'AUDIT';
        const t = await audit.tracker({ principal: p, purpose }, req.params.id, {
          requestId: req.id,
          ...(req.query.limit === undefined ? {} : { limit: req.query.limit }),
          ...(req.query.beforeSeq === undefined ? {} : { beforeSeq: req.query.beforeSeq }),
        });
        return { ...t, uses: t.uses.map((u) => ({ ...u, elementIds: [...u.elementIds] })), summary: t.summary.map((x) => ({ ...x, elementIds: [...x.elementIds] })) };
      },
    });
  };
}
