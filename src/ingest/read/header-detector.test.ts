import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { columnLetter, findHeaderRow, headerColumns, normalizeHeader } from './header-detector.ts';
import { sniffDelimiter } from './delimiter-sniffer.ts';

describe('findHeaderRow', () => {
  test('skips a merged title, a blank row and a printed-on line', () => {
    const rows = [
      ['新华路街道计划生育对象花名册', '', '', '', ''],
      ['', '', '', '', ''],
      ['打印日期：2024年12月31日', '', '', '制表：张三', ''],
      ['姓名', '性别', '身份证号', '出生日期', '备注'],
      ['王芳', '女', '310105199001011228', '1990-01-01', ''],
      ['李娜', '女', '310105199202021224', '1992-02-02', ''],
    ];
    assert.equal(findHeaderRow(rows), 3);
  });

  test('the first row when there is no title', () => {
    assert.equal(
      findHeaderRow([
        ['姓名', '身份证号'],
        ['王芳', '310105199001011228'],
      ]),
      0,
    );
  });

  test('a header with some empty cells still qualifies; data rows that look like values do not', () => {
    assert.equal(
      findHeaderRow([
        ['姓名', '', '身份证号', '电话'],
        ['王芳', '女', '310105199001011228', '13812345678'],
      ]),
      0,
    );
    assert.equal(
      findHeaderRow([
        ['310105199001011228', '1990-01-01', '13812345678'],
        ['310105199202021224', '1992-02-02', '13912345678'],
      ]),
      -1,
    );
  });

  test('a single-column file has its first filled row as header', () => {
    assert.equal(findHeaderRow([[''], ['身份证号'], ['310105199001011228']]), 1);
  });

  test('nothing filled: -1', () => {
    assert.equal(findHeaderRow([[''], ['', '']]), -1);
  });
});

describe('header names', () => {
  test('trimmed of ideographic and zero-width spaces; wrapped Chinese headers joined; Latin ones spaced', () => {
    assert.equal(normalizeHeader('\u3000姓名\u00a0'), '姓名');
    assert.equal(normalizeHeader('出生\n日期'), '出生日期');
    assert.equal(normalizeHeader('Date of\r\nbirth'), 'Date of birth');
    assert.equal(normalizeHeader('\ufeff身份证号'), '身份证号');
  });

  test('trailing empty header cells are dropped, inner ones named by position', () => {
    assert.deepEqual(headerColumns(['姓名', '', '电话', '', '']), { ok: true, names: ['姓名', '#2', '电话'] });
  });

  test('a duplicate is reported with both positions', () => {
    assert.deepEqual(headerColumns(['姓名', '电话', ' 姓名']), { ok: false, duplicate: '姓名', columns: [1, 3] });
  });

  test('column letters', () => {
    assert.deepEqual([1, 26, 27, 52, 703].map(columnLetter), ['A', 'Z', 'AA', 'AZ', 'AAA']);
  });
});

describe('sniffDelimiter', () => {
  test('comma, tab, semicolon and bar; a title line and quoted delimiters do not mislead it', () => {
    assert.equal(sniffDelimiter('花名册\n姓名,地址,电话\n王芳,"新华路1号,2室",138\n李娜,新华路2号,139\n'), ',');
    assert.equal(sniffDelimiter('姓名\t地址,楼层\t电话\n王芳\t新华路1号,2室\t138\n李娜\t新华路2号,3室\t139\n'), '\t');
    assert.equal(sniffDelimiter('a;b;c\n1;2,5;3\n4;5;6\n'), ';');
    assert.equal(sniffDelimiter('a|b\n1|2\n'), '|');
    assert.equal(sniffDelimiter('只有一列\n值\n'), ',');
  });
});
