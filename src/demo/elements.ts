/**
 * The data elements the demo's extracts carry, by element id: the ids of data/catalogue/elements.json
 * where the catalogue has the element (person.name, person.sex…), and `object.property` ids of the
 * same style for what it does not have yet (relief.programme, party.joinDate, dwelling.housingUse…).
 * Each element says how its true value is read from the model, in canonical form: national codes,
 * ISO dates, full addresses. Extract columns refer to these ids; the truth is written with them.
 */
import { ageOn } from './calendar.ts';
import type { Person } from './model.ts';

/** text: as is; code: a code of `table`; date: ISO; number: decimal digits; address: full address. */
export type ElementKind = 'text' | 'code' | 'date' | 'number' | 'address';

export interface DemoElement {
  readonly kind: ElementKind;
  /** Code table id for codes (catalogue ids, or demo-local tables named in docs/demo.md). */
  readonly table?: string;
  /** True value on the date (only `person.age` depends on it). */
  readonly value: (p: Person, on: string) => string;
  /** The value an empty truth stands for (booleans: 'false'); extracts show it explicitly. */
  readonly absentMeans?: string;
  /** True when the catalogue (data/catalogue/elements.json) does not define this element yet. */
  readonly demoLocal?: true;
}

const attr =
  (id: string) =>
  (p: Person): string =>
    p.attrs.get(id) ?? '';
const text = (value: (p: Person) => string): DemoElement => ({ kind: 'text', value });
const local = (kind: ElementKind, value: (p: Person) => string, table?: string): DemoElement => ({
  kind,
  value,
  demoLocal: true,
  ...(table ? { table } : {}),
});
const code = (table: string, value: (p: Person) => string): DemoElement => ({ kind: 'code', table, value });
const kindCode = (id: string, table: string): DemoElement => local('code', attr(id), table);
const kindDate = (id: string): DemoElement => local('date', attr(id));
const kindText = (id: string): DemoElement => local('text', attr(id));
const kindNumber = (id: string): DemoElement => local('number', attr(id));

export const ELEMENTS = {
  'person.name': text((p) => p.name),
  'person.latinName': text((p) => (p.latinFamily ? `${p.latinFamily} ${p.latinGiven}` : '')),
  'person.sex': code('sex', (p) => p.sex),
  'person.birthDate': { kind: 'date', value: (p) => p.birthDate },
  'person.age': local('number', () => '', undefined),
  'person.citizenIdNumber': text((p) => p.idNumber),
  'person.identityDocumentType': local('code', (p) => p.docType, 'identifier-type'),
  'person.identityDocumentNumber': local('text', (p) => p.docNumber),
  'person.otherIdentityDocument': text((p) => (p.docType === 'CN_ID' ? '' : p.docNumber)),
  'person.hmtResidencePermitNumber': local('text', (p) => p.hmtResidencePermit),
  'person.nationality': code('country', (p) => p.nationality),
  'person.ethnicGroup': code('ethnic-group', (p) => (p.nationality === 'CHN' ? p.ethnicGroup : '')),
  'person.education': code('education', (p) => p.education),
  'person.maritalStatus': code('marital-status', (p) => p.maritalStatus),
  'person.politicalStatus': code('political-status', (p) => (p.nationality === 'CHN' ? p.politicalStatus : '')),
  'person.employmentStatus': code('employment-status', (p) => p.employmentStatus),
  'person.occupation': text((p) => p.occupation),
  'person.employer': local('text', (p) => p.employer),
  'person.religion': code('religion', (p) => p.religion),
  'person.healthStatus': code('health-status', (p) => p.healthStatus),
  'person.phone': { kind: 'text', value: (p) => p.phone },
  'person.registeredAddress': { kind: 'address', value: (p) => p.registeredAddress },
  'person.registeredAreaCode': local('text', (p) => p.registeredAreaCode),
  'person.registeredSince': local('date', (p) => p.registeredSince),
  'person.householdRegistrationCategory': code('household-registration-category', (p) => p.householdRegistrationCategory),
  'person.actualResidence': { kind: 'address', value: (p) => p.actualAddress },
  'person.actualResidenceSince': local('date', (p) => p.actualSince),
  'person.actualCommittee': local('text', (p) => (p.dwelling ? p.dwelling.committee.name : '')),
  'person.populationCategory': code('population-category', (p) => p.category),
  'person.relationshipToHead': code('family-relationship', (p) => p.relationship),
  'person.householdType': code('household-type', (p) => p.household.type),
  'person.deathDate': { kind: 'date', value: (p) => (p.status === 'deceased' ? p.statusDate : '') },
  'person.motherIdNumber': local('text', (p) => p.mother?.idNumber ?? ''),
  'household.number': local('text', (p) => p.household.number),
  'household.headName': local('text', (p) => p.household.head.name),
  'household.size': local('number', (p) => String(p.household.members.length)),
  'dwelling.housingUse': local('code', (p) => p.dwelling?.housingUse ?? '', 'housing-use'),
  'rental.registrationNumber': local('text', (p) => p.dwelling?.rental?.registrationNumber ?? ''),
  'rental.landlordName': local('text', (p) => p.dwelling?.rental?.landlordName ?? ''),
  'rental.startDate': local('date', (p) => p.dwelling?.rental?.startDate ?? ''),
  'rental.endDate': local('date', (p) => p.dwelling?.rental?.endDate ?? ''),
  'residencePermit.validTo': local('date', (p) => p.residencePermitValidTo),
  'person.disabilityCategory': code('disability-category', attr('person.disabilityCategory')),
  'person.disabilityGrade': code('disability-grade', attr('person.disabilityGrade')),
  'disability.certificateNumber': kindText('disability.certificateNumber'),
  'person.subsistenceAllowance': { kind: 'code', table: 'boolean', value: attr('person.subsistenceAllowance'), absentMeans: 'false' },
  'person.communityCorrection': { kind: 'code', table: 'boolean', value: attr('person.communityCorrection'), absentMeans: 'false' },
  'relief.programme': kindCode('relief.programme', 'relief-programme'),
  'relief.since': kindDate('relief.since'),
  'relief.monthlyAmount': kindNumber('relief.monthlyAmount'),
  'relief.householdSize': kindNumber('relief.householdSize'),
  'lowRent.mode': kindCode('lowRent.mode', 'low-rent-mode'),
  'lowRent.since': kindDate('lowRent.since'),
  'unionHardship.reason': kindCode('unionHardship.reason', 'hardship-reason'),
  'unionHardship.employer': kindText('unionHardship.employer'),
  'release.date': kindDate('release.date'),
  'release.sentenceMonths': kindNumber('release.sentenceMonths'),
  'correction.type': kindCode('correction.type', 'correction-type'),
  'correction.start': kindDate('correction.start'),
  'correction.end': kindDate('correction.end'),
  'party.joinDate': kindDate('party.joinDate'),
  'party.branch': kindText('party.branch'),
  'party.organisationHere': local('code', attr('party.organisationHere'), 'boolean'),
  'militia.type': kindCode('militia.type', 'militia-type'),
  'militia.unit': kindText('militia.unit'),
  'conscription.registeredOn': kindDate('conscription.registeredOn'),
  'retiredCadre.type': kindCode('retiredCadre.type', 'retired-cadre-type'),
  'retiredCadre.formerEmployer': kindText('retiredCadre.formerEmployer'),
  'retiredCadre.rank': kindCode('retiredCadre.rank', 'cadre-rank'),
  'unitedFront.type': kindCode('unitedFront.type', 'united-front-type'),
  'volunteer.registeredOn': kindDate('volunteer.registeredOn'),
  'volunteer.hours': kindNumber('volunteer.hours'),
  'inland.region': kindText('inland.region'),
  'inland.returnDate': kindDate('inland.returnDate'),
  'wenchuan.originCounty': kindText('wenchuan.originCounty'),
  'wenchuan.arrivalDate': kindDate('wenchuan.arrivalDate'),
  'donation.amount': kindNumber('donation.amount'),
  'donation.date': kindDate('donation.date'),
  'oneStop.service': kindCode('oneStop.service', 'one-stop-service'),
  'oneStop.date': kindDate('oneStop.date'),
  'medicalInsurance.type': kindCode('medicalInsurance.type', 'medical-insurance-type'),
  'socialInsurance.cardNumber': kindText('socialInsurance.cardNumber'),
  'familyPlanning.childrenCount': kindNumber('familyPlanning.childrenCount'),
} satisfies Record<string, DemoElement>;

export type ElementId = keyof typeof ELEMENTS;

/** The true value of an element for the person on the date ('' when it has none). */
export function trueValue(element: ElementId, p: Person, on: string): string {
  if (element === 'person.age') return String(ageOn(p.birthDate, on));
  return ELEMENTS[element].value(p, on);
}

/** The value an extract shows: the true value, or what its absence means (booleans). */
export function shownValue(element: ElementId, p: Person, on: string): string {
  const v = trueValue(element, p, on);
  if (v !== '') return v;
  const e: DemoElement = ELEMENTS[element];
  return e.absentMeans ?? '';
}

const ALL: readonly (readonly [string, DemoElement])[] = Object.entries(ELEMENTS);

/** Every element's true value on the date as a JSON object text, leaving out empty ones. */
export function trueValuesJson(p: Person, on: string): string {
  let json = '{';
  for (const [id, element] of ALL) {
    const v = id === 'person.age' ? String(ageOn(p.birthDate, on)) : element.value(p, on);
    if (v !== '') json += `${json.length > 1 ? ',' : ''}"${id}":${JSON.stringify(v)}`;
  }
  return `${json}}`;
}

/** Every element's true value on the date, leaving out empty ones. */
export function trueValues(p: Person, on: string): Record<string, string> {
  return JSON.parse(trueValuesJson(p, on)) as Record<string, string>;
}
