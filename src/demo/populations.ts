/**
 * Who each department's system covers, as predicates over a true person on a date (the export date,
 * or an older snapshot for single-PC systems). Systems name one of these ids; the populations are
 * data for the systems table, not per-system code.
 */
import { ageOn } from './calendar.ts';
import type { Person } from './model.ts';

export const POPULATIONS = {
  /** Police household register: everyone registered here, living here or not. */
  registered: (p) => p.category === 'RESIDENT_REGISTERED' || p.category === 'REGISTERED_ABSENT',
  /** Foreigners and HK/Macao/Taiwan residents living here. */
  abroad: (p) => p.category === 'FROM_ABROAD',
  /** The street's own database: everyone living or registered here. */
  everyone: () => true,
  /** Actual residents (实有人口): everyone living here. */
  actual: (p) => p.category !== 'REGISTERED_ABSENT',
  /** Shanghai-registered people of working age (16–64). */
  labour: (p, on) => p.category !== 'FROM_OTHER_PROVINCE' && p.category !== 'FROM_ABROAD' && between(p, on, 16, 64),
  /** Relief recipients and their households. */
  relief: (p) => p.attrs.has('relief.programme'),
  /** One-window social relief: every kind of hardship. */
  'social-relief': (p) => p.attrs.has('relief.programme') || p.hasKind('union-hardship') || p.hasKind('low-rent-housing'),
  'inland-returnee': (p) => p.hasKind('inland-returnee'),
  /** Low-rent housing: one row per household, the applicant being the head. */
  'low-rent-housing': (p) => p.hasKind('low-rent-housing') && p.relationship === '02',
  'disaster-donor': (p) => p.hasKind('disaster-donor'),
  wenchuan: (p) => p.hasKind('wenchuan-arrival'),
  /** Migrants aged 16 and over living here (residence permits, social-insurance cards). */
  'migrant-permit': (p, on) => p.category === 'FROM_OTHER_PROVINCE' && ageOn(p.birthDate, on) >= 16,
  'medical-insured': (p) => p.hasKind('medical-insured'),
  'one-stop-applicant': (p) => p.hasKind('one-stop-applicant'),
  'released-prisoner': (p) => p.hasKind('released-prisoner'),
  'community-correction': (p) => p.hasKind('community-correction'),
  'elderly-living-alone': (p) => p.hasKind('elderly-living-alone'),
  /** Party members whose membership (组织关系) is in the street. */
  'party-member-here': (p, on) =>
    p.hasKind('party-member') && p.attrs.get('party.organisationHere') === 'true' && (p.attrs.get('party.joinDate') ?? '') <= on,
  /** Every party member in the street, including those reporting from elsewhere (在职党员报到). */
  'party-member': (p) => p.hasKind('party-member'),
  'retired-cadre': (p) => p.hasKind('retired-cadre'),
  /** Women aged 15–49 living here (not abroad) and their children under 18. */
  'family-planning': (p, on) => fertileWoman(p, on) || (ageOn(p.birthDate, on) < 18 && p.mother !== null && fertileWoman(p.mother, on)),
  'united-front': (p) => p.hasKind('united-front'),
  'union-hardship': (p) => p.hasKind('union-hardship'),
  'youth-volunteer': (p, on) => p.hasKind('youth-volunteer') && between(p, on, 14, 35),
  militia: (p) => p.hasKind('militia'),
  /** Registered men aged 18–22 in the year of the date. */
  conscription: (p, on) =>
    (p.category === 'RESIDENT_REGISTERED' || p.category === 'REGISTERED_ABSENT') &&
    p.sex === '1' &&
    yearsIn(p, on) >= 18 &&
    yearsIn(p, on) <= 22,
} satisfies Record<string, (p: Person, on: string) => boolean>;

export type PopulationId = keyof typeof POPULATIONS;

function between(p: Person, on: string, min: number, max: number): boolean {
  const age = ageOn(p.birthDate, on);
  return age >= min && age <= max;
}

function yearsIn(p: Person, on: string): number {
  return Number(on.slice(0, 4)) - Number(p.birthDate.slice(0, 4));
}

function fertileWoman(p: Person, on: string): boolean {
  return p.sex === '2' && p.category !== 'FROM_ABROAD' && p.category !== 'REGISTERED_ABSENT' && between(p, on, 15, 49);
}

/** Was the person part of the street on the date (born, arrived, not yet dead or gone)? */
export function presentOn(p: Person, on: string): boolean {
  if (p.birthDate > on) return false;
  if ((p.status === 'deceased' || p.status === 'moved-away') && p.statusDate <= on) return false;
  if (p.status === 'arriving' || p.status === 'born') return p.statusDate <= on;
  return true;
}
