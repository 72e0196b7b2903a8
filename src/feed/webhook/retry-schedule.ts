/**
 * When a failed delivery is tried again: deterministic exponential backoff (no jitter, so a
 * subscription's next attempt can be shown and tested) — 5 s, 30 s, 2 min, 10 min, 30 min, 1 h,
 * 2 h, 4 h, 8 h, then every 8 h — for up to 3 days from the first failure; after that the
 * delivery is dead-lettered. Pure.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export interface RetrySchedule {
  /** Delay after the 1st, 2nd, … failure; the last one repeats. */
  readonly delaysMs: readonly number[];
  /** How long after the first failure attempts go on. */
  readonly horizonMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = Object.freeze({
  delaysMs: Object.freeze([5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR]),
  horizonMs: 72 * HOUR,
});

/** The wait after the `failures`-th failure in a row (1-based). */
export function retryDelayMs(schedule: RetrySchedule, failures: number): number {
  const d = schedule.delaysMs;
  if (d.length === 0) throw new Error('a retry schedule needs at least one delay');
  const i = Math.min(Math.max(failures, 1), d.length) - 1;
  return d[i] ?? 0;
}

/**
 * When to try again after the `failures`-th failure in a row, or `undefined` to give up (dead letter):
 * never later than the horizon; once the horizon has passed, no further attempt.
 */
export function nextAttemptAt(schedule: RetrySchedule, failures: number, firstFailureAt: Date, now: Date): Date | undefined {
  const deadline = firstFailureAt.getTime() + schedule.horizonMs;
  if (now.getTime() >= deadline) return undefined;
  return new Date(Math.min(now.getTime() + retryDelayMs(schedule, failures), deadline));
}
