/**
 * Reports and forms (issue 8): report definitions (list, read, define a new version from JSON or
 * YAML), runs (produce for an area and reference date; the run is kept with its content hash and
 * says what changed since the run kept before; read back and download as XLSX, CSV, PDF or JSON),
 * schedules, and departments' form templates (upload as base64 JSON, fill for a person, household
 * or roster). Runs are audited before they answer; every figure is cut to the caller's remit for
 * the purpose the run is made for (src/apps/reports/report-access.ts decides who runs what).
 */
import { Type } from 'typebox';
import { parse as parseYaml } from 'yaml';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { PopulusError } from '../../domain/errors.ts';
import type { ReportServices } from '../../apps/reports/report-services.ts';
import type { DefinitionInfo, RunOutcome } from '../../apps/reports/report.service.ts';
import { summariseChanges, type RunChanges } from '../../apps/reports/compare.ts';
import type { RunRecord, ScheduleRecord, TemplateRecord } from '../../store/report-store.repository.ts';
import type { FormMeta, OutputFormat } from '../../apps/reports/types.ts';
import { principalOf } from '../auth.ts';
import { IsoDate, errors } from '../schemas/common.schema.ts';
import { literals } from '../schemas/standard.schema.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const LabelSchema = Type.Object({ zh: Type.String(), en: Type.String() });
const FORMATS = ['json', 'xlsx', 'csv', 'pdf'] as const;
/** A street (9 digits), committee (12) or a grid code below a committee. */
const AREA_PATTERN = '^\\d{9}(\\d{3}([0-9A-Za-z-]{1,20})?)?$';
const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });
/** What a run asks beside its area(s). */
const RunOptions = {
  asOf: IsoDate,
  format: Type.Optional(literals(FORMATS)),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  unmask: Type.Optional(Type.Boolean()),
  knownAt: Type.Optional(
    Type.String({
      format: 'date-time',
      description:
        'transaction time: the record as it was known at this instant (what it said then about asOf, before later corrections, ends and merges); default now',
    }),
  ),
};
/** What a run request asks, beside its area(s). */
const runOf = (req: {
  readonly id: string;
  readonly params: { readonly id: string };
  readonly body: {
    readonly asOf: string;
    readonly format?: OutputFormat | undefined;
    readonly version?: number | undefined;
    readonly unmask?: boolean | undefined;
    readonly knownAt?: string | undefined;
  };
}) => ({
  definitionId: req.params.id,
  version: req.body.version,
  asOf: req.body.asOf,
  knownAt: req.body.knownAt,
  format: req.body.format ?? 'json',
  unmask: req.body.unmask,
  requestId: req.id,
});
const RunOutcomeSchema = Type.Object({ run: Type.Ref('ReportRun'), result: AnyObject('the ReportResult: header, columns, rows, notes') });

const DefinitionSummary = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer(),
    kind: literals(['roster', 'table'] as const),
    title: LabelSchema,
    description: Type.Optional(LabelSchema),
    departmentId: Type.String(),
    purpose: Type.String(),
    period: Type.String({ description: 'monthly, quarterly, annual or on-demand' }),
    origin: literals(['shipped', 'stored'] as const),
    versions: Type.Array(Type.Integer()),
  },
  { $id: 'ReportDefinitionSummary' },
);

const RunView = Type.Object(
  {
    id: Type.String(),
    definitionId: Type.String(),
    definitionVersion: Type.Integer(),
    areaCode: Type.String(),
    asOf: Type.String(),
    format: Type.String(),
    purpose: Type.String(),
    requestedBy: Type.String(),
    unmasked: Type.Boolean({ description: 'ID numbers and phones shown in full: such a run is seen only by whoever produced it' }),
    scheduleId: Nullable(Type.String()),
    createdAt: Type.String(),
    personCount: Type.Integer(),
    contentHash: Type.String({ description: 'SHA-256 of the canonical result JSON without generatedAt and knownAt' }),
    previousRunId: Nullable(Type.String()),
    comparison: literals(['first', 'unchanged', 'changed'] as const),
    changes: Nullable(
      AnyObject(
        'what changed since the previous run: cells (row, column, old, new), rowsAdded, rowsRemoved, columnsAdded, columnsRemoved, personCount',
      ),
    ),
    summary: Nullable(LabelSchema),
    knownAt: Nullable(
      Type.String({
        description:
          'the instant as of which the record was read (transaction time): the run’s start, or the knownAt asked; null for runs kept before it was recorded',
      }),
    ),
  },
  { $id: 'ReportRun' },
);

const ScheduleView = Type.Object(
  {
    id: Type.String(),
    definitionId: Type.String(),
    areaCode: Type.String(),
    period: literals(['monthly', 'quarterly', 'annual'] as const),
    format: Type.String(),
    nextDue: Type.String({ description: 'the next reference date (a period end); produced once that day is over' }),
    lastRunId: Nullable(Type.String()),
    lastRunAt: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'ReportSchedule' },
);

const TemplateView = Type.Object(
  {
    id: Type.String(),
    departmentId: Type.String(),
    name: Type.String(),
    target: literals(['person', 'household', 'roster'] as const),
    purpose: Type.String(),
    definitionId: Nullable(Type.String()),
    placeholders: Type.Array(Type.String()),
    createdBy: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'ReportTemplate' },
);

export const reportSchemas = [DefinitionSummary, RunView, ScheduleView, TemplateView];

const summaryOf = (i: DefinitionInfo) => {
  const d = i.definition;
  return {
    id: d.id,
    version: d.version,
    kind: d.kind,
    title: d.title,
    ...(d.description === undefined ? {} : { description: d.description }),
    departmentId: d.departmentId,
    purpose: d.purpose,
    period: d.period,
    origin: i.origin,
    versions: [...i.versions],
  };
};

const runView = (r: RunRecord) => {
  const changes = r.changes === null ? null : (JSON.parse(r.changes) as RunChanges);
  return { ...r, changes: changes as Record<string, unknown> | null, summary: changes === null ? null : summariseChanges(changes) };
};

/** A schedule as shown: without the principal it runs as. */
const scheduleView = (s: ScheduleRecord) => ({
  id: s.id,
  definitionId: s.definitionId,
  areaCode: s.areaCode,
  period: s.period,
  format: s.format,
  nextDue: s.nextDue,
  lastRunId: s.lastRunId,
  lastRunAt: s.lastRunAt,
  lastError: s.lastError,
  createdBy: s.createdBy,
  createdAt: s.createdAt,
});

const templateView = (t: TemplateRecord) => ({ ...t, placeholders: [...t.placeholders] });

const MetaQuery = {
  locale: Type.Optional(literals(['zh', 'en'] as const)),
  unit: Type.Optional(Type.String({ maxLength: 200, description: '填报单位 (default: the area’s name)' })),
  period: Type.Optional(Type.String({ maxLength: 100, description: '报告期 (default: from the reference date)' })),
  preparedBy: Type.Optional(Type.String({ maxLength: 100 })),
  reviewedBy: Type.Optional(Type.String({ maxLength: 100 })),
};

function metaOf(q: {
  locale?: 'zh' | 'en' | undefined;
  unit?: string | undefined;
  period?: string | undefined;
  preparedBy?: string | undefined;
  reviewedBy?: string | undefined;
}): Partial<FormMeta> {
  return {
    ...(q.locale === undefined ? {} : { locale: q.locale }),
    ...(q.unit === undefined ? {} : { reportingUnit: q.unit }),
    ...(q.period === undefined ? {} : { period: q.period }),
    ...(q.preparedBy === undefined ? {} : { preparedBy: q.preparedBy }),
    ...(q.reviewedBy === undefined ? {} : { reviewedBy: q.reviewedBy }),
  };
}

function sendFile(reply: FastifyReply, body: Buffer, contentType: string, disposition: string): FastifyReply {
  return reply
    .header('content-type', contentType)
    .header('content-disposition', disposition)
    .serializer((x: unknown) => x as string)
    .send(body as never);
}

const asciiName = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '_');
const disposition = (name: string): string => `attachment; filename="${asciiName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export function reportRoutes(apps: ReportServices): FastifyPluginAsyncTypebox {
  const { reports, schedules, templates } = apps;
  const outcome = (o: RunOutcome) => ({ run: runView(o.run), result: o.result as unknown as Record<string, unknown> });
  return async (app) => {
    // Definitions may be sent as YAML text.
    app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

    app.get('/reports', {
      config: { access: { operation: 'report.read' } },
      schema: {
        tags: ['reports'],
        summary: 'Report definitions (shipped and stored), the newest version of each',
        response: { 200: Type.Array(Type.Ref('ReportDefinitionSummary')) },
      },
      handler: async () => (await reports.list()).map(summaryOf),
    });

    app.get('/reports/:id', {
      config: { access: { operation: 'report.read' } },
      schema: {
        tags: ['reports'],
        summary: 'One report definition (the newest version, or ?version=N), in full',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ summary: Type.Ref('ReportDefinitionSummary'), definition: AnyObject('the definition: see docs/reports.md') }),
          ...errors(404),
        },
      },
      handler: async (req) => {
        const info = await reports.get(req.params.id, req.query.version);
        return { summary: summaryOf(info), definition: info.definition as unknown as Record<string, unknown> };
      },
    });

    const DefinitionBody = Type.Union([
      AnyObject('a report definition as JSON'),
      Type.String({ description: 'a report definition as YAML (content-type application/yaml)' }),
    ]);
    /** A JSON body, or YAML text parsed first (so that its id can be checked against the path before anything is stored). */
    const define = async (body: unknown, p: ReturnType<typeof principalOf>, id?: string): Promise<DefinitionInfo> => {
      let value: unknown = body;
      if (typeof body === 'string') {
        try {
          value = parseYaml(body) as unknown;
        } catch (e) {
          throw new PopulusError('REPORT_DEFINITION_INVALID', `the definition is not valid YAML: ${(e as Error).message}`, {
            problems: [{ path: '$', reason: (e as Error).message }],
          });
        }
      }
      if (id === undefined) return reports.define(p, { value });
      const declared = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
      if (declared !== undefined && declared !== id) {
        throw new PopulusError('VALIDATION_FAILED', `the definition's id ${String(declared)} is not the id in the path (${id})`, {
          field: 'id',
        });
      }
      return reports.define(p, { value: value !== null && typeof value === 'object' ? { ...value, id } : value });
    };

    app.post('/reports', {
      config: { access: { operation: 'report.define' } },
      schema: {
        tags: ['reports'],
        summary: 'Define a report (JSON, or YAML with content-type application/yaml); an existing id gets a new version, the old ones kept',
        body: DefinitionBody,
        response: { 201: Type.Ref('ReportDefinitionSummary'), ...errors(422) },
      },
      handler: async (req, reply) => reply.status(201).send(summaryOf(await define(req.body, principalOf(req)))),
    });

    app.put('/reports/:id', {
      config: { access: { operation: 'report.define' } },
      schema: {
        tags: ['reports'],
        summary: 'Store a new version of a report definition (a shipped one too: the stored version then wins)',
        params: Type.Object({ id: Type.String() }),
        body: DefinitionBody,
        response: { 200: Type.Ref('ReportDefinitionSummary'), ...errors(422) },
      },
      handler: async (req) => summaryOf(await define(req.body, principalOf(req), req.params.id)),
    });

    app.post('/reports/:id/runs', {
      config: { access: { operation: 'report.run' } },
      schema: {
        tags: ['reports'],
        summary:
          'Produce a report for an area (street, committee, grid) as of a date; kept, compared with the previous run, audited before the answer',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          {
            area: Type.String({ pattern: AREA_PATTERN, description: 'street (9 digits), committee (12) or grid code' }),
            ...RunOptions,
          },
          { additionalProperties: false },
        ),
        response: {
          201: RunOutcomeSchema,
          ...errors(400, 404, 422),
        },
      },
      handler: async (req, reply) => {
        const o = await reports.run(principalOf(req), { ...runOf(req), areaCode: req.body.area });
        return reply.status(201).send(outcome(o));
      },
    });

    app.post('/reports/:id/runs/batch', {
      config: { access: { operation: 'report.run' } },
      schema: {
        tags: ['reports'],
        summary:
          'Produce a report for several areas (each committee of the street) as of one date, reading the record once; one kept, compared and audited run per area, in the order asked',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          {
            areas: Type.Array(Type.String({ pattern: AREA_PATTERN }), {
              minItems: 1,
              maxItems: 200,
              uniqueItems: true,
              description: 'street, committee or grid codes',
            }),
            ...RunOptions,
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            runs: Type.Array(RunOutcomeSchema),
          }),
          ...errors(400, 404, 422),
        },
      },
      handler: async (req, reply) => {
        const all = await reports.runMany(principalOf(req), { ...runOf(req), areaCodes: req.body.areas });
        return reply.status(201).send({ runs: all.map(outcome) });
      },
    });

    app.get('/reports/:id/runs', {
      config: { access: { operation: 'report.run' } },
      schema: {
        tags: ['reports'],
        summary: 'Kept runs of a report you may see, newest first, each unchanged or changed (with what changed)',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object(
          { area: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Type.Ref('ReportRun')) },
      },
      handler: async (req) =>
        (
          await reports.listRuns(principalOf(req), { definitionId: req.params.id, areaCode: req.query.area, limit: req.query.limit ?? 50 })
        ).map(runView),
    });

    const keptRun = async (id: string, runId: string, p: ReturnType<typeof principalOf>, requestId: string): Promise<RunOutcome> => {
      const o = await reports.getRun(p, runId, requestId);
      if (o.run.definitionId !== id) throw new PopulusError('REPORT_RUN_NOT_FOUND', `there is no run ${runId} of report ${id}`, { runId });
      return o;
    };

    app.get('/reports/:id/runs/:runId', {
      config: { access: { operation: 'report.run' } },
      schema: {
        tags: ['reports'],
        summary: 'A kept run with its result (audited as a read of the persons it names)',
        params: Type.Object({ id: Type.String(), runId: Type.String() }),
        response: { 200: Type.Object({ run: Type.Ref('ReportRun'), result: AnyObject('the ReportResult') }), ...errors(404) },
      },
      handler: async (req) => outcome(await keptRun(req.params.id, req.params.runId, principalOf(req), req.id)),
    });

    app.post('/reports/:id/runs/:runId/reproduce', {
      config: { access: { operation: 'report.run' } },
      schema: {
        tags: ['reports'],
        summary:
          'Produce a kept run again as the record was known when it was produced (its definition version, area, date and transaction time); kept, compared with the run reproduced (unchanged: the record still says what it said then), audited',
        params: Type.Object({ id: Type.String(), runId: Type.String() }),
        response: { 201: RunOutcomeSchema, ...errors(404, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(outcome(await reports.reproduce(principalOf(req), req.params.id, req.params.runId, req.id))),
    });

    app.get('/reports/:id/runs/:runId/download', {
      config: { access: { operation: 'report.run' } },
      schema: {
        tags: ['reports'],
        summary: 'A kept run as a file: XLSX in the government form layout, CSV, PDF (A4) or JSON',
        params: Type.Object({ id: Type.String(), runId: Type.String() }),
        querystring: Type.Object({ format: literals(FORMATS), ...MetaQuery }, { additionalProperties: false }),
        response: { 200: Type.String({ description: 'the file' }), ...errors(404, 503) },
      },
      handler: async (req, reply) => {
        const o = await keptRun(req.params.id, req.params.runId, principalOf(req), req.id);
        const { definition } = await reports.get(o.run.definitionId, o.run.definitionVersion).catch(() => ({ definition: undefined }));
        const meta = await reports.metaFor(o.result, metaOf(req.query), definition?.period);
        const file = await reports.render(o.result, req.query.format as OutputFormat, meta);
        return sendFile(reply, file.body, file.contentType, file.contentDisposition);
      },
    });

    // ---- schedules

    app.get('/report-schedules', {
      config: { access: { operation: 'report.define' } },
      schema: { tags: ['reports'], summary: 'Report schedules you may manage', response: { 200: Type.Array(Type.Ref('ReportSchedule')) } },
      handler: async (req) => (await schedules.list(principalOf(req))).map(scheduleView),
    });

    app.post('/report-schedules', {
      config: { access: { operation: 'report.define' } },
      schema: {
        tags: ['reports'],
        summary:
          'Schedule monthly, quarterly or annual runs of a report for an area (each for its period’s last day, run once that day is over, as you)',
        body: Type.Object(
          {
            definitionId: Type.String(),
            area: Type.String({ pattern: AREA_PATTERN }),
            period: literals(['monthly', 'quarterly', 'annual'] as const),
            format: Type.Optional(literals(FORMATS)),
            firstDue: Type.Optional(IsoDate),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('ReportSchedule'), ...errors(404, 422) },
      },
      handler: async (req, reply) => {
        const b = req.body;
        const s = await schedules.create(principalOf(req), {
          definitionId: b.definitionId,
          areaCode: b.area,
          period: b.period,
          ...(b.format === undefined ? {} : { format: b.format }),
          ...(b.firstDue === undefined ? {} : { firstDue: b.firstDue }),
        });
        return reply.status(201).send(scheduleView(s));
      },
    });

    app.get('/report-schedules/:id', {
      config: { access: { operation: 'report.define' } },
      schema: {
        tags: ['reports'],
        summary: 'One schedule',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Ref('ReportSchedule'), ...errors(404) },
      },
      handler: async (req) => scheduleView(await schedules.get(principalOf(req), req.params.id)),
    });

    app.delete('/report-schedules/:id', {
      config: { access: { operation: 'report.define' } },
      schema: {
        tags: ['reports'],
        summary: 'Remove a schedule (its kept runs stay)',
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null(), ...errors(404) },
      },
      handler: async (req, reply) => {
        await schedules.remove(principalOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    });

    app.post('/report-schedules/run-due', {
      config: { access: { operation: 'report.define' } },
      schema: {
        tags: ['reports'],
        summary:
          'Produce every scheduled period that is over and not yet produced (platform administrators; `serve` does this every minute)',
        response: {
          200: Type.Array(
            Type.Object({
              scheduleId: Type.String(),
              definitionId: Type.String(),
              areaCode: Type.String(),
              asOf: Type.String(),
              runId: Nullable(Type.String()),
              comparison: Nullable(Type.String()),
              error: Nullable(Type.String()),
            }),
          ),
        },
      },
      handler: async (req) => {
        const p = principalOf(req);
        if (p.role !== 'platform-admin')
          throw new PopulusError('NOT_ALLOWED', 'only platform administrators run every due schedule', { operation: 'report.define' });
        return schedules.runDue();
      },
    });

    // ---- templates

    app.get('/report-templates', {
      config: { access: { operation: 'report.read' } },
      schema: { tags: ['reports'], summary: 'Departments’ form templates', response: { 200: Type.Array(Type.Ref('ReportTemplate')) } },
      handler: async () => (await templates.list()).map(templateView),
    });

    app.post('/report-templates', {
      config: { access: { operation: 'report.define' } },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['reports'],
        summary: 'Upload a department’s XLSX form with {{placeholders}} (base64); checked against the keys Populus can fill',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            departmentId: Type.String(),
            target: literals(['person', 'household', 'roster'] as const),
            purpose: Type.String({ maxLength: 64 }),
            definitionId: Type.Optional(Type.String()),
            contentBase64: Type.String({ minLength: 4, description: 'the XLSX file, base64' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('ReportTemplate'), ...errors(400, 422) },
      },
      handler: async (req, reply) => {
        const b = req.body;
        const t = await templates.upload(principalOf(req), {
          name: b.name,
          departmentId: b.departmentId,
          target: b.target,
          purpose: b.purpose,
          definitionId: b.definitionId,
          content: Buffer.from(b.contentBase64, 'base64'),
        });
        return reply.status(201).send(templateView(t));
      },
    });

    app.get('/report-templates/:id', {
      config: { access: { operation: 'report.read' } },
      schema: {
        tags: ['reports'],
        summary: 'One template and its placeholders',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Ref('ReportTemplate'), ...errors(404) },
      },
      handler: async (req) => templateView((await templates.get(req.params.id)).template),
    });

    app.delete('/report-templates/:id', {
      config: { access: { operation: 'report.define' } },
      schema: {
        tags: ['reports'],
        summary: 'Remove a template of your department',
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null(), ...errors(404) },
      },
      handler: async (req, reply) => {
        await templates.remove(principalOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    });

    app.post('/report-templates/:id/fill', {
      config: { access: { operation: 'report.run' } },
      schema: {
        tags: ['reports'],
        summary:
          'Fill a template from the record for one person, one household, or a roster (a kept run, or a new run for area and asOf); the XLSX file',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          {
            personId: Type.Optional(Type.String()),
            householdId: Type.Optional(Type.String()),
            runId: Type.Optional(Type.String()),
            area: Type.Optional(Type.String({ pattern: AREA_PATTERN })),
            asOf: Type.Optional(IsoDate),
            purpose: Type.Optional(Type.String({ maxLength: 64 })),
            unmask: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.String({ description: 'the filled XLSX file' }), ...errors(400, 404, 422) },
      },
      handler: async (req, reply) => {
        const b = req.body;
        const common = {
          requestId: req.id,
          ...(b.unmask === undefined ? {} : { unmask: b.unmask }),
          ...(b.purpose === undefined ? {} : { purpose: b.purpose }),
        };
        const target =
          b.personId !== undefined
            ? { personId: b.personId }
            : b.householdId !== undefined
              ? { householdId: b.householdId }
              : b.runId !== undefined
                ? { runId: b.runId }
                : b.area !== undefined && b.asOf !== undefined
                  ? { areaCode: b.area, asOf: b.asOf }
                  : undefined;
        if (target === undefined)
          throw new PopulusError('VALIDATION_FAILED', 'say what to fill the form for: personId, householdId, runId, or area and asOf', {
            field: 'personId',
          });
        const file = await templates.fill(principalOf(req), req.params.id, { ...target, ...common });
        return sendFile(reply, file.body, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', disposition(file.fileName));
      },
    });
  };
}
