/**
 * The XLSX files open in LibreOffice (Debian's libreoffice-calc-nogui) with the same figures:
 * `soffice --headless --convert-to csv` on a throw-away profile, the CSV it writes (UTF-8, cells as
 * shown) compared with the result cell by cell. In CI a missing LibreOffice fails; elsewhere the
 * test is skipped with the reason.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { formatValue } from '../../src/apps/reports/render/header-grid.ts';
import { render } from '../../src/apps/reports/render/index.ts';
import { META_ZH, rosterResult, tableResult } from '../../src/apps/reports/render/test-fixtures.ts';
import type { ReportResult } from '../../src/apps/reports/types.ts';

const soffice = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((d) => join(d, 'soffice'))
  .find((p) => existsSync(p));
const skip = soffice || process.env['CI'] ? undefined : 'LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui';
if (skip) console.log(`# skipped: ${skip}`);

/** Comma-separated, double quotes, UTF-8 (76), from line 1, cells as shown (the last true). */
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true';

describe('XLSX files open in LibreOffice with the same figures', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'populus-lo-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const table = tableResult();
  const roster = rosterResult(20);
  writeFileSync(join(dir, 'table.xlsx'), (await render(table, 'xlsx', META_ZH)).body);
  writeFileSync(join(dir, 'roster.xlsx'), (await render(roster, 'xlsx', META_ZH)).body);
  assert.ok(soffice, 'LibreOffice (soffice) must be installed in CI: apt-get install libreoffice-calc-nogui');
  const profile = pathToFileURL(join(dir, 'profile')).href;
  await promisify(execFile)(soffice, [
    `-env:UserInstallation=${profile}`,
    '--headless',
    '--convert-to',
    CSV_FILTER,
    '--outdir',
    join(dir, 'out'),
    join(dir, 'table.xlsx'),
    join(dir, 'roster.xlsx'),
  ]);
  const csv = (name: string) =>
    parse(readFileSync(join(dir, 'out', `${name}.csv`), 'utf8'), { bom: true, relaxColumnCount: true }) as string[][];

  function assertFigures(lines: string[][], result: ReportResult, firstRow: number): void {
    result.rows.forEach((row, i) => {
      const line = lines[firstRow + i];
      assert.ok(line, `line ${firstRow + i + 1} present`);
      const expected = result.columns.map((column, c) => formatValue(row.cells[c] ?? null, column));
      assert.deepEqual(line.slice(0, expected.length), expected, `row ${i + 1} (${String(row.cells[0])})`);
    });
  }

  test('the statistical table: title, unit line, both header rows and every figure as shown', () => {
    const lines = csv('table');
    assert.equal(lines[0]?.[0], '实有人口月报');
    assert.equal(lines[1]?.[0], '填报单位：新华路街道办事处');
    assert.ok(lines[1]?.includes('报告期：2024年12月　　统计时点：2024-12-31'));
    assert.deepEqual(lines[2]?.slice(0, 4), ['单位', '实有人口', '人在户在', '']);
    assert.deepEqual(lines[3]?.slice(2, 4), ['人数', '占比']);
    assertFigures(lines, table, 4);
    assert.deepEqual(lines[4 + table.rows.length - 1]?.slice(0, 4), ['合计', '856', '425', '49.6%']);
    assert.match(lines.at(-1)?.[0] ?? '', /^填表人：张三/);
  });

  test('the roster: masked ID numbers and formula-like text arrive as text', () => {
    const lines = csv('roster');
    assert.equal(lines[0]?.[0], '60岁以上老年人花名册');
    assert.deepEqual(lines[2]?.slice(0, 3), ['序号', '姓名', '公民身份号码']);
    assertFigures(lines, roster, 3);
    assert.equal(lines[3]?.[7], '=HYPERLINK("http://x")');
    assert.deepEqual([lines[3]?.[6], lines[4]?.[6]], ['1250.50', '800'], 'amounts with two decimals when not whole');
  });
});
