/**
 * `populus report`: the report definitions (list, show, define from a JSON or YAML file), runs
 * (`run NAME --area CODE --as-of DATE --format xlsx`: produced, kept, compared with the run kept
 * before, written to a file; `--known-at` for the record as known at an instant, `reproduce RUN`
 * for a kept run again as known when it was produced), schedules (add, list, remove) and `run-due`. The CLI acts as a local
 * platform administrator (`cli:<login name>`, see cliPrincipal): its runs are audited like any other, and ID numbers
 * and phones stay masked unless `--unmask` is given.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { PopulusError } from '../../domain/errors.ts';
import type { Principal } from '../../access/principal.ts';
import { summariseChanges, type RunChanges } from '../../apps/reports/compare.ts';
import type { RunRecord } from '../../store/report-store.repository.ts';
import { SCHEDULE_PERIODS, type SchedulePeriod } from '../../apps/reports/schedule.ts';
import type { OutputFormat, ReportResult } from '../../apps/reports/types.ts';
import { loadConfig } from '../../config.ts';
import { printRows, withPlatform } from './with-platform.ts';

const FORMATS: readonly OutputFormat[] = ['json', 'xlsx', 'csv', 'pdf'];

/**
 * The principal of the command line: a local platform administrator, named after the login. The
 * audit log takes hexadecimal actor ids, so it is recorded as `user:<hex of "cli:LOGIN">`
 * (`Buffer.from(id, 'hex')` reads it back).
 */
export function cliPrincipal(login: string = userInfo().username): Principal {
  const id = Buffer.from(`cli:${login}`, 'utf8').toString('hex').slice(0, 64);
  return {
    actor: { kind: 'user', id },
    role: 'platform-admin',
    departmentId: null,
    areaCodes: [],
    buildingIds: [],
    personId: null,
    purposes: null,
  };
}

/**
 * Who the command line runs a report as: an officer of the department the report serves (a run is
 * made for the report's own purpose, which a platform administrator's remit does not hold), with
 * that department's remit, recorded under the same actor as cliPrincipal.
 */
export function cliRunner(departmentId: string, login: string = userInfo().username): Principal {
  return { ...cliPrincipal(login), role: 'department-officer', departmentId };
}

function formatOf(s: string): OutputFormat {
  if (!(FORMATS as readonly string[]).includes(s))
    throw new PopulusError('VALIDATION_FAILED', `--format is one of ${FORMATS.join(', ')}`, { field: 'format' });
  return s as OutputFormat;
}

function dateOf(s: string, option: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new PopulusError('VALIDATION_FAILED', `${option} is a date YYYY-MM-DD`, { field: option });
  return s;
}

/** What a run kept and how it compares with the run before it (or the run it reproduces). */
function printOutcome(run: RunRecord, result: ReportResult, changes: RunChanges | null): void {
  console.log(`run ${run.id} (${result.area.name}): ${result.personCount} persons; sha256 ${run.contentHash}; as known at ${run.knownAt ?? run.createdAt}`);
  if (run.comparison === 'first') console.log('the first run kept for this report, area and date');
  if (run.comparison === 'unchanged') console.log(`unchanged since run ${run.previousRunId ?? ''} (same content hash)`);
  if (changes) {
    console.log(`changed since run ${run.previousRunId ?? ''}: ${summariseChanges(changes).en}`);
    for (const c of changes.cells.slice(0, 20)) console.log(`  ${c.row} · ${c.column}: ${String(c.old)} → ${String(c.new)}`);
    for (const r of changes.rowsAdded.slice(0, 10)) console.log(`  + ${r}`);
    for (const r of changes.rowsRemoved.slice(0, 10)) console.log(`  - ${r}`);
  }
}

/** The result as a table on screen (zh labels). */
function printResult(result: ReportResult): void {
  console.log(`${result.title.zh} · ${result.area.name} ${result.area.code} · ${result.asOf} · ${result.personCount} 人`);
  printRows([
    result.columns.map((c) => c.label.zh),
    ...result.rows.map((r) =>
      r.cells.map((c, i) => (typeof c === 'number' && result.columns[i]?.type === 'share' ? `${(c * 100).toFixed(1)}%` : c)),
    ),
  ]);
  for (const n of result.notes) console.log(`  * ${n.zh}`);
}

export function reportCommand(): Command {
  const report = new Command('report').description('reports and forms filled from the shared record (docs/reports.md)');

  report
    .command('list')
    .description('the report definitions, shipped and stored (newest version of each)')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action((o: { database?: string }) =>
      withPlatform(o.database, async ({ reports }) => {
        const all = await reports.reports.list();
        printRows([
          ['id', 'v', 'kind', 'period', 'department', 'purpose', 'origin', 'title'],
          ...all.map((i) => [
            i.definition.id,
            i.definition.version,
            i.definition.kind,
            i.definition.period,
            i.definition.departmentId,
            i.definition.purpose,
            i.origin,
            i.definition.title.zh,
          ]),
        ]);
      }),
    );

  report
    .command('show')
    .argument('<name>', 'report id')
    .option('--version <n>', 'a given version (default the newest)')
    .option('--json', 'as JSON (default YAML)')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .description('one definition, in full')
    .action((name: string, o: { version?: string; json?: boolean; database?: string }) =>
      withPlatform(o.database, async ({ reports }) => {
        const info = await reports.reports.get(name, o.version === undefined ? undefined : Number(o.version));
        console.log(`# ${info.origin}; versions ${info.versions.join(', ')}`);
        console.log(o.json === true ? JSON.stringify(info.definition, null, 2) : stringify(info.definition));
      }),
    );

  report
    .command('define')
    .argument('<file>', 'a definition as .json, .yaml or .yml')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .description('store a definition: a new id, or a new version of an existing one (shipped ones too; the old versions are kept)')
    .action((file: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ reports }) => {
        const text = readFileSync(file, 'utf8');
        const info = await reports.reports.define(cliPrincipal(), { text, format: /\.json$/i.test(file) ? 'json' : 'yaml' });
        console.log(`${info.definition.id} version ${info.definition.version} stored (versions ${info.versions.join(', ')})`);
      }),
    );

  report
    .command('run')
    .argument('<name>', 'report id')
    .option('--area <code>', 'street (9 digits), committee (12) or grid code (default the home street)')
    .option('--as-of <date>', 'reference date YYYY-MM-DD: the record as it stood then (default today)')
    .option('--known-at <instant>', 'transaction time (e.g. 2026-11-01T00:00:00Z): the record as it was known then, before later corrections (default now)')
    .option('--format <format>', 'xlsx, csv, pdf or json (json without --out: shown on screen)', 'xlsx')
    .option('--out <file>', 'where to write the file (default: its own name, in the current folder); with --each-committee, a folder')
    .option('--each-committee', 'one run for each committee of the area, reading the record once; one file each')
    .option('--version <n>', 'a given version of the definition')
    .option('--unmask', 'show ID numbers and phones in full where the remit allows (audited as such)')
    .option('--unit <name>', '填报单位: the reporting unit (default the area’s name)')
    .option('--period <text>', '报告期 (default from the reference date)')
    .option('--prepared-by <name>', '制表人')
    .option('--reviewed-by <name>', '审核人')
    .option('--locale <zh|en>', 'language of the form', 'zh')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .description('produce a report: kept with its content hash, compared with the run kept before, written as a file')
    .action(
      (
        name: string,
        o: {
          area?: string;
          asOf?: string;
          knownAt?: string;
          format: string;
          out?: string;
          eachCommittee?: boolean;
          version?: string;
          unmask?: boolean;
          unit?: string;
          period?: string;
          preparedBy?: string;
          reviewedBy?: string;
          locale: string;
          database?: string;
        },
      ) =>
        withPlatform(o.database, async ({ reports, services }) => {
          const format = formatOf(o.format);
          const area = o.area ?? loadConfig(process.env).homeArea;
          const asOf = dateOf(o.asOf ?? new Date().toISOString().slice(0, 10), '--as-of');
          const { definition: def } = await reports.reports.get(name, o.version === undefined ? undefined : Number(o.version));
          const areaCodes = o.eachCommittee === true ? (await services.areas.children(area)).map((a) => a.code) : [area];
          if (areaCodes.length === 0) throw new PopulusError('AREA_NOT_FOUND', `area ${area} has no committees`, { code: area });
          const outcomes = await reports.reports.runMany(cliRunner(def.departmentId), {
            definitionId: name,
            version: o.version === undefined ? undefined : Number(o.version),
            areaCodes,
            asOf,
            knownAt: o.knownAt,
            format,
            unmask: o.unmask === true,
            requestId: null,
          });
          if (o.eachCommittee === true && o.out !== undefined) mkdirSync(o.out, { recursive: true });
          for (const { run, result, changes } of outcomes) {
            printOutcome(run, result, changes);
            if (format === 'json' && o.out === undefined) {
              printResult(result);
              continue;
            }
            const { definition } = await reports.reports.get(run.definitionId, run.definitionVersion);
            const meta = await reports.reports.metaFor(
              result,
              {
                locale: o.locale === 'en' ? 'en' : 'zh',
                ...(o.unit === undefined ? {} : { reportingUnit: o.unit }),
                ...(o.period === undefined ? {} : { period: o.period }),
                ...(o.preparedBy === undefined ? {} : { preparedBy: o.preparedBy }),
                ...(o.reviewedBy === undefined ? {} : { reviewedBy: o.reviewedBy }),
              },
              definition.period,
            );
            const file = await reports.reports.render(result, format, meta);
            const out = o.eachCommittee === true ? join(o.out ?? '.', file.fileName) : (o.out ?? file.fileName);
            writeFileSync(out, file.body);
            console.log(`written ${out} (${file.body.length} bytes)`);
          }
        }),
    );

  report
    .command('reproduce')
    .argument('<run>', 'the id of a kept run')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .description('produce a kept run again as the record was known when it was produced; kept, and compared with it (unchanged: the record still says what it said then)')
    .action((runId: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ reports, store }) => {
        const found = await store.db.selectFrom('report_run').select('definition_id').where('id', '=', runId).executeTakeFirst();
        if (!found) throw new PopulusError('REPORT_RUN_NOT_FOUND', `there is no report run ${runId}`, { runId });
        const { definition: def } = await reports.reports.get(found.definition_id);
        const { run, result, changes } = await reports.reports.reproduce(cliRunner(def.departmentId), found.definition_id, runId, null);
        printOutcome(run, result, changes);
      }),
    );

  report
    .command('runs')
    .argument('[name]', 'report id (default every report)')
    .option('--area <code>', 'only runs for this area')
    .option('--limit <n>', 'how many', '20')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .description('kept runs, newest first: unchanged or changed since the run before')
    .action((name: string | undefined, o: { area?: string; limit: string; database?: string }) =>
      withPlatform(o.database, async ({ reports }) => {
        const runs = await reports.reports.listRuns(cliPrincipal(), { definitionId: name, areaCode: o.area, limit: Number(o.limit) });
        printRows([
          ['run', 'report', 'v', 'area', 'as of', 'persons', 'comparison', 'by', 'at'],
          ...runs.map((r) => [
            r.id,
            r.definitionId,
            r.definitionVersion,
            r.areaCode,
            r.asOf,
            r.personCount,
            r.comparison,
            r.requestedBy,
            r.createdAt,
          ]),
        ]);
      }),
    );

  const schedule = report.command('schedule').description('monthly, quarterly and annual runs per area');
  schedule
    .command('add')
    .argument('<name>', 'report id')
    .requiredOption('--area <code>', 'street, committee or grid code')
    .requiredOption('--period <period>', 'monthly, quarterly or annual')
    .option('--format <format>', 'xlsx, csv, pdf or json', 'xlsx')
    .option('--first-due <date>', 'the first reference date (a period end; default the end of the current period)')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action((name: string, o: { area: string; period: string; format: string; firstDue?: string; database?: string }) =>
      withPlatform(o.database, async ({ reports }) => {
        if (!(SCHEDULE_PERIODS as readonly string[]).includes(o.period))
          throw new PopulusError('VALIDATION_FAILED', `--period is one of ${SCHEDULE_PERIODS.join(', ')}`, { field: 'period' });
        const { definition } = await reports.reports.get(name);
        const s = await reports.schedules.create(cliPrincipal(), {
          runAs: cliRunner(definition.departmentId),
          definitionId: name,
          areaCode: o.area,
          period: o.period as SchedulePeriod,
          format: formatOf(o.format),
          ...(o.firstDue === undefined ? {} : { firstDue: dateOf(o.firstDue, '--first-due') }),
        });
        console.log(`schedule ${s.id}: ${s.definitionId} for ${s.areaCode}, ${s.period}; first as of ${s.nextDue}`);
      }),
    );
  schedule
    .command('list')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action((o: { database?: string }) =>
      withPlatform(o.database, async ({ reports }) => {
        const all = await reports.schedules.list(cliPrincipal());
        printRows([
          ['id', 'report', 'area', 'period', 'next as of', 'last run', 'last error'],
          ...all.map((s) => [s.id, s.definitionId, s.areaCode, s.period, s.nextDue, s.lastRunId, s.lastError]),
        ]);
      }),
    );
  schedule
    .command('remove')
    .argument('<id>', 'schedule id')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action((id: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ reports }) => {
        await reports.schedules.remove(cliPrincipal(), id);
        console.log(`schedule ${id} removed (its runs are kept)`);
      }),
    );

  report
    .command('run-due')
    .description('produce every scheduled period that is over and not yet produced (idempotent)')
    .option('--today <date>', 'as if on this date (default today)')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action((o: { today?: string; database?: string }) =>
      withPlatform(o.database, async ({ reports }) => {
        const now = o.today === undefined ? new Date() : new Date(`${dateOf(o.today, '--today')}T12:00:00Z`);
        const runs = await reports.schedules.runDue(now);
        if (runs.length === 0) console.log('nothing due');
        for (const r of runs)
          console.log(
            `${r.definitionId} ${r.areaCode} as of ${r.asOf}: ${r.error === null ? `run ${r.runId ?? ''} (${r.comparison ?? ''})` : `failed: ${r.error}`}`,
          );
        if (runs.some((r) => r.error !== null)) process.exitCode = 1;
      }),
    );

  return report;
}
