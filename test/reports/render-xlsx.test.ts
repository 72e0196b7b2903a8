/**
 * The XLSX government form layout, read back with exceljs: title, unit and period lines, merged
 * header cells, figures and their number formats, bold subtotal/total rows, notes, signature line,
 * A4 print setup and the frozen header — in Chinese and in English.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { render } from '../../src/apps/reports/render/index.ts';
import { META_EN, META_ZH, rosterResult, tableResult } from '../../src/apps/reports/render/test-fixtures.ts';
import type { ReportResult } from '../../src/apps/reports/types.ts';

async function sheetOf(result: ReportResult, meta = META_ZH): Promise<ExcelJS.Worksheet> {
  const out = await render(result, 'xlsx', meta);
  assert.equal(out.contentType, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(out.body as unknown as ExcelJS.Buffer);
  const sheet = wb.worksheets[0];
  assert.ok(sheet);
  return sheet;
}

describe('XLSX renderer: statistical table (实有人口月报)', async () => {
  const result = tableResult();
  const sheet = await sheetOf(result);
  const merges = new Set(sheet.model.merges);

  test('title merged across all columns, 黑体 large bold, centred', () => {
    assert.equal(sheet.getCell('A1').value, '实有人口月报');
    assert.ok(merges.has('A1:J1'), [...merges].join(' '));
    const font = sheet.getCell('A1').font;
    assert.equal(font.name, '黑体');
    assert.equal(font.bold, true);
    assert.ok((font.size ?? 0) >= 16);
    assert.equal(sheet.getCell('A1').alignment.horizontal, 'center');
  });

  test('填报单位 on the left, 报告期 and 统计时点 on the right', () => {
    assert.equal(sheet.getCell('A2').value, '填报单位：新华路街道办事处');
    assert.equal(sheet.getCell('A2').alignment.horizontal, 'left');
    assert.equal(sheet.getCell('F2').value, '报告期：2024年12月　　统计时点：2024-12-31');
    assert.equal(sheet.getCell('F2').alignment.horizontal, 'right');
  });

  test('two header rows with the merged cells of the form', () => {
    for (const range of ['A3:A4', 'B3:B4', 'C3:D3', 'E3:F3', 'G3:H3', 'I3:J3']) assert.ok(merges.has(range), `${range} merged`);
    assert.equal(sheet.getCell('A3').value, '单位');
    assert.equal(sheet.getCell('C3').value, '人在户在');
    assert.equal(sheet.getCell('I3').value, '境外');
    assert.deepEqual(
      [3, 4, 5, 6].map((c) => sheet.getRow(4).getCell(c).value),
      ['人数', '占比', '人数', '占比'],
    );
    assert.equal(sheet.getCell('C4').border.top?.style, 'thin');
  });

  test('figures equal the result; counts as integers, shares 0.0%, numbers right and text left', () => {
    result.rows.forEach((row, i) => {
      const r = sheet.getRow(5 + i);
      row.cells.forEach((v, c) => assert.deepEqual(r.getCell(c + 1).value, v, `row ${5 + i} col ${c + 1}`));
    });
    assert.equal(sheet.getCell('B5').numFmt, '0');
    assert.equal(sheet.getCell('D5').numFmt, '0.0%');
    assert.equal(sheet.getCell('D5').alignment.horizontal, 'right');
    assert.equal(sheet.getCell('A5').alignment.horizontal, 'left');
    assert.equal(sheet.getCell('A5').alignment.indent, 1, 'grid rows indented under their committee');
    assert.equal(sheet.getCell('B5').border.left?.style, 'thin');
  });

  test('subtotal and total rows bold, data rows not; body in 宋体', () => {
    const total = 5 + result.rows.length - 1;
    assert.equal(sheet.getCell(`A${total}`).value, '合计');
    assert.equal(sheet.getCell(`B${total}`).value, 856);
    assert.equal(sheet.getCell(`B${total}`).font.bold, true);
    assert.equal(sheet.getCell('B7').font.bold, true, 'subtotal row');
    assert.notEqual(sheet.getCell('B5').font.bold, true);
    assert.equal(sheet.getCell('B5').font.name, '宋体');
  });

  test('notes under the table and the 填表人 / 审核人 / 填报日期 line last', () => {
    const afterTable = 5 + result.rows.length;
    assert.equal(sheet.getCell(`A${afterTable}`).value, '注：人口类别按统计时点的居住和户籍登记判定。');
    assert.match(String(sheet.getCell(`A${afterTable + 1}`).value), /占比 = 该类人数/);
    const last = sheet.getCell(`A${afterTable + 3}`).value;
    assert.equal(last, '填表人：张三　　　　审核人：李四　　　　填报日期：2025-01-03');
    assert.ok(merges.has(`A${afterTable + 3}:J${afterTable + 3}`));
  });

  test('A4 print setup: landscape when wide, one page wide, header rows repeated, centred; header frozen', () => {
    const ps = sheet.pageSetup;
    assert.equal(ps.paperSize, 9);
    assert.equal(ps.orientation, 'landscape');
    assert.equal(ps.fitToPage, true);
    assert.equal(ps.fitToWidth, 1);
    assert.equal(ps.fitToHeight, 0);
    assert.equal(ps.horizontalCentered, true);
    assert.match(String(ps.printTitlesRow), /^\$?3:\$?4$/);
    assert.ok((ps.margins?.left ?? 0) > 0);
    const view = sheet.views[0];
    assert.equal(view?.state, 'frozen');
    assert.equal(view?.state === 'frozen' ? view.ySplit : undefined, 4);
  });
});

describe('XLSX renderer: roster and English', async () => {
  test('a roster without header rows gets one header row of its column labels, portrait, masked IDs as given', async () => {
    const result = rosterResult();
    const sheet = await sheetOf(result);
    assert.deepEqual(
      [1, 2, 3].map((c) => sheet.getRow(3).getCell(c).value),
      ['序号', '姓名', '公民身份号码'],
    );
    assert.equal(sheet.getCell('C4').value, '310***********1234');
    assert.equal(sheet.getCell('H4').value, '=HYPERLINK("http://x")', 'written as text, never as a formula');
    assert.equal(sheet.getCell('H4').type, ExcelJS.ValueType.String);
    assert.deepEqual([sheet.getCell('G4').value, sheet.getCell('G4').numFmt], [1250.5, '0.00']);
    assert.deepEqual([sheet.getCell('G5').value, sheet.getCell('G5').numFmt], [800, '0']);
    assert.equal(sheet.getCell('C6').value, null);
    assert.equal(sheet.pageSetup.orientation, 'portrait');
    assert.match(String(sheet.pageSetup.printTitlesRow), /^\$?3:\$?3$/);
  });

  test('meta.locale = en gives English labels everywhere', async () => {
    const result = tableResult();
    const out = await render(result, 'xlsx', META_EN);
    assert.equal(out.fileName, 'Actual-population-monthly-report-310105004-2024-12-31.xlsx');
    const sheet = await sheetOf(result, META_EN);
    assert.equal(sheet.getCell('A1').value, 'Actual population monthly report');
    assert.equal(sheet.getCell('A2').value, 'Reporting unit: Xinhua Road Street Office');
    assert.equal(sheet.getCell('C3').value, 'Registered and resident');
    assert.equal(sheet.getCell('C4').value, 'Persons');
    assert.match(String(sheet.getCell(`A${5 + result.rows.length + 3}`).value), /^Prepared by: .*Reviewed by: .*Date: 2025-01-03$/);
  });

  test('file names: Chinese title, area and date, with an ASCII fallback and a Content-Disposition', async () => {
    const out = await render(tableResult(), 'xlsx', META_ZH);
    assert.equal(out.fileName, '实有人口月报-310105004-2024-12-31.xlsx');
    assert.equal(out.asciiFileName, 'actual-population-monthly-310105004-2024-12-31.xlsx');
    assert.equal(
      out.contentDisposition,
      `attachment; filename="actual-population-monthly-310105004-2024-12-31.xlsx"; filename*=UTF-8''${encodeURIComponent('实有人口月报')}-310105004-2024-12-31.xlsx`,
    );
    const hostile = { ...tableResult(), title: { zh: '月报/../"x"\r\n', en: 'x' } };
    assert.doesNotMatch((await render(hostile, 'json', META_ZH)).fileName, /[/"\r\n]/);
  });

  test('few but wide columns print in landscape too', async () => {
    const base = rosterResult();
    const cols = [1, 2, 5, 7].map((i) => base.columns[i]!);
    const wide = {
      ...base,
      columns: cols,
      rows: base.rows.map((r) => ({ ...r, cells: cols.map(() => '上海市长宁区新华路街道番禺路某弄某号某室（详细地址）'.repeat(2)) })),
    };
    assert.equal((await sheetOf(wide)).pageSetup.orientation, 'landscape');
    const narrow = { ...wide, rows: wide.rows.map((r) => ({ ...r, cells: cols.map(() => '短') })) };
    assert.equal((await sheetOf(narrow)).pageSetup.orientation, 'portrait');
  });

  test('a one-column result is a form too (nothing to merge across)', async () => {
    const base = rosterResult();
    const one = { ...base, columns: base.columns.slice(1, 2), rows: base.rows.map((r) => ({ ...r, cells: r.cells.slice(1, 2) })) };
    const sheet = await sheetOf(one);
    assert.equal(sheet.getCell('A1').value, '60岁以上老年人花名册');
    assert.equal(sheet.getCell('A3').value, '姓名');
    assert.equal(sheet.getCell('A4').value, '王建国');
    assert.deepEqual(sheet.model.merges, []);
  });

  test('json is the result itself', async () => {
    const out = await render(rosterResult(), 'json', META_ZH);
    assert.equal(out.contentType, 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(out.body.toString('utf8')), rosterResult());
  });

  test('a header whose spans do not tile the columns is refused, not drawn wrong', async () => {
    const bad = { ...tableResult(), header: [[{ label: { zh: '单位', en: 'Unit' }, colSpan: 3, rowSpan: 1 }]] };
    await assert.rejects(render(bad, 'xlsx', META_ZH), /leaves columns uncovered/);
  });
});
