import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { date } from './date-transform.ts';
import { excelSerialParts, isoToExcelSerial } from './excel-serial.ts';
import type { TransformOptions } from './transform.ts';

function value(text: string, options?: TransformOptions): string {
  const r = date(text, options);
  return r.ok ? r.value : `!${r.code}`;
}

describe('date', () => {
  test('the formats department files use, to ISO', () => {
    const cases: [string, string][] = [
      ['2008-09-05', '2008-09-05'],
      ['2008-9-5', '2008-09-05'],
      ['2008/9/5', '2008-09-05'],
      ['2008.9.5', '2008-09-05'],
      ['2008.09.05', '2008-09-05'],
      ['20080905', '2008-09-05'],
      ['2008年9月5日', '2008-09-05'],
      ['2008年09月05日', '2008-09-05'],
      ['2008 年 9 月 5 号', '2008-09-05'],
      ['２００８年９月５日', '2008-09-05'],
      ['２００８－０９－０５', '2008-09-05'],
      ['2008-09-05 14:30:00', '2008-09-05'],
      ['2008/9/5 0:00', '2008-09-05'],
      ['2008-09-05T00:00:00Z', '2008-09-05'],
      ['39696', '2008-09-05'],
      ['39696.75', '2008-09-05'],
      [' 2008-09-05 ', '2008-09-05'],
      ['', ''],
      ['   ', ''],
    ];
    for (const [input, expected] of cases) assert.equal(value(input), expected, JSON.stringify(input));
  });

  test('impossible dates, unknown formats and mixed separators are refused with a reason', () => {
    assert.equal(value('2008-02-30'), '!IMPOSSIBLE_DATE');
    assert.equal(value('2009-02-29'), '!IMPOSSIBLE_DATE');
    assert.equal(value('2008-02-29'), '2008-02-29');
    assert.equal(value('2008-13-01'), '!IMPOSSIBLE_DATE');
    assert.equal(value('20081301'), '!IMPOSSIBLE_DATE');
    assert.equal(value('2008-09/05'), '!INVALID_DATE');
    assert.equal(value('08-9-5'), '!INVALID_DATE');
    assert.equal(value('九月五日'), '!INVALID_DATE');
    assert.equal(value('1700-01-01'), '!DATE_OUT_OF_RANGE');
    const r = date('2008-02-30');
    assert.ok(!r.ok && r.reason.length > 0);
  });

  test('year-last dates need the profile to say the order; never guessed', () => {
    assert.equal(value('5/9/2008'), '!AMBIGUOUS_DATE');
    assert.equal(value('25/9/2008'), '!AMBIGUOUS_DATE');
    assert.equal(value('5/9/2008', { dayFirst: true }), '2008-09-05');
    assert.equal(value('05.09.2008', { dayFirst: true }), '2008-09-05');
    assert.equal(value('5/9/2008', { monthFirst: true }), '2008-05-09');
    assert.equal(value('25/9/2008', { monthFirst: true }), '!IMPOSSIBLE_DATE');
    assert.equal(value('5/9/2008', { dayFirst: true, monthFirst: true }), '!BAD_OPTION');
    assert.equal(value('2008-09-05', { dayfirst: true }), '!BAD_OPTION');
  });

  test('Excel serials: 1–80000, the 1900-02-29 that never was, and four digits that could be a year', () => {
    assert.equal(value('1'), '1900-01-01', 'serial 1');
    assert.equal(value('59'), '1900-02-28');
    assert.equal(value('60'), '!IMPOSSIBLE_DATE');
    assert.equal(value('61'), '1900-03-01');
    assert.equal(value('80000'), '2119-01-11');
    assert.equal(value('80001'), '!DATE_OUT_OF_RANGE');
    assert.equal(value('0'), '!DATE_OUT_OF_RANGE');
    assert.equal(value('1980'), '!AMBIGUOUS_DATE');
    assert.equal(value('1980', { serial: true }), '1905-06-02');
    assert.equal(value('39696', { serial: false }), '!INVALID_DATE');
  });

  test('partial dates only when the profile allows them', () => {
    assert.equal(value('2008-09'), '!INVALID_DATE');
    assert.equal(value('2008-09', { partial: true }), '2008-09');
    assert.equal(value('2008年9月', { partial: true }), '2008-09');
    assert.equal(value('200809', { partial: true }), '2008-09');
    assert.equal(value('2008', { partial: true }), '2008');
    assert.equal(value('2008年', { partial: true }), '2008');
    assert.equal(value('2008-13', { partial: true }), '!IMPOSSIBLE_DATE');
    assert.equal(value('2008-09-05', { partial: true }), '2008-09-05');
  });
});

describe('Excel serial days', () => {
  test('round trip with ISO dates on both sides of 1900-03-01', () => {
    for (const iso of ['1900-01-01', '1900-02-28', '1900-03-01', '1980-01-01', '2008-09-05', '2024-12-31']) {
      assert.equal(excelSerialParts(isoToExcelSerial(iso))?.date, iso, iso);
    }
  });

  test('time of day, the 1904 system, and serial 0', () => {
    assert.deepEqual(excelSerialParts(39696.75), { date: '2008-09-05', time: '18:00:00' });
    assert.deepEqual(excelSerialParts(0.5), { date: '', time: '12:00:00' });
    assert.deepEqual(excelSerialParts(38234, true), { date: '2008-09-05', time: '00:00:00' });
    assert.equal(excelSerialParts(-1), undefined);
  });
});
