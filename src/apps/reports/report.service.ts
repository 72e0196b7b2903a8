/**
 * Reports as a service (issue 8): the definitions (shipped in data/reports, plus custom ones
 * stored in the database, every edit a new version), runs (engine → audit entry, durable before
 * the answer → the run kept with its content hash → compared with the run kept before for the
 * same definition, area and reference date → rendered), and kept runs read back. Schedules are in
 * schedule.service.ts and form templates in template.service.ts; who may do what is in
 * report-access.ts. Never speaks HTTP.
 *
 * Shipped and stored definitions: a stored definition with a shipped id is a newer version of
 * it (its version is always above the shipped one), and the newest version wins. A shipped
 * definition is never changed in place; `data/reports` stays as shipped.
 */
import { PopulusError } from '../../domain/errors.ts';
import { entryOf, type AuditService } from '../../access/audit.service.ts';
import { actorRef, type Principal } from '../../access/principal.ts';
import type { Access, RemitPolicy } from '../../access/remit-policy.ts';
import type { DataAccess } from '../../store/repositories.ts';
import type { RunRecord } from '../../store/report-store.repository.ts';
import { newId, nowIso } from '../../store/clock.ts';
import type { EngineOutput, FormMeta, OutputFormat, ReportDefinition, ReportResult } from './types.ts';
import { compareResults, contentHash, type RunChanges } from './compare.ts';
import { mayDefineFor, maySeeRun, runAccess } from './report-access.ts';
import { periodLabel } from './schedule.ts';
import { knownInstant } from './engine.ts';
import type { Rendered } from './render/index.ts';

/** What the service needs of the engine (ReportEngine): one definition for several areas of the street on one date, read once. */
export interface ReportRunner {
  runAreas(
    def: ReportDefinition,
    options: { areaCodes: readonly string[]; asOf: string; access: Access; unmask?: boolean; knownAt?: string | undefined },
  ): Promise<EngineOutput[]>;
}

/** What the service needs of the renderers (src/apps/reports/render: `render`). */
export type ReportRenderer = (result: ReportResult, format: OutputFormat, meta: FormMeta) => Promise<Rendered>;

/** What the service needs of the definitions language (src/apps/reports/definition.ts). */
export interface DefinitionLanguage {
  /** Validates a parsed definition; throws REPORT_DEFINITION_INVALID. */
  validate(value: unknown): ReportDefinition;
  /** Parses JSON or YAML text and validates it. */
  parse(text: string, format: 'json' | 'yaml'): ReportDefinition;
  /** The shipped definitions. */
  shipped(): readonly ReportDefinition[];
}

export interface DefinitionInfo {
  readonly definition: ReportDefinition;
  /** shipped: from data/reports; stored: a custom definition or a newer version of a shipped one. */
  readonly origin: 'shipped' | 'stored';
  /** Versions that exist (shipped version included). */
  readonly versions: readonly number[];
}

export interface RunRequest {
  readonly definitionId: string;
  readonly version?: number | undefined;
  readonly areaCode: string;
  readonly asOf: string;
  /**
   * Transaction time (ISO instant): the record as it was known then, not as corrected since (a
   * reproduction of what was reported). Absent: as known now (the run records the instant it read).
   */
  readonly knownAt?: string | undefined;
  /** The format asked for (kept with the run); the run is kept as JSON whatever the format. */
  readonly format: OutputFormat;
  readonly unmask?: boolean | undefined;
  readonly requestId: string | null;
  readonly scheduleId?: string | null;
}

/** One definition for several areas on one date (each committee of a street, the schedules due together): one read, one kept run per area. */
export interface RunManyRequest extends Omit<RunRequest, 'areaCode' | 'scheduleId'> {
  readonly areaCodes: readonly string[];
  /** The schedule each area's run is produced for, in the order of `areaCodes` (null: none). */
  readonly scheduleIds?: readonly (string | null)[] | undefined;
}

export interface RunOutcome {
  readonly run: RunRecord;
  readonly result: ReportResult;
  /** What changed since the run kept before for the same definition, area and date (null: first, or unchanged). */
  readonly changes: RunChanges | null;
}

export interface ReportServiceDeps {
  readonly data: DataAccess;
  readonly engine: ReportRunner;
  readonly renderer: ReportRenderer;
  readonly language: DefinitionLanguage;
  readonly policy: RemitPolicy;
  readonly audit: AuditService;
  /** The name of an area code (for the reporting unit line); the area's own code when unknown. */
  readonly areaName?: (code: string) => Promise<string | undefined>;
  readonly clock?: () => string;
}

const notFound = (id: string, version?: number): PopulusError =>
  new PopulusError(
    'REPORT_NOT_FOUND',
    version === undefined ? `there is no report ${id}` : `there is no version ${version} of report ${id}`,
    { reportId: id, ...(version === undefined ? {} : { version }) },
  );

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  private now(): string {
    return this.deps.clock?.() ?? nowIso();
  }

  // ---- definitions

  /** Every definition, the newest version of each, sorted by id. */
  async list(): Promise<DefinitionInfo[]> {
    const shipped = new Map(this.deps.language.shipped().map((d) => [d.id, d]));
    const stored = await this.deps.data.repos.reports.latestDefinitions();
    const out = new Map<string, DefinitionInfo>();
    for (const d of shipped.values()) out.set(d.id, { definition: d, origin: 'shipped', versions: [d.version] });
    for (const s of stored) {
      const def = JSON.parse(s.definition) as ReportDefinition;
      const versions = (await this.deps.data.repos.reports.definitionVersions(s.id)).map((v) => v.version);
      const ship = shipped.get(s.id);
      out.set(s.id, { definition: def, origin: 'stored', versions: ship ? [ship.version, ...versions] : versions });
    }
    return [...out.values()].sort((a, b) => (a.definition.id < b.definition.id ? -1 : 1));
  }

  /** One definition: the newest version, or the one asked for. */
  async get(id: string, version?: number): Promise<DefinitionInfo> {
    const shipped = this.deps.language.shipped().find((d) => d.id === id);
    const versions = (await this.deps.data.repos.reports.definitionVersions(id)).map((v) => v.version);
    const all = shipped ? [shipped.version, ...versions] : versions;
    if (all.length === 0) throw notFound(id);
    if (version === undefined || !(shipped && version === shipped.version)) {
      const stored = await this.deps.data.repos.reports.findDefinition(id, version);
      if (stored) return { definition: JSON.parse(stored.definition) as ReportDefinition, origin: 'stored', versions: all };
    }
    if (shipped && (version === undefined || version === shipped.version)) return { definition: shipped, origin: 'shipped', versions: all };
    throw notFound(id, version);
  }

  /**
   * Stores a definition (parsed JSON or YAML text) as a new version of its id: version = the
   * highest existing (shipped or stored) + 1, whatever the text says. Validated by the engine's
   * language. Department officers define their own department's reports only.
   */
  async define(p: Principal, input: { text: string; format: 'json' | 'yaml' } | { value: unknown }): Promise<DefinitionInfo> {
    const parsed = 'text' in input ? this.deps.language.parse(input.text, input.format) : this.deps.language.validate(input.value);
    if (!mayDefineFor(p, parsed.departmentId)) {
      throw new PopulusError('NOT_ALLOWED', `you may define reports of your own department only (this one serves ${parsed.departmentId})`, {
        operation: 'report.define',
      });
    }
    const existing = await this.get(parsed.id).catch((e: unknown) => {
      if (e instanceof PopulusError && e.code === 'REPORT_NOT_FOUND') return undefined;
      throw e;
    });
    if (existing && !mayDefineFor(p, existing.definition.departmentId)) {
      throw new PopulusError('NOT_ALLOWED', `the report ${parsed.id} serves another department (${existing.definition.departmentId})`, {
        operation: 'report.define',
      });
    }
    const version = Math.max(0, ...(existing?.versions ?? [])) + 1;
    const def = this.deps.language.validate({ ...parsed, version });
    await this.deps.data.repos.reports.insertDefinition({
      id: def.id,
      version,
      departmentId: def.departmentId,
      purpose: def.purpose,
      definition: JSON.stringify(def),
      createdBy: actorRef(p),
      createdAt: this.now(),
    });
    return this.get(def.id);
  }

  // ---- runs

  /**
   * Runs a report: the engine cuts every cell to the caller's remit for the chosen purpose; the
   * use is audited (durable before anything is answered); the run is kept with its content hash
   * and compared with the run kept before for the same definition, area and reference date.
   */
  async run(p: Principal, req: RunRequest): Promise<RunOutcome> {
    const { areaCode, scheduleId, ...rest } = req;
    const [outcome] = await this.runMany(p, { ...rest, areaCodes: [areaCode], scheduleIds: [scheduleId ?? null] });
    if (!outcome) throw new Error('a run produced no outcome');
    return outcome;
  }

  /**
   * Runs one definition for several areas on one date, reading the record once for all of them; each
   * area's run is audited (all entries durable before anything is answered), kept and compared as
   * `run` does. Refused as a whole when one area is refused (unknown, outside the street).
   */
  async runMany(p: Principal, req: RunManyRequest, against?: RunRecord): Promise<RunOutcome[]> {
    const { definition: def } = await this.get(req.definitionId, req.version);
    const access = runAccess(this.deps.policy, p, def);
    // The transaction time of the read: asked for, or now (the store's clock, the one rows are recorded by).
    const knownAt = req.knownAt === undefined ? nowIso() : knownInstant(req.knownAt);
    const outputs = await this.deps.engine.runAreas(def, {
      areaCodes: req.areaCodes,
      asOf: req.asOf,
      access,
      ...(req.unmask === true ? { unmask: true } : {}),
      ...(req.knownAt === undefined ? {} : { knownAt }),
    });
    await this.deps.audit.append(
      outputs.map((output) => ({
        ...entryOf(
          { principal: p, purpose: access.purpose },
          {
            action: 'report.run',
            personIds: [...output.personIds],
            elementIds: [...output.elementIds].sort(),
            result: 'ok',
            requestId: req.requestId,
          },
        ),
        detail: JSON.stringify({
          report: def.id,
          version: def.version,
          area: output.result.area.code,
          asOf: req.asOf,
          ...(req.knownAt === undefined ? {} : { knownAt }),
          ...(against === undefined ? {} : { reproduces: against.id }),
          format: req.format,
          ...(req.unmask === true ? { unmaskAsked: true } : {}),
        }),
      })),
    );
    const repo = this.deps.data.repos.reports;
    const outcomes: RunOutcome[] = [];
    for (const [i, output] of outputs.entries()) {
      const { result } = output;
      const hash = contentHash(result);
      // A reproduction is compared with the run it reproduces; any other run with the one kept before it.
      const previous = against ?? (await repo.latestRun(def.id, result.area.code, req.asOf));
      // The kept result is read only when it differs (a street's run keeps megabytes).
      const before = previous && previous.contentHash !== hash ? await repo.runResult(previous.id) : undefined;
      const changes = before === undefined ? null : compareResults(JSON.parse(before) as ReportResult, result);
      const run: RunRecord = {
        id: newId(),
        definitionId: def.id,
        definitionVersion: def.version,
        areaCode: result.area.code,
        asOf: req.asOf,
        format: req.format,
        purpose: access.purpose,
        requestedBy: actorRef(p),
        unmasked: req.unmask === true,
        scheduleId: req.scheduleIds?.[i] ?? null,
        createdAt: this.now(),
        personCount: result.personCount,
        contentHash: hash,
        previousRunId: previous?.id ?? null,
        comparison: previous === undefined ? 'first' : changes === null ? 'unchanged' : 'changed',
        changes: changes === null ? null : JSON.stringify(changes),
        knownAt,
      };
      await repo.insertRun({ ...run, result: JSON.stringify(result), personIds: output.personIds });
      outcomes.push({ run, result, changes });
    }
    return outcomes;
  }

  /** A kept run, with its result; audited as a read of the persons it names. */
  async getRun(p: Principal, runId: string, requestId: string | null): Promise<RunOutcome> {
    const found = await this.deps.data.repos.reports.findRun(runId);
    if (!found || !maySeeRun(p, found)) throw new PopulusError('REPORT_RUN_NOT_FOUND', `there is no report run ${runId}`, { runId });
    await this.deps.audit.record(
      { principal: p, purpose: found.purpose },
      { action: 'report.run.read', personIds: found.personIds, elementIds: [], result: 'ok', requestId },
    );
    const run: RunRecord = {
      id: found.id,
      definitionId: found.definitionId,
      definitionVersion: found.definitionVersion,
      areaCode: found.areaCode,
      asOf: found.asOf,
      format: found.format,
      purpose: found.purpose,
      requestedBy: found.requestedBy,
      unmasked: found.unmasked,
      scheduleId: found.scheduleId,
      createdAt: found.createdAt,
      personCount: found.personCount,
      contentHash: found.contentHash,
      previousRunId: found.previousRunId,
      comparison: found.comparison,
      changes: found.changes,
      knownAt: found.knownAt,
    };
    return {
      run,
      result: JSON.parse(found.result) as ReportResult,
      changes: run.changes === null ? null : (JSON.parse(run.changes) as RunChanges),
    };
  }

  /**
   * Runs a kept run again as the record was known when it read (its definition version, area,
   * date, format and unmasking; the transaction time it recorded, or its production time for runs
   * kept before that was recorded), keeps the new run and compares it with the one reproduced:
   * unchanged when the record still says what it said then. Audited as a run.
   */
  async reproduce(p: Principal, definitionId: string, runId: string, requestId: string | null): Promise<RunOutcome> {
    const found = await this.deps.data.repos.reports.findRun(runId);
    if (!found || found.definitionId !== definitionId || !maySeeRun(p, found)) throw new PopulusError('REPORT_RUN_NOT_FOUND', `there is no run ${runId} of report ${definitionId}`, { runId });
    const [outcome] = await this.runMany(
      p,
      {
        definitionId: found.definitionId,
        version: found.definitionVersion,
        areaCodes: [found.areaCode],
        asOf: found.asOf,
        knownAt: found.knownAt ?? found.createdAt,
        format: found.format as RunRequest['format'],
        unmask: found.unmasked,
        requestId,
      },
      found,
    );
    if (!outcome) throw new Error('a reproduction produced no outcome');
    return outcome;
  }

  /** Kept runs the caller may see, newest first (no results, no personal data). */
  async listRuns(
    p: Principal,
    filter: { definitionId?: string | undefined; areaCode?: string | undefined; limit: number },
  ): Promise<RunRecord[]> {
    const rows = await this.deps.data.repos.reports.listRuns({
      ...(filter.definitionId === undefined ? {} : { definitionId: filter.definitionId }),
      ...(filter.areaCode === undefined ? {} : { areaCode: filter.areaCode }),
      limit: Math.min(filter.limit * 4, 2000),
    });
    return rows.filter((r) => maySeeRun(p, r)).slice(0, filter.limit);
  }

  /** The form lines of a run: reporting unit (the area's name unless given), period, signatures. */
  async metaFor(result: ReportResult, given: Partial<FormMeta>, period: ReportDefinition['period'] = 'on-demand'): Promise<FormMeta> {
    const locale = given.locale ?? 'zh';
    const unit =
      given.reportingUnit ??
      (result.area.name !== '' ? result.area.name : ((await this.deps.areaName?.(result.area.code)) ?? result.area.code));
    return {
      locale,
      reportingUnit: unit,
      period: given.period ?? periodLabel(period, result.asOf, locale),
      ...(given.preparedBy === undefined ? {} : { preparedBy: given.preparedBy }),
      ...(given.reviewedBy === undefined ? {} : { reviewedBy: given.reviewedBy }),
    };
  }

  /** A result in a format: the bytes, their content type, file names and Content-Disposition. */
  render(result: ReportResult, format: OutputFormat, meta: FormMeta): Promise<Rendered> {
    return this.deps.renderer(result, format, meta);
  }
}
