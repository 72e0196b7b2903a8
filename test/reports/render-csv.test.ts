/**
 * CSV output: UTF-8 with a BOM, one header line of leaf labels in the locale, RFC 4180 quoting, the
 * formula-injection guard, and the figures read back equal to the result.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { guardFormula, quoteField } from '../../src/apps/reports/render/csv.renderer.ts';
import { render } from '../../src/apps/reports/render/index.ts';
import { META_EN, META_ZH, rosterResult, tableResult } from '../../src/apps/reports/render/test-fixtures.ts';

async function csvOf(result = tableResult(), meta = META_ZH): Promise<{ body: Buffer; records: string[][]; text: string }> {
  const out = await render(result, 'csv', meta);
  assert.equal(out.contentType, 'text/csv; charset=utf-8');
  assert.match(out.fileName, /\.csv$/);
  const text = out.body.toString('utf8');
  return { body: out.body, text, records: parse(text, { bom: true, relaxColumnCount: false }) as string[][] };
}

describe('CSV renderer', () => {
  test('UTF-8 with a BOM, CRLF line ends, header of the leaf labels (and a row-type column for tables)', async () => {
    const { body, text, records } = await csvOf();
    assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(text.endsWith('\r\n'));
    assert.equal(text.split('\r\n').length, tableResult().rows.length + 2);
    assert.deepEqual(records[0], [
      '单位',
      '实有人口',
      '人在户在人数',
      '人在户在占比',
      '人在户不在人数',
      '人在户不在占比',
      '外省市来沪人数',
      '外省市来沪占比',
      '境外人数',
      '境外占比',
      '行类型',
    ]);
  });

  test('the figures: counts as integers, shares as on the form, subtotal and total rows named', async () => {
    const { records } = await csvOf();
    const result = tableResult();
    assert.equal(records.length, result.rows.length + 1);
    assert.deepEqual(records[1], ['第一网格', '248', '120', '48.4%', '80', '32.3%', '40', '16.1%', '8', '3.2%', '']);
    assert.equal(records[3]?.[10], '小计');
    assert.deepEqual(records.at(-1), ['合计', '856', '425', '49.6%', '270', '31.5%', '136', '15.9%', '25', '2.9%', '合计']);
    result.rows.forEach((row, i) => assert.equal(records[i + 1]?.[1], String(row.cells[1])));
  });

  test('RFC 4180 quoting, the formula guard, empty for null; rosters carry no row-type column', async () => {
    const { text, records } = await csvOf(rosterResult());
    assert.equal(records[0]?.length, 8);
    assert.ok(text.includes(`"'=HYPERLINK(""http://x"")"`), 'formula neutralised and quotes doubled');
    assert.ok(text.includes('"独居, 需""关注"""'));
    assert.ok(text.includes('"Smith, John"'));
    assert.deepEqual(records[1]?.[6], '1250.50');
    assert.deepEqual(records[2], ['2', '李秀英', '310***********567X', '女', '67', '番禺居委会', '800', '独居, 需"关注"']);
    assert.deepEqual(records[3], ['3', 'Smith, John', '', '男', '61', '法华居委会', '', "'+86 手机未登记"]);
  });

  test('guardFormula covers = + - @ tab and CR, and leaves other text alone', () => {
    for (const t of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) assert.equal(guardFormula(t), `'${t}`);
    for (const t of ['王建国', '310***********1234', 'a=b', '']) assert.equal(guardFormula(t), t);
    assert.equal(quoteField('a\nb'), '"a\nb"');
    assert.equal(quoteField('plain'), 'plain');
  });

  test('numbers are never guarded: a negative figure stays a number', async () => {
    const result = {
      ...tableResult(),
      rows: [{ role: 'data' as const, level: 0, cells: ['差额', -5, null, null, null, null, null, null, null, null] }],
    };
    const { records } = await csvOf(result);
    assert.deepEqual(records[1]?.slice(0, 3), ['差额', '-5', '']);
  });

  test('English labels when locale = en', async () => {
    const { records } = await csvOf(tableResult(), META_EN);
    assert.equal(records[0]?.[0], 'Unit');
    assert.equal(records[0]?.[10], 'Row type');
    assert.equal(records.at(-1)?.[10], 'Total');
  });
});
