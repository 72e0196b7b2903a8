import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkValueShape, isIsoDate, maskPhone } from './value.ts';
import { VALUE_TYPES, type ValueType } from './types.ts';

/** [raw input, canonical value] pairs accepted, and raw inputs rejected, per value type. */
const CASES: Record<ValueType, { readonly accept: readonly (readonly [string, string])[]; readonly reject: readonly string[] }> = {
  string: {
    accept: [
      ['张伟', '张伟'],
      ['  上海市长宁区 愚园路 ', '上海市长宁区 愚园路'],
      ['x'.repeat(500), 'x'.repeat(500)],
    ],
    reject: ['', '   ', 'x'.repeat(501)],
  },
  code: {
    accept: [
      ['01', '01'],
      ['0', '0'],
      [' 10 ', '10'],
      ['CN_ID', 'CN_ID'],
      ['a.b-c_d', 'a.b-c_d'],
      ['9'.repeat(32), '9'.repeat(32)],
    ],
    reject: ['', '汉族', '01 02', '9'.repeat(33), '01/02'],
  },
  date: {
    accept: [
      ['2024-02-29', '2024-02-29'],
      ['2000-02-29', '2000-02-29'],
      [' 1990-03-07 ', '1990-03-07'],
      ['1949-10-01', '1949-10-01'],
    ],
    reject: ['2023-02-29', '1900-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-2-1', '20230201', '2023/02/01', '2023-02-01T00:00:00Z', 'yesterday'],
  },
  integer: {
    accept: [
      ['007', '7'],
      ['0', '0'],
      ['-0012', '-12'],
      [' 42 ', '42'],
      ['999999999999999', '999999999999999'],
    ],
    reject: ['1.5', '1e3', '+5', '1 000', '1,000', '9999999999999999', 'twelve', '-'],
  },
  decimal: {
    accept: [
      ['3.14', '3.14'],
      ['-0.5', '-0.5'],
      ['12', '12'],
      ['1.123456', '1.123456'],
    ],
    reject: ['.5', '5.', '1.1234567', '1e3', '1,5', 'abc'],
  },
  boolean: {
    accept: [
      ['true', 'true'],
      ['false', 'false'],
      [' true ', 'true'],
    ],
    reject: ['TRUE', 'yes', '1', '是'],
  },
  phone: {
    accept: [
      ['13800138000', '13800138000'],
      ['138 0013 8000', '13800138000'],
      ['138-0013-8000', '13800138000'],
      ['19912345678', '19912345678'],
      ['021-62345678', '02162345678'],
      ['021 6234 5678', '02162345678'],
    ],
    reject: ['', '12345', '138001380001234567', '138-0013-800a', 'phone'],
  },
};

describe('checkValueShape', () => {
  for (const type of VALUE_TYPES) {
    describe(type, () => {
      const { accept, reject } = CASES[type];
      test('has accepted and rejected cases', () => {
        assert.ok(accept.length > 0 && reject.length > 0);
      });
      for (const [raw, canonical] of accept) {
        test(`accepts ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 10)}…(${raw.length})` : raw)} as ${JSON.stringify(canonical.length > 40 ? `…(${canonical.length})` : canonical)}`, () => {
          assert.deepEqual(checkValueShape(type, raw), { ok: true, value: canonical });
        });
      }
      for (const raw of reject) {
        test(`rejects ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 10)}…(${raw.length})` : raw)}`, () => {
          const r = checkValueShape(type, raw);
          assert.equal(r.ok, false);
          assert.ok(!r.ok && r.reason.length > 0, 'a rejection says why');
        });
      }
    });
  }

  test('the canonical value is a fixed point: checking it again gives it back', () => {
    for (const type of VALUE_TYPES) {
      for (const [, canonical] of CASES[type].accept) {
        assert.deepEqual(checkValueShape(type, canonical), { ok: true, value: canonical }, `${type} ${canonical.slice(0, 20)}`);
      }
    }
  });
});

describe('isIsoDate', () => {
  test('real calendar dates in YYYY-MM-DD', () => {
    assert.equal(isIsoDate('2024-02-29'), true);
    assert.equal(isIsoDate('2023-12-31'), true);
  });
  test('impossible or differently written dates', () => {
    for (const s of ['2023-02-29', '2023-06-31', '2023-6-30', '23-06-30', '2023-06-30 ', '']) assert.equal(isIsoDate(s), false, JSON.stringify(s));
  });
});

describe('maskPhone', () => {
  test('keeps the first 3 and last 4 digits', () => {
    assert.equal(maskPhone('13800138000'), '138****8000');
    assert.equal(maskPhone('02162345678'), '021****5678');
  });
  test('hides short numbers entirely', () => {
    assert.equal(maskPhone('1234567'), '*******');
  });
});

describe('canonical decimals and strict phone numbers', () => {
  test('decimals: one string per number', () => {
    const c = (v: string) => {
      const r = checkValueShape('decimal', v);
      return r.ok ? r.value : `!${r.reason}`;
    };
    assert.equal(c('007.50'), '7.5');
    assert.equal(c('1.50'), c('1.5'));
    assert.equal(c('-0'), '0');
    assert.equal(c('-0.000'), '0');
    assert.equal(c('12.000'), '12');
  });

  test('phones: mainland mobile and fixed-line numbers only', () => {
    const c = (v: string) => {
      const r = checkValueShape('phone', v);
      return r.ok ? r.value : null;
    };
    assert.equal(c('+86 138 0013 8000'), '13800138000');
    assert.equal(c('0086-13800138000'), '13800138000');
    assert.equal(c('021-62345678'), '02162345678');
    assert.equal(c('(021) 6234 5678'), '02162345678');
    assert.equal(c('62345678'), '62345678');
    for (const bad of ['123456789', '00000000000', '12800138000', '1380013800', '138001380001']) assert.equal(c(bad), null, bad);
  });
});
