/**
 * AreaCodeHistory (src/domain/id-number.ts) over the GB/T 2260 history rows: which years a 6-digit
 * code was in use and its latest name. Rows of the same code that follow on without a gap (a rename,
 * a move to another prefecture) are merged into one period.
 */
import type { AreaCodeHistory } from '../domain/id-number.ts';
import type { AreaHistoryEntry } from '../domain/standard/types.ts';
import { loadAreaHistory } from './area-history-loader.ts';
import { defaultDataDir } from './data-dir.ts';

export interface UsagePeriod {
  readonly startYear: number;
  /** Inclusive; null = still in use. */
  readonly endYear: number | null;
}

const NONE: readonly UsagePeriod[] = Object.freeze([]);

/** Merges the rows of one code into periods of use, oldest first. */
export function usagePeriods(rows: readonly Pick<AreaHistoryEntry, 'startYear' | 'endYear'>[]): UsagePeriod[] {
  const sorted = [...rows].sort((a, b) => a.startYear - b.startYear);
  const periods: { startYear: number; endYear: number | null }[] = [];
  for (const row of sorted) {
    const last = periods.at(-1);
    if (last && (last.endYear === null || row.startYear <= last.endYear)) {
      if (last.endYear !== null) last.endYear = row.endYear === null ? null : Math.max(last.endYear, row.endYear);
    } else {
      periods.push({ startYear: row.startYear, endYear: row.endYear });
    }
  }
  return periods;
}

/** Builds the look-up once: periods and name of every code in `history`, answered from Maps. */
export function createAreaCodeHistory(history: readonly AreaHistoryEntry[]): AreaCodeHistory {
  const byCode = new Map<string, AreaHistoryEntry[]>();
  for (const row of history) {
    const rows = byCode.get(row.code);
    if (rows) rows.push(row);
    else byCode.set(row.code, [row]);
  }
  const periods = new Map<string, readonly UsagePeriod[]>();
  const names = new Map<string, string>();
  for (const [code, rows] of byCode) {
    periods.set(code, Object.freeze(usagePeriods(rows).map((p) => Object.freeze(p))));
    const latest = rows.reduce((a, b) => (b.startYear > a.startYear ? b : a));
    names.set(code, latest.name);
  }
  return {
    periods: (code) => periods.get(code) ?? NONE,
    name: (code) => names.get(code),
  };
}

let cached: AreaCodeHistory | undefined;

/** The history of the shipped file, loaded on first use and kept; needs no database (used by `populus id check`). */
export function defaultAreaCodeHistory(): AreaCodeHistory {
  cached ??= createAreaCodeHistory(loadAreaHistory(defaultDataDir()));
  return cached;
}
