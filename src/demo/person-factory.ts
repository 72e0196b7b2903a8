/**
 * Makes one person of a household: name, birth date, identity documents (citizen ID numbers whose
 * address codes match where they were registered, passports for foreigners, permits for Hong Kong,
 * Macao and Taiwan residents), registered and actual residence, and social attributes.
 */
import type { PopulationCategory } from '../domain/population-category.ts';
import { addDays, addYears, birthDateForAge, randomDate } from './calendar.ts';
import type { IdIssuer } from './id-issuer.ts';
import type { MemberSpec } from './household-templates.ts';
import { Person, type DocumentType, type Household } from './model.ts';
import { drawGivenName, drawLatinName, drawSurname, latinFull } from './name-generator.ts';
import type { Random } from './random.ts';
import type { CountyCode } from './reference-adapter.ts';
import { assignSocial } from './social-attributes.ts';

/** What the members of one household share about where they come from. */
export interface Origin {
  /** Registered (户籍) area code and address; for locals registered here, the dwelling's. */
  readonly registeredAreaCode: string;
  readonly registeredAddress: string;
  /** 6-digit code of the registered district (Shanghai) used for most ID numbers. */
  readonly homeDistrict: string;
  /** Other provinces: the province prefix and the county of the household registration. */
  readonly province?: string;
  readonly county?: CountyCode;
  /** Abroad: GB/T 2659 alpha-3 and, for Hong Kong, Macao and Taiwan residents, the region. */
  readonly country?: string;
  readonly region?: 'HK' | 'MO' | 'TW';
  /** When the household came to live here (or moved its registration here). */
  readonly since: string;
  /** The family's surname, drawn once. */
  readonly surname: string;
  /** Actual residence outside the street (registered-absent households). */
  readonly elsewhereAreaCode?: string;
  readonly elsewhereAddress?: string;
}

const PASSPORT_PATTERNS: Readonly<Record<string, string>> = {
  JPN: 'AA9999999',
  KOR: 'M99999999',
  USA: '599999999',
  GBR: '599999999',
  FRA: '99AA99999',
  DEU: 'CAAAA9999',
  SGP: 'E9999999A',
  CAN: 'AA999999',
  AUS: 'PA9999999',
  MYS: 'A99999999',
  ITA: 'YA9999999',
  ESP: 'PAA999999',
  RUS: '759999999',
  IND: 'A9999999',
  NZL: 'LA999999',
};
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

function fromPattern(random: Random, pattern: string): string {
  let s = '';
  for (const ch of pattern) {
    if (ch === '9') s += String(random.next() % 10);
    else if (ch === 'A') s += LETTERS.charAt(random.next() % LETTERS.length);
    else s += ch;
  }
  return s;
}

export interface PersonFactoryContext {
  readonly random: Random;
  readonly issuer: IdIssuer;
  readonly asOf: string;
  nextPersonId(): string;
}

export class PersonFactory {
  constructor(private readonly ctx: PersonFactoryContext) {}

  create(household: Household, spec: MemberSpec, origin: Origin, family: readonly Person[], category: PopulationCategory): Person {
    const { random, asOf } = this.ctx;
    const p = new Person(this.ctx.nextPersonId(), category, household);
    p.sex = spec.sex;
    p.relationship = spec.rel;
    p.maritalStatus = spec.marital;
    p.birthDate = spec.birthDate ?? birthDateForAge(random, spec.age, asOf);
    const mother = spec.mother === undefined ? undefined : family[spec.mother];
    const father = spec.father === undefined ? undefined : family[spec.father];
    if (mother && mother.sex === '2') p.mother = mother;
    const birthYear = Number(p.birthDate.slice(0, 4));
    const abroad = category === 'FROM_ABROAD';

    if (abroad && origin.country && origin.country !== 'CHN') {
      const latin = drawLatinName(
        random,
        origin.country,
        p.sex,
        father?.latinFamily || (spec.rel === '12' && random.chance(0.6) ? family[0]?.latinFamily : undefined) || undefined,
      );
      p.latinFamily = latin.family;
      p.latinGiven = latin.given;
      p.name = latinFull(latin);
      p.nationality = origin.country;
      p.docType = 'PASSPORT';
      p.docNumber = fromPattern(random, PASSPORT_PATTERNS[origin.country] ?? 'A99999999');
    } else {
      const head = family[0];
      if (father) p.surname = father.surname;
      else if (spec.rel === '02') p.surname = origin.surname;
      else if (head && (spec.rel === '51' || (/^[234]/.test(spec.rel) && spec.rel !== '28' && spec.rel !== '38'))) p.surname = head.surname;
      else p.surname = drawSurname(random, category === 'FROM_OTHER_PROVINCE' || abroad ? 'national' : 'shanghai');
      p.given = drawGivenName(random, p.sex, birthYear);
      p.name = p.surname + p.given;
      if (abroad) this.hmtDocuments(p, origin.region ?? 'HK');
      else this.citizenNumber(p, origin, category);
    }

    this.residence(p, household, origin, category, spec.age);
    assignSocial(random, p, asOf, father?.ethnicGroup ?? mother?.ethnicGroup);
    return p;
  }

  private citizenNumber(p: Person, origin: Origin, category: PopulationCategory): void {
    const { random, issuer } = this.ctx;
    const birthYear = Number(p.birthDate.slice(0, 4));
    let code: string;
    if (category === 'FROM_OTHER_PROVINCE') {
      const sameCounty = origin.county && random.chance(0.85) && origin.county.startYear <= Math.max(birthYear, 1985);
      code = sameCounty && origin.county ? origin.county.code : issuer.provinceCounty(random, birthYear, origin.province ?? '34').code;
    } else {
      code = issuer.shanghaiCode(random, birthYear, origin.homeDistrict);
    }
    for (let shift = 0; shift < 30; shift++) {
      const number = issuer.issue(random, code, p.birthDate, p.sex);
      if (number) {
        p.idNumber = number;
        p.docType = 'CN_ID';
        p.docNumber = number;
        return;
      }
      p.birthDate = addDays(p.birthDate, shift % 2 === 0 ? 1 : -2);
    }
    throw new Error('could not issue a unique ID number');
  }

  private hmtDocuments(p: Person, region: 'HK' | 'MO' | 'TW'): void {
    const { random, issuer } = this.ctx;
    p.nationality = 'CHN';
    const docType: DocumentType = region === 'TW' ? 'TW_PERMIT' : 'HKMO_PERMIT';
    p.docType = docType;
    p.docNumber = region === 'TW' ? random.digits(8) : `${region === 'HK' ? 'H' : 'M'}${random.digits(8)}`;
    if (random.chance(0.6) && Number(p.birthDate.slice(0, 4)) < 2008) {
      const code = region === 'HK' ? '810000' : region === 'MO' ? '820000' : '830000';
      p.hmtResidencePermit = issuer.issue(random, code, p.birthDate, p.sex) ?? '';
    }
  }

  private residence(p: Person, household: Household, origin: Origin, category: PopulationCategory, age: number): void {
    const { random, asOf } = this.ctx;
    const dwelling = household.dwelling;
    p.registeredAreaCode = origin.registeredAreaCode;
    p.registeredAddress = origin.registeredAddress;
    const arrived = origin.since < p.birthDate ? p.birthDate : origin.since;
    if (category === 'RESIDENT_REGISTERED' || category === 'REGISTERED_ABSENT') {
      p.householdRegistrationCategory = household.type === 'COLLECTIVE' ? '3' : '1';
      p.registeredSince = age <= 1 || random.chance(0.35) ? p.birthDate : arrived;
    } else if (category === 'FROM_OTHER_PROVINCE') {
      p.householdRegistrationCategory = random.chance(0.6) ? '2' : '1';
      p.registeredSince = p.birthDate;
    } else if (category === 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL') {
      p.householdRegistrationCategory = '1';
      p.registeredSince = p.birthDate;
    }
    if (category === 'REGISTERED_ABSENT') {
      p.dwelling = null;
      p.actualAreaCode = origin.elsewhereAreaCode ?? '';
      p.actualAddress = origin.elsewhereAddress ?? '';
      p.actualSince = arrived;
      return;
    }
    p.dwelling = dwelling;
    p.actualAreaCode = dwelling?.committee.code ?? '';
    p.actualAddress = dwelling?.fullAddress ?? '';
    p.actualSince = arrived;
    if (category === 'FROM_OTHER_PROVINCE' && age >= 16 && random.chance(0.85)) {
      p.residencePermitValidTo = randomDate(random, addDays(asOf, -90), addYears(asOf, 3));
    }
    if (category === 'FROM_ABROAD' && age >= 16) p.residencePermitValidTo = randomDate(random, addDays(asOf, -30), addYears(asOf, 5));
  }
}
