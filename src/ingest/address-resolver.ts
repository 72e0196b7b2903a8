/**
 * From an address as a department wrote it to the standard address: the most precise area code
 * it names (province → prefecture → county → street → committee, matched by name down the area
 * tree) and, inside the node's district, the building and dwelling of the standard address
 * database (以房管人). An address with a road but no district names is read as lying in the node's
 * own district. Built once per import from the area tree and the buildings.
 */
import { dwellingPart, parseAddress, type AddressParts } from '../domain/address/parse-address.ts';
import type { Area } from '../domain/standard/types.ts';

export type AddressPrecision = 'dwelling' | 'building' | 'committee' | 'township' | 'county' | 'prefecture' | 'province';

export interface ResolvedAddress {
  readonly areaCode: string;
  readonly precision: AddressPrecision;
  readonly buildingId: string | null;
  readonly dwellingId: string | null;
}

export interface BuildingEntry {
  readonly id: string;
  readonly areaCode: string;
  readonly road: string;
  readonly lane: string;
  readonly number: string;
}

export interface DwellingEntry {
  readonly id: string;
  readonly buildingId: string;
  readonly unit: string;
  readonly room: string;
}

/** Area names as written in addresses: with or without their suffix (安徽省/安徽, 长宁区/长宁). */
function nameKeys(name: string): string[] {
  const keys = [name];
  const short = name.replace(/(省|市|自治区|特别行政区|地区|自治州|盟|新区|区|县|自治县|旗|街道|镇|乡|居委会|居民委员会|村委会|村民委员会)$/, '');
  if (short.length >= 2 && short !== name) keys.push(short);
  return keys;
}


export class AddressResolver {
  private readonly children = new Map<string, Map<string, Area>>();
  private readonly byCode = new Map<string, Area>();
  private readonly buildings = new Map<string, BuildingEntry>();
  private readonly dwellings = new Map<string, string>();

  /**
   * @param areas the area tree (active and retired)
   * @param homeArea the node's street: addresses without district names are read inside its district
   */
  constructor(
    areas: readonly Area[],
    private readonly homeArea: string,
    buildings: readonly BuildingEntry[] = [],
    dwellings: readonly DwellingEntry[] = [],
  ) {
    for (const a of areas) {
      this.byCode.set(a.code, a);
      const parent = a.parentCode ?? '';
      let m = this.children.get(parent);
      if (!m) this.children.set(parent, (m = new Map()));
      for (const k of nameKeys(a.name)) if (!m.has(k) || a.status === 'active') m.set(k, a);
    }
    for (const b of buildings) this.buildings.set(this.buildingKey(b.areaCode.slice(0, 6), b.road, b.lane, b.number), b);
    for (const d of dwellings) this.dwellings.set(`${d.buildingId}|${d.unit}|${d.room}`, d.id);
  }

  private buildingKey(county: string, road: string, lane: string, number: string): string {
    return `${county}|${road}|${lane}|${number}`;
  }

  private child(parent: string, name: string | null): Area | undefined {
    if (!name) return undefined;
    const m = this.children.get(parent);
    return m?.get(name) ?? m?.get(nameKeys(name)[1] ?? name);
  }

  /** Finds a named area anywhere below `parent` (for a county named without its prefecture). */
  private descendant(parent: string, name: string | null, depth = 2): Area | undefined {
    if (!name || depth < 0) return undefined;
    const direct = this.child(parent, name);
    if (direct) return direct;
    for (const a of this.children.get(parent)?.values() ?? []) {
      const found = this.descendant(a.code, name, depth - 1);
      if (found) return found;
    }
    return undefined;
  }

  resolve(text: string): ResolvedAddress | undefined {
    return this.resolveParts(parseAddress(text));
  }

  resolveParts(p: AddressParts): ResolvedAddress | undefined {
    let best: { area: Area; precision: AddressPrecision } | undefined;
    const province = this.child('', p.province);
    if (province) best = { area: province, precision: 'province' };
    const prefecture = province ? this.child(province.code, p.prefecture) : undefined;
    if (prefecture) best = { area: prefecture, precision: 'prefecture' };
    let county = p.county ? (prefecture ? this.child(prefecture.code, p.county) : province ? this.descendant(province.code, p.county, 1) : undefined) : undefined;
    // A county-level city written where the prefecture stands (海门市 under 南通市 read as a prefecture).
    if (!county && !prefecture && province && p.prefecture) county = this.descendant(province.code, p.prefecture, 1);
    // No province named: a district of the node's own province (长宁区…), or the node's own district (新华路3弄…).
    if (!province && !prefecture) {
      const homeProvince = `${this.homeArea.slice(0, 2)}0000`;
      county = p.county ? this.descendant(homeProvince, p.county, 1) : p.road ? this.areaByCode(this.homeArea.slice(0, 6)) : undefined;
    }
    if (county) best = { area: county, precision: 'county' };
    const township = county ? this.child(county.code, p.township) : undefined;
    if (township) best = { area: township, precision: 'township' };
    const committee = township ? this.child(township.code, p.committee) : undefined;
    if (committee) best = { area: committee, precision: 'committee' };

    if (county && p.road && p.number) {
      const building = this.buildings.get(this.buildingKey(county.code, p.road, p.lane ?? '', p.number));
      if (building) {
        const part = dwellingPart(p);
        const dwellingId = this.dwellings.get(`${building.id}|${part.unit}|${part.room}`) ?? null;
        return { areaCode: building.areaCode, precision: dwellingId ? 'dwelling' : 'building', buildingId: building.id, dwellingId };
      }
    }
    return best ? { areaCode: best.area.code, precision: best.precision, buildingId: null, dwellingId: null } : undefined;
  }

  private areaByCode(code: string): Area | undefined {
    return this.byCode.get(code);
  }
}
