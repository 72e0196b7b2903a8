/** Persons, their current values (with the observations behind them), identifiers and residences. */
import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import type { ResidenceKind } from '../domain/population-category.ts';
import type { KindRule } from '../domain/kinds.ts';
import type BetterSqlite3 from 'better-sqlite3';
import type { HouseholdMember, Identifier, ObservationMethod, Person, PersonValue, Residence } from '../domain/registry/types.ts';
import type { IdentifierTable, PersonTable, PersonValueTable, ResidenceTable } from './database.ts';
import { toMember } from './household.repository.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';
import { contains, startsWith } from './text-search.ts';
import type { Database } from './database.ts';

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
  /** A current value of the element among these (e.g. the names whose pinyin matched). */
  readonly valueIn?: readonly { readonly elementId: string; readonly values: readonly string[] }[] | undefined;
  /** A current value of the element in a range (text order: dates YYYY-MM-DD compare as text). */
  readonly valueRange?:
    readonly { readonly elementId: string; readonly gte?: string; readonly lte?: string; readonly gt?: string }[] | undefined;
  /** Persons who are of this kind on asOf (the kind's rule over current values and age, in SQL). */
  readonly kindRule?: KindRule | undefined;
  /** A residence in force whose address text contains this (case ignored). */
  readonly addressContains?: string | undefined;
  /** For each entry, a residence in force of that kind inside that area (necessary conditions of a population category). */
  readonly residingAs?: readonly { readonly kind: ResidenceKind | 'any'; readonly area: string }[] | undefined;
  /** Holds some identity document other than a citizen ID (a necessary condition of 境外). */
  readonly nonCitizenDocument?: boolean | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** Whole years: the latest birth date (as text) of someone at least `years` old on `on`. */
export function bornBy(on: string, years: number): string {
  return `${String(Number(on.slice(0, 4)) - years).padStart(4, '0')}${on.slice(4)}`;
}

type PersonEb = ExpressionBuilder<Database & { person: Database['person'] }, 'person'>;

/** A kind's rule as a condition on person.id, with the same meaning as domain/kinds.ts `matches` (no birth date: no age rule holds). */
export function kindCondition(eb: PersonEb, rule: KindRule, asOf: string): Expression<SqlBool> {
  const valued = (elementId: string, where: (e: ExpressionBuilder<Database, 'person_value'>) => Expression<SqlBool>): Expression<SqlBool> =>
    eb(
      'person.id',
      'in',
      eb.selectFrom('person_value').select('person_value.person_id').where('person_value.element_id', '=', elementId).where(where),
    );
  if ('all' in rule) return eb.and(rule.all.map((r) => kindCondition(eb, r, asOf)));
  if ('any' in rule) return eb.or(rule.any.map((r) => kindCondition(eb, r, asOf)));
  if ('not' in rule) return eb.not(kindCondition(eb, rule.not, asOf));
  if ('ageAtLeast' in rule) return valued('person.birthDate', (e) => e('person_value.value', '<=', bornBy(asOf, rule.ageAtLeast)));
  if ('ageBelow' in rule) return valued('person.birthDate', (e) => e('person_value.value', '>', bornBy(asOf, rule.ageBelow)));
  if ('value' in rule) {
    const v = rule.value;
    if (v.equals !== undefined) {
      const eq = v.equals;
      return valued(v.element, (e) => e('person_value.value', '=', eq));
    }
    const list = [...(v.in ?? [])];
    return list.length === 0 ? sql<SqlBool>`1 = 0` : valued(v.element, (e) => e('person_value.value', 'in', list));
  }
  return valued(rule.asserted, (e) => e('person_value.value', '=', 'true'));
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
  values:
    'select element_id, value, source_id, method, observed_at, recorded_at, status from person_value where person_id = ? order by element_id',
  identifiers:
    'select id, person_id, type, number, issuing_country, issuing_area, valid_from, valid_to from identifier where person_id = ? order by type',
  residences:
    'select id, person_id, kind, dwelling_id, area_code, address_text, valid_from, valid_to from residence where person_id = ? order by valid_from',
  memberships:
    'select id, household_id, person_id, relationship, valid_from, valid_to from household_member where person_id = ? order by created_at',
} as const;
type Cell = string | null;
const rawPerson = (r: Cell[]): Person => ({
  id: r[0] as string,
  status: r[1] as Person['status'],
  mergedInto: r[2] as string | null,
  createdAt: r[3] as string,
  updatedAt: r[4] as string,
});
const rawValue = (r: Cell[]): PersonValue => ({
  elementId: r[0] as string,
  value: r[1] as string,
  sourceId: r[2] ?? null,
  method: r[3] as ObservationMethod,
  observedAt: r[4] ?? null,
  recordedAt: r[5] as string,
  status: (r[6] ?? null) === 'owner' ? 'owner' : 'unconfirmed',
});
const rawIdentifier = (r: Cell[]): Identifier => ({
  id: r[0] as string,
  personId: r[1] as string,
  type: r[2] as string,
  number: r[3] as string,
  issuingCountry: r[4] as string,
  issuingArea: r[5] ?? null,
  validFrom: r[6] ?? null,
  validTo: r[7] ?? null,
});
const rawResidence = (r: Cell[]): Residence => ({
  id: r[0] as string,
  personId: r[1] as string,
  kind: r[2] as ResidenceKind,
  dwellingId: r[3] ?? null,
  areaCode: r[4] as string,
  addressText: r[5] ?? null,
  validFrom: r[6] ?? null,
  validTo: r[7] ?? null,
});
const rawMember = (r: Cell[]): HouseholdMember => ({
  id: r[0] as string,
  householdId: r[1] as string,
  personId: r[2] as string,
  relationship: r[3] as string,
  validFrom: r[4] ?? null,
  validTo: r[5] ?? null,
});
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
        for (let hops = 0; row !== undefined && row[1] === 'merged' && row[2] !== null && hops < maxHops; hops++)
          row = st.person.get(row[2]) as Cell[] | undefined;
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
    for (let hops = 0; person?.status === 'merged' && person.mergedInto !== null && hops < maxHops; hops++)
      person = await this.findPerson(person.mergedInto);
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
    await this.db
      .insertInto('person')
      .values({ id, district, status: 'active', merged_into: null, created_at: now, updated_at: now })
      .execute();
  }

  async findPerson(id: string): Promise<Person | undefined> {
    const r = await this.db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toPerson(r);
  }

  async touch(id: string): Promise<void> {
    await this.db.updateTable('person').set({ updated_at: nowIso() }).where('id', '=', id).execute();
  }

  async listValues(personId: string): Promise<PersonValue[]> {
    return (await this.db.selectFrom('person_value').selectAll().where('person_id', '=', personId).orderBy('element_id').execute()).map(
      toValue,
    );
  }

  /** Current values of several persons for the given elements, keyed by person id. */
  async valuesOf(personIds: readonly string[], elementIds: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>();
    if (personIds.length === 0 || elementIds.length === 0) return out;
    // On SQLite the person list drives the read (a look-up by person and element each): with two IN
    // lists it probes every person × element pair, ~7× slower for the matcher's 400 candidates.
    const rows = this.raw
      ? (
          await sql<{ person_id: string; element_id: string; value: string }>`select v.person_id, v.element_id, v.value from json_each(${JSON.stringify(personIds)}) ids cross join person_value v where v.person_id = ids.value and v.element_id in (${sql.join(elementIds)})`.execute(
            this.db,
          )
        ).rows
      : await this.db
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
    return (await this.db.selectFrom('identifier').selectAll().where('person_id', '=', personId).orderBy('type').execute()).map(
      toIdentifier,
    );
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
    return (await this.db.selectFrom('residence').selectAll().where('person_id', '=', personId).orderBy('valid_from').execute()).map(
      toResidence,
    );
  }

  /** Residences (any person) at a dwelling; only those in force on `asOf` when given. */
  async listResidencesAt(dwellingId: string, asOf?: string): Promise<Residence[]> {
    let q = this.db.selectFrom('residence').selectAll().where('dwelling_id', '=', dwellingId);
    if (asOf) {
      q = q.where((eb) =>
        eb.and([
          eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', asOf)]),
          eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', asOf)]),
        ]),
      );
    }
    return (await q.orderBy('valid_from').execute()).map(toResidence);
  }

  /** The source records linked to a person, with the matcher's explanation where a score decided the link. */
  async sourceLinks(
    personId: string,
  ): Promise<
    {
      sourceId: string;
      recordKey: string;
      linkRule: string | null;
      firstBatchId: string;
      lastBatchId: string;
      endedAt: string | null;
      detail: string | null;
      linkedAt: string | null;
    }[]
  > {
    const rows = await this.db
      .selectFrom('source_record as sr')
      .leftJoin('match_link as ml', (j) => j.onRef('ml.record_key', '=', 'sr.record_key').onRef('ml.person_id', '=', 'sr.person_id'))
      .select([
        'sr.source_id',
        'sr.record_key',
        'sr.link_rule',
        'sr.first_batch_id',
        'sr.last_batch_id',
        'sr.ended_at',
        'ml.detail',
        'ml.created_at',
      ])
      .where('sr.person_id', '=', personId)
      .orderBy('sr.source_id')
      .orderBy('sr.record_key')
      .execute();
    return rows.map((r) => ({
      sourceId: r.source_id,
      recordKey: r.record_key,
      linkRule: r.link_rule,
      firstBatchId: r.first_batch_id,
      lastBatchId: r.last_batch_id,
      endedAt: r.ended_at,
      detail: r.detail ?? null,
      linkedAt: r.created_at ?? null,
    }));
  }

  /** The distinct current values of an element (served by the value index). */
  async distinctValues(elementId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('person_value').select('value').distinct().where('element_id', '=', elementId).execute();
    return rows.map((r) => r.value);
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
        if (areas) q = q.where((e) => e.or(areas.map((a) => e.and([e('r.area_code', '>=', a), e('r.area_code', '<', `${a}~`)]))));
        if (buildings)
          q = q.where(
            'r.dwelling_id',
            'in',
            eb
              .selectFrom('dwelling')
              .select('dwelling.id')
              .where('dwelling.building_id', 'in', buildings.length > 0 ? [...buildings] : ['']),
          );
        return eb.exists(q);
      });
    if (s.within) base = residing({ areas: [s.within] });
    if (s.withinAny) base = residing({ areas: s.withinAny });
    if (s.inBuildings) base = residing({ buildings: s.inBuildings });
    if (s.personId !== undefined) base = base.where('person.id', '=', s.personId);
    for (const v of s.valueIn ?? []) {
      const values = v.values.length > 0 ? [...v.values] : [''];
      base = base.where('person.id', 'in', (eb) =>
        eb.selectFrom('person_value as pv').select('pv.person_id').where('pv.element_id', '=', v.elementId).where('pv.value', 'in', values),
      );
    }
    for (const r of s.valueRange ?? []) {
      base = base.where('person.id', 'in', (eb) => {
        let q = eb.selectFrom('person_value as pv').select('pv.person_id').where('pv.element_id', '=', r.elementId);
        if (r.gte !== undefined) q = q.where('pv.value', '>=', r.gte);
        if (r.gt !== undefined) q = q.where('pv.value', '>', r.gt);
        if (r.lte !== undefined) q = q.where('pv.value', '<=', r.lte);
        return q;
      });
    }
    if (s.kindRule) {
      const rule = s.kindRule;
      base = base.where((eb) => kindCondition(eb, rule, asOf));
    }
    const inForce = (alias: string): Expression<SqlBool> => {
      const from = sql.ref(`${alias}.valid_from`);
      const to = sql.ref(`${alias}.valid_to`);
      return sql<SqlBool>`(${from} is null or ${from} <= ${asOf}) and (${to} is null or ${to} > ${asOf})`;
    };
    if (s.addressContains) {
      const text = s.addressContains;
      base = base.where('person.id', 'in', (eb) =>
        eb.selectFrom('residence as ra').select('ra.person_id').where(inForce('ra')).where(contains('ra.address_text', text)),
      );
    }
    for (const r of s.residingAs ?? []) {
      base = base.where('person.id', 'in', (eb) => {
        // A range rather than LIKE, so that the (area_code, kind) index serves it on both backends.
        let q = eb
          .selectFrom('residence as rk')
          .select('rk.person_id')
          .where(inForce('rk'))
          .where('rk.area_code', '>=', r.area)
          .where('rk.area_code', '<', `${r.area}~`);
        if (r.kind !== 'any') q = q.where('rk.kind', '=', r.kind);
        return q;
      });
    }
    if (s.nonCitizenDocument)
      base = base.where('person.id', 'in', (eb) =>
        eb.selectFrom('identifier as nd').select('nd.person_id').where('nd.type', '<>', 'CN_ID'),
      );
    // From the first row, one more than asked tells whether counting is needed at all.
    if (s.offset === 0) {
      const rows = await base
        .select('person.id')
        .orderBy('person.id')
        .limit(s.limit + 1)
        .execute();
      const ids = rows.map((r) => r.id);
      if (ids.length <= s.limit) return { ids, total: ids.length };
      ids.pop();
      const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { ids, total: Number(total.n) };
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.select('person.id').orderBy('person.id').limit(s.limit).offset(s.offset).execute();
    return { ids: rows.map((r) => r.id), total: Number(total.n) };
  }
}
