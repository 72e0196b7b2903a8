/**
 * `populus report` on a SQLite file holding a small demo street: list, run (a file written, kept,
 * re-run unchanged), on-screen JSON, define (versioned), schedules and run-due (idempotent), and a
 * clear error for an unknown report.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOME, reportDemo } from '../support/report-demo.ts';

const BIN = fileURLToPath(new URL('../../bin/populus.mjs', import.meta.url));

function populus(args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, LOG_LEVEL: 'silent', POPULUS_AUDIT_THREAD: 'off' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('populus report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'populus-report-cli-'));
  const db = `sqlite:${join(dir, 'p.db')}`;
  const asOf = new Date().toISOString().slice(0, 10);

  before(async () => {
    const demo = await reportDemo(0.02, db);
    await demo.close();
  });
  after(() => undefined);

  test('list shows the shipped definitions', async () => {
    const r = await populus(['report', 'list', '--database', db], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /actual-population-monthly\s+1\s+table\s+monthly/);
    assert.match(r.out, /实有人口/);
  });

  test('run writes an XLSX file, keeps the run, and a re-run is unchanged', async () => {
    const out = join(dir, 'monthly.xlsx');
    const args = [
      'report',
      'run',
      'actual-population-monthly',
      '--area',
      HOME,
      '--as-of',
      asOf,
      '--format',
      'xlsx',
      '--out',
      out,
      '--prepared-by',
      '张三',
      '--database',
      db,
    ];
    const first = await populus(args, dir);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /the first run kept/);
    assert.match(first.out, /sha256 [0-9a-f]{64}/);
    assert.ok(existsSync(out));
    assert.equal(readFileSync(out).subarray(0, 2).toString(), 'PK');
    const again = await populus(args, dir);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /unchanged since run/);
    assert.equal(first.out.match(/sha256 (\w+)/)?.[1], again.out.match(/sha256 (\w+)/)?.[1]);
    const runs = await populus(['report', 'runs', 'actual-population-monthly', '--database', db], dir);
    assert.match(runs.out, /unchanged/);
    assert.match(runs.out, /first/);
  });

  test('--each-committee writes one form per committee into a folder, from one read of the record', async () => {
    const folder = join(dir, 'committees');
    const r = await populus(
      [
        'report',
        'run',
        'actual-population-monthly',
        '--area',
        HOME,
        '--as-of',
        asOf,
        '--format',
        'csv',
        '--each-committee',
        '--out',
        folder,
        '--database',
        db,
      ],
      dir,
    );
    assert.equal(r.code, 0, r.err);
    const files = readdirSync(folder).filter((f) => f.endsWith('.csv'));
    const runs = r.out.match(/^run /gm) ?? [];
    assert.ok(files.length > 1, `several committees (${files.length} files)`);
    assert.equal(runs.length, files.length, 'one kept run per file');
    for (const f of files) assert.match(f, /-310105004\d{3}-/, `${f} names its committee`);
  });

  test('json without --out shows the table on screen', async () => {
    const r = await populus(
      ['report', 'run', 'actual-population-monthly', '--area', HOME, '--as-of', asOf, '--format', 'json', '--database', db],
      dir,
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /实有人口情况月报表/);
    assert.match(r.out, /人在户在/);
  });

  test('reproduce runs a kept run again as known then; --known-at before anything was recorded counts nobody', async () => {
    const base = ['report', 'run', 'actual-population-monthly', '--area', HOME, '--as-of', asOf, '--format', 'json', '--database', db];
    const first = await populus(base, dir);
    assert.equal(first.code, 0, first.err);
    const runId = first.out.match(/^run (\S+)/m)?.[1];
    assert.ok(runId, first.out);
    const again = await populus(['report', 'reproduce', runId, '--database', db], dir);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, new RegExp(`unchanged since run ${runId}`));
    assert.equal(again.out.match(/sha256 (\w+)/)?.[1], first.out.match(/sha256 (\w+)/)?.[1]);
    assert.equal(again.out.match(/as known at (\S+)/)?.[1], first.out.match(/as known at (\S+)/)?.[1], 'as the run read it');
    const early = await populus([...base, '--known-at', '2001-01-01T00:00:00Z'], dir);
    assert.equal(early.code, 0, early.err);
    assert.match(early.out, /: 0 persons;/);
    const missing = await populus(['report', 'reproduce', 'no-such-run', '--database', db], dir);
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /REPORT_RUN_NOT_FOUND/);
  });

  test('define stores a YAML definition, then a new version', async () => {
    const file = join(dir, 'custom.yaml');
    writeFileSync(
      file,
      [
        'id: cli-sex-table',
        'version: 1',
        'kind: table',
        'title: { zh: 分性别人口, en: Persons by sex }',
        'departmentId: street-population-office',
        'purpose: POPULATION_STATISTICS',
        'period: monthly',
        'table:',
        '  rows: [{ by: committee }]',
        '  columns: [{ by: element, element: person.sex }]',
        '  measures: [persons]',
      ].join('\n'),
    );
    const one = await populus(['report', 'define', file, '--database', db], dir);
    assert.equal(one.code, 0, one.err);
    assert.match(one.out, /cli-sex-table version 1 stored/);
    const two = await populus(['report', 'define', file, '--database', db], dir);
    assert.match(two.out, /cli-sex-table version 2 stored \(versions 1, 2\)/);
    const show = await populus(['report', 'show', 'cli-sex-table', '--database', db], dir);
    assert.match(show.out, /version: 2/);
  });

  test('schedules: add, run-due produces each owed period once, list, remove', async () => {
    const add = await populus(
      [
        'report',
        'schedule',
        'add',
        'actual-population-monthly',
        '--area',
        HOME,
        '--period',
        'quarterly',
        '--first-due',
        '2024-09-30',
        '--database',
        db,
      ],
      dir,
    );
    assert.equal(add.code, 0, add.err);
    const id = add.out.match(/schedule (\S+):/)?.[1];
    assert.ok(id);
    const due = await populus(['report', 'run-due', '--today', '2025-01-05', '--database', db], dir);
    assert.equal(due.code, 0, due.err + due.out);
    assert.match(due.out, /as of 2024-09-30: run/);
    assert.match(due.out, /as of 2024-12-31: run/);
    const again = await populus(['report', 'run-due', '--today', '2025-01-05', '--database', db], dir);
    assert.match(again.out, /nothing due/);
    const list = await populus(['report', 'schedule', 'list', '--database', db], dir);
    assert.match(list.out, new RegExp(`${id}\\s+actual-population-monthly\\s+${HOME}\\s+quarterly\\s+2025-03-31`));
    const removed = await populus(['report', 'schedule', 'remove', id, '--database', db], dir);
    assert.equal(removed.code, 0, removed.err);
  });

  test('an unknown report is a clear error with its code', async () => {
    const r = await populus(['report', 'run', 'no-such-report', '--area', HOME, '--as-of', asOf, '--database', db], dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /no report no-such-report \[REPORT_NOT_FOUND\]/);
  });
});
