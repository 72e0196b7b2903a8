/** Registered households (户): the household, its head and members with their GB/T 4761 relationship. */
import { PopulusError } from '../domain/errors.ts';
import { isIsoDate, todayIso } from '../domain/dates.ts';
import type { Household, HouseholdMember } from '../domain/registry/types.ts';
import type { DataAccess, Repositories } from '../store/repositories.ts';
import { newId } from '../store/clock.ts';
import { invalidDate, type StandardService } from './standard.service.ts';
import { ChangeEvents } from './change-events.ts';
import type { ChangeCause } from '../domain/feed/change-event.ts';

export interface NewHouseholdInput {
  readonly householdNo?: string | undefined;
  readonly type: string;
  readonly areaCode: string;
  readonly dwellingId?: string | undefined;
  readonly addressText?: string | undefined;
  readonly registrationCategory?: string | undefined;
}

export interface NewMemberInput {
  readonly personId: string;
  readonly relationship: string;
  readonly validFrom?: string | undefined;
}

/** GB/T 4761-2008: 02 户主 (head of household). */
export const HEAD_OF_HOUSEHOLD = '02';

export class HouseholdService {
  constructor(
    private readonly data: DataAccess,
    private readonly standard: StandardService,
  ) {}

  /** `within` runs inside the write's transaction (its audit entry commits with it), as for PersonService. */
  async create(input: NewHouseholdInput, within?: (repos: Repositories) => Promise<void>): Promise<Household> {
    return this.data.transaction(async (repos) => {
      const today = todayIso();
      await this.standard.requireCode(repos, 'household-type', input.type, today);
      if (input.registrationCategory !== undefined) await this.standard.requireCode(repos, 'household-registration-category', input.registrationCategory, today);
      let areaCode = input.areaCode;
      if (input.dwellingId !== undefined) {
        const dwelling = await repos.housing.findDwelling(input.dwellingId);
        if (!dwelling) throw new PopulusError('DWELLING_NOT_FOUND', `there is no dwelling ${input.dwellingId}`, { dwellingId: input.dwellingId });
        areaCode = dwelling.areaCode;
      }
      if (!(await repos.areas.findArea(areaCode))) throw new PopulusError('AREA_NOT_FOUND', `there is no area with code ${areaCode}`, { area: areaCode });
      const householdNo = input.householdNo?.trim() || null;
      if (householdNo && (await repos.households.findByNumber(householdNo))) {
        throw new PopulusError('INVALID_VALUE', `household number ${householdNo} is already used`, { field: 'householdNo' });
      }
      const household: Household = {
        id: newId(),
        householdNo,
        type: input.type,
        areaCode,
        dwellingId: input.dwellingId ?? null,
        addressText: input.addressText?.trim() || null,
        registrationCategory: input.registrationCategory ?? null,
      };
      await repos.households.insertHousehold({ ...household, district: areaCode.slice(0, 6) });
      await within?.(repos);
      return household;
    });
  }

  /** A member record by id (for access checks before ending it). */
  async member(householdId: string, memberId: string): Promise<HouseholdMember> {
    const member = await this.data.repos.households.findMember(memberId);
    if (!member || member.householdId !== householdId) throw new PopulusError('HOUSEHOLD_NOT_FOUND', `household ${householdId} has no member ${memberId}`, { householdId, memberId });
    return member;
  }

  async get(id: string): Promise<{ household: Household; members: HouseholdMember[] }> {
    const household = await this.data.repos.households.findHousehold(id);
    if (!household) throw new PopulusError('HOUSEHOLD_NOT_FOUND', `there is no household ${id}`, { householdId: id });
    return { household, members: await this.data.repos.households.listMembers(id) };
  }

  /**
   * Adds a member; the change is published (`household.changed`) in the same transaction, as
   * imports publish a membership. `cause`: who made it (default: the system).
   */
  async addMember(
    householdId: string,
    input: NewMemberInput,
    within?: (repos: Repositories) => Promise<void>,
    cause: ChangeCause = { kind: 'system' },
  ): Promise<HouseholdMember> {
    const validFrom = input.validFrom ?? null;
    if (validFrom !== null && !isIsoDate(validFrom)) throw invalidDate('validFrom', validFrom);
    return this.data.transaction(async (repos) => {
      const household = await repos.households.findHousehold(householdId);
      if (!household) throw new PopulusError('HOUSEHOLD_NOT_FOUND', `there is no household ${householdId}`, { householdId });
      if (!(await repos.persons.findPerson(input.personId))) throw new PopulusError('PERSON_NOT_FOUND', `there is no person ${input.personId}`, { personId: input.personId });
      await this.standard.requireCode(repos, 'family-relationship', input.relationship, todayIso());
      const members = await repos.households.listMembers(householdId);
      const active = members.filter((m) => m.validTo === null);
      if (active.some((m) => m.personId === input.personId)) {
        throw new PopulusError('MEMBER_EXISTS', 'this person is already a member of the household', { householdId, personId: input.personId });
      }
      if (input.relationship === HEAD_OF_HOUSEHOLD && active.some((m) => m.relationship === HEAD_OF_HOUSEHOLD)) {
        throw new PopulusError('MEMBER_EXISTS', 'the household already has a head; end that membership first', { householdId });
      }
      const member: HouseholdMember = { id: newId(), householdId, personId: input.personId, relationship: input.relationship, validFrom, validTo: null };
      await repos.households.insertMember({ ...member, district: household.areaCode.slice(0, 6) });
      await repos.persons.touch(input.personId);
      const events = new ChangeEvents(cause);
      events.household(input.personId, { householdId, relationship: input.relationship, fromHouseholdId: null, sourceId: null });
      await events.flush(repos);
      await within?.(repos);
      return member;
    });
  }

  /** Ends a membership (never deletes it); published as leaving the household, in the same transaction. */
  async endMember(
    householdId: string,
    memberId: string,
    validTo: string,
    within?: (repos: Repositories) => Promise<void>,
    cause: ChangeCause = { kind: 'system' },
  ): Promise<HouseholdMember> {
    if (!isIsoDate(validTo)) throw invalidDate('validTo', validTo);
    return this.data.transaction(async (repos) => {
      const member = await repos.households.findMember(memberId);
      if (!member || member.householdId !== householdId) throw new PopulusError('HOUSEHOLD_NOT_FOUND', `household ${householdId} has no member ${memberId}`, { householdId, memberId });
      if (member.validFrom !== null && validTo <= member.validFrom) {
        throw new PopulusError('CONFLICTING_PERIOD', `the membership began on ${member.validFrom}; it cannot end on or before that`, { validFrom: member.validFrom });
      }
      await repos.households.endMember(memberId, validTo);
      await repos.persons.touch(member.personId);
      const events = new ChangeEvents(cause);
      events.household(member.personId, { householdId: null, relationship: null, fromHouseholdId: householdId, sourceId: null });
      await events.flush(repos);
      await within?.(repos);
      return { ...member, validTo };
    });
  }
}
