import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { idNumber, phone } from './identifier-transforms.ts';
import { familyName, givenName, splitLatinName } from './latin-name.ts';
import type { TransformResult } from './transform.ts';

function v(r: TransformResult): string {
  return r.ok ? r.value : `!${r.code}`;
}

describe('idNumber', () => {
  test('normalises what people and spreadsheets do to ID numbers', () => {
    const cases: [string, string][] = [
      ['31010519900202122x', '31010519900202122X'],
      [' 3101 0519 9002 0212 2X ', '31010519900202122X'],
      ['３１０１０５１９９００２０２１２２Ｘ', '31010519900202122X'],
      ["'310105199002021228", '310105199002021228'],
      ['="310105199002021228"', '310105199002021228'],
      ['310105900202122', '310105900202122'],
      ['', ''],
    ];
    for (const [input, expected] of cases) assert.equal(v(idNumber(input)), expected, JSON.stringify(input));
  });

  test('scientific notation has lost digits; punctuation is not part of a number', () => {
    assert.equal(v(idNumber('3.10105E+17')), '!LOSSY_NUMBER');
    assert.equal(v(idNumber('3.10105199002021E17')), '!LOSSY_NUMBER');
    assert.equal(v(idNumber('310105-19900202-1228')), '!INVALID_ID_NUMBER');
  });
});

describe('phone', () => {
  test('mobile and landline numbers as digits', () => {
    const cases: [string, string][] = [
      ['138 1234 5678', '13812345678'],
      ['138-1234-5678', '13812345678'],
      ['+86 138 1234 5678', '13812345678'],
      ['0086-13812345678', '13812345678'],
      ['8613812345678', '13812345678'],
      ['+86 21 6283 1234', '02162831234'],
      ['(021) 6283-1234', '02162831234'],
      ['021－６２８３１２３４', '02162831234'],
      ['62831234', '62831234'],
      ['', ''],
    ];
    for (const [input, expected] of cases) assert.equal(v(phone(input)), expected, JSON.stringify(input));
  });

  test('two numbers in a cell, and things that are not numbers', () => {
    assert.equal(v(phone('13812345678/13987654321')), '!MULTIPLE_VALUES');
    assert.equal(v(phone('13812345678、021-62831234')), '!MULTIPLE_VALUES');
    assert.equal(v(phone('无')), '!INVALID_PHONE');
    assert.equal(v(phone('12345')), '!INVALID_PHONE');
    assert.equal(v(phone('6283 1234 转 801')), '!INVALID_PHONE');
  });
});

describe('Latin names', () => {
  test('the all-caps token is the family name; a comma separates family, given', () => {
    const cases: [string, string, string][] = [
      ['SMITH John', 'SMITH', 'John'],
      ['John SMITH', 'SMITH', 'John'],
      ['SMITH, John', 'SMITH', 'John'],
      ['Smith, John Paul', 'Smith', 'John Paul'],
      ['SATO HIROSHI', 'SATO', 'HIROSHI'],
      ['Hiroshi Sato', 'Sato', 'Hiroshi'],
      ['VAN DER BERG Jan', 'VAN DER BERG', 'Jan'],
      ["John A. O'BRIEN", "O'BRIEN", 'John A.'],
      ['KIM  Min-jun', 'KIM', 'Min-jun'],
      ['Madonna', 'Madonna', ''],
      ['', '', ''],
    ];
    for (const [name, family, given] of cases) assert.deepEqual(splitLatinName(name), { family, given }, name);
  });

  test('familyName and givenName transforms; a Chinese name is not split', () => {
    assert.equal(v(familyName('Hiroshi Sato')), 'Sato');
    assert.equal(v(givenName('Hiroshi Sato')), 'Hiroshi');
    assert.equal(v(familyName('张伟')), '!NOT_A_LATIN_NAME');
  });
});
