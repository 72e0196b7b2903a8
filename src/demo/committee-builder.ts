/**
 * Builds one neighbourhood committee of the demo street: households of each population category up
 * to the committee's quota, the dwellings they live in (with housing use and rental registrations),
 * households registered here whose members live elsewhere (户在人不在), vacant dwellings, and the
 * former residents who died or moved away recently (still found in slow departments' systems).
 */
import type { PopulationCategory } from '../domain/population-category.ts';
import { addDays, addYears, randomDate } from './calendar.ts';
import { ABSENT_SHAPES, SHAPES, membersOf, type HouseholdShape, type MemberSpec } from './household-templates.ts';
import { ORIGIN_PROVINCES, WENCHUAN_COUNTIES, type IdIssuer } from './id-issuer.ts';
import { Household, type Committee, type Dwelling, type HousingUse, type Person } from './model.ts';
import { drawGivenName, drawSurname } from './name-generator.ts';
import { FOREIGN_COUNTRIES } from './name-data.ts';
import { PersonFactory, type Origin } from './person-factory.ts';
import { countyAddress, DwellingStock, shanghaiAddressElsewhere } from './places.ts';
import { Random, Weighted } from './random.ts';
import type { DemoReference } from './reference-adapter.ts';

export type Quotas = Readonly<Record<PopulationCategory, number>>;

export interface BuildContext {
  readonly seed: string;
  readonly reference: DemoReference;
  readonly issuer: IdIssuer;
  readonly asOf: string;
}

export interface CommitteeBuild {
  readonly committee: Committee;
  readonly random: Random;
  readonly factory: PersonFactory;
  readonly households: Household[];
  /** Everyone present or registered here, household by household. */
  readonly persons: Person[];
  /** People who died or moved away in the last three years. */
  readonly ghosts: Person[];
  /** Households that moved away before the export date (their members are ghosts). */
  readonly departedHouseholds: Household[];
  readonly dwellings: Dwelling[];
}

const ABROAD = new Weighted<string>([...FOREIGN_COUNTRIES.map(([code, , , w]) => [code, w] as const), ['HK', 16], ['TW', 11], ['MO', 1.5]]);

const LAST_RESIDENCE_YEARS: Readonly<Record<PopulationCategory, number>> = {
  RESIDENT_REGISTERED: 45,
  RESIDENT_REGISTERED_ELSEWHERE_LOCAL: 18,
  FROM_OTHER_PROVINCE: 12,
  FROM_ABROAD: 8,
  REGISTERED_ABSENT: 40,
};

export class CommitteeBuilder {
  private readonly random: Random;
  private readonly stock: DwellingStock;
  private readonly factory: PersonFactory;
  private readonly build: CommitteeBuild;
  private rentalSeq = 0;
  private householdSeq = 0;
  private readonly counters = { person: 0, household: 0, dwelling: 0 };

  constructor(
    private readonly ctx: BuildContext,
    private readonly committee: Committee,
    committeeIndex: number,
  ) {
    this.random = Random.from(ctx.seed, 'committee', committee.code);
    // Ids are committee-scoped (P310105004001-00012), so committees can be built in any order or thread.
    const counters = this.counters;
    this.stock = new DwellingStock(
      this.random.fork('stock'),
      committee,
      committeeIndex,
      () => `D${committee.code}-${String(++counters.dwelling).padStart(5, '0')}`,
    );
    this.factory = new PersonFactory({
      random: this.random,
      issuer: ctx.issuer,
      asOf: ctx.asOf,
      nextPersonId: () => `P${committee.code}-${String(++counters.person).padStart(5, '0')}`,
    });
    this.build = {
      committee,
      random: this.random,
      factory: this.factory,
      households: [],
      persons: [],
      ghosts: [],
      departedHouseholds: [],
      dwellings: [],
    };
  }

  run(quotas: Quotas): CommitteeBuild {
    for (const category of ['RESIDENT_REGISTERED', 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 'FROM_OTHER_PROVINCE', 'FROM_ABROAD'] as const) {
      let count = 0;
      while (count < quotas[category]) {
        const shape = SHAPES[category].draw(this.random);
        const specs = membersOf(this.random, shape, category).slice(0, quotas[category] - count);
        count += this.household(category, shape, specs).members.length;
      }
    }
    this.registeredAbsent(quotas.REGISTERED_ABSENT);
    const vacant = Math.round(this.build.dwellings.length * 0.03);
    for (let i = 0; i < vacant; i++) this.newDwelling(this.random.chance(0.5) ? 'lane-house' : 'tower-block', 'VACANT');
    this.ghosts();
    return this.build;
  }

  /** Creates one more member for a household (used for births during the year of changes). */
  person(household: Household, spec: MemberSpec, origin: Origin, family: readonly Person[], category: PopulationCategory): Person {
    return this.factory.create(household, spec, origin, family, category);
  }

  /** Creates a household with its own new dwelling (or the given one) and its members. */
  household(
    category: PopulationCategory,
    shape: HouseholdShape,
    specs: readonly MemberSpec[],
    atDwelling?: Dwelling,
    status?: 'moved-away' | 'arriving',
  ): Household {
    const dwelling = atDwelling ?? this.dwellingFor(category, shape);
    const collective = shape === 'dormitory' || shape === 'shared-rental';
    const registeredHere = category === 'RESIDENT_REGISTERED' || category === 'REGISTERED_ABSENT';
    const household = new Household(
      `H${this.committee.code}-${String(++this.counters.household).padStart(5, '0')}`,
      category,
      collective ? 'COLLECTIVE' : 'FAMILY',
      registeredHere,
      dwelling,
    );
    if (registeredHere) household.number = `${this.committee.code.slice(6)}${String(++this.householdSeq).padStart(4, '0')}`;
    const origin = this.origin(category, dwelling, specs[0]?.age ?? 40);
    for (const spec of specs) {
      const p = this.factory.create(household, spec, origin, household.members, category);
      household.members.push(p);
    }
    if (status) return household;
    this.build.households.push(household);
    for (const p of household.members) this.build.persons.push(p);
    if (category === 'REGISTERED_ABSENT') {
      dwelling.registeredHouseholds++;
      const rental = dwelling.rental;
      if (rental && rental.kind === 'private' && rental.landlordId === '') {
        rental.landlordId = household.head.id;
        rental.landlordName = household.head.name;
      }
    } else {
      dwelling.occupants += household.members.length;
      if (registeredHere) dwelling.registeredHouseholds++;
      if (dwelling.rental) dwelling.rental.tenantId = household.head.id;
      this.previousAddresses(household, origin);
    }
    return household;
  }

  private dwellingFor(category: PopulationCategory, shape: HouseholdShape): Dwelling {
    const r = this.random;
    let use: HousingUse;
    let lane: boolean;
    switch (category) {
      case 'RESIDENT_REGISTERED':
        use = r.chance(0.58) ? 'OWNER' : 'PUBLIC_RENTAL';
        lane = r.chance(0.45);
        break;
      case 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL':
        use = r.chance(0.5) ? 'OWNER' : r.chance(0.76) ? 'PRIVATE_RENTAL' : 'PUBLIC_RENTAL';
        lane = r.chance(0.3);
        break;
      case 'FROM_OTHER_PROVINCE':
        use = shape === 'dormitory' ? 'COLLECTIVE_DORMITORY' : 'PRIVATE_RENTAL';
        lane = r.chance(shape === 'dormitory' ? 0.4 : 0.55);
        break;
      case 'FROM_ABROAD':
        use = r.chance(0.8) ? 'PRIVATE_RENTAL' : 'OWNER';
        lane = r.chance(0.1);
        break;
      case 'REGISTERED_ABSENT':
        use = 'VACANT';
        lane = r.chance(0.5);
        break;
    }
    return this.newDwelling(lane ? 'lane-house' : 'tower-block', use);
  }

  private newDwelling(type: 'lane-house' | 'tower-block', use: HousingUse): Dwelling {
    const d = this.stock.take(type);
    d.housingUse = use;
    const r = this.random;
    const asOf = this.ctx.asOf;
    const seq = `${this.committee.code.slice(6)}${String(++this.rentalSeq).padStart(5, '0')}`;
    if (use === 'PRIVATE_RENTAL') {
      const start = randomDate(r, addDays(asOf, -720), addDays(asOf, -10));
      let end = addYears(start, r.int(1, 3));
      if (end <= asOf) end = addDays(asOf, r.int(30, 365));
      d.rental = {
        kind: 'private',
        registrationNumber: `沪租${start.slice(0, 4)}${seq}`,
        landlordName: drawSurname(r, 'shanghai') + drawGivenName(r, r.chance(0.5) ? '1' : '2', r.int(1945, 1985)),
        landlordId: '',
        tenantId: '',
        startDate: start,
        endDate: end,
      };
    } else if (use === 'PUBLIC_RENTAL') {
      d.rental = {
        kind: 'public',
        registrationNumber: `公${seq}`,
        landlordName: `${this.committee.street.districtName}公房管理中心`,
        landlordId: '',
        tenantId: '',
        startDate: randomDate(r, '1975-01-01', addDays(asOf, -400)),
        endDate: '',
      };
    }
    this.build.dwellings.push(d);
    return d;
  }

  private origin(category: PopulationCategory, dwelling: Dwelling, headAge: number): Origin {
    const r = this.random;
    const asOf = this.ctx.asOf;
    const street = this.committee.street;
    const years = Math.min(LAST_RESIDENCE_YEARS[category], Math.max(1, headAge - 18));
    const since = randomDate(r, addYears(asOf, -years), addDays(asOf, -20));
    switch (category) {
      case 'RESIDENT_REGISTERED':
        return {
          registeredAreaCode: this.committee.code,
          registeredAddress: dwelling.fullAddress,
          homeDistrict: street.districtCode,
          since,
          surname: drawSurname(r, 'shanghai'),
        };
      case 'REGISTERED_ABSENT': {
        const elsewhere = shanghaiAddressElsewhere(r, this.ctx.reference, street.code);
        return {
          registeredAreaCode: this.committee.code,
          registeredAddress: dwelling.fullAddress,
          homeDistrict: street.districtCode,
          since,
          surname: drawSurname(r, 'shanghai'),
          elsewhereAreaCode: elsewhere.areaCode,
          elsewhereAddress: elsewhere.address,
        };
      }
      case 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL': {
        const home = shanghaiAddressElsewhere(r, this.ctx.reference, street.code);
        return {
          registeredAreaCode: home.areaCode,
          registeredAddress: home.address,
          homeDistrict: home.areaCode.slice(0, 6),
          since,
          surname: drawSurname(r, 'shanghai'),
        };
      }
      case 'FROM_OTHER_PROVINCE': {
        // About one migrant household in eighty came after the 2008 Wenchuan earthquake.
        const wenchuan = r.chance(0.012);
        const province = wenchuan ? '51' : ORIGIN_PROVINCES.draw(r);
        const county =
          (wenchuan ? this.ctx.reference.countiesInUse('51', 2024).find((c) => c.code === r.pick(WENCHUAN_COUNTIES)) : undefined) ??
          this.ctx.issuer.provinceCounty(r, 2024, province);
        return {
          registeredAreaCode: county.code,
          registeredAddress: countyAddress(r, county.province, county.prefecture, county.name),
          homeDistrict: county.code,
          province,
          county,
          since: wenchuan ? randomDate(r, '2008-05-20', '2009-12-31') : since,
          surname: drawSurname(r, 'national'),
        };
      }
      case 'FROM_ABROAD': {
        const drawn = ABROAD.draw(r);
        const region = drawn === 'HK' || drawn === 'MO' || drawn === 'TW' ? drawn : undefined;
        return {
          registeredAreaCode: '',
          registeredAddress: '',
          homeDistrict: '',
          country: region ? 'CHN' : drawn,
          ...(region ? { region } : {}),
          since,
          surname: drawSurname(r, 'national'),
        };
      }
    }
  }

  /** Adults who came from elsewhere remember their previous address; slow systems still show it. */
  private previousAddresses(household: Household, origin: Origin): void {
    const r = this.random;
    if (household.category === 'FROM_ABROAD' || !r.chance(0.5)) return;
    const previous =
      household.category === 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' && r.chance(0.6)
        ? origin.registeredAddress
        : shanghaiAddressElsewhere(r, this.ctx.reference, this.committee.street.code).address;
    for (const p of household.members)
      if (p.actualSince > p.birthDate && p.actualSince > addYears(this.ctx.asOf, -6)) p.previousAddress = previous;
  }

  private registeredAbsent(quota: number): void {
    const r = this.random;
    let count = 0;
    const attachedTarget = Math.round(quota * 0.4);
    const families = this.build.households.filter((h) => h.category === 'RESIDENT_REGISTERED' && h.type === 'FAMILY');
    while (count < attachedTarget && families.length > 0) {
      const h = r.pick(families);
      const head = h.head;
      const age = Math.max(18, Math.round(r.around(Math.max(20, headAgeOf(head, this.ctx.asOf) - 29), 4, 18, 70)));
      const sex: '1' | '2' = r.chance(0.5) ? '1' : '2';
      const spec: MemberSpec = {
        sex,
        age,
        rel: sex === '1' ? '20' : '30',
        ...(head.sex === '1' ? { father: 0 } : { mother: 0 }),
        marital: age > 28 && r.chance(0.7) ? '20' : '10',
      };
      const elsewhere = shanghaiAddressElsewhere(r, this.ctx.reference, this.committee.street.code);
      const origin: Origin = {
        registeredAreaCode: this.committee.code,
        registeredAddress: head.registeredAddress,
        homeDistrict: this.committee.street.districtCode,
        since: head.registeredSince,
        surname: head.surname,
        elsewhereAreaCode: elsewhere.areaCode,
        elsewhereAddress: elsewhere.address,
      };
      const members = [head];
      const p = this.factory.create(h, spec, origin, members, 'REGISTERED_ABSENT');
      h.members.push(p);
      const at = this.build.persons.indexOf(h.members[h.members.length - 2] ?? head);
      this.build.persons.splice(at + 1, 0, p);
      count++;
    }
    const rentals = this.build.dwellings.filter((d) => d.rental?.kind === 'private' || d.housingUse === 'OWNER');
    r.shuffle(rentals);
    while (count < quota) {
      const shape = ABSENT_SHAPES.draw(r);
      const specs = membersOf(r, shape, 'REGISTERED_ABSENT').slice(0, quota - count);
      const dwelling = rentals.pop() ?? this.newDwelling(r.chance(0.5) ? 'lane-house' : 'tower-block', 'VACANT');
      count += this.household('REGISTERED_ABSENT', shape, specs, dwelling).members.length;
    }
  }

  private ghosts(): void {
    const r = this.random;
    const asOf = this.ctx.asOf;
    const from = addYears(asOf, -3);
    for (const h of this.build.households) {
      const head = h.members[0];
      if (!head || h.members.length !== 1 || head.maritalStatus !== '30' || !r.chance(0.25)) continue;
      const spec: MemberSpec = {
        sex: head.sex === '1' ? '2' : '1',
        age: Math.min(100, headAgeOf(head, asOf) + r.int(0, 4)),
        rel: head.sex === '1' ? '12' : '11',
        marital: '20',
      };
      const origin: Origin = {
        registeredAreaCode: head.registeredAreaCode,
        registeredAddress: head.registeredAddress,
        homeDistrict: head.registeredAreaCode.slice(0, 6),
        since: head.actualSince,
        surname: drawSurname(r, 'shanghai'),
      };
      const ghost = this.factory.create(h, spec, origin, [], h.category);
      ghost.status = 'deceased';
      ghost.statusDate = randomDate(r, from, addDays(asOf, -1));
      this.build.ghosts.push(ghost);
    }
    const leavers = Math.round(this.build.persons.length * 0.03);
    const rented = this.build.dwellings.filter((d) => d.housingUse === 'PRIVATE_RENTAL' && d.occupants > 0);
    let count = 0;
    while (count < leavers && rented.length > 0) {
      const category = r.chance(0.55) ? 'FROM_OTHER_PROVINCE' : r.chance(0.7) ? 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' : 'FROM_ABROAD';
      const shape = SHAPES[category].draw(r);
      const h = this.household(
        category,
        shape === 'dormitory' ? 'single' : shape,
        membersOf(r, shape === 'dormitory' ? 'single' : shape, category),
        r.pick(rented),
        'moved-away',
      );
      const left = randomDate(r, from, addDays(asOf, -1));
      for (const p of h.members) {
        p.status = 'moved-away';
        p.statusDate = left;
        if (p.actualSince >= left) p.actualSince = addYears(left, -1);
        this.build.ghosts.push(p);
      }
      this.build.departedHouseholds.push(h);
      count += h.members.length;
    }
  }
}

function headAgeOf(p: Person, asOf: string): number {
  return Number(asOf.slice(0, 4)) - Number(p.birthDate.slice(0, 4));
}
