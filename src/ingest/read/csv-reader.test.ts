import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openSourceFile, readHeader, readRecords, type SourceRecord } from './record-reader.ts';
import { IngestFileError } from './ingest-file-error.ts';
import { FixtureDir } from './test-fixtures.ts';

const dir = new FixtureDir();
after(() => dir.remove());

async function all(path: string, options = {}): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of readRecords(path, options)) out.push(r);
  return out;
}

const ROSTER = [
  '新华路街道实有人口登记表,,,',
  ',,,',
  '打印日期：2024年12月31日,,,',
  '姓名,性别,身份证号,地址',
  '张伟,男,310105198001011234,新华路211号',
  '王芳,女,31010519900202122X,"番禺路12号,后门"',
  '',
  '李娜,女,310105199203031228,"定西路\n3号"',
  '赵强,男,310105198504041231',
  '',
].join('\r\n');

describe('CSV files', () => {
  test('GBK with title rows: header found, row numbers as a person sees them, a short row flagged', async () => {
    const path = dir.text('gbk.csv', ROSTER, 'gbk');
    const source = await openSourceFile(path);
    assert.deepEqual(source.header, {
      format: 'csv',
      encoding: 'gbk',
      headers: ['姓名', '性别', '身份证号', '地址'],
      headerRow: 4,
      delimiter: ',',
      size: source.header.size,
    });
    const records: SourceRecord[] = [];
    for await (const r of source.records) records.push(r);
    assert.deepEqual(
      records.map((r) => r.row),
      [5, 6, 8, 10],
    );
    assert.deepEqual(records[1]?.cells, { 姓名: '王芳', 性别: '女', 身份证号: '31010519900202122X', 地址: '番禺路12号,后门' });
    assert.equal(records[2]?.cells['地址'], '定西路\n3号');
    assert.equal(records[0]?.problems, undefined);
    assert.deepEqual(records[3]?.problems, [{ code: 'COLUMN_COUNT', message: 'the line has 3 fields where the header has 4' }]);
    assert.equal(records[3]?.cells['地址'], '');
    assert.equal(records[3]?.file, 'gbk.csv');
  });

  test('GB18030 and UTF-8 with a byte-order mark read the same records', async () => {
    const gb = await all(dir.text('gb18030.csv', ROSTER, 'gb18030'));
    const bom = await all(dir.text('bom.csv', ROSTER, 'utf8-bom'));
    assert.deepEqual(
      bom,
      gb.map((r) => ({ ...r, file: 'bom.csv' })),
    );
    assert.equal((await readHeader(dir.file('bom.csv'))).encoding, 'utf8-bom');
    assert.deepEqual((await readHeader(dir.file('bom.csv'))).headers, ['姓名', '性别', '身份证号', '地址']);
  });

  test('tab-separated and semicolon files', async () => {
    const tsv = dir.text('people.tsv', '姓名\t地址\n张伟\t新华路1号,2室\n');
    assert.equal((await readHeader(tsv)).delimiter, '\t');
    assert.deepEqual((await all(tsv))[0]?.cells, { 姓名: '张伟', 地址: '新华路1号,2室' });
    const semi = dir.text('semi.csv', 'name;phone\nZhang;138\n');
    assert.deepEqual((await all(semi))[0]?.cells, { name: 'Zhang', phone: '138' });
  });

  test('a long row and a value under no header are flagged; a row of empty fields is skipped', async () => {
    const path = dir.text('long.csv', 'a,b,\n1,2,\n3,4,x\n5,6,7,8\n,,\n9,10,\n');
    const records = await all(path);
    assert.deepEqual(
      records.map((r) => [r.row, r.problems?.[0]?.code ?? 'OK']),
      [
        [2, 'OK'],
        [3, 'COLUMN_COUNT'],
        [4, 'COLUMN_COUNT'],
        [6, 'OK'],
      ],
    );
    assert.deepEqual(records[0]?.cells, { a: '1', b: '2' });
  });

  test('cells are not trimmed', async () => {
    assert.deepEqual((await all(dir.text('spaces.csv', 'a,b\n 1 ,\u30002\n')))[0]?.cells, { a: ' 1 ', b: '\u30002' });
  });

  test('an explicit encoding overrides detection; bytes invalid in it are a BAD_ENCODING row problem', async () => {
    const path = dir.text('forced.csv', '姓名,地址\n张伟,新华路\n', 'gbk');
    const records = await all(path, { encoding: 'utf8' });
    assert.equal(records[0]?.problems?.[0]?.code, 'BAD_ENCODING');
    const right = await all(path, { encoding: 'gb18030' });
    assert.deepEqual(right[0]?.cells, { 姓名: '张伟', 地址: '新华路' });
  });

  test('an explicit header row and delimiter', async () => {
    const path = dir.text('explicit.csv', 'x|y\n名称|代码\nA|1\n');
    const source = await openSourceFile(path, { headerRow: 2, delimiter: '|' });
    assert.deepEqual(source.header.headers, ['名称', '代码']);
    const first = await source.records.next();
    assert.deepEqual(first.value, { file: 'explicit.csv', row: 3, cells: { 名称: 'A', 代码: '1' } });
    await source.close();
  });

  test('duplicate headers are refused naming the column', async () => {
    const path = dir.text('dup.csv', '姓名,电话,姓名\n张伟,138,张伟\n');
    await assert.rejects(openSourceFile(path), (e: unknown) => {
      assert.ok(e instanceof IngestFileError);
      assert.equal(e.code, 'DUPLICATE_HEADER');
      assert.match(e.message, /"姓名" appears twice \(columns 1 and 3/);
      assert.match(e.messageZh, /姓名/);
      return true;
    });
  });

  test('a quote never closed stops the read with UNREADABLE, naming the line', async () => {
    const path = dir.text('open-quote.csv', 'a,b\n1,2\n3,"oops\n4,5\n');
    await assert.rejects(all(path), (e: unknown) => e instanceof IngestFileError && e.code === 'UNREADABLE' && /line 3/.test(e.message));
  });

  test('text that is neither UTF-8 nor GBK is refused before any record', async () => {
    const path = dir.bytes('garbage.csv', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xfe, 0x80, 0x0a, 0x31, 0x2c, 0x32, 0x0a]));
    await assert.rejects(openSourceFile(path), (e: unknown) => e instanceof IngestFileError && e.code === 'ENCODING');
    await assert.rejects(
      openSourceFile(path, { encoding: 'no-such-encoding' }),
      (e: unknown) => e instanceof IngestFileError && e.code === 'ENCODING',
    );
  });
});
