import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { parseJsonLine, quoteLongNumbers } from './jsonl-reader.ts';
import { openSourceFile, readRecords, type SourceRecord } from './record-reader.ts';
import { FixtureDir } from './test-fixtures.ts';

const dir = new FixtureDir();
after(() => dir.remove());

describe('JSON Lines files', () => {
  test('one record per object line; a bad line is a BAD_JSON row problem and reading goes on', async () => {
    const path = dir.text(
      'push.jsonl',
      [
        '{"姓名":"张伟","身份证号":310105198001011234,"年龄":44,"党员":true,"备注":null,"地址":{"路":"新华路","号":"211"}}',
        '',
        '[1,2]',
        '{"姓名":"王芳",',
        '{"姓名":"李娜","电话":"138"}',
      ].join('\r\n'),
    );
    const source = await openSourceFile(path);
    assert.deepEqual(source.header, {
      format: 'jsonl',
      encoding: 'utf8',
      headers: ['姓名', '身份证号', '年龄', '党员', '备注', '地址', '电话'],
      headerRow: 0,
      size: source.header.size,
    });
    const records: SourceRecord[] = [];
    for await (const r of source.records) records.push(r);
    assert.deepEqual(records[0], {
      file: 'push.jsonl',
      row: 1,
      cells: { 姓名: '张伟', 身份证号: '310105198001011234', 年龄: '44', 党员: 'true', 备注: '', 地址: '{"路":"新华路","号":"211"}' },
    });
    assert.deepEqual(
      records.map((r) => [r.row, r.problems?.[0]?.code ?? 'OK']),
      [
        [1, 'OK'],
        [3, 'BAD_JSON'],
        [4, 'BAD_JSON'],
        [5, 'OK'],
      ],
    );
  });

  test('GBK-encoded JSON Lines are read too', async () => {
    const path = dir.text('gbk.jsonl', '{"姓名":"张伟"}\n', 'gbk');
    const out: SourceRecord[] = [];
    for await (const r of readRecords(path)) out.push(r);
    assert.deepEqual(out[0]?.cells, { 姓名: '张伟' });
  });

  test('long numbers are quoted before parsing, outside strings only', () => {
    assert.equal(
      quoteLongNumbers('{"a":310105198001011234,"b":"x 1234567890123456 y","c":-12345678901234567.5,"d":12}'),
      '{"a":"310105198001011234","b":"x 1234567890123456 y","c":"-12345678901234567.5","d":12}',
    );
    assert.equal(
      quoteLongNumbers('{"s":"a\\"1234567890123456","n":[1234567890123456]}'),
      '{"s":"a\\"1234567890123456","n":["1234567890123456"]}',
    );
  });

  test('a line that is JSON but not an object says what it is', () => {
    assert.deepEqual(parseJsonLine('f', 7, '"text"'), {
      file: 'f',
      row: 7,
      cells: {},
      problems: [{ code: 'BAD_JSON', message: 'the line is JSON but not an object (string)' }],
    });
  });
});
