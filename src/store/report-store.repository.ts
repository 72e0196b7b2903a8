/**
 * Storage of reports and forms (migration 0006-reports): custom report definitions (every edit a
 * new version, the old ones kept), runs with their result and content hash, schedules and form
 * templates. Rows become plain records here; the service (src/apps/reports/report.service.ts)
 * decides everything.
 */
import type { Db } from './store.ts';
import type { ReportDefinitionTable, ReportRunTable, ReportScheduleTable, ReportTemplateTable } from './report-tables.ts';
import './report-tables.ts';

export interface StoredDefinition {
  readonly id: string;
  readonly version: number;
  readonly departmentId: string;
  readonly purpose: string;
  /** The definition as JSON text. */
  readonly definition: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface RunRecord {
  readonly id: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly areaCode: string;
  readonly asOf: string;
  readonly format: string;
  readonly purpose: string;
  readonly requestedBy: string;
  /** ID numbers and phones shown in full (where the remit allowed it). */
  readonly unmasked: boolean;
  readonly scheduleId: string | null;
  readonly createdAt: string;
  readonly personCount: number;
  readonly contentHash: string;
  readonly previousRunId: string | null;
  readonly comparison: 'first' | 'unchanged' | 'changed';
  /** JSON text of what changed, or null. */
  readonly changes: string | null;
  /**
   * The instant as of which the record was read (transaction time): the run's start, or the
   * `knownAt` it was asked for. Null for runs kept before it was recorded (their `createdAt` is
   * the nearest).
   */
  readonly knownAt: string | null;
}

export interface RunWithResult extends RunRecord {
  /** JSON text of the ReportResult. */
  readonly result: string;
  readonly personIds: readonly string[];
}

export interface ScheduleRecord {
  readonly id: string;
  readonly definitionId: string;
  readonly areaCode: string;
  readonly period: 'monthly' | 'quarterly' | 'annual';
  readonly format: string;
  readonly nextDue: string;
  readonly lastRunId: string | null;
  readonly lastRunAt: string | null;
  readonly lastError: string | null;
  /** JSON text of the principal the schedule runs as. */
  readonly runAs: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface TemplateRecord {
  readonly id: string;
  readonly departmentId: string;
  readonly name: string;
  readonly target: 'person' | 'household' | 'roster';
  readonly purpose: string;
  readonly definitionId: string | null;
  readonly placeholders: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
}

const runOf = (r: Omit<ReportRunTable, 'result' | 'person_ids'>): RunRecord => ({
  id: r.id,
  definitionId: r.definition_id,
  definitionVersion: Number(r.definition_version),
  areaCode: r.area_code,
  asOf: r.as_of,
  format: r.format,
  purpose: r.purpose,
  requestedBy: r.requested_by,
  unmasked: Number(r.unmasked) === 1,
  scheduleId: r.schedule_id,
  createdAt: r.created_at,
  personCount: Number(r.person_count),
  contentHash: r.content_hash,
  previousRunId: r.previous_run_id,
  comparison: r.comparison as RunRecord['comparison'],
  changes: r.changes,
  knownAt: r.known_at,
});

const scheduleOf = (r: ReportScheduleTable): ScheduleRecord => ({
  id: r.id,
  definitionId: r.definition_id,
  areaCode: r.area_code,
  period: r.period as ScheduleRecord['period'],
  format: r.format,
  nextDue: r.next_due,
  lastRunId: r.last_run_id,
  lastRunAt: r.last_run_at,
  lastError: r.last_error,
  runAs: r.run_as,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const templateOf = (r: Omit<ReportTemplateTable, 'content'>): TemplateRecord => ({
  id: r.id,
  departmentId: r.department_id,
  name: r.name,
  target: r.target as TemplateRecord['target'],
  purpose: r.purpose,
  definitionId: r.definition_id,
  placeholders: JSON.parse(r.placeholders) as string[],
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const RUN_COLUMNS = [
  'id',
  'definition_id',
  'definition_version',
  'area_code',
  'as_of',
  'format',
  'purpose',
  'requested_by',
  'unmasked',
  'schedule_id',
  'created_at',
  'person_count',
  'content_hash',
  'previous_run_id',
  'comparison',
  'changes',
  'known_at',
] as const;

const TEMPLATE_COLUMNS = [
  'id',
  'department_id',
  'name',
  'target',
  'purpose',
  'definition_id',
  'placeholders',
  'created_by',
  'created_at',
] as const;

export class ReportStoreRepository {
  constructor(private readonly db: Db) {}

  // ---- definitions

  async insertDefinition(d: StoredDefinition): Promise<void> {
    await this.db
      .insertInto('report_definition')
      .values({
        id: d.id,
        version: d.version,
        department_id: d.departmentId,
        purpose: d.purpose,
        definition: d.definition,
        created_by: d.createdBy,
        created_at: d.createdAt,
      })
      .execute();
  }

  /** The latest version of each stored definition. */
  async latestDefinitions(): Promise<StoredDefinition[]> {
    const rows = await this.db.selectFrom('report_definition').selectAll().orderBy('id').orderBy('version', 'desc').execute();
    const seen = new Set<string>();
    const out: StoredDefinition[] = [];
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push(definitionOf(r));
    }
    return out;
  }

  /** One version, or the latest when none is given. */
  async findDefinition(id: string, version?: number): Promise<StoredDefinition | undefined> {
    let q = this.db.selectFrom('report_definition').selectAll().where('id', '=', id);
    if (version !== undefined) q = q.where('version', '=', version);
    const r = await q.orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r && definitionOf(r);
  }

  async definitionVersions(id: string): Promise<{ version: number; createdBy: string; createdAt: string }[]> {
    const rows = await this.db
      .selectFrom('report_definition')
      .select(['version', 'created_by', 'created_at'])
      .where('id', '=', id)
      .orderBy('version')
      .execute();
    return rows.map((r) => ({ version: Number(r.version), createdBy: r.created_by, createdAt: r.created_at }));
  }

  // ---- runs

  async insertRun(r: RunWithResult): Promise<void> {
    await this.db
      .insertInto('report_run')
      .values({
        id: r.id,
        definition_id: r.definitionId,
        definition_version: r.definitionVersion,
        area_code: r.areaCode,
        as_of: r.asOf,
        format: r.format,
        purpose: r.purpose,
        requested_by: r.requestedBy,
        unmasked: r.unmasked ? 1 : 0,
        schedule_id: r.scheduleId,
        created_at: r.createdAt,
        person_count: r.personCount,
        result: r.result,
        person_ids: JSON.stringify(r.personIds),
        content_hash: r.contentHash,
        previous_run_id: r.previousRunId,
        comparison: r.comparison,
        changes: r.changes,
        known_at: r.knownAt,
      })
      .execute();
  }

  /** The latest kept run of a definition for an area and reference date (without its result and persons: `runResult`). */
  async latestRun(definitionId: string, areaCode: string, asOf: string): Promise<RunRecord | undefined> {
    const r = await this.db
      .selectFrom('report_run')
      .select([...RUN_COLUMNS])
      .where('definition_id', '=', definitionId)
      .where('area_code', '=', areaCode)
      .where('as_of', '=', asOf)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && runOf(r);
  }

  /** The result (JSON) of a kept run. */
  async runResult(id: string): Promise<string | undefined> {
    return (await this.db.selectFrom('report_run').select('result').where('id', '=', id).executeTakeFirst())?.result;
  }

  async findRun(id: string): Promise<RunWithResult | undefined> {
    const r = await this.db.selectFrom('report_run').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { ...runOf(r), result: r.result, personIds: JSON.parse(r.person_ids) as string[] };
  }

  /** Runs of a definition, newest first (without their results). */
  async listRuns(filter: { definitionId?: string; areaCode?: string; limit: number }): Promise<RunRecord[]> {
    let q = this.db.selectFrom('report_run').select([...RUN_COLUMNS]);
    if (filter.definitionId !== undefined) q = q.where('definition_id', '=', filter.definitionId);
    if (filter.areaCode !== undefined) q = q.where('area_code', '=', filter.areaCode);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(runOf);
  }

  // ---- schedules

  async insertSchedule(s: ScheduleRecord): Promise<void> {
    await this.db
      .insertInto('report_schedule')
      .values({
        id: s.id,
        definition_id: s.definitionId,
        area_code: s.areaCode,
        period: s.period,
        format: s.format,
        next_due: s.nextDue,
        last_run_id: s.lastRunId,
        last_run_at: s.lastRunAt,
        last_error: s.lastError,
        run_as: s.runAs,
        created_by: s.createdBy,
        created_at: s.createdAt,
      })
      .execute();
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return (await this.db.selectFrom('report_schedule').selectAll().orderBy('created_at').orderBy('id').execute()).map(scheduleOf);
  }

  async findSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const r = await this.db.selectFrom('report_schedule').selectAll().where('id', '=', id).executeTakeFirst();
    return r && scheduleOf(r);
  }

  /** Schedules whose next period ended before `today` (YYYY-MM-DD). */
  async dueSchedules(today: string): Promise<ScheduleRecord[]> {
    return (
      await this.db.selectFrom('report_schedule').selectAll().where('next_due', '<', today).orderBy('next_due').orderBy('id').execute()
    ).map(scheduleOf);
  }

  /**
   * Moves a schedule on from the period it has just produced, only if it still stands there
   * (two runners racing: one wins, the other's update changes nothing). True when it moved.
   */
  async advanceSchedule(
    id: string,
    fromDue: string,
    nextDue: string,
    lastRunId: string | null,
    lastRunAt: string,
    lastError: string | null,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('report_schedule')
      .set({ next_due: nextDue, last_run_id: lastRunId, last_run_at: lastRunAt, last_error: lastError })
      .where('id', '=', id)
      .where('next_due', '=', fromDue)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async recordScheduleError(id: string, at: string, error: string): Promise<void> {
    await this.db.updateTable('report_schedule').set({ last_run_at: at, last_error: error }).where('id', '=', id).execute();
  }

  async deleteSchedule(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('report_schedule').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // ---- templates

  async insertTemplate(t: TemplateRecord, content: Uint8Array): Promise<void> {
    await this.db
      .insertInto('report_template')
      .values({
        id: t.id,
        department_id: t.departmentId,
        name: t.name,
        target: t.target,
        purpose: t.purpose,
        definition_id: t.definitionId,
        content: Buffer.from(content).toString('base64'),
        placeholders: JSON.stringify(t.placeholders),
        created_by: t.createdBy,
        created_at: t.createdAt,
      })
      .execute();
  }

  async listTemplates(): Promise<TemplateRecord[]> {
    return (
      await this.db
        .selectFrom('report_template')
        .select([...TEMPLATE_COLUMNS])
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    ).map(templateOf);
  }

  async findTemplate(id: string): Promise<{ template: TemplateRecord; content: Buffer } | undefined> {
    const r = await this.db.selectFrom('report_template').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { template: templateOf(r), content: Buffer.from(r.content, 'base64') };
  }

  async deleteTemplate(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('report_template').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

function definitionOf(r: ReportDefinitionTable): StoredDefinition {
  return {
    id: r.id,
    version: Number(r.version),
    departmentId: r.department_id,
    purpose: r.purpose,
    definition: r.definition,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
