/** Persons, their current values (with the observations behind them), identifiers and residences. */
import type { Selectable } from 'kysely';
import type { ResidenceKind } from '../domain/population-category.ts';
import type BetterSqlite3 from 'better-sqlite3';
import type { HouseholdMember, Identifier, ObservationMethod, Person, PersonValue, Residence } from '../domain/registry/types.ts';
import type { IdentifierTable, PersonTable, PersonValueTable, ResidenceTable } from './database.ts';
import { toMember } from './household.repository.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';
import { startsWith } from './text-search.ts';

const toPerson = (r: Selectable<PersonTable>): Person => ({
  id: r.id,
  status: r.status as Person['status'],
  mergedInto: r.merged_into,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toValue = (r: Selectable<PersonValueTable>): PersonValue => ({
  elementId: r.element_id,
  value: r.value,
  sourceId: r.source_id,
  method: r.method as ObservationMethod,
  observedAt: r.observed_at,
  recordedAt: r.recorded_at,
  status: r.status === 'owner' ? 'owner' : 'unconfirmed',
});

const toIdentifier = (r: Selectable<IdentifierTable>): Identifier => ({
  id: r.id,
  personId: r.person_id,
  type: r.type,
  number: r.number,
  issuingCountry: r.issuing_country,
  issuingArea: r.issuing_area,
  validFrom: r.valid_from,
  validTo: r.valid_to,
});

const toResidence = (r: Selectable<ResidenceTable>): Residence => ({
  id: r.id,
  personId: r.person_id,
  kind: r.kind as ResidenceKind,
  dwellingId: r.dwelling_id,
  areaCode: r.area_code,
  addressText: r.address_text,
  validFrom: r.valid_from,
  validTo: r.valid_to,
});

export interface PersonSearch {
  /** Exact match on a current value of an element (e.g. person.name = 张伟). */
  readonly values?: readonly { readonly elementId: string; readonly value: string; readonly prefix?: boolean }[];
  readonly identifierNumber?: string | undefined;
  /** Persons with a residence in force inside this area. */
  readonly within?: string | undefined;
  /** Persons with a residence in force inside one of these areas (the caller's remit, pushed into the query). */
  readonly withinAny?: readonly string[] | undefined;
  /** Persons with a residence in force at a dwelling of one of these buildings. */
  readonly inBuildings?: readonly string[] | undefined;
  /** Only this person. */
  readonly personId?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** Everything a person view is made of, read in one go. */
export interface PersonBundle {
  readonly person: Person;
  readonly values: PersonValue[];
  readonly identifiers: Identifier[];
  readonly residences: Residence[];
  readonly memberships: HouseholdMember[];
}

/**
 * The person view's read on SQLite: named columns returned as arrays (`raw`), mapped by position
 * below — building an object per row with every column was most of a person read's cost.
 */
const BUNDLE_SQL = {
  person: 'select id, status, merged_into, created_at, updated_at from person where id = ?',
  values: 'select element_id, value, source_id, method, observed_at, recorded_at, status from person_value where person_id = ? order by element_id',
  identifiers: 'select id, person_id, type, number, issuing_country, issuing_area, valid_from, valid_to from identifier where person_id = ? order by type',
  residences: 'select id, person_id, kind, dwelling_id, area_code, address_text, valid_from, valid_to from residence where person_id = ? order by valid_from',
  memberships: 'select id, household_id, person_id, relationship, valid_from, valid_to from household_member where person_id = ? order by created_at',
} as const;
type Cell = string | null;
const rawPerson = (r: Cell[]): Person => ({ id: r[0] as string, status: r[1] as Person['status'], mergedInto: r[2] as string | null, createdAt: r[3] as string, updatedAt: r[4] as string });
const rawValue = (r: Cell[]): PersonValue => ({
  elementId: r[0] as string,
  value: r[1] as string,
  sourceId: (r[2] ?? null),
  method: r[3] as ObservationMethod,
  observedAt: (r[4] ?? null),
  recordedAt: r[5] as string,
  status: (r[6] ?? null) === 'owner' ? 'owner' : 'unconfirmed',
});
const rawIdentifier = (r: Cell[]): Identifier => ({
  id: r[0] as string,
  personId: r[1] as string,
  type: r[2] as string,
  number: r[3] as string,
  issuingCountry: r[4] as string,
  issuingArea: (r[5] ?? null),
  validFrom: (r[6] ?? null),
  validTo: (r[7] ?? null),
});
const rawResidence = (r: Cell[]): Residence => ({
  id: r[0] as string,
  personId: r[1] as string,
  kind: r[2] as ResidenceKind,
  dwellingId: (r[3] ?? null),
  areaCode: r[4] as string,
  addressText: (r[5] ?? null),
  validFrom: (r[6] ?? null),
  validTo: (r[7] ?? null),
});
const rawMember = (r: Cell[]): HouseholdMember => ({ id: r[0] as string, householdId: r[1] as string, personId: r[2] as string, relationship: r[3] as string, validFrom: (r[4] ?? null), validTo: (r[5] ?? null) });
type BundleStatements = { readonly [K in keyof typeof BUNDLE_SQL]: BetterSqlite3.Statement };
const bundleStatements = new WeakMap<BetterSqlite3.Database, BundleStatements>();

export class PersonRepository {
  /**
   * @param raw the SQLite connection under `db`, for the one hot read (a person view): its
   *   prepared statements run while holding Kysely's connection, so they never see another
   *   caller's open transaction.
   */
  constructor(
    private readonly db: Db,
    private readonly raw?: BetterSqlite3.Database,
  ) {}

  /** A person (following merges: the person an id stands for now) with values, identifiers, residences and memberships. */
  async bundle(id: string, maxHops = 32): Promise<PersonBundle | undefined> {
    const raw = this.raw;
    if (raw && !this.db.isTransaction) {
      return this.db.connection().execute(async () => {
        let st = bundleStatements.get(raw);
        if (!st) {
          st = {
            person: raw.prepare(BUNDLE_SQL.person).raw(true),
            values: raw.prepare(BUNDLE_SQL.values).raw(true),
            identifiers: raw.prepare(BUNDLE_SQL.identifiers).raw(true),
            residences: raw.prepare(BUNDLE_SQL.residences).raw(true),
            memberships: raw.prepare(BUNDLE_SQL.memberships).raw(true),
          };
          bundleStatements.set(raw, st);
        }
        let row = st.person.get(id) as Cell[] | undefined;
        for (let hops = 0; row !== undefined && row[1] === 'merged' && row[2] !== null && hops < maxHops; hops++) row = st.person.get(row[2]) as Cell[] | undefined;
        if (!row) return undefined;
        const person = rawPerson(row);
        return {
          person,
          values: (st.values.all(person.id) as Cell[][]).map(rawValue),
          identifiers: (st.identifiers.all(person.id) as Cell[][]).map(rawIdentifier),
          residences: (st.residences.all(person.id) as Cell[][]).map(rawResidence),
          memberships: (st.memberships.all(person.id) as Cell[][]).map(rawMember),
        };
      });
    }
    let person = await this.findPerson(id);
    for (let hops = 0; person?.status === 'merged' && person.mergedInto !== null && hops < maxHops; hops++) person = await this.findPerson(person.mergedInto);
    if (!person) return undefined;
    const pid = person.id;
    const [values, identifiers, residences, memberships] = await Promise.all([
      this.listValues(pid),
      this.listIdentifiers(pid),
      this.listResidences(pid),
      this.db.selectFrom('household_member').selectAll().where('person_id', '=', pid).orderBy('created_at').execute(),
    ]);
    return { person, values, identifiers, residences, memberships: memberships.map(toMember) };
  }

  async insertPerson(id: string, district: string): Promise<void> {
    const now = nowIso();
    await this.db.insertInto('person').values({ id, district, status: 'active', merged_into: null, created_at: now, updated_at: now }).execute();
  }

  async findPerson(id: string): Promise<Person | undefined> {
    const r = await this.db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toPerson(r);
  }

  async touch(id: string): Promise<void> {
    await this.db.updateTable('person').set({ updated_at: nowIso() }).where('id', '=', id).execute();
  }

  async listValues(personId: string): Promise<PersonValue[]> {
    return (await this.db.selectFrom('person_value').selectAll().where('person_id', '=', personId).orderBy('element_id').execute()).map(toValue);
  }

  /** Current values of several persons for the given elements, keyed by person id. */
  async valuesOf(personIds: readonly string[], elementIds: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>();
    if (personIds.length === 0 || elementIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('person_value')
      .select(['person_id', 'element_id', 'value'])
      .where('person_id', 'in', [...personIds])
      .where('element_id', 'in', [...elementIds])
      .execute();
    for (const r of rows) {
      let m = out.get(r.person_id);
      if (!m) out.set(r.person_id, (m = new Map()));
      m.set(r.element_id, r.value);
    }
    return out;
  }

  /**
   * What the access policy needs of several persons at once (the change feed's deliveries): the
   * areas and buildings of their residences in force on `asOf`, and their current values of the
   * given elements (to tell their kinds).
   */
  async subjectFacts(
    personIds: readonly string[],
    asOf: string,
    elementIds: readonly string[],
  ): Promise<Map<string, { areaCodes: Set<string>; buildingIds: Set<string>; values: Map<string, string> }>> {
    const out = new Map<string, { areaCodes: Set<string>; buildingIds: Set<string>; values: Map<string, string> }>();
    const ids = [...new Set(personIds)];
    for (const id of ids) out.set(id, { areaCodes: new Set(), buildingIds: new Set(), values: new Map() });
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('residence as r')
        .leftJoin('dwelling as d', 'd.id', 'r.dwelling_id')
        .select(['r.person_id', 'r.area_code', 'd.building_id'])
        .where('r.person_id', 'in', part)
        .where((e) => e.or([e('r.valid_from', 'is', null), e('r.valid_from', '<=', asOf)]))
        .where((e) => e.or([e('r.valid_to', 'is', null), e('r.valid_to', '>', asOf)]))
        .execute();
      for (const r of rows) {
        const f = out.get(r.person_id);
        if (!f) continue;
        f.areaCodes.add(r.area_code);
        if (r.building_id !== null) f.buildingIds.add(r.building_id);
      }
      const values = await this.valuesOf(part, elementIds);
      for (const [personId, m] of values) {
        const f = out.get(personId);
        if (f) f.values = m;
      }
    }
    return out;
  }

  /** Persons whose current value of the element is one of the values (at most `limit`). */
  async personsWithValue(elementId: string, values: readonly string[], limit: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < values.length && out.length < limit; i += 400) {
      const rows = await this.db
        .selectFrom('person_value')
        .select('person_id')
        .where('element_id', '=', elementId)
        .where('value', 'in', values.slice(i, i + 400))
        .limit(limit - out.length)
        .execute();
      out.push(...rows.map((r) => r.person_id));
    }
    return out;
  }

  async insertIdentifier(i: Identifier & { readonly district: string }): Promise<void> {
    await this.db
      .insertInto('identifier')
      .values({
        id: i.id,
        district: i.district,
        person_id: i.personId,
        type: i.type,
        number: i.number,
        issuing_country: i.issuingCountry,
        issuing_area: i.issuingArea,
        valid_from: i.validFrom,
        valid_to: i.validTo,
        recorded_at: nowIso(),
      })
      .execute();
  }

  async findIdentifier(type: string, issuingCountry: string, number: string): Promise<Identifier | undefined> {
    const r = await this.db
      .selectFrom('identifier')
      .selectAll()
      .where('type', '=', type)
      .where('issuing_country', '=', issuingCountry)
      .where('number', '=', number)
      .executeTakeFirst();
    return r && toIdentifier(r);
  }

  async listIdentifiers(personId: string): Promise<Identifier[]> {
    return (await this.db.selectFrom('identifier').selectAll().where('person_id', '=', personId).orderBy('type').execute()).map(toIdentifier);
  }

  async insertResidence(r: Residence & { readonly district: string }): Promise<void> {
    await this.db
      .insertInto('residence')
      .values({
        id: r.id,
        district: r.district,
        person_id: r.personId,
        kind: r.kind,
        dwelling_id: r.dwellingId,
        area_code: r.areaCode,
        address_text: r.addressText,
        valid_from: r.validFrom,
        valid_to: r.validTo,
        recorded_at: nowIso(),
      })
      .execute();
  }

  async findResidence(id: string): Promise<Residence | undefined> {
    const r = await this.db.selectFrom('residence').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toResidence(r);
  }

  async endResidence(id: string, validTo: string): Promise<void> {
    await this.db.updateTable('residence').set({ valid_to: validTo }).where('id', '=', id).execute();
  }

  async listResidences(personId: string): Promise<Residence[]> {
    return (await this.db.selectFrom('residence').selectAll().where('person_id', '=', personId).orderBy('valid_from').execute()).map(toResidence);
  }

  /** Residences (any person) at a dwelling; only those in force on `asOf` when given. */
  async listResidencesAt(dwellingId: string, asOf?: string): Promise<Residence[]> {
    let q = this.db.selectFrom('residence').selectAll().where('dwelling_id', '=', dwellingId);
    if (asOf) {
      q = q.where((eb) => eb.and([eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', asOf)]), eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', asOf)])]));
    }
    return (await q.orderBy('valid_from').execute()).map(toResidence);
  }

  async search(s: PersonSearch, asOf: string): Promise<{ ids: string[]; total: number }> {
    let base = this.db.selectFrom('person').where('person.status', '=', 'active');
    for (const v of s.values ?? []) {
      // `id in (…)`, not `exists`: the planner then starts from the value index instead of scanning every person.
      base = base.where('person.id', 'in', (eb) =>
        eb
          .selectFrom('person_value as pv')
          .select('pv.person_id')
          .where('pv.element_id', '=', v.elementId)
          .where((e) => (v.prefix ? startsWith('pv.value', v.value) : e('pv.value', '=', v.value))),
      );
    }
    if (s.identifierNumber) {
      const n = s.identifierNumber;
      base = base.where('person.id', 'in', (eb) => eb.selectFrom('identifier as i').select('i.person_id').where('i.number', '=', n));
    }
    // A residence in force on asOf: inside one of the area prefixes, or at a dwelling of one of the buildings.
    const residing = (where: { readonly areas?: readonly string[]; readonly buildings?: readonly string[] }) =>
      base.where((eb) => {
        let q = eb
          .selectFrom('residence as r')
          .select('r.person_id')
          .whereRef('r.person_id', '=', 'person.id')
          .where((e) => e.or([e('r.valid_from', 'is', null), e('r.valid_from', '<=', asOf)]))
          .where((e) => e.or([e('r.valid_to', 'is', null), e('r.valid_to', '>', asOf)]));
        const { areas, buildings } = where;
        if (areas) q = q.where((e) => e.or(areas.map((a) => startsWith('r.area_code', a))));
        if (buildings) q = q.where('r.dwelling_id', 'in', eb.selectFrom('dwelling').select('dwelling.id').where('dwelling.building_id', 'in', buildings.length > 0 ? [...buildings] : ['']));
        return eb.exists(q);
      });
    if (s.within) base = residing({ areas: [s.within] });
    if (s.withinAny) base = residing({ areas: s.withinAny });
    if (s.inBuildings) base = residing({ buildings: s.inBuildings });
    if (s.personId !== undefined) base = base.where('person.id', '=', s.personId);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.select('person.id').orderBy('person.id').limit(s.limit).offset(s.offset).execute();
    return { ids: rows.map((r) => r.id), total: Number(total.n) };
  }
}
