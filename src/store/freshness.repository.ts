/**
 * How fresh the current values are (the dashboard's freshness card): per source, how many current
 * values of elements with a freshness there are, and how many were last observed before their
 * element's cut-off date. One GROUP BY over person_value, never a read per person.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from './store.ts';

/** Elements whose values go stale after the same number of days share one cut-off date (YYYY-MM-DD). */
export interface FreshnessCutoff {
  readonly elementIds: readonly string[];
  /** A value last observed (or, when the source gave no date, recorded) before this date is past its freshness. */
  readonly before: string;
}

export interface SourceFreshness {
  /** null: values entered by hand or derived without a source. */
  readonly sourceId: string | null;
  readonly values: number;
  readonly stale: number;
}

export class FreshnessRepository {
  constructor(private readonly db: Db) {}

  /** Each element with a freshness (in days), from the standard as stored. */
  async elementFreshness(): Promise<{ elementId: string; days: number }[]> {
    const rows = await this.db
      .selectFrom('data_element')
      .select(['id', 'freshness_days'])
      .where('freshness_days', 'is not', null)
      .execute();
    return rows.map((r) => ({ elementId: r.id, days: Number(r.freshness_days) }));
  }

  /** Per source: the current values of the cut-offs' elements, and those older than their element's cut-off. */
  async staleBySource(cutoffs: readonly FreshnessCutoff[]): Promise<SourceFreshness[]> {
    const withElements = cutoffs.filter((c) => c.elementIds.length > 0);
    if (withElements.length === 0) return [];
    const lastSeen = sql`coalesce(${sql.ref('observed_at')}, ${sql.ref('recorded_at')})`;
    const stale = withElements.map(
      (c) => sql<SqlBool>`(${sql.ref('element_id')} in (${sql.join(c.elementIds)}) and ${lastSeen} < ${c.before})`,
    );
    const anyStale: Expression<SqlBool> = sql<SqlBool>`${sql.join(stale, sql` or `)}`;
    const rows = await this.db
      .selectFrom('person_value')
      .select((eb) => [
        'source_id',
        eb.fn.countAll<number | string>().as('values'),
        eb.fn.sum<number | string>(eb.case().when(anyStale).then(1).else(0).end()).as('stale'),
      ])
      // Most current values are of these elements: one pass over the table beats fetching each row
      // through the (element, value) index, and `|| ''` keeps the planner off that index.
      .where(
        sql<string>`${sql.ref('element_id')} || ''`,
        'in',
        withElements.flatMap((c) => c.elementIds),
      )
      .groupBy('source_id')
      .execute();
    return rows.map((r) => ({ sourceId: r.source_id, values: Number(r.values), stale: Number(r.stale ?? 0) }));
  }
}
