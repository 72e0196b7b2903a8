/**
 * Reports and forms (issue 8): report definitions stored in the database (every edit a new
 * version, the old ones kept), the runs of reports (which definition and version, area, reference
 * date, who, when, the result and its content hash, and what changed since the run before),
 * schedules of monthly, quarterly and annual runs per area, and departments' form templates
 * (the XLSX bytes and the placeholders they hold).
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypes, type Dialect } from './column-types.ts';

export function reports(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('report_definition')
        .addColumn('id', t.text, (c) => c.notNull())
        .addColumn('version', t.int, (c) => c.notNull())
        .addColumn('department_id', t.text, (c) => c.notNull())
        .addColumn('purpose', t.text, (c) => c.notNull())
        // JSON: the whole definition as validated by the engine (src/apps/reports/definition.ts).
        .addColumn('definition', t.text, (c) => c.notNull())
        .addColumn('created_by', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('report_definition_pk', ['id', 'version'])
        .execute();

      await db.schema
        .createTable('report_run')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('definition_id', t.text, (c) => c.notNull())
        .addColumn('definition_version', t.int, (c) => c.notNull())
        .addColumn('area_code', t.text, (c) => c.notNull())
        .addColumn('as_of', t.date, (c) => c.notNull())
        .addColumn('format', t.text, (c) => c.notNull())
        .addColumn('purpose', t.text, (c) => c.notNull())
        // user:<id>, token:<id>, cli:<login>, schedule:<id>
        .addColumn('requested_by', t.text, (c) => c.notNull())
        // 1: ID numbers and phones shown in full where the remit allowed it; such a run is seen only by whoever produced it.
        .addColumn('unmasked', t.int, (c) => c.notNull())
        .addColumn('schedule_id', t.uuid)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('person_count', t.int, (c) => c.notNull())
        // JSON array: the persons counted or listed, so that a later read of the kept run is audited naming them.
        .addColumn('person_ids', t.text, (c) => c.notNull())
        // JSON: the ReportResult, as rendered.
        .addColumn('result', t.text, (c) => c.notNull())
        // SHA-256 of the canonical result JSON without generatedAt.
        .addColumn('content_hash', t.text, (c) => c.notNull())
        .addColumn('previous_run_id', t.uuid)
        // unchanged | changed | first
        .addColumn('comparison', t.text, (c) => c.notNull())
        // JSON: what changed since the previous run (cells old → new, rows added and removed), or null.
        .addColumn('changes', t.text)
        .execute();
      await db.schema
        .createIndex('report_run_key')
        .on('report_run')
        .columns(['definition_id', 'area_code', 'as_of', 'created_at'])
        .execute();

      await db.schema
        .createTable('report_schedule')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('definition_id', t.text, (c) => c.notNull())
        .addColumn('area_code', t.text, (c) => c.notNull())
        // monthly | quarterly | annual
        .addColumn('period', t.text, (c) => c.notNull())
        .addColumn('format', t.text, (c) => c.notNull())
        // The last day of the next period to produce (YYYY-MM-DD): due once that day is over.
        .addColumn('next_due', t.date, (c) => c.notNull())
        .addColumn('last_run_id', t.uuid)
        .addColumn('last_run_at', t.timestamp)
        .addColumn('last_error', t.text)
        // JSON: the principal the schedule runs as (who created it), so its runs keep that remit.
        .addColumn('run_as', t.text, (c) => c.notNull())
        .addColumn('created_by', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('report_template')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('department_id', t.text, (c) => c.notNull())
        .addColumn('name', t.text, (c) => c.notNull())
        // person | household | roster
        .addColumn('target', t.text, (c) => c.notNull())
        .addColumn('purpose', t.text, (c) => c.notNull())
        // The roster definition whose rows fill a roster template.
        .addColumn('definition_id', t.text)
        // base64 of the uploaded XLSX file.
        .addColumn('content', t.text, (c) => c.notNull())
        // JSON array of the placeholders found in it.
        .addColumn('placeholders', t.text, (c) => c.notNull())
        .addColumn('created_by', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
  };
}
