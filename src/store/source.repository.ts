/** Department systems (sources), the elements each owns, and their versioned mapping profiles. */
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';

export interface SourceRow {
  readonly id: string;
  readonly departmentId: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly level: string;
}

export class SourceRepository {
  constructor(private readonly db: Db) {}

  async upsertSource(s: SourceRow): Promise<void> {
    await this.db
      .insertInto('source')
      .values({ id: s.id, department_id: s.departmentId, name_zh: s.nameZh, name_en: s.nameEn, level: s.level, created_at: nowIso() })
      .onConflict((oc) => oc.column('id').doUpdateSet({ department_id: s.departmentId, name_zh: s.nameZh, name_en: s.nameEn, level: s.level }))
      .execute();
  }

  async findSource(id: string): Promise<SourceRow | undefined> {
    const r = await this.db.selectFrom('source').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, departmentId: r.department_id, nameZh: r.name_zh, nameEn: r.name_en, level: r.level };
  }

  async listSources(): Promise<SourceRow[]> {
    const rows = await this.db.selectFrom('source').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, departmentId: r.department_id, nameZh: r.name_zh, nameEn: r.name_en, level: r.level }));
  }

  async setOwnedElements(sourceId: string, elementIds: readonly string[]): Promise<void> {
    await this.db.deleteFrom('source_element').where('source_id', '=', sourceId).execute();
    if (elementIds.length > 0) {
      await this.db.insertInto('source_element').values(elementIds.map((e) => ({ source_id: sourceId, element_id: e }))).execute();
    }
  }

  async ownedElements(sourceId: string): Promise<string[]> {
    return (await this.db.selectFrom('source_element').select('element_id').where('source_id', '=', sourceId).orderBy('element_id').execute()).map((r) => r.element_id);
  }

  /** For each element, the sources authoritative for it. */
  async owners(elementIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (elementIds.length === 0) return out;
    const rows = await this.db.selectFrom('source_element').select(['source_id', 'element_id']).where('element_id', 'in', [...elementIds]).execute();
    for (const r of rows) {
      let s = out.get(r.element_id);
      if (!s) out.set(r.element_id, (s = new Set()));
      s.add(r.source_id);
    }
    return out;
  }

  async insertProfile(sourceId: string, version: number, profileJson: string): Promise<void> {
    await this.db.insertInto('mapping_profile').values({ source_id: sourceId, version, profile: profileJson, created_at: nowIso() }).execute();
  }

  async latestProfile(sourceId: string): Promise<{ version: number; profile: string } | undefined> {
    const r = await this.db.selectFrom('mapping_profile').select(['version', 'profile']).where('source_id', '=', sourceId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r;
  }

  async profile(sourceId: string, version: number): Promise<string | undefined> {
    const r = await this.db.selectFrom('mapping_profile').select('profile').where('source_id', '=', sourceId).where('version', '=', version).executeTakeFirst();
    return r?.profile;
  }
}
