/**
 * Department form templates: placeholders found and checked (unknown keys with their cell), a person
 * form and a roster form filled and read back (roster rows repeated with styles and merges, rows
 * below moved down), and the clear refusals: unknown placeholders, no roster, not an XLSX.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { isPopulusError } from '../../src/domain/errors.ts';
import { checkTemplate, fillTemplate } from '../../src/apps/reports/render/index.ts';

const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

async function toBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function read(xlsx: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
  return wb.worksheets[0]!;
}

/** 居民基本信息登记表: one person. */
async function personForm(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('登记表');
  ws.mergeCells('A1:D1');
  ws.getCell('A1').value = '居民基本信息登记表（{{area.name}}）';
  ws.getCell('A2').value = '姓名：{{person.name}}';
  ws.getCell('C2').value = '{{ person.idNumber }}';
  ws.getCell('A3').value = { richText: [{ text: '出生日期：', font: { bold: true } }, { text: '{{person.birthDate}}' }] };
  ws.mergeCells('A4:D4');
  ws.getCell('A4').value = '填报日期：{{asOf}}    与{{person.name}}核对';
  ws.getCell('A5').value = '不是占位符的 { 括号 }';
  return toBuffer(wb);
}

/** 高龄老人花名册: a header, a roster row with a merged remark and borders, a signature line under it. */
async function rosterForm(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.mergeCells('A1:F1');
  ws.getCell('A1').value = '{{area.name}}高龄老人花名册';
  ws.getRow(3).values = ['序号', '姓名', '公民身份号码', '年龄', '备注'];
  ws.mergeCells('E3:F3');
  const row = ws.getRow(4);
  row.values = ['{{#}}', '{{row.name}}', '{{row.idNumber}}', '{{row.age}}', '{{row.remark}}（{{area.name}}）'];
  row.height = 24;
  for (let c = 1; c <= 6; c++) row.getCell(c).border = THIN;
  row.getCell(4).numFmt = '0';
  ws.mergeCells('E4:F4');
  ws.mergeCells('A6:F6');
  ws.getCell('A6').value = '填表人：{{preparedBy}}';
  ws.pageSetup.printArea = 'A1:F6';
  return toBuffer(wb);
}

const ROWS = [
  { name: '王建国', idNumber: '310***********1234', age: 86, remark: '独居' },
  { name: '李秀英', idNumber: '310***********567X', age: 91, remark: null },
  { name: '赵德明', idNumber: '310***********0011', age: 80, remark: '失能' },
];

describe('form templates', async () => {
  const person = await personForm();
  const roster = await rosterForm();

  test('checkTemplate lists every placeholder with its cell and names the unknown ones', async () => {
    const known = new Set(['area.name', 'person.name', 'person.idNumber', 'asOf']);
    const check = await checkTemplate(person, known);
    assert.deepEqual(
      check.placeholders.map((p) => `${p.cell} ${p.key}`),
      [
        '登记表!A1 area.name',
        '登记表!A2 person.name',
        '登记表!C2 person.idNumber',
        '登记表!A3 person.birthDate',
        '登记表!A4 asOf',
        '登记表!A4 person.name',
      ],
    );
    assert.deepEqual(
      check.problems.map((p) => [p.cell, p.placeholder, p.problem]),
      [['登记表!A3', '{{person.birthDate}}', 'UNKNOWN_KEY']],
    );
    assert.deepEqual(check.rosterRows, []);
  });

  test('checkTemplate finds the roster row and its column keys', async () => {
    const check = await checkTemplate(roster, new Set(['area.name', 'preparedBy', 'row.name', 'row.idNumber', 'row.age']));
    assert.deepEqual(check.rosterRows, ['Sheet1!4']);
    assert.ok(check.placeholders.some((p) => p.key === '#' && p.roster && p.cell === 'Sheet1!A4'));
    assert.ok(check.placeholders.some((p) => p.key === 'area.name' && p.roster === false && p.cell === 'Sheet1!A1'));
    assert.deepEqual(
      check.problems.map((p) => `${p.cell} ${p.placeholder}`),
      ['Sheet1!E4 {{row.remark}}'],
    );
  });

  test('a malformed placeholder is a problem with its cell', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('表一').getCell('B2').value = '姓名：{{person.name';
    const check = await checkTemplate(await toBuffer(wb), new Set(['person.name']));
    assert.equal(check.problems.length, 1);
    assert.equal(check.problems[0]?.cell, '表一!B2');
    assert.equal(check.problems[0]?.problem, 'MALFORMED');
  });

  test('a person form filled: inside text, alone, in rich text, in merged cells', async () => {
    const filled = await fillTemplate(person, {
      fields: {
        'area.name': '番禺居委会',
        'person.name': '王建国',
        'person.idNumber': '310***********1234',
        'person.birthDate': '1938-05-02',
        asOf: '2024-12-31',
      },
    });
    const ws = await read(filled);
    assert.equal(ws.getCell('A1').value, '居民基本信息登记表（番禺居委会）');
    assert.equal(ws.getCell('A2').value, '姓名：王建国');
    assert.equal(ws.getCell('C2').value, '310***********1234');
    const rich = ws.getCell('A3').value as ExcelJS.CellRichTextValue;
    assert.deepEqual(
      rich.richText.map((r) => r.text),
      ['出生日期：', '1938-05-02'],
    );
    assert.equal(rich.richText[0]?.font?.bold, true, 'rich text formatting kept');
    assert.equal(ws.getCell('A4').value, '填报日期：2024-12-31    与王建国核对');
    assert.equal(ws.getCell('A5').value, '不是占位符的 { 括号 }');
    assert.ok(ws.model.merges.includes('A1:D1') && ws.model.merges.includes('A4:D4'));
  });

  test('a roster form filled: the roster row repeated with styles and merges, rows below moved down', async () => {
    const filled = await fillTemplate(roster, { fields: { 'area.name': '番禺居委会', preparedBy: '张三' }, rows: ROWS });
    const ws = await read(filled);
    assert.equal(ws.getCell('A1').value, '番禺居委会高龄老人花名册');
    ROWS.forEach((r, i) => {
      const row = ws.getRow(4 + i);
      assert.equal(row.getCell(1).value, i + 1, '序号');
      assert.equal(row.getCell(2).value, r.name);
      assert.equal(row.getCell(3).value, r.idNumber);
      assert.equal(row.getCell(4).value, r.age, 'a number stays a number');
      assert.equal(row.getCell(5).value, `${r.remark ?? ''}（番禺居委会）`);
      assert.equal(row.getCell(2).border.bottom?.style, 'thin', `border kept on row ${4 + i}`);
      assert.equal(row.height, 24);
      assert.ok(ws.model.merges.includes(`E${4 + i}:F${4 + i}`), `remark merged on row ${4 + i}`);
    });
    assert.equal(ws.getCell('A8').value, '填表人：张三');
    assert.ok(ws.model.merges.includes('A8:F8'), 'the signature merge moved with its row');
    assert.ok(ws.model.merges.includes('E3:F3') && ws.model.merges.includes('A1:F1'));
    assert.equal(ws.model.merges.length, 6);
    assert.match(String(ws.pageSetup.printArea), /^\$?A\$?1:\$?F\$?8$/);
  });

  test('an empty roster removes the roster row; the rows below move up', async () => {
    const ws = await read(await fillTemplate(roster, { fields: { 'area.name': '番禺居委会', preparedBy: '张三' }, rows: [] }));
    assert.equal(ws.getCell('A4').value, null);
    assert.equal(ws.getCell('A5').value, '填表人：张三');
    assert.ok(ws.model.merges.includes('A5:F5'));
    assert.ok(!ws.model.merges.some((m) => m.startsWith('E4')));
  });

  test('unknown placeholders at fill time are TEMPLATE_INVALID, each named with its cell', async () => {
    await assert.rejects(fillTemplate(person, { fields: { 'person.name': '王建国' } }), (e: unknown) => {
      assert.ok(isPopulusError(e));
      assert.equal(e.code, 'TEMPLATE_INVALID');
      const problems = e.details['problems'] as { cell: string; placeholder: string }[];
      assert.deepEqual(problems.map((p) => p.cell).sort(), ['登记表!A1', '登记表!A3', '登记表!A4', '登记表!C2']);
      assert.match(e.message, /登记表!C2: \{\{person\.idNumber\}\}/);
      return true;
    });
    await assert.rejects(
      fillTemplate(roster, { fields: { 'area.name': 'x', preparedBy: 'y' }, rows: [{ name: '王建国' }] }),
      (e: unknown) => {
        assert.ok(isPopulusError(e) && e.code === 'TEMPLATE_INVALID');
        assert.match(e.message, /row\.idNumber/);
        return true;
      },
    );
  });

  test('roster placeholders without a roster are TEMPLATE_INVALID', async () => {
    await assert.rejects(fillTemplate(roster, { fields: { 'area.name': 'x', preparedBy: 'y' } }), (e: unknown) => {
      assert.ok(isPopulusError(e) && e.code === 'TEMPLATE_INVALID');
      assert.ok((e.details['problems'] as { problem: string }[]).every((p) => p.problem === 'NO_ROSTER'));
      return true;
    });
  });

  test('not an XLSX is FILE_UNREADABLE with the reason', async () => {
    for (const [bytes, reason] of [
      [Buffer.from('姓名,身份证\n王建国,1\n'), 'NOT_A_SPREADSHEET'],
      [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]), 'UNREADABLE'],
    ] as const) {
      await assert.rejects(checkTemplate(bytes, new Set()), (e: unknown) => {
        assert.ok(isPopulusError(e));
        assert.equal(e.code, 'FILE_UNREADABLE');
        assert.equal(e.details['reason'], reason);
        return true;
      });
    }
  });
});
