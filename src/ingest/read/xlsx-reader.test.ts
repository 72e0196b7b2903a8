import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { IngestFileError } from './ingest-file-error.ts';
import { openSourceFile, readHeader, readRecords, sampleRecords, type SourceRecord } from './record-reader.ts';
import { FixtureDir } from './test-fixtures.ts';

const dir = new FixtureDir();
after(() => dir.remove());

async function all(path: string, options = {}): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of readRecords(path, options)) out.push(r);
  return out;
}

function isFileError(code: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof IngestFileError && e.code === code;
}

/** A roster as office systems export it: merged title, blank row, printed-on line, header at row 4. */
function roster(workbook: ExcelJS.Workbook): void {
  const hidden = workbook.addWorksheet('说明');
  hidden.state = 'hidden';
  hidden.addRow(['此表由系统导出']);
  const sheet = workbook.addWorksheet('花名册');
  sheet.getCell('A1').value = '新华路街道计划生育对象花名册';
  sheet.mergeCells('A1:F1');
  sheet.getCell('A3').value = '打印日期：2024年12月31日';
  sheet.getRow(4).values = ['姓名', '身份证号', '出生日期', '金额', '备注', '已核实'];
  sheet.getRow(5).values = [
    '张伟',
    '310105198001011234',
    new Date(Date.UTC(1980, 0, 1)),
    12.5,
    { richText: [{ text: '富' }, { text: '文本', font: { bold: true } }] },
    true,
  ];
  sheet.getRow(6).values = ['王芳', 310105199002021228, new Date(Date.UTC(1990, 1, 2, 8, 30)), 0.1 + 0.2, '合并的', false];
  sheet.mergeCells('E6:F6');
  sheet.getRow(7).values = ['李娜', 310105800101123, '', { formula: '2+3', result: 5 }, '', ''];
  sheet.getCell('C5').numFmt = 'yyyy"年"m"月"d"日"';
  sheet.getCell('C6').numFmt = 'yyyy-mm-dd hh:mm';
  const other = workbook.addWorksheet('第二页');
  other.addRow(['代码', '名称']);
  other.addRow(['01', '汉族']);
}

describe('XLSX files', () => {
  test('title rows skipped, row numbers as Excel shows them, values as a person reads them', async () => {
    const path = await dir.workbook('roster.xlsx', roster);
    const source = await openSourceFile(path);
    assert.deepEqual(source.header, {
      format: 'xlsx',
      encoding: 'utf8',
      headers: ['姓名', '身份证号', '出生日期', '金额', '备注', '已核实'],
      headerRow: 4,
      sheet: '花名册',
      size: source.header.size,
    });
    const records: SourceRecord[] = [];
    for await (const r of source.records) records.push(r);
    assert.deepEqual(
      records.map((r) => r.row),
      [5, 6, 7],
    );
    assert.deepEqual(records[0], {
      file: 'roster.xlsx',
      row: 5,
      cells: { 姓名: '张伟', 身份证号: '310105198001011234', 出生日期: '1980-01-01', 金额: '12.5', 备注: '富文本', 已核实: 'TRUE' },
    });
    // An 18-digit ID number stored as a number has lost digits: flagged, never completed.
    assert.deepEqual(records[1]?.cells, {
      姓名: '王芳',
      身份证号: '310105199002021000',
      出生日期: '1990-02-02T08:30:00',
      金额: '0.3',
      备注: '合并的',
      已核实: '',
    });
    assert.deepEqual(records[1]?.problems, [
      {
        column: '身份证号',
        code: 'LOSSY_NUMBER',
        message: 'a number with more than 15 digits, which Excel cannot store exactly: its last digits are lost (store the column as text)',
      },
    ]);
    // A 15-digit number is exact; a formula gives its result.
    assert.deepEqual(records[2]?.cells, { 姓名: '李娜', 身份证号: '310105800101123', 出生日期: '', 金额: '5', 备注: '', 已核实: '' });
    assert.equal(records[2]?.problems, undefined);
  });

  test('a sheet by name or by position; a missing one is NO_SHEET listing the sheets', async () => {
    const path = await dir.workbook('sheets.xlsx', roster);
    assert.deepEqual((await all(path, { sheet: '第二页' }))[0]?.cells, { 代码: '01', 名称: '汉族' });
    assert.equal((await readHeader(path, { sheet: 3 })).sheet, '第二页');
    await assert.rejects(
      readHeader(path, { sheet: '第九页' }),
      (e: unknown) => isFileError('NO_SHEET')(e) && /说明, 花名册, 第二页/.test((e as Error).message),
    );
  });

  test('Chinese text across inflate chunk boundaries comes out whole (exceljs streaming garbles it)', async () => {
    const text = (i: number): string => `上海市长宁区新华路${i}弄${i % 37}号${i % 9}楼（${'实有人口信息共享平台'.repeat(3)}）`;
    const path = await dir.workbook('long.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('地址');
      sheet.addRow(['序号', '地址']);
      for (let i = 0; i < 3000; i++) sheet.addRow([String(i), text(i)]);
    });
    const records = await all(path);
    assert.equal(records.length, 3000);
    for (const [i, r] of records.entries()) assert.equal(r.cells['地址'], text(i), `row ${r.row}`);
  });

  test('inline strings from a streaming writer, and the 1904 date system', async () => {
    const path = dir.file('stream.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
    const sheet = writer.addWorksheet('名单');
    sheet.addRow(['姓名', '日期']).commit();
    const row = sheet.addRow(['赵强 & <钱>', new Date(Date.UTC(2008, 8, 5))]);
    row.getCell(2).numFmt = 'yyyy/m/d';
    row.commit();
    sheet.commit();
    await writer.commit();
    assert.deepEqual((await all(path))[0]?.cells, { 姓名: '赵强 & <钱>', 日期: '2008-09-05' });
    const path1904 = await dir.workbook('1904.xlsx', (workbook) => {
      workbook.properties.date1904 = true;
      const s = workbook.addWorksheet('s');
      s.addRow(['日期']);
      s.addRow([new Date(Date.UTC(2008, 8, 5))]).getCell(1).numFmt = 'yyyy-mm-dd';
    });
    assert.deepEqual((await all(path1904))[0]?.cells, { 日期: '2008-09-05' });
  });

  test('sampleRecords returns the first rows only', async () => {
    const path = await dir.workbook('sample.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('s');
      sheet.addRow(['代码', '名称']);
      for (let i = 0; i < 50; i++) sheet.addRow([`c${i}`, `n${i}`]);
    });
    const sample = await sampleRecords(path, 3);
    assert.deepEqual(
      sample.map((r) => [r.row, r.cells['代码']]),
      [
        [2, 'c0'],
        [3, 'c1'],
        [4, 'c2'],
      ],
    );
  });

  test('a workbook cut in half is TRUNCATED before any record', async () => {
    const whole = readFileSync(await dir.workbook('whole.xlsx', roster));
    const cut = dir.bytes('cut.xlsx', whole.subarray(0, whole.length >> 1));
    await assert.rejects(openSourceFile(cut), isFileError('TRUNCATED'));
  });

  test('a text file renamed .xlsx, an old .xls, and a zip that is no workbook are NOT_A_SPREADSHEET', async () => {
    await assert.rejects(openSourceFile(dir.text('renamed.xlsx', '姓名,电话\n张伟,138\n')), isFileError('NOT_A_SPREADSHEET'));
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    await assert.rejects(openSourceFile(dir.bytes('old.xls', ole)), isFileError('NOT_A_SPREADSHEET'));
    await assert.rejects(openSourceFile(dir.bytes('notes.zip', storedZip('notes.txt', 'hello'))), isFileError('NOT_A_SPREADSHEET'));
  });
});

/** A zip with one stored entry (CRC left 0: the readers do not check it). */
function storedZip(name: string, content: string): Buffer {
  const nameBytes = Buffer.from(name);
  const data = Buffer.from(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const directoryOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}
