/**
 * The dashboard's freshness card: per source, when it last delivered (its last import and status)
 * and what share of the current values it gave are past their element's freshness (the days a
 * value stays trusted without re-verification, from the data standard) — a value last observed
 * (or, without an observation date, recorded) before today minus those days. Counted street-wide
 * by one GROUP BY (src/store/freshness.repository.ts) and kept until a source delivers again, the
 * day changes or ten minutes pass. No personal data; the counts behind a share, like the rows an
 * import read, only for sources whose imports you may read.
 */
import { mayActOnSource, mayPerform } from '../../access/operations.ts';
import type { Principal } from '../../access/principal.ts';
import { todayIso } from '../../domain/dates.ts';
import type { FreshnessCutoff, SourceFreshness } from '../../store/freshness.repository.ts';
import type { DataAccess } from '../../store/repositories.ts';

export interface SourceFreshnessFigure {
  readonly sourceId: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly departmentId: string;
  readonly lastImportAt: string | null;
  readonly lastStatus: string | null;
  /** Rows its last import read; null unless you may read the source's imports. */
  readonly rows: number | null;
  /** Its current values of elements with a freshness; null unless you may read the source's imports. */
  readonly values: number | null;
  /** Of those, the values past their freshness; null as values. */
  readonly stale: number | null;
  /** stale / values (0–1); null when the source holds no value of an element with a freshness. */
  readonly staleShare: number | null;
}

/** The longest the counts are kept (values entered by hand show at the latest then). */
const KEEP_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

/** The date `days` days before `today` (both YYYY-MM-DD). */
export function daysBefore(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/** The elements grouped by their freshness, each group with its cut-off date on `today`. */
export function cutoffsOn(today: string, elements: readonly { elementId: string; days: number }[]): FreshnessCutoff[] {
  const byDays = new Map<number, string[]>();
  for (const e of elements) byDays.set(e.days, [...(byDays.get(e.days) ?? []), e.elementId]);
  return [...byDays]
    .sort(([a], [b]) => a - b)
    .map(([days, elementIds]) => ({ elementIds: elementIds.sort(), before: daysBefore(today, days) }));
}

export class FreshnessFigures {
  private cached: { at: number; key: string; bySource: ReadonlyMap<string | null, SourceFreshness> } | undefined;

  constructor(
    private readonly data: DataAccess,
    private readonly now: () => Date,
  ) {}

  /** Every source, the most recently delivered first. */
  async figures(p: Principal): Promise<SourceFreshnessFigure[]> {
    const repos = this.data.repos;
    const sources = await repos.sources.listSources();
    const lasts = await Promise.all(sources.map(async (s) => (await repos.ingest.listBatches(s.id, 1))[0]));
    const stale = await this.staleBySource(lasts.map((b) => (b ? `${b.id}:${b.status}:${b.finished_at ?? ''}` : '-')).join('|'));
    const out = sources.map((s, i): SourceFreshnessFigure => {
      const last = lasts[i];
      const mayCount = mayPerform(p, 'import.read') && mayActOnSource(p, s.departmentId);
      const f = stale.get(s.id);
      const values = f?.values ?? 0;
      return {
        sourceId: s.id,
        nameZh: s.nameZh,
        nameEn: s.nameEn,
        departmentId: s.departmentId,
        lastImportAt: last ? (last.finished_at ?? last.started_at) : null,
        lastStatus: last ? last.status : null,
        rows: last && mayCount ? last.rows_read : null,
        values: mayCount ? values : null,
        stale: mayCount ? (f?.stale ?? 0) : null,
        staleShare: values === 0 ? null : (f?.stale ?? 0) / values,
      };
    });
    return out.sort((a, b) => (b.lastImportAt ?? '').localeCompare(a.lastImportAt ?? '') || a.sourceId.localeCompare(b.sourceId));
  }

  /**
   * The counts, kept while the day and every source's last import stay the same (values change
   * by imports and pushes; a value passes its freshness when the date moves on) and at most
   * KEEP_MS: a street-wide count reads every current value of an element with a freshness.
   */
  private async staleBySource(imports: string): Promise<ReadonlyMap<string | null, SourceFreshness>> {
    const now = this.now();
    const today = todayIso(now);
    const key = `${today}|${imports}`;
    if (this.cached && this.cached.key === key && now.getTime() - this.cached.at <= KEEP_MS) return this.cached.bySource;
    const repos = this.data.repos;
    const rows = await repos.freshness.staleBySource(cutoffsOn(today, await repos.freshness.elementFreshness()));
    const bySource = new Map(rows.map((r) => [r.sourceId, r]));
    this.cached = { at: now.getTime(), key, bySource };
    return bySource;
  }
}
