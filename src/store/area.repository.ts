/** The area tree (GB/T 2260 to county level, NBS codes below) and the GB/T 2260 history. */
import type { Selectable } from 'kysely';
import type { Area, AreaHistoryEntry, AreaLevel } from '../domain/standard/types.ts';
import type { AreaHistoryTable, AreaTable } from './database.ts';
import type { Db } from './store.ts';
import { contains, startsWith } from './text-search.ts';

const splitCodes = (s: string): string[] => (s ? s.split(';') : []);

const toArea = (r: Selectable<AreaTable>): Area => ({
  code: r.code,
  name: r.name,
  level: r.level as AreaLevel,
  parentCode: r.parent_code,
  status: r.status as Area['status'],
  startYear: r.start_year,
  endYear: r.end_year,
  successorCodes: splitCodes(r.successor_codes),
  source: r.source,
});

const toHistory = (r: Selectable<AreaHistoryTable>): AreaHistoryEntry => ({
  code: r.code,
  name: r.name,
  level: r.level,
  status: r.status as AreaHistoryEntry['status'],
  startYear: r.start_year,
  endYear: r.end_year,
  successorCodes: splitCodes(r.successor_codes),
});

export interface AreaQuery {
  readonly q?: string | undefined;
  readonly level?: AreaLevel | undefined;
  /** Only areas whose code starts with this (i.e. inside it). */
  readonly within?: string | undefined;
  readonly includeRetired: boolean;
  readonly limit: number;
  readonly offset: number;
}

export class AreaRepository {
  constructor(private readonly db: Db) {}

  async findArea(code: string): Promise<Area | undefined> {
    const r = await this.db.selectFrom('area').selectAll().where('code', '=', code).executeTakeFirst();
    return r && toArea(r);
  }

  async findAreas(codes: readonly string[]): Promise<Area[]> {
    if (codes.length === 0) return [];
    return (await this.db.selectFrom('area').selectAll().where('code', 'in', [...codes]).execute()).map(toArea);
  }

  async listChildren(parentCode: string | null, includeRetired: boolean): Promise<Area[]> {
    let q = this.db.selectFrom('area').selectAll();
    q = parentCode === null ? q.where('parent_code', 'is', null) : q.where('parent_code', '=', parentCode);
    if (!includeRetired) q = q.where('status', '=', 'active');
    return (await q.orderBy('code').execute()).map(toArea);
  }

  async search(query: AreaQuery): Promise<{ items: Area[]; total: number }> {
    let base = this.db.selectFrom('area');
    if (query.q) {
      const text = query.q;
      base = /^\d+$/.test(text) ? base.where(startsWith('code', text)) : base.where(contains('name', text));
    }
    if (query.level) base = base.where('level', '=', query.level);
    if (query.within) base = base.where(startsWith('code', query.within));
    if (!query.includeRetired) base = base.where('status', '=', 'active');
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('code').limit(query.limit).offset(query.offset).execute();
    return { items: rows.map(toArea), total: Number(total.n) };
  }

  async all(): Promise<Area[]> {
    return (await this.db.selectFrom('area').selectAll().execute()).map(toArea);
  }

  async allCodes(): Promise<string[]> {
    return (await this.db.selectFrom('area').select('code').execute()).map((r) => r.code);
  }

  async history(code: string): Promise<AreaHistoryEntry[]> {
    return (await this.db.selectFrom('area_history').selectAll().where('code', '=', code).orderBy('start_year').execute()).map(toHistory);
  }
}
