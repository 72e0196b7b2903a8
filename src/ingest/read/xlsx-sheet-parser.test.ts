import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawRow } from './source-record.ts';
import { numberText, serialText } from './xlsx-cell.ts';
import { columnIndex, SheetScanner } from './xlsx-sheet-parser.ts';

const CONTEXT = { sharedStrings: ['姓名', '张伟', 'A&B'], dateStyles: new Set([1]), date1904: false };

const SHEET =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet><sheetData>' +
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>电话</t></is></c></row>' +
  '<row r="3" spans="1:3"/>' +
  '<row r="4"><c r="A4" t="s"><v>1</v></c><c r="B4" s="1"><v>39696</v></c><c r="C4" t="str"><f>A1</f><v>x_x000D_y</v></c><c r="D4" t="b"><v>1</v></c><c r="E4" t="e"><v>#N/A</v></c></row>' +
  '<row r="5"><c r="B5"><v>310105198001011234</v></c><c r="C5"><v>3.1E-2</v></c><c r="D5" t="inlineStr"><is><r><t>富</t></r><r><t xml:space="preserve"> 文本</t></r><rPh><t>ふ</t></rPh></is></c><c r="E5" t="s"><v>2</v></c></row>' +
  '</sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>';

function scan(xml: string, chunk: number): RawRow[] {
  const scanner = new SheetScanner(CONTEXT);
  const rows: RawRow[] = [];
  for (let i = 0; i < xml.length; i += chunk) scanner.push(xml.slice(i, i + chunk), rows);
  return rows;
}

describe('SheetScanner', () => {
  test('rows by their number, cells by their reference, every cell type as text', () => {
    const rows = scan(SHEET, SHEET.length);
    assert.deepEqual(rows, [
      { row: 1, cells: ['姓名', '', '电话'] },
      { row: 4, cells: ['张伟', '2008-09-05', 'x\ry', 'TRUE', '#N/A'], cellProblems: [{ index: 4, code: 'CELL_ERROR' }] },
      { row: 5, cells: ['', '310105198001011000', '0.031', '富 文本', 'A&B'], cellProblems: [{ index: 1, code: 'LOSSY_NUMBER' }] },
    ]);
  });

  test('the same rows however the XML is chunked', () => {
    const whole = scan(SHEET, SHEET.length);
    for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(scan(SHEET, size), whole, `chunks of ${size}`);
  });

  test('column references', () => {
    assert.deepEqual(['A1', 'Z9', 'AA10', 'az3', '12'].map(columnIndex), [0, 25, 26, 51, -1]);
  });
});

describe('cell text', () => {
  test('numbers in plain digits, 15 significant digits as Excel shows them', () => {
    assert.deepEqual(numberText(310105800101123), { text: '310105800101123' });
    assert.deepEqual(numberText(1e21), { text: '1000000000000000000000', problem: 'LOSSY_NUMBER' });
    assert.deepEqual(numberText(0.1 + 0.2), { text: '0.3' });
    assert.deepEqual(numberText(1.5e-7), { text: '0.00000015' });
    assert.deepEqual(numberText(-42), { text: '-42' });
  });

  test('date-styled serials as ISO dates, date-times and times', () => {
    assert.equal(serialText(39696, false), '2008-09-05');
    assert.equal(serialText(39696.5, false), '2008-09-05T12:00:00');
    assert.equal(serialText(0.25, false), '06:00:00');
    assert.equal(serialText(38234, true), '2008-09-05');
  });
});

test('a huge number in a date style stays a number', () => {
  assert.equal(serialText(310105198001011234, false), '310105198001011000');
});
