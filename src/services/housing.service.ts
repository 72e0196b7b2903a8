/** Buildings and dwellings under a committee, entered by hand (department files come through imports later). */
import { PopulusError } from '../domain/errors.ts';
import { todayIso } from '../domain/dates.ts';
import type { Building, Dwelling, Household, Residence } from '../domain/registry/types.ts';
import { rentalInForce, rentalPast, type RentalRegistration } from '../domain/registry/rental.ts';
import type { DataAccess } from '../store/repositories.ts';
import type { BuildingQuery } from '../store/housing.repository.ts';
import { newId } from '../store/clock.ts';
import type { StandardService } from './standard.service.ts';

export interface NewBuildingInput {
  readonly areaCode: string;
  readonly road: string;
  readonly lane?: string | undefined;
  readonly number: string;
  readonly name?: string | undefined;
  readonly kind?: string | undefined;
}

export interface NewDwellingInput {
  readonly unit?: string | undefined;
  readonly room: string;
  readonly housingUse?: string | undefined;
}

export interface DwellingView {
  readonly dwelling: Dwelling;
  /** Residences in force on the date asked (registered and actual). */
  readonly residences: Residence[];
  /** Residences at the dwelling that had ended by that date, the most recently ended first: who lived or was registered there before. */
  readonly pastResidences: Residence[];
  readonly households: Household[];
  /** Rental registrations in force on that date (within their period, still reported by their source). */
  readonly rentals: RentalRegistration[];
  /** Registrations that had begun by that date and were no longer in force on it, the latest start first. */
  readonly pastRentals: RentalRegistration[];
}

const clean = (s: string | undefined): string => (s ?? '').trim();

export class HousingService {
  constructor(
    private readonly data: DataAccess,
    private readonly standard: StandardService,
  ) {}

  /** The building and area of each dwelling (for access decisions about the persons living there). */
  async dwellingsOf(ids: readonly string[]): Promise<Map<string, { buildingId: string; areaCode: string }>> {
    const found = await this.data.repos.housing.findDwellingsByIds([...new Set(ids)]);
    return new Map(found.map((d) => [d.id, { buildingId: d.buildingId, areaCode: d.areaCode }]));
  }

  async createBuilding(input: NewBuildingInput): Promise<Building> {
    const road = clean(input.road);
    const number = clean(input.number);
    const lane = clean(input.lane);
    if (!road) throw new PopulusError('INVALID_VALUE', 'a building needs its road (路/街/巷)', { field: 'road' });
    if (!number) throw new PopulusError('INVALID_VALUE', 'a building needs its number (号)', { field: 'number' });
    return this.data.transaction(async (repos) => {
      const area = await repos.areas.findArea(input.areaCode);
      if (!area) throw new PopulusError('AREA_NOT_FOUND', `there is no area with code ${input.areaCode}`, { area: input.areaCode });
      if (area.level !== 'village' && area.level !== 'township') {
        throw new PopulusError('INVALID_VALUE', `buildings belong to a committee or street, not to a ${area.level} (${area.name})`, { field: 'areaCode' });
      }
      const existing = await repos.housing.findBuildingByAddress(area.code, road, lane, number);
      if (existing) throw new PopulusError('BUILDING_EXISTS', `the building ${existing.address} already exists`, { buildingId: existing.id });
      const id = newId();
      await repos.housing.insertBuilding({ id, district: area.code.slice(0, 6), areaCode: area.code, road, lane, number, name: clean(input.name) || null, kind: clean(input.kind) || null });
      const created = await repos.housing.findBuilding(id);
      if (!created) throw new Error('building vanished after insert');
      return created;
    });
  }

  async getBuilding(id: string): Promise<{ building: Building; dwellings: Dwelling[] }> {
    const building = await this.data.repos.housing.findBuilding(id);
    if (!building) throw new PopulusError('BUILDING_NOT_FOUND', `there is no building ${id}`, { buildingId: id });
    return { building, dwellings: await this.data.repos.housing.listDwellings(id) };
  }

  listBuildings(query: BuildingQuery): Promise<{ items: Building[]; total: number }> {
    return this.data.repos.housing.listBuildings(query);
  }

  async createDwelling(buildingId: string, input: NewDwellingInput): Promise<Dwelling> {
    const room = clean(input.room);
    const unit = clean(input.unit);
    if (!room) throw new PopulusError('INVALID_VALUE', 'a dwelling needs its room (室)', { field: 'room' });
    return this.data.transaction(async (repos) => {
      const building = await repos.housing.findBuilding(buildingId);
      if (!building) throw new PopulusError('BUILDING_NOT_FOUND', `there is no building ${buildingId}`, { buildingId });
      if (input.housingUse !== undefined) await this.standard.requireCode(repos, 'housing-use', input.housingUse, todayIso());
      const existing = await repos.housing.findDwellingByAddress(buildingId, unit, room);
      if (existing) throw new PopulusError('DWELLING_EXISTS', `the dwelling ${existing.address} already exists`, { dwellingId: existing.id });
      const id = newId();
      await repos.housing.insertDwelling({ id, district: building.areaCode.slice(0, 6), buildingId, unit, room, housingUse: input.housingUse ?? null });
      const created = await repos.housing.findDwelling(id);
      if (!created) throw new Error('dwelling vanished after insert');
      return created;
    });
  }

  async getDwelling(id: string, asOf: string = todayIso()): Promise<DwellingView> {
    const dwelling = await this.data.repos.housing.findDwelling(id);
    if (!dwelling) throw new PopulusError('DWELLING_NOT_FOUND', `there is no dwelling ${id}`, { dwellingId: id });
    const [all, households, rentals] = await Promise.all([
      this.data.repos.persons.listResidencesAt(id),
      this.data.repos.households.listByDwelling(id),
      this.data.repos.rentals.listByDwelling(id),
    ]);
    const inForce = (r: Residence): boolean => (r.validFrom === null || r.validFrom <= asOf) && (r.validTo === null || r.validTo > asOf);
    const ended = (r: Residence): boolean => r.validTo !== null && r.validTo <= asOf;
    const pastResidences = all.filter(ended).sort((a, b) => (b.validTo ?? '').localeCompare(a.validTo ?? '') || (b.validFrom ?? '').localeCompare(a.validFrom ?? ''));
    return {
      dwelling,
      residences: all.filter(inForce),
      pastResidences,
      households,
      rentals: rentals.filter((r) => rentalInForce(r, asOf)),
      pastRentals: rentals.filter((r) => rentalPast(r, asOf)),
    };
  }

  /** The rental registrations naming a person as tenant, the latest start first. */
  rentalsOf(personId: string): Promise<RentalRegistration[]> {
    return this.data.repos.rentals.listByPerson(personId);
  }

  async setHousingUse(id: string, housingUse: string | null): Promise<Dwelling> {
    return this.data.transaction(async (repos) => {
      const dwelling = await repos.housing.findDwelling(id);
      if (!dwelling) throw new PopulusError('DWELLING_NOT_FOUND', `there is no dwelling ${id}`, { dwellingId: id });
      if (housingUse !== null) await this.standard.requireCode(repos, 'housing-use', housingUse, todayIso());
      await repos.housing.updateDwellingUse(id, housingUse);
      return { ...dwelling, housingUse };
    });
  }
}
