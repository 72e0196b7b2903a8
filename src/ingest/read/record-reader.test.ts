import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, describe, test } from 'node:test';
import { IngestFileError } from './ingest-file-error.ts';
import { openSourceFile, readHeader, readRecords, sampleRecords } from './record-reader.ts';
import { FixtureDir } from './test-fixtures.ts';

const dir = new FixtureDir();
after(() => dir.remove());

function isFileError(code: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof IngestFileError && e.code === code;
}

describe('openSourceFile', () => {
  test('format comes from the content, not the name', async () => {
    const path = await dir.workbook('export.csv', (workbook) => workbook.addWorksheet('s').addRow(['姓名', '电话']));
    assert.equal((await readHeader(path)).format, 'xlsx');
    assert.equal((await readHeader(dir.text('data.txt', '{"a":1}\n'))).format, 'jsonl');
    assert.equal((await readHeader(dir.text('data.json', 'a,b\n1,2\n'))).format, 'csv');
  });

  test('empty files, blank files and headerless files are refused before any record', async () => {
    await assert.rejects(openSourceFile(dir.bytes('empty.csv', Buffer.alloc(0))), isFileError('EMPTY'));
    await assert.rejects(openSourceFile(dir.text('blank.csv', '\r\n\r\n  \n')), isFileError('EMPTY'));
    await assert.rejects(openSourceFile(dir.text('commas.csv', ',,,\n,,,\n')), isFileError('EMPTY'));
    await assert.rejects(
      openSourceFile(dir.text('numbers.csv', '310105198001011234,1980-01-01\n310105199002021228,1990-02-02\n')),
      isFileError('NO_HEADER'),
    );
    await assert.rejects(openSourceFile(dir.text('array.json', '[{"a":1}]\n')), isFileError('UNREADABLE'));
    await assert.rejects(openSourceFile(dir.file('missing.csv')), isFileError('UNREADABLE'));
  });

  test('errors say what is wrong in English and Chinese, and name the file as the user knows it', async () => {
    await assert.rejects(openSourceFile(dir.bytes('upload-1234', Buffer.alloc(0)), { displayName: '人口.csv' }), (e: unknown) => {
      assert.ok(e instanceof IngestFileError);
      assert.equal(e.file, '人口.csv');
      assert.equal(e.message, '人口.csv: the file is empty');
      assert.equal(e.messageZh, '人口.csv：文件为空');
      return true;
    });
  });

  test('records carry the display name; progress reaches the file size', async () => {
    const path = dir.text('progress.csv', 'a,b\n' + '1,2\n'.repeat(1000));
    const seen: number[] = [];
    const records = [];
    for await (const r of readRecords(path, { displayName: '上传.csv', onProgress: (bytes, total) => seen.push(bytes / total) }))
      records.push(r);
    assert.equal(records.length, 1000);
    assert.equal(records[0]?.file, '上传.csv');
    assert.equal(seen.at(-1), 1);
  });

  test('stopping early closes the file; sampleRecords with n = 0 reads nothing', async () => {
    const path = dir.text('early.csv', 'a\n1\n2\n3\n');
    for await (const r of readRecords(path)) {
      assert.equal(r.row, 2);
      break;
    }
    assert.deepEqual(await sampleRecords(path, 0), []);
    assert.equal((await sampleRecords(path, 2)).length, 2);
  });

  test('a 200,000-row CSV streams: the live heap grows far less than the file size', async () => {
    // Measure what is retained, not garbage waiting for collection: collect before each reading.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const path = dir.file('big.csv');
    const out = createWriteStream(path);
    out.write('姓名,性别,身份证号,出生日期,地址,电话\n');
    let size = 0;
    for (let block = 0; block < 200; block++) {
      let lines = '';
      for (let i = block * 1000; i < (block + 1) * 1000; i++) {
        lines += `张${i % 97}伟,男,3101051980${String(i).padStart(8, '0')},1980-01-01,上海市长宁区新华路${i % 500}弄${i % 30}号${i % 9}室（${'实有人口'.repeat(1 + (i % 3))}）,138${String(i).padStart(8, '0')}\n`;
      }
      size += Buffer.byteLength(lines);
      if (!out.write(lines)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let last = '';
    for await (const r of readRecords(path)) {
      count++;
      last = r.cells['身份证号'] ?? '';
      if (count % 50_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    assert.equal(count, 200_000);
    assert.equal(last, '310105198000199999');
    assert.ok(size > 25_000_000, `file is ${size} bytes`);
    assert.ok(
      peak < 16 * 1024 * 1024,
      `live heap grew by ${Math.round(peak / 1048576)} MB reading a ${Math.round(size / 1048576)} MB file`,
    );
  });
});
