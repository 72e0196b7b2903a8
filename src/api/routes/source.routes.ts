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
import { IsoDate, Page, errors, paged } from '../schemas/common.schema.ts';
import { literals } from '../schemas/standard.schema.ts';
import { rejectedRowsCsv, rejectedRowsXlsx } from '../../ingest/rejected-export.ts';
import { TRANSFORM_DOCS } from '../../ingest/transform/transform-registry.ts';
import type { AccessServices } from '../../access/access-services.ts';
import { mayActOnSource } from '../../access/operations.ts';
import type { Principal } from '../../access/principal.ts';
import { PopulusError } from '../../domain/errors.ts';
import { accessOf, principalOf } from '../auth.ts';

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

const ProfileProblems = Type.Object(
  { problems: Type.Array(Type.Object({ path: Type.String({ description: 'where in the profile: columns[2].target.element, codeMaps.sex.map.男, recordKey…' }), message: Type.String() })) },
  { $id: 'ProfileProblems' },
);

const ProfileDraftView = Type.Object(
  {
    profile: ProfileSchema,
    columns: Type.Array(
      Type.Object({
        column: Type.String(),
        mapping: Type.Union([Type.Object({}, { additionalProperties: true, description: 'the proposed column mapping' }), Type.Null()]),
        confidence: Type.Number({ description: '0–1: how sure the draft is' }),
        why: Type.String(),
      }),
    ),
    unmappedColumns: Type.Array(Type.String()),
    unmappedValues: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'local values of coded columns matching no standard code, by code map id' }),
    header: Type.Object({ format: Type.String(), encoding: Type.String(), headers: Type.Array(Type.String()), headerRow: Type.Integer(), sheet: Type.Optional(Type.String()), delimiter: Type.Optional(Type.String()) }),
  },
  { $id: 'ProfileDraft' },
);

const TransformView = Type.Object({ id: Type.String(), summary: Type.String(), options: Type.Union([Type.String(), Type.Null()]) }, { $id: 'Transform' });

export const sourceSchemas = [SourceView, Batch, ProfileProblems, ProfileDraftView, TransformView];

/** Streams a request body (a file) to a temporary file; answers its path and a clean-up. */
async function bodyToTempFile(body: unknown): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'populus-upload-'));
  const path = join(dir, 'upload');
  try {
    await pipeline(body as Readable, createWriteStream(path));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function sourceRoutes(services: Services, access: AccessServices): FastifyPluginAsyncTypebox {
  const { sources, imports } = services;
  /** Department officers act only on their own department's sources; others' look absent. */
  const ownSource = async (p: Principal, sourceId: string): Promise<void> => {
    const source = await sources.get(sourceId);
    if (!mayActOnSource(p, source.departmentId)) throw new PopulusError('SOURCE_NOT_FOUND', `there is no source ${sourceId} of your department`, { sourceId });
  };
  /** The source of each import started here: while an import is still being checked its view names no source yet. */
  const startedFor = new Map<string, string>();
  const ownBatch = async (p: Principal, batchId: string): Promise<void> => {
    const batch = await imports.status(batchId); // also an import still being checked, before its batch row exists
    const sourceId = batch.sourceId || startedFor.get(batchId);
    if (!sourceId) throw new PopulusError('IMPORT_NOT_FOUND', `there is no import ${batchId} of your department`, { importId: batchId });
    if (batch.sourceId) startedFor.delete(batchId);
    const source = await sources.get(sourceId);
    if (!mayActOnSource(p, source.departmentId)) throw new PopulusError('IMPORT_NOT_FOUND', `there is no import ${batchId} of your department`, { importId: batchId });
  };
  const { audit } = access;
  return async (app) => {
    app.get('/sources', {
      config: { access: { operation: 'source.read' } }, schema: { tags: ['sources'], summary: 'Department systems that send data', response: { 200: Type.Array(Type.Ref('Source')) } }, handler: () => sources.list() });

    app.get('/sources/:id', {
      config: { access: { operation: 'source.read' } },
      schema: { tags: ['sources'], summary: 'One source, the elements it owns and its latest profile version', params: Type.Object({ id: Type.String() }), response: { 200: Type.Ref('Source'), ...errors(404) } },
      handler: (req) => sources.get(req.params.id),
    });

    app.put('/sources/:id', {
      config: { access: { operation: 'source.write' } },
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
      handler: async (req) => {
        const p = principalOf(req);
        if (!mayActOnSource(p, req.body.departmentId)) throw new PopulusError('NOT_ALLOWED', 'you may define sources of your own department only', { operation: 'source.write' });
        const existing = await sources.get(req.params.id).catch(() => undefined);
        if (existing && !mayActOnSource(p, existing.departmentId)) throw new PopulusError('NOT_ALLOWED', 'this source belongs to another department', { operation: 'source.write' });
        return sources.define({ id: req.params.id, ...req.body });
      },
    });

    app.get('/sources/:id/profile', {
      config: { access: { operation: 'source.read' } },
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
      config: { access: { operation: 'source.write' } },
      schema: {
        tags: ['sources'],
        summary: 'Store a new mapping profile version (checked against the standard first)',
        params: Type.Object({ id: Type.String() }),
        body: ProfileSchema,
        response: { 201: Type.Object({ version: Type.Integer() }), ...errors(404, 422) },
      },
      handler: async (req, reply) => {
        await ownSource(principalOf(req), req.params.id);
        return reply.status(201).send(await sources.addProfile(req.params.id, req.body as unknown as MappingProfile));
      },
    });

    app.post('/sources/:id/profiles/check', {
      config: { access: { operation: 'source.write' } },
      schema: {
        tags: ['sources'],
        summary: 'Check a mapping profile against the standard without storing it: the problems POST /sources/{id}/profiles would refuse it for (none: it would be stored)',
        params: Type.Object({ id: Type.String() }),
        body: ProfileSchema,
        response: { 200: Type.Ref('ProfileProblems'), ...errors(404) },
      },
      handler: async (req) => {
        await ownSource(principalOf(req), req.params.id);
        return { problems: await sources.checkProfileOf(req.body as unknown as MappingProfile) };
      },
    });

    app.get('/transforms', {
      config: { access: { operation: 'source.read' } },
      schema: { tags: ['sources'], summary: 'The value transforms a mapping profile may name, with what each does', response: { 200: Type.Array(Type.Ref('Transform')) } },
      handler: () => Object.entries(TRANSFORM_DOCS).map(([id, d]: [string, { summary: string; options?: string }]) => ({ id, summary: d.summary, options: d.options ?? null })),
    });

    // The body is the file itself; it is streamed to a temporary file, never held in memory.
    app.addContentTypeParser(['application/octet-stream', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/x-ndjson'], (_req, payload, done) => done(null, payload));

    app.post('/sources/:id/draft', {
      config: { access: { operation: 'source.write' } },
      bodyLimit: 512 * 1024 * 1024,
      schema: {
        tags: ['sources'],
        summary: 'Draft a mapping profile for a file of this source (the file is the body; only its header and a sample are read, nothing is stored): columns → elements, local codes → standard codes, and what could not be mapped — as `populus source draft`',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ fileName: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('ProfileDraft'), ...errors(400, 404, 413, 415, 422) },
      },
      handler: async (req) => {
        await ownSource(principalOf(req), req.params.id);
        const file = await bodyToTempFile(req.body);
        try {
          const d = await imports.draft(file.path, req.query.fileName);
          return { profile: d.profile, columns: d.columns.map((c) => ({ ...c, mapping: c.mapping ?? null })), unmappedColumns: d.unmappedColumns, unmappedValues: d.unmappedValues, header: d.header };
        } finally {
          await file.cleanup();
        }
      },
    });

    app.post('/imports', {
      config: { access: { operation: 'import.run' } },
      bodyLimit: 512 * 1024 * 1024,
      schema: {
        tags: ['imports'],
        summary: 'Upload a department file (CSV, XLSX, JSON Lines) for a source; the import runs in the background: poll GET /imports/{id}',
        querystring: Type.Object({ source: Type.String(), fileName: Type.String({ minLength: 1, maxLength: 200 }), observedAt: Type.Optional(IsoDate) }, { additionalProperties: false }),
        response: { 202: Type.Object({ id: Type.String() }), ...errors(400, 404, 413, 415) },
      },
      handler: async (req, reply) => {
        await ownSource(principalOf(req), req.query.source);
        const dir = await mkdtemp(join(tmpdir(), 'populus-upload-'));
        const path = join(dir, 'upload');
        await pipeline(req.body as unknown as Readable, createWriteStream(path));
        const id = newId();
        startedFor.set(id, req.query.source);
        imports.startInBackground(id, req.query.source, path, { displayName: req.query.fileName, ...(req.query.observedAt ? { observedAt: req.query.observedAt } : {}) }, () => rm(dir, { recursive: true, force: true }));
        return reply.status(202).send({ id });
      },
    });

    app.get('/imports', {
      config: { access: { operation: 'import.read' } },
      schema: {
        tags: ['imports'],
        summary: 'Imports, newest first, paged (limit, default 50, and offset): those of the sources you may import for; total counts them all',
        querystring: Type.Object({ source: Type.Optional(Type.String({ maxLength: 64 })), ...Page }, { additionalProperties: false }),
        response: { 200: paged(Type.Ref('ImportBatch')), ...errors(400) },
      },
      handler: async (req) => {
        const p = principalOf(req);
        const all = await sources.list();
        const own = all.filter((x) => mayActOnSource(p, x.departmentId)).map((x) => x.id);
        return imports.pageBatches({
          sourceId: req.query.source,
          sourceIds: own.length === all.length ? undefined : own,
          limit: req.query.limit ?? 50,
          offset: req.query.offset ?? 0,
        });
      },
    });

    app.get('/imports/:id', {
      config: { access: { operation: 'import.read' } },
      schema: { tags: ['imports'], summary: 'An import: its status, progress and counts', params: Type.Object({ id: Type.String() }), response: { 200: Type.Ref('ImportBatch'), ...errors(404) } },
      handler: async (req) => {
        await ownBatch(principalOf(req), req.params.id);
        return imports.status(req.params.id);
      },
    });

    app.get('/imports/:id/rejected', {
      config: { access: { operation: 'import.read', personal: true } },
      schema: {
        tags: ['imports'],
        summary:
          'The rejected rows of an import in file order (file row, column, value with ID numbers masked, reason code), paged (limit, default 100, and offset; total counts them all); ?format=csv or xlsx downloads them all',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object(
          {
            format: Type.Optional(literals(['json', 'csv', 'xlsx'] as const)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'rows a page (JSON only: a download holds every row)' })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: paged(Type.Object({ row: Type.Integer(), column: Type.Union([Type.String(), Type.Null()]), value: Type.Union([Type.String(), Type.Null()]), reason: Type.String(), message: Type.String() })),
          ...errors(400, 404),
        },
      },
      handler: async (req, reply) => {
        await ownBatch(principalOf(req), req.params.id);
        const a = accessOf(req);
        const format = req.query.format ?? 'json';
        const page = format === 'json' ? await imports.rejectedPage(req.params.id, req.query.limit ?? 100, req.query.offset ?? 0) : undefined;
        // Rejected rows hold what a department sent (names, masked ID numbers): their reading is a use of personal data.
        await audit.record({ principal: a.principal, purpose: a.purpose }, { action: 'import.rejected.read', personIds: [], elementIds: [], result: 'ok', requestId: req.id });
        if (page !== undefined) return page;
        const rows = await imports.rejected(req.params.id);
        const batch = await imports.batch(req.params.id);
        if (format === 'xlsx') {
          return reply
            .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header('content-disposition', `attachment; filename="rejected-${batch.id}.xlsx"`)
            .serializer((x: unknown) => x as string)
            .send((await rejectedRowsXlsx(batch.file_name, rows)) as never);
        }
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="rejected-${batch.id}.csv"`)
          .serializer((x: unknown) => x as string)
          .send(rejectedRowsCsv(batch.file_name, rows) as never);
      },
    });

    app.post('/imports/:id/rollback', {
      config: { access: { operation: 'import.run' } },
      schema: { tags: ['imports'], summary: 'Undo an interrupted or finished import', params: Type.Object({ id: Type.String() }), response: { 200: Type.Ref('ImportBatch'), ...errors(404, 409) } },
      handler: async (req) => {
        await ownBatch(principalOf(req), req.params.id);
        await imports.rollback(req.params.id);
        return imports.status(req.params.id);
      },
    });
  };
}
