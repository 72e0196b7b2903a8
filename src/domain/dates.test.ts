import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ageOn, todayIso } from './dates.ts';

const shanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

test("today's date in Shanghai agrees with the time-zone database for any instant since 1992", () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
      const d = new Date(ms);
      assert.equal(todayIso(d), shanghai.format(d));
    }),
    { numRuns: 2000 },
  );
  // Around midnight in Shanghai (16:00 UTC).
  assert.equal(todayIso(new Date('2026-11-27T15:59:59.999Z')), '2026-11-27');
  assert.equal(todayIso(new Date('2026-11-27T16:00:00.000Z')), '2026-11-28');
});

test('whole years of age on a date', () => {
  assert.equal(ageOn('1964-11-28', '2024-11-27'), 59);
  assert.equal(ageOn('1964-11-27', '2024-11-27'), 60);
  assert.equal(ageOn('2000-02-29', '2024-02-28'), 23);
});
