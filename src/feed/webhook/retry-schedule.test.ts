/** The retry schedule: the documented delays, capped at 8 h, giving up 3 days after the first failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt, retryDelayMs } from './retry-schedule.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

test('delays grow 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, then stay at 8 h', () => {
  const delays = Array.from({ length: 12 }, (_, i) => retryDelayMs(DEFAULT_RETRY_SCHEDULE, i + 1));
  assert.deepEqual(delays, [5 * S, 30 * S, 2 * M, 10 * M, 30 * M, H, 2 * H, 4 * H, 8 * H, 8 * H, 8 * H, 8 * H]);
});

test('failing every time: attempts go on for 3 days from the first failure, the last one at the horizon, then give up', () => {
  const first = new Date('2026-11-27T00:00:00.000Z');
  const times: number[] = [];
  let now = first;
  for (let failures = 1; failures < 100; failures++) {
    const next = nextAttemptAt(DEFAULT_RETRY_SCHEDULE, failures, first, now);
    if (next === undefined) break;
    times.push(next.getTime() - first.getTime());
    now = next;
  }
  assert.deepEqual(times.slice(0, 3), [5 * S, 35 * S, 155 * S]);
  assert.equal(times.at(-1), 72 * H, 'the last attempt is at the 3-day horizon');
  assert.ok(times.every((t, i) => i === 0 || t > (times[i - 1] ?? 0)), 'strictly later each time');
  // 9 scheduled steps reach 8h at ~15 h 47 min; then 8 h steps until 72 h.
  assert.equal(times.length, 17);
});

test('the same inputs give the same answer (no jitter); past the horizon there is no next attempt', () => {
  const first = new Date('2026-11-27T00:00:00.000Z');
  const now = new Date('2026-11-27T01:00:00.000Z');
  assert.deepEqual(nextAttemptAt(DEFAULT_RETRY_SCHEDULE, 4, first, now), nextAttemptAt(DEFAULT_RETRY_SCHEDULE, 4, first, now));
  assert.equal(nextAttemptAt(DEFAULT_RETRY_SCHEDULE, 4, first, now)?.toISOString(), '2026-11-27T01:10:00.000Z');
  assert.equal(nextAttemptAt(DEFAULT_RETRY_SCHEDULE, 20, first, new Date(first.getTime() + 72 * H)), undefined);
  assert.throws(() => retryDelayMs({ delaysMs: [], horizonMs: 1 }, 1));
});
