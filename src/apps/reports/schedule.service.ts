/**
 * Scheduled reports (issue 8): monthly, quarterly and annual runs of a definition for an area,
 * each for the last day of its period, kept with their parameters and content hash like any run
 * (so a re-run that differs says what changed). A schedule runs as the principal who created it,
 * so its figures keep that person's remit. `runDue(now)` produces every period that is over and
 * not yet produced, oldest first, and moves the schedule on only after its run is kept: calling
 * it again (or from two processes) produces nothing twice. `populus serve` calls it on a timer.
 */
import { PopulusError } from '../../domain/errors.ts';
import { actorRef, type Principal } from '../../access/principal.ts';
import type { ScheduleRecord } from '../../store/report-store.repository.ts';
import type { DataAccess } from '../../store/repositories.ts';
import { newId, nowIso } from '../../store/clock.ts';
import type { OutputFormat } from './types.ts';
import { mayDefineFor } from './report-access.ts';
import type { ReportService } from './report.service.ts';
import { followingDue, owedDates, periodEnd, type SchedulePeriod } from './schedule.ts';

export interface NewSchedule {
  readonly definitionId: string;
  readonly areaCode: string;
  readonly period: SchedulePeriod;
  readonly format?: OutputFormat;
  /** The first reference date to produce (a period end); default: the end of the current period. */
  readonly firstDue?: string;
  /** Whom the runs are made as (default the creator); the command line passes an officer of the report's department. */
  readonly runAs?: Principal;
}

export interface DueRun {
  readonly scheduleId: string;
  readonly definitionId: string;
  readonly areaCode: string;
  readonly asOf: string;
  readonly runId: string | null;
  readonly comparison: string | null;
  readonly error: string | null;
}

const notFound = (id: string): PopulusError =>
  new PopulusError('REPORT_SCHEDULE_NOT_FOUND', `there is no report schedule ${id}`, { scheduleId: id });

export class ScheduleService {
  constructor(
    private readonly data: DataAccess,
    private readonly reports: ReportService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private today(): string {
    return this.clock().toISOString().slice(0, 10);
  }

  private mayManage(p: Principal, s: ScheduleRecord, departmentId: string): boolean {
    if (p.role === 'platform-admin') return true;
    return (
      s.createdBy === actorRef(p) ||
      (p.role === 'street-admin' && p.areaCodes.some((a) => s.areaCode.startsWith(a)) && mayDefineFor(p, departmentId))
    );
  }

  async create(p: Principal, input: NewSchedule): Promise<ScheduleRecord> {
    const { definition } = await this.reports.get(input.definitionId);
    if (!mayDefineFor(p, definition.departmentId)) {
      throw new PopulusError(
        'NOT_ALLOWED',
        `you may schedule reports of your own department only (this one serves ${definition.departmentId})`,
        { operation: 'report.define' },
      );
    }
    if (p.areaCodes.length > 0 && !p.areaCodes.some((a) => input.areaCode.startsWith(a))) {
      throw new PopulusError('NOT_ALLOWED', `area ${input.areaCode} is outside your areas`, { operation: 'report.define' });
    }
    const firstDue = input.firstDue ?? periodEnd(input.period, this.today());
    if (periodEnd(input.period, firstDue) !== firstDue) {
      throw new PopulusError(
        'VALIDATION_FAILED',
        `${firstDue} is not the last day of a ${input.period} period (e.g. ${periodEnd(input.period, firstDue)})`,
        { firstDue },
      );
    }
    const s: ScheduleRecord = {
      id: newId(),
      definitionId: definition.id,
      areaCode: input.areaCode,
      period: input.period,
      format: input.format ?? 'xlsx',
      nextDue: firstDue,
      lastRunId: null,
      lastRunAt: null,
      lastError: null,
      runAs: JSON.stringify(input.runAs ?? p),
      createdBy: actorRef(p),
      createdAt: nowIso(),
    };
    await this.data.repos.reports.insertSchedule(s);
    return s;
  }

  /** The schedules a principal may manage (all, for platform administrators). */
  async list(p: Principal): Promise<ScheduleRecord[]> {
    const all = await this.data.repos.reports.listSchedules();
    const out: ScheduleRecord[] = [];
    for (const s of all) {
      const dept = await this.reports
        .get(s.definitionId)
        .then((d) => d.definition.departmentId)
        .catch(() => '');
      if (this.mayManage(p, s, dept)) out.push(s);
    }
    return out;
  }

  async get(p: Principal, id: string): Promise<ScheduleRecord> {
    const s = await this.data.repos.reports.findSchedule(id);
    const dept = s
      ? await this.reports
          .get(s.definitionId)
          .then((d) => d.definition.departmentId)
          .catch(() => '')
      : '';
    if (!s || !this.mayManage(p, s, dept)) throw notFound(id);
    return s;
  }

  async remove(p: Principal, id: string): Promise<void> {
    await this.get(p, id);
    if (!(await this.data.repos.reports.deleteSchedule(id))) throw notFound(id);
  }

  /**
   * Runs every period that is over and not yet produced (on `now`'s calendar date), oldest first.
   * Schedules of one definition, period, next date, producer and format — a report for each
   * committee of the street — are produced together, reading the record once for all their areas;
   * should that fail, each is tried on its own so that one area cannot hold back the others. A
   * failed run is recorded on the schedule and tried again next time; the others go on.
   */
  async runDue(now: Date = this.clock()): Promise<DueRun[]> {
    const today = now.toISOString().slice(0, 10);
    const groups = new Map<string, ScheduleRecord[]>();
    for (const s of await this.data.repos.reports.dueSchedules(today)) {
      const key = JSON.stringify([s.definitionId, s.period, s.nextDue, s.runAs, s.format]);
      const group = groups.get(key);
      if (group) group.push(s);
      else groups.set(key, [s]);
    }
    const out: DueRun[] = [];
    for (const group of groups.values()) out.push(...(await this.runGroup(group, today)));
    return out;
  }

  /** The owed periods of schedules due together, oldest first; a schedule leaves the group when it fails or another runner produced its period. */
  private async runGroup(group: readonly ScheduleRecord[], today: string): Promise<DueRun[]> {
    const [first] = group;
    if (!first) return [];
    const runAs = JSON.parse(first.runAs) as Principal;
    const out: DueRun[] = [];
    let active = [...group];
    for (const asOf of owedDates(first.period, first.nextDue, today)) {
      if (active.length === 0) break;
      const outcomes =
        active.length > 1
          ? await this.reports
              .runMany(runAs, {
                definitionId: first.definitionId,
                areaCodes: active.map((s) => s.areaCode),
                scheduleIds: active.map((s) => s.id),
                asOf,
                format: first.format as OutputFormat,
                requestId: null,
              })
              .catch(() => undefined)
          : undefined;
      const still: ScheduleRecord[] = [];
      for (const [i, s] of active.entries()) {
        const base = { scheduleId: s.id, definitionId: s.definitionId, areaCode: s.areaCode, asOf };
        try {
          const { run } = outcomes?.[i] ?? (await this.reports.run(runAs, { ...base, format: s.format as OutputFormat, requestId: null }));
          const moved = await this.data.repos.reports.advanceSchedule(s.id, asOf, followingDue(s.period, asOf), run.id, nowIso(), null);
          out.push({ ...base, runId: run.id, comparison: run.comparison, error: null });
          if (moved) still.push(s); // else another runner produced it first
        } catch (e) {
          const message = e instanceof PopulusError ? `${e.code}: ${e.message}` : (e as Error).message;
          await this.data.repos.reports.recordScheduleError(s.id, nowIso(), message);
          out.push({ ...base, runId: null, comparison: null, error: message });
        }
      }
      active = still;
    }
    return out;
  }
}

/** Runs due schedules every `intervalMs` until stopped (used by `populus serve`). */
export function startScheduler(
  schedules: ScheduleService,
  log: (message: string, fields: Record<string, unknown>) => void,
  intervalMs = 60_000,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    running = schedules
      .runDue()
      .then((runs) => {
        for (const r of runs) log(r.error === null ? 'scheduled report produced' : 'scheduled report failed', { ...r });
      })
      .catch((e: unknown) => log('scheduled reports failed', { error: (e as Error).message }));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
