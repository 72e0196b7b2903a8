import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { editDistance, jaro, jaroWinkler, withinOneEdit } from './jaro-winkler.ts';

describe('Jaro–Winkler', () => {
  // Published values (Winkler 1990; the usual textbook pairs).
  const cases: [string, string, number, number][] = [
    ['martha', 'marhta', 0.944, 0.961],
    ['dwayne', 'duane', 0.822, 0.84],
    ['dixon', 'dicksonx', 0.767, 0.813],
    ['jones', 'johnson', 0.79, 0.832],
    ['abc', 'abc', 1, 1],
    ['abc', 'xyz', 0, 0],
    ['', 'abc', 0, 0],
  ];
  for (const [a, b, j, jw] of cases) {
    test(`${a} / ${b}`, () => {
      assert.ok(Math.abs(jaro(a, b) - j) < 0.001, `jaro ${jaro(a, b)}`);
      assert.ok(Math.abs(jaroWinkler(a, b) - jw) < 0.001, `jw ${jaroWinkler(a, b)}`);
    });
  }
  test('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (a, b) => {
        const x = jaroWinkler(a, b);
        assert.ok(x >= 0 && x <= 1);
        assert.ok(Math.abs(x - jaroWinkler(b, a)) < 1e-12);
      }),
    );
  });
  test('works for strings longer than its scratch buffers', () => {
    const a = 'a'.repeat(100) + 'b';
    assert.ok(jaroWinkler(a, `${'a'.repeat(100)}c`) > 0.95);
  });
});

describe('edit distance (optimal string alignment)', () => {
  const cases: [string, string, number][] = [
    ['4223', '4223', 0],
    ['4223', '4233', 1],
    ['4223', '2423', 1],
    ['4223', '423', 1],
    ['4223', '42235', 1],
    ['4223', '5678', 2],
  ];
  for (const [a, b, d] of cases) test(`${a} / ${b} = ${d}`, () => assert.equal(Math.min(editDistance(a, b, 1), 2), d));
});

describe('within one edit', () => {
  const cases: [string, string, boolean][] = [
    ['4223', '4223', true],
    ['4223', '4233', true],
    ['4223', '2423', true],
    ['4223', '4232', true],
    ['4223', '423', true],
    ['4223', '42235', true],
    ['4223', '5678', false],
    ['4223', '2432', false],
    ['abc', 'a', false],
    ['', 'a', true],
  ];
  for (const [a, b, expected] of cases) test(`${a} / ${b}: ${expected}`, () => assert.equal(withinOneEdit(a, b), expected));
  test('agrees with the edit distance', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'b', 'c') }),
        fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'b', 'c') }),
        (a, b) => withinOneEdit(a, b) === editDistance(a, b, 1) <= 1,
      ),
    );
  });
});
