/**
 * A year of change after the export date, committee by committee: households moving out and new
 * ones moving in (about 12,000 moves a year for the whole street), births to married women, deaths
 * by age, marriages, relief starting and ending, and residence permits expiring (most renewed).
 * Events never alter the truth as of the export date; people who arrive or are born later are new
 * persons with status 'arriving' or 'born'.
 */
import type { PopulationCategory } from '../domain/population-category.ts';
import { addDays, addYears, ageOn, randomDate } from './calendar.ts';
import type { CommitteeBuild, CommitteeBuilder } from './committee-builder.ts';
import { SHAPES, membersOf, type MemberSpec } from './household-templates.ts';
import type { Dwelling, Household, Person } from './model.ts';
import type { Origin } from './person-factory.ts';
import { shanghaiAddressElsewhere } from './places.ts';
import { Random, Weighted } from './random.ts';
import type { DemoReference } from './reference-adapter.ts';
import type { ChangeKind } from './systems.data.ts';

export interface ChangeEvent {
  readonly id: string;
  readonly date: string;
  readonly kind: ChangeKind;
  readonly personId: string;
  readonly householdId: string;
  /** The new value or circumstance: address, marital status, programme, permit date… */
  readonly details: Readonly<Record<string, string>>;
  /** The person, for rendering the change rows. */
  readonly person: Person;
}

/** Share of households leaving within the year, by category. */
const MOVE_OUT: Readonly<Record<PopulationCategory, number>> = {
  RESIDENT_REGISTERED: 0.025,
  RESIDENT_REGISTERED_ELSEWHERE_LOCAL: 0.06,
  FROM_OTHER_PROVINCE: 0.25,
  FROM_ABROAD: 0.2,
  REGISTERED_ABSENT: 0,
};
const ARRIVALS = new Weighted<Exclude<PopulationCategory, 'REGISTERED_ABSENT'>>([
  ['RESIDENT_REGISTERED', 12],
  ['RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 33],
  ['FROM_OTHER_PROVINCE', 43],
  ['FROM_ABROAD', 12],
]);

function mortality(age: number): number {
  return age >= 90 ? 0.18 : age >= 80 ? 0.07 : age >= 70 ? 0.025 : age >= 60 ? 0.008 : 0.001;
}

export interface PlannedYear {
  readonly events: ChangeEvent[];
  /** People who arrive or are born during the year (not in the export-date truth). */
  readonly laterPersons: Person[];
  readonly laterHouseholds: Household[];
}

export function planYear(
  build: CommitteeBuild,
  builder: CommitteeBuilder,
  seed: string,
  asOf: string,
  reference: DemoReference,
  nextEventId: () => string,
): PlannedYear {
  const r = Random.from(seed, 'changes', build.committee.code);
  const first = addDays(asOf, 1);
  const last = addYears(asOf, 1);
  const events: ChangeEvent[] = [];
  const laterPersons: Person[] = [];
  const laterHouseholds: Household[] = [];
  const event = (date: string, kind: ChangeKind, p: Person, details: Record<string, string> = {}): void => {
    events.push({ id: nextEventId(), date, kind, personId: p.id, householdId: p.household.id, details, person: p });
  };
  const street = build.committee.street;
  const leaving = new Set<Person>();
  const vacated: { dwelling: Dwelling; from: string }[] = [];
  let movedOut = 0;

  for (const h of build.households) {
    if (!r.chance(MOVE_OUT[h.category])) continue;
    const date = randomDate(r, first, last);
    const destination = h.category === 'FROM_ABROAD' ? '出境' : shanghaiAddressElsewhere(r, reference, street.code).address;
    if (
      h.dwelling &&
      h.category !== 'REGISTERED_ABSENT' &&
      h.dwelling.occupants === h.members.filter((m) => m.category !== 'REGISTERED_ABSENT').length
    ) {
      vacated.push({ dwelling: h.dwelling, from: date });
    }
    for (const p of h.members) {
      if (p.category === 'REGISTERED_ABSENT') continue;
      event(date, 'move-out', p, { destination });
      leaving.add(p);
      movedOut++;
    }
  }
  for (const p of build.persons) {
    if (p.category === 'REGISTERED_ABSENT' || p.status !== 'present') continue;
    const age = ageOn(p.birthDate, asOf);
    const dies = r.chance(mortality(age));
    if (dies) {
      event(randomDate(r, first, last), 'death', p);
      continue;
    }
    if (leaving.has(p)) continue;
    if (p.maritalStatus === '10' && age >= 22 && age <= 40 && r.chance(0.06))
      event(randomDate(r, first, last), 'marriage', p, { maritalStatus: '20' });
    if (p.sex === '2' && p.maritalStatus === '20' && age >= 20 && age <= 42 && r.chance(age <= 35 ? 0.07 : 0.025)) {
      const date = randomDate(r, first, last);
      const baby = birth(builder, p, date, r);
      laterPersons.push(baby);
      event(date, 'birth', baby, { motherId: p.id });
    }
    const validTo = p.residencePermitValidTo;
    if (validTo !== '' && validTo >= first && validTo <= last) {
      event(validTo, 'permit-expiry', p, r.chance(0.6) ? { renewedTo: addYears(validTo, p.category === 'FROM_ABROAD' ? 2 : 3) } : {});
    }
  }
  for (const h of build.households) {
    if (h.category !== 'RESIDENT_REGISTERED') continue;
    const members = h.members.filter((m) => m.category === 'RESIDENT_REGISTERED');
    const head = members[0];
    if (!head) continue;
    const programme = head.attrs.get('relief.programme');
    if (programme && r.chance(0.12)) {
      const date = randomDate(r, first, last);
      for (const m of members) event(date, 'relief-end', m, { programme });
    } else if (!programme && r.chance(0.003)) {
      const date = randomDate(r, first, last);
      const started = r.chance(0.7) ? 'MINIMUM_INCOME' : 'LOW_INCOME';
      for (const m of members) event(date, 'relief-start', m, { programme: started });
    }
  }
  // About as many people arrive as leave.
  let arrived = 0;
  while (arrived < movedOut) {
    const category = ARRIVALS.draw(r);
    const shape = SHAPES[category].draw(r);
    const specs = membersOf(r, shape, category).slice(0, Math.max(1, movedOut - arrived));
    // Newcomers mostly take the homes of those who left (turnover), else a dwelling new to the truth.
    const spot = vacated.length > 0 ? vacated.splice(r.int(0, vacated.length - 1), 1)[0] : undefined;
    const reuse = spot && spot.from < last ? spot : undefined;
    const h = builder.household(category, shape, specs, reuse?.dwelling, 'arriving');
    const date = reuse ? randomDate(r, addDays(reuse.from, 1), last) : randomDate(r, first, last);
    const dwelling = h.dwelling;
    const use = dwelling?.housingUse ?? '';
    if (dwelling && !reuse) {
      if (dwelling.rental) {
        dwelling.rental.startDate = date;
        dwelling.rental.endDate = addYears(date, r.int(1, 3));
      }
      dwelling.housingUse = 'VACANT';
    }
    for (const p of h.members) {
      p.status = 'arriving';
      p.statusDate = date;
      p.actualSince = date;
      if (category === 'RESIDENT_REGISTERED') p.registeredSince = date;
      laterPersons.push(p);
      event(date, 'move-in', p, { address: p.actualAddress, housingUse: use });
    }
    laterHouseholds.push(h);
    arrived += h.members.length;
  }
  events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
  return { events, laterPersons, laterHouseholds };
}

function birth(builder: CommitteeBuilder, mother: Person, date: string, r: Random): Person {
  const h = mother.household;
  const sex: '1' | '2' = r.chance(0.51) ? '1' : '2';
  const father = h.members.find(
    (m) =>
      m !== mother &&
      m.sex === '1' &&
      m.maritalStatus === '20' &&
      Math.abs(Number(m.birthDate.slice(0, 4)) - Number(mother.birthDate.slice(0, 4))) < 12,
  );
  const motherIsHead = mother.relationship === '02' || father?.relationship === '02';
  const rel = motherIsHead ? (sex === '1' ? '20' : '30') : sex === '1' ? '41' : '42';
  const family = father ? [mother, father] : [mother];
  const spec: MemberSpec = { sex, age: 0, rel, mother: 0, ...(father ? { father: 1 } : {}), marital: '10', birthDate: date };
  const origin: Origin = {
    registeredAreaCode: mother.registeredAreaCode,
    registeredAddress: mother.registeredAddress,
    homeDistrict: mother.category === 'FROM_OTHER_PROVINCE' ? mother.registeredAreaCode : mother.registeredAreaCode.slice(0, 6) || '310105',
    ...(mother.category === 'FROM_OTHER_PROVINCE'
      ? {
          province: mother.registeredAreaCode.slice(0, 2),
          county: { code: mother.registeredAreaCode, name: '', province: '', prefecture: '', startYear: 1980, endYear: null },
        }
      : {}),
    ...(mother.category === 'FROM_ABROAD'
      ? { country: mother.nationality, region: mother.docType === 'TW_PERMIT' ? ('TW' as const) : ('HK' as const) }
      : {}),
    since: date,
    surname: father?.surname ?? mother.surname,
  };
  const baby = builder.person(h, spec, origin, family, mother.category);
  baby.status = 'born';
  baby.statusDate = date;
  baby.actualSince = date;
  baby.registeredSince = date;
  return baby;
}
