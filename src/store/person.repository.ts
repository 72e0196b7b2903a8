/** Persons, their current values (with the observations behind them), identifiers and residences. */
import type { Selectable } from 'kysely';
import type { ResidenceKind } from '../domain/population-category.ts';
import type { Identifier, ObservationMethod, Person, PersonValue, Residence } from '../domain/registry/types.ts';
import type { IdentifierTable, PersonTable, PersonValueTable, ResidenceTable } from './database.ts';
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
  readonly limit: number;
  readonly offset: number;
}

export class PersonRepository {
  constructor(private readonly db: Db) {}

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
      base = base.where((eb) =>
        eb.exists(
          eb
            .selectFrom('person_value as pv')
            .select('pv.person_id')
            .whereRef('pv.person_id', '=', 'person.id')
            .where('pv.element_id', '=', v.elementId)
            .where((e) => (v.prefix ? startsWith('pv.value', v.value) : e('pv.value', '=', v.value))),
        ),
      );
    }
    if (s.identifierNumber) {
      const n = s.identifierNumber;
      base = base.where((eb) => eb.exists(eb.selectFrom('identifier as i').select('i.person_id').whereRef('i.person_id', '=', 'person.id').where('i.number', '=', n)));
    }
    if (s.within) {
      const within = s.within;
      base = base.where((eb) =>
        eb.exists(
          eb
            .selectFrom('residence as r')
            .select('r.person_id')
            .whereRef('r.person_id', '=', 'person.id')
            .where(startsWith('r.area_code', within))
            .where((e) => e.or([e('r.valid_from', 'is', null), e('r.valid_from', '<=', asOf)]))
            .where((e) => e.or([e('r.valid_to', 'is', null), e('r.valid_to', '>', asOf)])),
        ),
      );
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.select('person.id').orderBy('person.id').limit(s.limit).offset(s.offset).execute();
    return { ids: rows.map((r) => r.id), total: Number(total.n) };
  }
}
