/** Registered households (户) and their members. */
import type { Selectable } from 'kysely';
import type { Household, HouseholdMember } from '../domain/registry/types.ts';
import type { HouseholdMemberTable, HouseholdTable } from './database.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';

const toHousehold = (r: Selectable<HouseholdTable>): Household => ({
  id: r.id,
  householdNo: r.household_no,
  type: r.type,
  areaCode: r.area_code,
  dwellingId: r.dwelling_id,
  addressText: r.address_text,
  registrationCategory: r.registration_category,
});

export const toMember = (r: Selectable<HouseholdMemberTable>): HouseholdMember => ({
  id: r.id,
  householdId: r.household_id,
  personId: r.person_id,
  relationship: r.relationship,
  validFrom: r.valid_from,
  validTo: r.valid_to,
});

export type NewHousehold = Household & { readonly district: string };
export type NewMember = HouseholdMember & { readonly district: string };

export class HouseholdRepository {
  constructor(private readonly db: Db) {}

  async insertHousehold(h: NewHousehold): Promise<void> {
    const now = nowIso();
    await this.db
      .insertInto('household')
      .values({
        id: h.id,
        district: h.district,
        household_no: h.householdNo,
        type: h.type,
        area_code: h.areaCode,
        dwelling_id: h.dwellingId,
        address_text: h.addressText,
        registration_category: h.registrationCategory,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  async findHousehold(id: string): Promise<Household | undefined> {
    const r = await this.db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toHousehold(r);
  }

  async findByNumber(householdNo: string): Promise<Household | undefined> {
    const r = await this.db.selectFrom('household').selectAll().where('household_no', '=', householdNo).executeTakeFirst();
    return r && toHousehold(r);
  }

  async listByDwelling(dwellingId: string): Promise<Household[]> {
    return (await this.db.selectFrom('household').selectAll().where('dwelling_id', '=', dwellingId).execute()).map(toHousehold);
  }

  async insertMember(m: NewMember): Promise<void> {
    await this.db
      .insertInto('household_member')
      .values({
        id: m.id,
        district: m.district,
        household_id: m.householdId,
        person_id: m.personId,
        relationship: m.relationship,
        valid_from: m.validFrom,
        valid_to: m.validTo,
        created_at: nowIso(),
      })
      .execute();
  }

  async findMember(id: string): Promise<HouseholdMember | undefined> {
    const r = await this.db.selectFrom('household_member').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toMember(r);
  }

  async endMember(id: string, validTo: string): Promise<void> {
    await this.db.updateTable('household_member').set({ valid_to: validTo }).where('id', '=', id).execute();
  }

  async listMembers(householdId: string): Promise<HouseholdMember[]> {
    return (await this.db.selectFrom('household_member').selectAll().where('household_id', '=', householdId).orderBy('relationship').orderBy('created_at').execute()).map(toMember);
  }

  async listMembershipsOf(personId: string): Promise<HouseholdMember[]> {
    return (await this.db.selectFrom('household_member').selectAll().where('person_id', '=', personId).orderBy('created_at').execute()).map(toMember);
  }
}
