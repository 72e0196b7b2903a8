/** Buildings and dwellings (以房管人). */
import type { Selectable } from 'kysely';
import { buildingAddress, dwellingAddress, type Building, type Dwelling } from '../domain/registry/types.ts';
import type { BuildingTable, DwellingTable } from './database.ts';
import type { Db } from './store.ts';
import { contains, startsWith } from './text-search.ts';
import { nowIso } from './clock.ts';

const toBuilding = (r: Selectable<BuildingTable>): Building => ({
  id: r.id,
  areaCode: r.area_code,
  road: r.road,
  lane: r.lane,
  number: r.number,
  name: r.name,
  kind: r.kind,
  address: buildingAddress(r),
});

type DwellingRow = Selectable<DwellingTable> & { road: string; lane: string; number: string; area_code: string };

const toDwelling = (r: DwellingRow): Dwelling => ({
  id: r.id,
  buildingId: r.building_id,
  unit: r.unit,
  room: r.room,
  housingUse: r.housing_use,
  address: dwellingAddress(buildingAddress(r), r),
  areaCode: r.area_code,
});

export interface NewBuilding {
  readonly id: string;
  readonly district: string;
  readonly areaCode: string;
  readonly road: string;
  readonly lane: string;
  readonly number: string;
  readonly name: string | null;
  readonly kind: string | null;
}

export interface NewDwelling {
  readonly id: string;
  readonly district: string;
  readonly buildingId: string;
  readonly unit: string;
  readonly room: string;
  readonly housingUse: string | null;
}

export interface BuildingQuery {
  readonly within?: string | undefined;
  readonly q?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

export class HousingRepository {
  constructor(private readonly db: Db) {}

  async insertBuilding(b: NewBuilding): Promise<void> {
    const now = nowIso();
    await this.db
      .insertInto('building')
      .values({ id: b.id, district: b.district, area_code: b.areaCode, road: b.road, lane: b.lane, number: b.number, name: b.name, kind: b.kind, created_at: now, updated_at: now })
      .execute();
  }

  async findBuilding(id: string): Promise<Building | undefined> {
    const r = await this.db.selectFrom('building').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toBuilding(r);
  }

  async findBuildingByAddress(areaCode: string, road: string, lane: string, number: string): Promise<Building | undefined> {
    const r = await this.db
      .selectFrom('building')
      .selectAll()
      .where('area_code', '=', areaCode)
      .where('road', '=', road)
      .where('lane', '=', lane)
      .where('number', '=', number)
      .executeTakeFirst();
    return r && toBuilding(r);
  }

  async listBuildings(query: BuildingQuery): Promise<{ items: Building[]; total: number }> {
    let base = this.db.selectFrom('building');
    if (query.within) base = base.where(startsWith('area_code', query.within));
    if (query.q) {
      const q = query.q;
      base = base.where((eb) => eb.or([contains('road', q), contains('name', q)]));
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('road').orderBy('lane').orderBy('number').limit(query.limit).offset(query.offset).execute();
    return { items: rows.map(toBuilding), total: Number(total.n) };
  }

  async insertDwelling(d: NewDwelling): Promise<void> {
    const now = nowIso();
    await this.db
      .insertInto('dwelling')
      .values({ id: d.id, district: d.district, building_id: d.buildingId, unit: d.unit, room: d.room, housing_use: d.housingUse, created_at: now, updated_at: now })
      .execute();
  }

  private dwellingQuery() {
    return this.db
      .selectFrom('dwelling')
      .innerJoin('building', 'building.id', 'dwelling.building_id')
      .selectAll('dwelling')
      .select(['building.road', 'building.lane', 'building.number', 'building.area_code']);
  }

  async findDwelling(id: string): Promise<Dwelling | undefined> {
    const r = await this.dwellingQuery().where('dwelling.id', '=', id).executeTakeFirst();
    return r && toDwelling(r);
  }

  async findDwellingsByIds(ids: readonly string[]): Promise<Dwelling[]> {
    if (ids.length === 0) return [];
    return (await this.dwellingQuery().where('dwelling.id', 'in', [...ids]).execute()).map(toDwelling);
  }

  async findDwellingByAddress(buildingId: string, unit: string, room: string): Promise<Dwelling | undefined> {
    const r = await this.dwellingQuery().where('dwelling.building_id', '=', buildingId).where('dwelling.unit', '=', unit).where('dwelling.room', '=', room).executeTakeFirst();
    return r && toDwelling(r);
  }

  async listDwellings(buildingId: string): Promise<Dwelling[]> {
    return (await this.dwellingQuery().where('dwelling.building_id', '=', buildingId).orderBy('dwelling.unit').orderBy('dwelling.room').execute()).map(toDwelling);
  }

  /** Every building and dwelling of a district, for resolving addresses in bulk. */
  async registryOf(district: string): Promise<{
    buildings: { id: string; areaCode: string; road: string; lane: string; number: string }[];
    dwellings: { id: string; buildingId: string; unit: string; room: string; housingUse: string | null }[];
  }> {
    const buildings = await this.db.selectFrom('building').select(['id', 'area_code', 'road', 'lane', 'number']).where('district', '=', district).execute();
    const dwellings = await this.db.selectFrom('dwelling').select(['id', 'building_id', 'unit', 'room', 'housing_use']).where('district', '=', district).execute();
    return {
      buildings: buildings.map((b) => ({ id: b.id, areaCode: b.area_code, road: b.road, lane: b.lane, number: b.number })),
      dwellings: dwellings.map((d) => ({ id: d.id, buildingId: d.building_id, unit: d.unit, room: d.room, housingUse: d.housing_use })),
    };
  }

  async updateDwellingUse(id: string, housingUse: string | null): Promise<void> {
    await this.db.updateTable('dwelling').set({ housing_use: housingUse, updated_at: nowIso() }).where('id', '=', id).execute();
  }
}
