/**
 * The true state of the demo street: streets, committees, dwellings, households and people, as the
 * generator holds them for one committee at a time. Classes with every field set in the
 * constructor keep the hot loop monomorphic.
 */
import type { PopulationCategory } from '../domain/population-category.ts';

export interface Street {
  /** 9-digit NBS code, e.g. 310105004. */
  readonly code: string;
  readonly name: string;
  /** 6-digit GB/T 2260 district code. */
  readonly districtCode: string;
  readonly districtName: string;
  /** Street index in the generated area (0 for the first street). */
  readonly index: number;
}

export interface Committee {
  /** 12-digit NBS code. */
  readonly code: string;
  readonly name: string;
  readonly street: Street;
  readonly roads: readonly string[];
}

/** housing-use codes of data/catalogue/housing-use.csv. */
export type HousingUse = 'OWNER' | 'PUBLIC_RENTAL' | 'PRIVATE_RENTAL' | 'COLLECTIVE_DORMITORY' | 'VACANT';

export type BuildingType = 'lane-house' | 'tower-block';

export interface Rental {
  readonly kind: 'private' | 'public';
  readonly registrationNumber: string;
  landlordName: string;
  /** The landlord when they are in the truth (an owner registered here who lives elsewhere). */
  landlordId: string;
  tenantId: string;
  startDate: string;
  endDate: string;
}

export class Dwelling {
  housingUse: HousingUse = 'VACANT';
  rental: Rental | null = null;
  occupants = 0;
  registeredHouseholds = 0;
  /** 'road' form of the address: 番禺路381弄12号302室. */
  readonly address: string;

  constructor(
    readonly id: string,
    readonly committee: Committee,
    readonly road: string,
    /** '381弄' or ''. */
    readonly lane: string,
    /** '12号'. */
    readonly number: string,
    /** '302室', '亭子间' or ''. */
    readonly room: string,
    readonly buildingType: BuildingType,
    readonly floorArea: number,
  ) {
    this.address = road + lane + number + room;
  }

  /** Canonical full address: 上海市长宁区番禺路381弄12号302室. */
  get fullAddress(): string {
    return `上海市${this.committee.street.districtName}${this.address}`;
  }
}

export type PersonStatus = 'present' | 'deceased' | 'moved-away' | 'arriving' | 'born';

/** The primary identity document, identifier-type codes of data/catalogue/identifier-type.csv. */
export type DocumentType = 'CN_ID' | 'PASSPORT' | 'HKMO_PERMIT' | 'TW_PERMIT';

export class Person {
  status: PersonStatus = 'present';
  /** Death, departure, arrival or birth date, for statuses other than present. */
  statusDate = '';
  surname = '';
  given = '';
  /** Chinese name, or latin FAMILY GIVEN for foreigners. */
  name = '';
  latinFamily = '';
  latinGiven = '';
  sex: '1' | '2' = '1';
  birthDate = '';
  ethnicGroup = '01';
  nationality = 'CHN';
  /** Citizen ID number (18 characters), '' for foreigners and HK/Macao/Taiwan residents. */
  idNumber = '';
  docType: DocumentType = 'CN_ID';
  docNumber = '';
  /** HK/Macao/Taiwan residents' residence permit, citizen-number format (810000…). */
  hmtResidencePermit = '';
  education = '90';
  maritalStatus = '10';
  employmentStatus = '90';
  occupation = '';
  employer = '';
  politicalStatus = '13';
  religion = '00';
  healthStatus = '10';
  phone = '';
  householdRegistrationCategory = '';
  relationship = '02';
  mother: Person | null = null;
  /** 12-digit committee code (Shanghai) or 6-digit county code (other provinces); '' abroad. */
  registeredAreaCode = '';
  registeredAddress = '';
  registeredSince = '';
  dwelling: Dwelling | null = null;
  actualAreaCode = '';
  actualAddress = '';
  actualSince = '';
  /** Where the person lived before actualSince ('' when unknown). */
  previousAddress = '';
  residencePermitNumber = '';
  residencePermitValidTo = '';
  socialInsuranceCard = '';
  medicalInsuranceType = '';
  readonly kinds: string[] = [];
  /** Kind attributes by element id (relief.programme, party.joinDate…). */
  readonly attrs = new Map<string, string>();

  constructor(
    readonly id: string,
    public category: PopulationCategory,
    public household: Household,
  ) {}

  hasKind(kind: string): boolean {
    return this.kinds.includes(kind);
  }

  addKind(kind: string): void {
    if (!this.kinds.includes(kind)) this.kinds.push(kind);
  }
}

export class Household {
  readonly members: Person[] = [];
  /** 户号 (registered households) or a living-group number. */
  number = '';

  constructor(
    readonly id: string,
    readonly category: PopulationCategory,
    /** household-type codes: FAMILY or COLLECTIVE. */
    readonly type: 'FAMILY' | 'COLLECTIVE',
    /** True when the household is registered (户籍) in this street. */
    readonly registeredHere: boolean,
    /** The dwelling it lives in (or, for registered-absent households, is registered at). */
    public dwelling: Dwelling | null,
  ) {}

  get head(): Person {
    const head = this.members.find((m) => m.relationship === '02') ?? this.members[0];
    if (!head) throw new Error(`household ${this.id} has no members`);
    return head;
  }
}
