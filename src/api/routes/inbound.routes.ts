/**
 * Changes pushed by department systems: POST /sources/{id}/changes runs a few records through the
 * import pipeline (src/ingest/push-changes.ts), with the same access as an import of that source
 * (`import.run`, and a department's own sources only). An `Idempotency-Key` header is required; a
 * repeat answers with the stored result and `Idempotent-Replayed: true`.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SourceService } from '../../services/source.service.ts';
import { mayActOnSource } from '../../access/operations.ts';
import { PopulusError } from '../../domain/errors.ts';
import { MAX_PUSH_ROWS, type PushService } from '../../ingest/push-changes.ts';
import { IsoDate, NullableString, errors } from '../schemas/common.schema.ts';
import { principalOf } from '../auth.ts';

const Cell = Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean(), Type.Null()]);

const PushBody = Type.Object(
  {
    rows: Type.Array(Type.Record(Type.String(), Cell), {
      minItems: 1,
      maxItems: MAX_PUSH_ROWS,
      description: 'records as the source now holds them, keyed by the column headers of its mapping profile; every mapped column present (null for empty)',
    }),
    observedAt: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

const PushResultSchema = Type.Object(
  {
    batchId: Type.String(),
    sourceId: Type.String(),
    profileVersion: Type.Integer(),
    observedAt: Type.String(),
    rowsReceived: Type.Integer(),
    rowsApplied: Type.Integer(),
    rowsUnchanged: Type.Integer(),
    rowsRejected: Type.Integer(),
    personsCreated: Type.Integer(),
    personsLinked: Type.Integer(),
    conflicts: Type.Integer(),
    rejected: Type.Array(
      Type.Object({
        index: Type.Integer({ description: 'the row’s index in `rows`, from 0' }),
        column: NullableString,
        value: NullableString,
        reason: Type.String(),
        message: Type.String(),
      }),
    ),
  },
  { description: 'what the push did; rejected rows were not applied' },
);

/** `Services` fits once it holds `pushes` (a PushService). */
export interface InboundDeps {
  readonly sources: Pick<SourceService, 'get'>;
  readonly pushes: Pick<PushService, 'push'>;
}

export function inboundRoutes({ sources, pushes }: InboundDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/sources/:id/changes', {
      config: { access: { operation: 'import.run' } },
      // 1,000 rows of a wide profile in Chinese text can pass the app's 1 MB default.
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['imports'],
        summary: `Push up to ${MAX_PUSH_ROWS} changed records of a source through the import pipeline (Idempotency-Key required)`,
        params: Type.Object({ id: Type.String() }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'a key unique to this change (e.g. a UUID); send the same key when retrying' })) }),
        body: PushBody,
        response: { 200: PushResultSchema, ...errors(400, 404, 409, 413, 422) },
      },
      handler: async (req, reply) => {
        const source = await sources.get(req.params.id);
        if (!mayActOnSource(principalOf(req), source.departmentId)) throw new PopulusError('SOURCE_NOT_FOUND', `there is no source ${req.params.id} of your department`, { sourceId: req.params.id });
        const { result, replayed } = await pushes.push({
          sourceId: req.params.id,
          idempotencyKey: req.headers['idempotency-key'],
          rows: req.body.rows,
          ...(req.body.observedAt !== undefined ? { observedAt: req.body.observedAt } : {}),
        });
        if (replayed) void reply.header('idempotent-replayed', 'true');
        return { ...result, rejected: [...result.rejected] };
      },
    });
  };
}
