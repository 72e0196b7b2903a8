/** Sources (department systems), their owned elements and mapping profiles; imports and their rejected rows. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MappingProfile } from '../../domain/ingest/profile.ts';
import type { Services } from '../../services/services.ts';
import { newId } from '../../store/clock.ts';
import { IsoDate, errors } from '../schemas/common.schema.ts';
import { literals } from '../schemas/standard.schema.ts';
import { rejectedRowsCsv, rejectedRowsXlsx } from '../../ingest/rejected-export.ts';
import { REVIEW_KINDS, REVIEW_STATUSES } from '../../services/review.service.ts';

const SourceView = Type.Object(
  {
    id: Type.String(),
    departmentId: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    level: Type.String(),
    owns: Type.Array(Type.String()),
    profileVersion: Type.Union([Type.Integer(), Type.Null()]),
  },
  { $id: 'Source' },
);

const Batch = Type.Object(
  {
    id: Type.String(),
    sourceId: Type.String(),
    profileVersion: Type.Integer(),
    fileName: Type.String(),
    extract: Type.String(),
    status: Type.String({ description: 'checking, running, committed, interrupted, failed, rolled_back' }),
    rowsRead: Type.Integer(),
    rowsTotal: Type.Union([Type.Integer(), Type.Null()]),
    rowsRejected: Type.Integer(),
    rowsUnchanged: Type.Integer(),
    personsCreated: Type.Integer(),
    personsLinked: Type.Integer(),
    recordsEnded: Type.Integer(),
    conflicts: Type.Integer(),
    observedAt: Type.Union([Type.String(), Type.Null()]),
    startedAt: Type.String(),
    finishedAt: Type.Union([Type.String(), Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ImportBatch' },
);

const ProfileSchema = Type.Object({}, { additionalProperties: true, description: 'a mapping profile: see docs/import.md' });

export const sourceSchemas = [SourceView, Batch];

export function sourceRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { sources, imports } = services;
  return async (app) => {
    app.get('/sources', { schema: { tags: ['sources'], summary: 'Department systems that send data', response: { 200: Type.Array(Type.Ref('Source')) } }, handler: () => sources.list() });

    app.get('/sources/:id', {
      schema: { tags: ['sources'], summary: 'One source, the elements it owns and its latest profile version', params: Type.Object({ id: Type.String() }), response: { 200: Type.Ref('Source'), ...errors(404) } },
      handler: (req) => sources.get(req.params.id),
    });

    app.put('/sources/:id', {
      schema: {
        tags: ['sources'],
        summary: 'Register or update a source and the elements it is the authoritative source of',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          { departmentId: Type.String(), nameZh: Type.String({ minLength: 1 }), nameEn: Type.String({ minLength: 1 }), level: literals(['city', 'district', 'street'] as const), owns: Type.Array(Type.String()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Source'), ...errors(400, 422) },
      },
      handler: (req) => sources.define({ id: req.params.id, ...req.body }),
    });

    app.get('/sources/:id/profile', {
      schema: {
        tags: ['sources'],
        summary: 'The latest (or a given) mapping profile version',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ version: Type.Integer(), profile: ProfileSchema }), ...errors(404) },
      },
      handler: (req) => sources.profile(req.params.id, req.query.version),
    });

    app.post('/sources/:id/profiles', {
      schema: {
        tags: ['sources'],
        summary: 'Store a new mapping profile version (checked against the standard first)',
        params: Type.Object({ id: Type.String() }),
        body: ProfileSchema,
        response: { 201: Type.Object({ version: Type.Integer() }), ...errors(404, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await sources.addProfile(req.params.id, req.body as unknown as MappingProfile)),
    });

    // The body is the file itself; it is streamed to a temporary file, never held in memory.
    app.addContentTypeParser(['application/octet-stream', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/x-ndjson'], (_req, payload, done) => done(null, payload));

    app.post('/imports', {
      bodyLimit: 512 * 1024 * 1024,
      schema: {
        tags: ['imports'],
        summary: 'Upload a department file (CSV, XLSX, JSON Lines) for a source; the import runs in the background: poll GET /imports/{id}',
        querystring: Type.Object({ source: Type.String(), fileName: Type.String({ minLength: 1, maxLength: 200 }), observedAt: Type.Optional(IsoDate) }, { additionalProperties: false }),
        response: { 202: Type.Object({ id: Type.String() }), ...errors(400, 404, 413, 415) },
      },
      handler: async (req, reply) => {
        await sources.get(req.query.source);
        const dir = await mkdtemp(join(tmpdir(), 'populus-upload-'));
        const path = join(dir, 'upload');
        await pipeline(req.body as unknown as Readable, createWriteStream(path));
        const id = newId();
        imports.startInBackground(id, req.query.source, path, { displayName: req.query.fileName, ...(req.query.observedAt ? { observedAt: req.query.observedAt } : {}) }, () => rm(dir, { recursive: true, force: true }));
        return reply.status(202).send({ id });
      },
    });

    app.get('/imports', {
      schema: { tags: ['imports'], summary: 'Recent imports, newest first', querystring: Type.Object({ source: Type.Optional(Type.String()) }, { additionalProperties: false }), response: { 200: Type.Array(Type.Ref('ImportBatch')) } },
      handler: async (req) => (await imports.listBatches(req.query.source)).map((b) => imports.view(b)),
    });

    app.get('/imports/:id', {
      schema: { tags: ['imports'], summary: 'An import: its status, progress and counts', params: Type.Object({ id: Type.String() }), response: { 200: Type.Ref('ImportBatch'), ...errors(404) } },
      handler: (req) => imports.status(req.params.id),
    });

    app.get('/imports/:id/rejected', {
      schema: {
        tags: ['imports'],
        summary: 'The rejected rows of an import (file row, column, value with ID numbers masked, reason code); ?format=csv or xlsx to download',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ format: Type.Optional(literals(['json', 'csv', 'xlsx'] as const)) }, { additionalProperties: false }),
        response: {
          200: Type.Array(Type.Object({ row: Type.Integer(), column: Type.Union([Type.String(), Type.Null()]), value: Type.Union([Type.String(), Type.Null()]), reason: Type.String(), message: Type.String() })),
          ...errors(404),
        },
      },
      handler: async (req, reply) => {
        const rows = await imports.rejected(req.params.id);
        if (req.query.format === 'xlsx') {
          const batch = await imports.batch(req.params.id);
          return reply
            .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header('content-disposition', `attachment; filename="rejected-${batch.id}.xlsx"`)
            .serializer((x: unknown) => x as string)
            .send((await rejectedRowsXlsx(batch.file_name, rows)) as never);
        }
        if (req.query.format === 'csv') {
          const batch = await imports.batch(req.params.id);
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="rejected-${batch.id}.csv"`)
            .serializer((x: unknown) => x as string)
            .send(rejectedRowsCsv(batch.file_name, rows) as never);
        }
        return rows;
      },
    });

    app.get('/review-items', {
      schema: {
        tags: ['review'],
        summary: 'Review items: conflicts with the owner’s value, possible matches, identifier clashes (newest first)',
        querystring: Type.Object(
          {
            kind: Type.Optional(literals(REVIEW_KINDS)),
            status: Type.Optional(literals(REVIEW_STATUSES)),
            personId: Type.Optional(Type.String({ format: 'uuid' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                kind: Type.String(),
                status: Type.String(),
                personId: Type.Union([Type.String(), Type.Null()]),
                elementId: Type.Union([Type.String(), Type.Null()]),
                sourceId: Type.Union([Type.String(), Type.Null()]),
                detail: Type.Object({}, { additionalProperties: true }),
                batchId: Type.Union([Type.String(), Type.Null()]),
                createdAt: Type.String(),
                resolvedAt: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
            total: Type.Integer(),
          }),
        },
      },
      handler: (req) => services.reviews.list({ kind: req.query.kind, status: req.query.status, personId: req.query.personId, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }),
    });

    app.post('/imports/:id/rollback', {
      schema: { tags: ['imports'], summary: 'Undo an interrupted or finished import', params: Type.Object({ id: Type.String() }), response: { 200: Type.Ref('ImportBatch'), ...errors(404, 409) } },
      handler: async (req) => {
        await imports.rollback(req.params.id);
        return imports.status(req.params.id);
      },
    });
  };
}
