/** The area tree: lookup by code or name, children, and the path from the province down. */
import { PopulusError } from '../domain/errors.ts';
import type { Area, AreaHistoryEntry } from '../domain/standard/types.ts';
import type { DataAccess } from '../store/repositories.ts';
import type { AreaQuery } from '../store/area.repository.ts';

export class AreaService {
  constructor(private readonly data: DataAccess) {}

  async get(code: string): Promise<Area> {
    const a = await this.data.repos.areas.findArea(code);
    if (!a) throw new PopulusError('AREA_NOT_FOUND', `there is no area with code ${code}`, { area: code });
    return a;
  }

  find(code: string): Promise<Area | undefined> {
    return this.data.repos.areas.findArea(code);
  }

  /** Children of an area; with no code, the provinces. */
  async children(code: string | null, includeRetired = false): Promise<Area[]> {
    if (code !== null) await this.get(code);
    return this.data.repos.areas.listChildren(code, includeRetired);
  }

  /** From the top-level area down to this one. */
  async path(code: string): Promise<Area[]> {
    const out: Area[] = [];
    let current: Area | undefined = await this.get(code);
    while (current) {
      out.unshift(current);
      if (out.length > 8 || current.parentCode === null) break;
      current = await this.data.repos.areas.findArea(current.parentCode);
    }
    return out;
  }

  search(query: AreaQuery): Promise<{ items: Area[]; total: number }> {
    return this.data.repos.areas.search(query);
  }

  history(code: string): Promise<AreaHistoryEntry[]> {
    return this.data.repos.areas.history(code);
  }
}
