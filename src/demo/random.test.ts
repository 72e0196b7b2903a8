import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addYears, ageOn, excelSerial, formatDate, fromDay, parseDate, toDay, DATE_STYLES } from './calendar.ts';
import { CODE_LISTS, encode, reverse } from './code-lists.ts';
import { canSwap, noisyId, scaledNoise, swapDayMonth, DEFAULT_NOISE, noiseIsOff } from './noise.ts';
import { homophoneVariant, traditionalVariant, westernOrder } from './name-generator.ts';
import { apportion, Random, Weighted } from './random.ts';
import { checkIdNumber, computeCheckChar } from '../domain/id-number.ts';
import { defaultAreaCodeHistory } from '../reference/area-code-history.ts';

describe('Random', () => {
  test('the same seed and labels give the same numbers, other labels others', () => {
    const a = Random.from(42, 'x');
    const b = Random.from(42, 'x');
    const c = Random.from(42, 'y');
    const sa = Array.from({ length: 20 }, () => a.next());
    assert.deepEqual(
      sa,
      Array.from({ length: 20 }, () => b.next()),
    );
    assert.notDeepEqual(
      sa,
      Array.from({ length: 20 }, () => c.next()),
    );
  });

  test('int stays within bounds and reaches both ends', () => {
    const r = Random.from('bounds');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = r.int(3, 7);
      assert.ok(n >= 3 && n <= 7, `${n} out of bounds`);
      seen.add(n);
    }
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6, 7]);
  });

  test('Weighted draws in proportion to the weights', () => {
    const w = new Weighted([
      ['a', 1],
      ['b', 3],
    ]);
    const r = Random.from('weights');
    let b = 0;
    for (let i = 0; i < 4000; i++) if (w.draw(r) === 'b') b++;
    assert.ok(b > 2800 && b < 3200, `b drawn ${b} times of 4000`);
  });

  test('apportion splits a total exactly', () => {
    const parts = apportion(1636, [1, 1.2, 0.7, 0.9]);
    assert.equal(
      parts.reduce((a, b) => a + b, 0),
      1636,
    );
    assert.ok(
      parts.every((p) => p > 300 && p < 520),
      parts.join(' '),
    );
  });
});

describe('calendar', () => {
  test('day numbers round-trip across centuries', () => {
    for (const iso of ['1900-02-28', '1900-03-01', '1970-01-01', '2000-02-29', '2024-12-31']) assert.equal(fromDay(toDay(iso)), iso);
    assert.equal(toDay('1970-01-02'), 1);
  });

  test('every date style formats and parses back', () => {
    for (const style of DATE_STYLES) assert.equal(parseDate(formatDate('2008-09-05', style), style), '2008-09-05', style);
    assert.equal(formatDate('2008-09-05', 'slash'), '2008/9/5');
    assert.equal(formatDate('2008-09-05', 'zh'), '2008年9月5日');
    assert.equal(excelSerial('2008-09-05'), 39696);
    assert.equal(parseDate('2008/2/30', 'slash'), undefined);
  });

  test('ages and anniversaries', () => {
    assert.equal(ageOn('1964-12-31', '2024-12-30'), 59);
    assert.equal(ageOn('1964-12-31', '2024-12-31'), 60);
    assert.equal(addYears('2024-02-29', 1), '2025-02-28');
  });
});

describe('code lists', () => {
  test('every local list is one-to-one, so it maps back to the standard exactly', () => {
    for (const list of CODE_LISTS.values()) {
      const back = reverse(list);
      assert.equal(Object.keys(back).length, Object.keys(list.labels).length, `${list.id} has a repeated label`);
      for (const [code, label] of Object.entries(list.labels)) assert.equal(back[encode(list, code)], code, `${list.id} ${label}`);
    }
  });
});

describe('noise', () => {
  const areas = defaultAreaCodeHistory();
  const id = '310105199003071236';

  test('a mistyped digit breaks the check character; the 15-digit form converts back', () => {
    const r = Random.from('noise');
    for (let i = 0; i < 50; i++) {
      const bad = noisyId(r, id, 'invalid');
      assert.notEqual(bad, id);
      assert.equal(checkIdNumber(bad, { areas, today: '2024-12-31' }).valid, false);
    }
    const old = noisyId(r, id, '15-digit');
    assert.equal(old.length, 15);
    const verdict = checkIdNumber(old, { areas, today: '2024-12-31' });
    assert.ok(verdict.valid && verdict.facts.number === id, 'the 15-digit form converts back');
    assert.equal(noisyId(r, id, 'missing'), '');
  });

  test('day and month swap only where both are months', () => {
    assert.equal(swapDayMonth('2008-09-05'), '2008-05-09');
    assert.equal(canSwap('2008-09-05'), true);
    assert.equal(canSwap('2008-09-25'), false);
    assert.equal(canSwap('2008-09-09'), false);
  });

  test('names: homophones change one character, traditional characters, western order', () => {
    const r = Random.from('names');
    const v = homophoneVariant(r, '张伟');
    assert.equal(v.length, 2);
    assert.notEqual(v, '张伟');
    assert.equal(traditionalVariant('张伟'), '張偉');
    assert.equal(westernOrder({ family: 'SATO', given: 'HIROSHI' }), 'Hiroshi Sato');
  });

  test('--noise 0 switches every rate off', () => {
    assert.equal(noiseIsOff(scaledNoise(0)), true);
    assert.equal(noiseIsOff(DEFAULT_NOISE), false);
    assert.equal(scaledNoise(2).duplicate, DEFAULT_NOISE.duplicate * 2);
  });

  test('computeCheckChar is what the generator relies on', () => {
    assert.equal(computeCheckChar('31010519900307123'), '6');
  });
});
