/**
 * The registry's model: housing (以房管人: building → dwelling), households, persons with their
 * identifiers (以证管人), current values and residences. Domain types, apart from row types.
 */
import type { ResidenceKind } from '../population-category.ts';

export interface Building {
  readonly id: string;
  /** The committee (or street) the building belongs to. */
  readonly areaCode: string;
  readonly road: string;
  /** 弄, empty when the address has no lane. */
  readonly lane: string;
  /** 号 */
  readonly number: string;
  readonly name: string | null;
  /** e.g. 'lane-house', 'tower', 'dormitory'. */
  readonly kind: string | null;
  /** The standard address, e.g. 新华路211弄3号. */
  readonly address: string;
}

export interface Dwelling {
  readonly id: string;
  readonly buildingId: string;
  readonly unit: string;
  readonly room: string;
  /** housing-use code: OWNER, PUBLIC_RENTAL, PRIVATE_RENTAL, DORMITORY, … */
  readonly housingUse: string | null;
  /** The full standard address, e.g. 新华路211弄3号201室. */
  readonly address: string;
  readonly areaCode: string;
}

export interface Household {
  readonly id: string;
  /** 户号 as given by the household register. */
  readonly householdNo: string | null;
  /** household-type code: FAMILY or COLLECTIVE. */
  readonly type: string;
  /** Where the household is registered (committee, street or county code). */
  readonly areaCode: string;
  readonly dwellingId: string | null;
  readonly addressText: string | null;
  /** Legacy household-registration-category code, when known. */
  readonly registrationCategory: string | null;
}

export interface HouseholdMember {
  readonly id: string;
  readonly householdId: string;
  readonly personId: string;
  /** GB/T 4761-2008 family-relationship code (02 户主, 10 配偶, 20 子 …). */
  readonly relationship: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export const OBSERVATION_METHODS = ['api', 'import', 'collection', 'derived'] as const;
export type ObservationMethod = (typeof OBSERVATION_METHODS)[number];

export interface PersonValue {
  readonly elementId: string;
  readonly value: string;
  /** Where it came from: a source system id, or 'manual' for values entered by hand. */
  readonly sourceId: string | null;
  readonly method: ObservationMethod;
  readonly observedAt: string | null;
  readonly recordedAt: string;
  /** 'owner': from the element's authoritative source; 'unconfirmed': another source's, the owner silent. */
  readonly status: 'owner' | 'unconfirmed';
}

export interface Identifier {
  readonly id: string;
  readonly personId: string;
  /** identifier-type code: CN_ID, PASSPORT, HKMO_PERMIT, … */
  readonly type: string;
  readonly number: string;
  /** GB/T 2659 alpha-3 code. */
  readonly issuingCountry: string;
  readonly issuingArea: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface Residence {
  readonly id: string;
  readonly personId: string;
  readonly kind: ResidenceKind;
  readonly dwellingId: string | null;
  readonly areaCode: string;
  readonly addressText: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface Person {
  readonly id: string;
  readonly status: 'active' | 'merged';
  readonly mergedInto: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The standard address string of a building: road + lane (弄) + number (号). */
export function buildingAddress(b: { road: string; lane: string; number: string }): string {
  return `${b.road}${b.lane ? `${b.lane}弄` : ''}${b.number}号`;
}

/** The standard address of a dwelling: building address + unit (单元) + room (室). */
export function dwellingAddress(building: string, d: { unit: string; room: string }): string {
  return `${building}${d.unit ? `${d.unit}单元` : ''}${d.room}室`;
}
