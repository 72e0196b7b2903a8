/**
 * Persons entered and read by hand: current values (each write is an observation), identifiers
 * checked against their standard (GB 11643 for citizen numbers), residences, and the derived
 * population category. Department files arrive through the import pipeline (a later capability).
 */
import { PopulusError } from '../domain/errors.ts';
import { isIsoDate, todayIso } from '../domain/dates.ts';
import { checkIdNumber, maskIdNumber, type AreaCodeHistory, type IdNumberFacts } from '../domain/id-number.ts';
import { maskPhone } from '../domain/standard/value.ts';
import {
  populationCategory,
  residenceInForce,
  type CategoryResult,
  type Placed,
  type ResidenceKind,
} from '../domain/population-category.ts';
import { foldChineseName, hasHan, readChineseName } from '../match/text/chinese-name.ts';
import { bornBy, type PersonSearch } from '../store/person.repository.ts';
import type { HouseholdMember, Identifier, Person, PersonValue, Residence } from '../domain/registry/types.ts';
import type { DataAccess, Repositories } from '../store/repositories.ts';
import type { ObservationWrite } from '../store/ingest.repository.ts';
import type { ReportResidenceRow } from '../store/report.repository.ts';
import { recomputeCurrent } from './current-values.ts';
import { ChangeEvents } from './change-events.ts';
import type { ChangeCause } from '../domain/feed/change-event.ts';
import { identifierElement } from '../domain/registry/element-ids.ts';
import { asOf as reportsAsOf, survive, type Reported } from '../domain/survivorship.ts';
import { elementsRead, kindsOf, type KindDefinition } from '../domain/kinds.ts';
import { byPerson } from '../domain/by-person.ts';
import { newId } from '../store/clock.ts';
import { invalidDate, type StandardService } from './standard.service.ts';

export interface IdentifierInput {
  readonly type: string;
  readonly number: string;
  /** GB/T 2659 alpha-3; CHN for citizen and HK/Macao/Taiwan residence-permit numbers. */
  readonly issuingCountry?: string | undefined;
  readonly validFrom?: string | undefined;
  readonly validTo?: string | undefined;
}

export interface ResidenceInput {
  readonly kind: ResidenceKind;
  readonly dwellingId?: string | undefined;
  readonly areaCode?: string | undefined;
  readonly addressText?: string | undefined;
  readonly validFrom?: string | undefined;
  readonly validTo?: string | undefined;
}

export interface NewPersonInput {
  /** Current values by element id, e.g. { "person.name": "张伟", "person.maritalStatus": "20" }. */
  readonly values?: Readonly<Record<string, string>> | undefined;
  readonly identifiers?: readonly IdentifierInput[] | undefined;
  readonly residences?: readonly ResidenceInput[] | undefined;
}

export interface PersonView {
  readonly person: Person;
  readonly values: PersonValue[];
  readonly identifiers: Identifier[];
  readonly residences: Residence[];
  readonly households: HouseholdMember[];
  readonly category: CategoryResult;
  /** Kinds of people the person belongs to on the date (elderly-60, disabled, …). */
  readonly kinds: string[];
}

/** Documents whose numbers follow GB 11643 and are checked as such. */
const GB11643_TYPES = new Set(['CN_ID', 'HMT_RESIDENCE_PERMIT']);
const MANUAL_SOURCE = 'manual';

/**
 * How a write is attributed and what commits with it: `sourceFor` names the source an element's
 * value is recorded from (the owner's source for an authoritative write; the manual source, which
 * never outranks the owner, otherwise); `within` runs inside the write's transaction (the audit
 * entry of the change commits with it).
 */
export interface WriteContext {
  readonly sourceFor?: (elementId: string) => string;
  readonly within?: (repos: Repositories, personId: string) => Promise<void>;
  /** What the change events name as the cause (the access layer passes the user or token); default the system. */
  readonly cause?: ChangeCause;
}

const eventsOf = (ctx: WriteContext): ChangeEvents => new ChangeEvents(ctx.cause ?? { kind: 'system' });

/** Where a search may find anyone at all (areas of residence, buildings, one person); absent = anywhere. */
export interface SearchBound {
  readonly withinAny?: readonly string[];
  readonly inBuildings?: readonly string[];
  readonly personId?: string;
}

/** What a person search may ask (POST /persons/search); every field narrows the result. */
export interface PersonSearchQuery {
  readonly name?: string | undefined;
  readonly namePrefix?: boolean | undefined;
  readonly idNumber?: string | undefined;
  /** Toneless pinyin of the name (zhangwei, zhang wei) or its initials (zw). */
  readonly pinyin?: string | undefined;
  /** Text in the address of a residence in force. */
  readonly address?: string | undefined;
  /** A residence in force (registered or actual) inside this area. */
  readonly within?: string | undefined;
  /**
   * The area's population as reports count it: a determined category of the street placed in the
   * area (by the actual residence, by the registered one for 户在人不在) and alive; with category
   * UNDETERMINED, the undetermined with a residence in the area.
   */
  readonly area?: string | undefined;
  /** A population-category code, or UNDETERMINED. */
  readonly category?: string | undefined;
  /** A kind of people (kinds.json id) on today's date. */
  readonly kind?: string | undefined;
  /** person.sex code (1 male, 2 female). */
  readonly sex?: string | undefined;
  /** Whole years of age today, inclusive. */
  readonly ageFrom?: number | undefined;
  readonly ageTo?: number | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** A department record linked to a person, and why (GET /persons/{id}/links). */
export interface SourceLink {
  readonly sourceId: string;
  /** The record's key in its source, masked (first 3 and last 4). */
  readonly recordKey: string;
  /** identifier (by ID number), new (the record made the person), matcher:<rules>@<version> (by score), … */
  readonly linkRule: string | null;
  readonly firstBatchId: string;
  readonly lastBatchId: string;
  /** When the record left its source's full extract. */
  readonly endedAt: string | null;
  readonly linkedAt: string | null;
  readonly explanation: {
    readonly decision: string;
    readonly decidedBy: string;
    readonly probability: number | null;
    readonly weight: number | null;
    readonly comparisons: { readonly id: string; readonly level: string | null; readonly weight: number }[];
  } | null;
}

/** Whether a person is counted in the area and category asked (the reports' rule; see PersonSearchQuery.area). */
export function countedAs(
  v: Pick<PersonView, 'residences' | 'category' | 'values'>,
  today: string,
  area: string | undefined,
  category: string | undefined,
): boolean {
  return countedOn(
    { residences: v.residences, category: v.category, death: v.values.find((x) => x.elementId === 'person.deathDate')?.value },
    today,
    area,
    category,
  );
}

/** countedAs over what it reads: residences, the category of today, the date of death. */
function countedOn(
  p: {
    readonly residences: readonly (Placed & { readonly kind: string; readonly validTo: string | null })[];
    readonly category: CategoryResult;
    readonly death: string | undefined;
  },
  today: string,
  area: string | undefined,
  category: string | undefined,
): boolean {
  const c = p.category;
  if (category === 'UNDETERMINED') {
    if (c.status !== 'undetermined') return false;
    if (area === undefined) return true;
    return ['registered', 'actual'].some(
      (k) => residenceInForce(p.residences, k as ResidenceKind, today)?.areaCode.startsWith(area) ?? false,
    );
  }
  if (c.status !== 'determined') return false;
  if (category !== undefined && c.category !== category) return false;
  // The actual population of an area: those living there (户在人不在 only when asked for by name).
  if (category === undefined && c.category === 'REGISTERED_ABSENT') return false;
  if (area === undefined) return true;
  if (p.death !== undefined && p.death <= today) return false;
  const placing = residenceInForce(p.residences, c.category === 'REGISTERED_ABSENT' ? 'registered' : 'actual', today);
  return placing?.areaCode.startsWith(area) ?? false;
}

const NO_VALUES: ReadonlyMap<string, string> = new Map();

/** A residence row whose kind is one of the domain's (registered or actual). */
const knownKind = (r: ReportResidenceRow): r is ReportResidenceRow & { readonly kind: ResidenceKind } => r.kind === 'registered' || r.kind === 'actual';

/** Above this many persons a screening reads the whole street rather than each person by id. */
const SCREEN_BY_STREET = 30_000;

/** Whether a search asks anything besides where people live (values, names, documents, kinds, addresses, buildings, one person). */
function asksMore(s: Omit<PersonSearch, 'limit' | 'offset'>): boolean {
  return (
    (s.values?.length ?? 0) > 0 ||
    (s.valueIn?.length ?? 0) > 0 ||
    (s.valueRange?.length ?? 0) > 0 ||
    s.kindRule !== undefined ||
    s.identifierNumber !== undefined ||
    s.addressContains !== undefined ||
    s.inBuildings !== undefined ||
    s.personId !== undefined
  );
}

/**
 * What a search asks of where people live — each group a residence in force of one of its kinds
 * and areas (area, population category, the remit's areas) — or undefined when it asks nothing of it.
 */
function whereGroups(s: Omit<PersonSearch, 'limit' | 'offset'>): { kind: string; area: string }[][] | undefined {
  const groups: { kind: string; area: string }[][] = [];
  if (s.within !== undefined) groups.push([{ kind: 'any', area: s.within }]);
  if (s.withinAny !== undefined) groups.push(s.withinAny.map((area) => ({ kind: 'any', area })));
  for (const r of s.residingAs ?? []) groups.push([{ kind: r.kind, area: r.area }]);
  return groups.length > 0 ? groups : undefined;
}

/** A person as the access layer screens a search: who they are to the remit, and whether counted in an area and category. */
export interface Screened {
  readonly subject: {
    readonly personId: string;
    readonly areaCodes: readonly string[];
    readonly buildingIds: readonly string[];
    readonly kinds: readonly string[];
  };
  counted(area: string | undefined, category: string | undefined): boolean;
}

/** Reads return masked identifiers and phones unless the caller (the access layer, which masks by remit) asks otherwise. */
export interface ReadOptions {
  readonly masked?: boolean;
}

export class PersonService {
  constructor(
    private readonly data: DataAccess,
    private readonly standard: StandardService,
    private readonly areaHistory: AreaCodeHistory,
    private readonly homeArea: string,
    private readonly kinds: readonly KindDefinition[] = [],
  ) {}

  private get district(): string {
    return this.homeArea.slice(0, 6);
  }

  async create(input: NewPersonInput, ctx: WriteContext = {}, read: ReadOptions = {}): Promise<PersonView> {
    const id = newId();
    await this.data.transaction(async (repos) => {
      await repos.persons.insertPerson(id, this.district);
      const events = eventsOf(ctx);
      events.personsCreated([id]);
      const derived: ObservationWrite[] = [];
      for (const i of input.identifiers ?? []) {
        const facts = await this.addIdentifierIn(repos, id, i, events);
        if (facts) derived.push(...derivedFromIdNumber(id, facts));
      }
      await this.writeValuesIn(repos, id, input.values ?? {}, derived, ctx, events);
      for (const r of input.residences ?? []) await this.addResidenceIn(repos, id, r, events);
      await events.flush(repos);
      await ctx.within?.(repos, id);
    });
    return this.get(id, undefined, read);
  }

  async get(id: string, asOf: string = todayIso(), read: ReadOptions = {}): Promise<PersonView> {
    const repos = this.data.repos;
    // A person merged into another reads as that one (the merge's redirect; person.id says which).
    const bundle = await repos.persons.bundle(id);
    if (!bundle) throw personNotFound(id);
    const { person, values, identifiers, residences, memberships: households } = bundle;
    const category = populationCategory({ homeArea: this.homeArea, asOf, identifiers, residences });
    const kinds = kindsOf(this.kinds, { values: new Map(values.map((v) => [v.elementId, v.value])), asOf });
    // Masked by default for everyone; unmasking (with a permission, a purpose and an audit entry) belongs to access control.
    if (read.masked === false) return { person, values, identifiers, residences, households, category, kinds };
    const phoneElements = new Set(
      (await repos.standard.findElements(values.map((v) => v.elementId))).filter((e) => e.valueType === 'phone').map((e) => e.id),
    );
    return {
      person,
      values: values.map((v) => (phoneElements.has(v.elementId) ? { ...v, value: maskPhone(v.value) } : v)),
      identifiers: identifiers.map((i) => ({ ...i, number: maskIdNumber(i.number) })),
      residences,
      households,
      category,
      kinds,
    };
  }

  /**
   * Bitemporal history: the values that were current on `validOn` (default today), as Populus knew
   * them at `knownAt` (default now), with the disagreements of that moment. Phones masked.
   */
  async valuesAsOf(
    id: string,
    validOn?: string,
    knownAt?: string,
  ): Promise<{
    validOn: string;
    knownAt: string | null;
    values: PersonValue[];
    conflicts: { elementId: string; sourceId: string; value: string }[];
  }> {
    if (validOn !== undefined && !isIsoDate(validOn)) throw invalidDate('validOn', validOn);
    const repos = this.data.repos;
    if (!(await repos.persons.findPerson(id))) throw personNotFound(id);
    const reports = await repos.ingest.reports([id]);
    const byElement = new Map<string, Reported[]>();
    for (const r of reportsAsOf(reports, validOn ?? todayIso(), knownAt)) {
      const list = byElement.get(r.elementId) ?? [];
      list.push(r);
      byElement.set(r.elementId, list);
    }
    const owners = await repos.sources.owners([...byElement.keys()]);
    const phones = new Set(
      (await repos.standard.findElements([...byElement.keys()])).filter((e) => e.valueType === 'phone').map((e) => e.id),
    );
    const values: PersonValue[] = [];
    const conflicts: { elementId: string; sourceId: string; value: string }[] = [];
    for (const [elementId, list] of [...byElement].sort(([a], [b]) => a.localeCompare(b))) {
      const result = survive(list, owners.get(elementId) ?? new Set());
      const c = result.current;
      if (c) {
        const method = c.sourceId === MANUAL_SOURCE ? 'api' : c.sourceId === 'id-number' ? 'derived' : 'import';
        values.push({
          elementId,
          value: phones.has(elementId) ? maskPhone(c.value) : c.value,
          sourceId: c.sourceId,
          method,
          observedAt: c.observedAt,
          recordedAt: c.recordedAt,
          status: c.status,
        });
      }
      for (const d of result.conflicts)
        conflicts.push({ elementId, sourceId: d.sourceId, value: phones.has(elementId) ? maskPhone(d.value) : d.value });
    }
    return { validOn: validOn ?? todayIso(), knownAt: knownAt ?? null, values, conflicts };
  }

  /** Sets (or with null, clears) current values; each becomes an observation. */
  async updateValues(
    id: string,
    values: Readonly<Record<string, string | null>>,
    ctx: WriteContext = {},
    read: ReadOptions = {},
  ): Promise<PersonView> {
    await this.data.transaction(async (repos) => {
      if (!(await repos.persons.findPerson(id))) throw personNotFound(id);
      const events = eventsOf(ctx);
      await this.writeValuesIn(repos, id, values, [], ctx, events);
      await events.flush(repos);
      await repos.persons.touch(id);
      await ctx.within?.(repos, id);
    });
    return this.get(id, undefined, read);
  }

  async addIdentifier(personId: string, input: IdentifierInput, ctx: WriteContext = {}): Promise<Identifier> {
    return this.data.transaction(async (repos) => {
      if (!(await repos.persons.findPerson(personId))) throw personNotFound(personId);
      const events = eventsOf(ctx);
      const facts = await this.addIdentifierIn(repos, personId, input, events);
      if (facts) await this.writeValuesIn(repos, personId, {}, derivedFromIdNumber(personId, facts), {}, events);
      await events.flush(repos);
      await repos.persons.touch(personId);
      const all = await repos.persons.listIdentifiers(personId);
      const created = all.find((x) => x.type === input.type && x.number === (facts?.number ?? normaliseDocumentNumber(input.number)));
      if (!created) throw new Error('identifier vanished after insert');
      await ctx.within?.(repos, personId);
      return created;
    });
  }

  async addResidence(personId: string, input: ResidenceInput, ctx: WriteContext = {}): Promise<Residence> {
    return this.data.transaction(async (repos) => {
      if (!(await repos.persons.findPerson(personId))) throw personNotFound(personId);
      const events = eventsOf(ctx);
      const residence = await this.addResidenceIn(repos, personId, input, events);
      await events.flush(repos);
      await repos.persons.touch(personId);
      await ctx.within?.(repos, personId);
      return residence;
    });
  }

  /** Ends a residence on a date (a move out); the record stays for history. */
  async endResidence(personId: string, residenceId: string, validTo: string, ctx: WriteContext = {}): Promise<Residence> {
    if (!isIsoDate(validTo)) throw invalidDate('validTo', validTo);
    return this.data.transaction(async (repos) => {
      const r = await repos.persons.findResidence(residenceId);
      if (!r || r.personId !== personId)
        throw new PopulusError('RESIDENCE_NOT_FOUND', `person ${personId} has no residence ${residenceId}`, { personId, residenceId });
      if (r.validFrom !== null && validTo <= r.validFrom) {
        throw new PopulusError('CONFLICTING_PERIOD', `the residence began on ${r.validFrom}; it cannot end on or before that`, {
          validFrom: r.validFrom,
        });
      }
      await repos.persons.endResidence(residenceId, validTo);
      const events = eventsOf(ctx);
      events.moved(personId, {
        kind: r.kind,
        from: { areaCode: r.areaCode, address: r.addressText, dwellingId: r.dwellingId },
        to: null,
        sourceId: MANUAL_SOURCE,
      });
      await events.flush(repos);
      await repos.persons.touch(personId);
      await ctx.within?.(repos, personId);
      return { ...r, validTo };
    });
  }

  /**
   * Finds persons. The query runs in SQL (values, identifiers, residences, kinds' rules, age and sex
   * through the value index); what SQL cannot decide exactly — the population category and where a
   * person is counted (`area`) — is decided on the persons found, with the same rules as the views
   * and reports. With such a filter, `total` is what SQL found (an upper bound) and the items are
   * the ones of the first `limit` rows that pass. (The access layer's search screens every match
   * instead: `searchIds` and `screen`.)
   */
  async search(
    query: PersonSearchQuery,
    read: ReadOptions = {},
    /** A bound pushed into the query by the access layer: only persons who may be visible at all. */
    bound: SearchBound = {},
  ): Promise<{
    items: PersonView[];
    total: number;
  }> {
    const today = todayIso();
    const { ids, total } = await this.data.repos.persons.search(
      { ...(await this.searchSpec(query, bound, today)), limit: query.limit, offset: query.offset },
      today,
    );
    const exact = query.area !== undefined || query.category !== undefined;
    if (!exact) return { items: await Promise.all(ids.map((i) => this.get(i, undefined, read))), total };
    const views = await Promise.all(ids.map((i) => this.get(i, undefined, { masked: false })));
    const kept = views.filter((v) => countedAs(v, today, query.area, query.category)).map((v) => v.person.id);
    const items =
      read.masked === false
        ? views.filter((v) => kept.includes(v.person.id))
        : await Promise.all(kept.map((i) => this.get(i, undefined, read)));
    return { items, total };
  }

  /** The ids SQL finds for a search (an upper bound where `area` or `category` is asked), in id order, at most `limit`; `total` counts them all. */
  async searchIds(
    query: Omit<PersonSearchQuery, 'limit' | 'offset'>,
    bound: SearchBound,
    limit: number,
  ): Promise<{ ids: string[]; total: number }> {
    const today = todayIso();
    const spec = await this.searchSpec(query, bound, today);
    // Where people live (area, category, the remit's areas) is answered by the memory of the street's residences:
    // alone, for the whole list; with anything else, SQL finds the rest without a residence look-up per candidate
    // and the memory keeps those of them who live where asked. SQL alone when there is no memory to ask or the
    // rest finds more than a limit's worth.
    const groups = whereGroups(spec);
    const reads = this.data.repos.reportReads;
    if (groups && !asksMore(spec)) {
      const residing = await reads.residing(this.homeArea, today, groups, spec.nonCitizenDocument === true);
      if (residing) return { ids: residing.slice(0, limit), total: residing.length };
    } else if (groups) {
      const others = await this.data.repos.persons.search({ ...spec, within: undefined, withinAny: undefined, residingAs: undefined, limit, offset: 0 }, today);
      const kept = others.total === others.ids.length ? await reads.residingAmong(others.ids, today, groups) : undefined;
      if (kept) return { ids: kept, total: kept.length };
    }
    return this.data.repos.persons.search({ ...spec, limit, offset: 0 }, today);
  }

  /**
   * What the access layer needs to know of many persons at once, from one bulk read rather than a
   * view each: today's residences' areas and buildings (`byBuilding`: only when the remit grants by
   * building), the kinds asked about (`kindIds`, those the caller's remit names), and whether each is
   * counted in an area and category as `countedAs` says.
   */
  async screen(ids: readonly string[], kindIds: ReadonlySet<string>, byBuilding = true): Promise<Map<string, Screened>> {
    const out = new Map<string, Screened>();
    if (ids.length === 0) return out;
    const today = todayIso();
    const kinds = this.kinds.filter((k) => kindIds.has(k.id));
    const read = (personIds?: readonly string[]) =>
      this.data.repos.reportReads.read({
        areaPrefix: this.homeArea,
        ...(personIds ? { personIds } : {}),
        asOf: today,
        elementIds: [...new Set([...(kinds.length > 0 ? elementsRead(kinds) : []), 'person.deathDate'])].sort(),
        values: 'current',
        memberships: false,
        dwellings: byBuilding,
      });
    // Many persons: the street's read (a scan, as reports do) beats looking each up; those it does not hold
    // (nothing in force in the street today) are looked up by id.
    let rows = await read(ids.length > SCREEN_BY_STREET ? undefined : ids);
    if (ids.length > SCREEN_BY_STREET) {
      const held = new Set(rows.personIds);
      const rest = ids.filter((id) => !held.has(id));
      if (rest.length > 0) {
        const more = await read(rest);
        rows = {
          personIds: [...rows.personIds, ...more.personIds],
          residences: [...rows.residences, ...more.residences],
          identifiers: [...rows.identifiers, ...more.identifiers],
          memberships: [],
          dwellings: [...rows.dwellings, ...more.dwellings],
          values: [...rows.values, ...more.values],
          observations: [],
        };
      }
    }
    const wanted = new Set(ids);
    // A street read from memory hands each person's residences over grouped, in the order of its persons.
    const grouped = rows.residencesByPerson;
    const residences = grouped ? undefined : byPerson(rows.residences);
    const identifiers = byPerson(rows.identifiers);
    const values = byPerson(rows.values);
    const buildings = new Map(rows.dwellings.map((d) => [d.id, d.buildingId]));
    const none: readonly ReportResidenceRow[] = [];
    for (const [i, id] of rows.personIds.entries()) {
      if (!wanted.has(id)) continue;
      const read = (grouped ? grouped[i] : residences?.get(id)) ?? none;
      // The rows themselves where every kind is one the domain knows (always, as stored), a copy otherwise.
      const res: readonly (ReportResidenceRow & { readonly kind: ResidenceKind })[] = read.every(knownKind)
        ? read
        : read.map((r) => ({ ...r, kind: r.kind === 'registered' ? ('registered' as const) : ('actual' as const) }));
      // Most persons have none of the few values and documents read: shared empty ones then (a street is 100,000 persons).
      const mine = values.get(id);
      const own: ReadonlyMap<string, string> = mine ? new Map(mine.map((v) => [v.elementId, v.value])) : NO_VALUES;
      const docs = identifiers.get(id);
      const category = populationCategory({
        homeArea: this.homeArea,
        asOf: today,
        identifiers: docs ? docs.filter((d) => d.validFrom === null || d.validFrom <= today) : [],
        residences: res,
      });
      const death = own.get('person.deathDate');
      const areaCodes: string[] = [];
      for (const r of res) if (!areaCodes.includes(r.areaCode)) areaCodes.push(r.areaCode);
      out.set(id, {
        subject: {
          personId: id,
          areaCodes,
          buildingIds: buildings.size === 0 ? [] : [...new Set(res.flatMap((r) => (r.dwellingId ? (buildings.get(r.dwellingId) ?? []) : [])))],
          kinds: kinds.length === 0 ? [] : kindsOf(kinds, { values: own, asOf: today }),
        },
        counted: (area, categoryAsked) => countedOn({ residences: res, category, death }, today, area, categoryAsked),
      });
    }
    return out;
  }

  /** The query of a search in the repository's terms. */
  private async searchSpec(
    query: Omit<PersonSearchQuery, 'limit' | 'offset'>,
    bound: SearchBound,
    today: string,
  ): Promise<Omit<PersonSearch, 'limit' | 'offset'>> {
    let identifierNumber: string | undefined;
    if (query.idNumber !== undefined) {
      const verdict = checkIdNumber(query.idNumber, { areas: this.areaHistory, today });
      identifierNumber = verdict.valid ? verdict.facts.number : normaliseDocumentNumber(query.idNumber);
    }
    const values = query.name ? [{ elementId: 'person.name', value: query.name.trim(), prefix: query.namePrefix ?? false }] : [];
    const valueIn: { elementId: string; values: string[] }[] = [];
    if (query.pinyin !== undefined) valueIn.push({ elementId: 'person.name', values: await this.namesSpelled(query.pinyin) });
    if (query.sex !== undefined) valueIn.push({ elementId: 'person.sex', values: [query.sex] });
    const ages = query.ageFrom !== undefined || query.ageTo !== undefined;
    const valueRange = ages
      ? [
          {
            elementId: 'person.birthDate',
            ...(query.ageFrom !== undefined ? { lte: bornBy(today, query.ageFrom) } : {}),
            ...(query.ageTo !== undefined ? { gt: bornBy(today, query.ageTo + 1) } : {}),
          },
        ]
      : [];
    let kindRule: KindDefinition['rule'] | undefined;
    if (query.kind !== undefined) {
      const kind = this.kinds.find((k) => k.id === query.kind);
      if (!kind)
        throw new PopulusError('UNKNOWN_CODE', `there is no kind of people "${query.kind}"`, { codeTable: 'kinds', code: query.kind });
      kindRule = kind.rule;
    }
    const residingAs: { kind: ResidenceKind | 'any'; area: string }[] = [];
    if (query.area !== undefined) residingAs.push({ kind: 'any', area: query.area });
    const category = query.category;
    if (category !== undefined && category !== 'UNDETERMINED') {
      if (category === 'REGISTERED_ABSENT') residingAs.push({ kind: 'registered', area: this.homeArea });
      else residingAs.push({ kind: 'actual', area: this.homeArea });
      if (category === 'RESIDENT_REGISTERED') residingAs.push({ kind: 'registered', area: this.homeArea });
    }
    return {
      values,
      valueIn,
      valueRange,
      kindRule,
      residingAs,
      identifierNumber,
      within: query.within,
      addressContains: query.address?.trim() || undefined,
      nonCitizenDocument: category === 'FROM_ABROAD' ? true : undefined,
      ...bound,
    };
  }

  /**
   * The elements a search reads to decide who matches, each entry any one of its elements: a
   * person is found only when the caller may read them, or the filter itself would disclose them
   * (who is a party member, to someone who may not read political status).
   */
  elementsSearched(query: Omit<PersonSearchQuery, 'limit' | 'offset'>): string[][] {
    const out: string[][] = [];
    const residence = ['person.registeredAddress', 'person.actualResidence'];
    // name, idNumber and within keep their older meaning (anyone visible is found by them): see the access matrix test.
    if (query.pinyin !== undefined) out.push(['person.name']);
    if (query.address !== undefined || query.area !== undefined) out.push(residence);
    if (query.category !== undefined) out.push(['person.populationCategory']);
    if (query.sex !== undefined) out.push(['person.sex']);
    if (query.ageFrom !== undefined || query.ageTo !== undefined) out.push(['person.birthDate']);
    const kind = query.kind === undefined ? undefined : this.kinds.find((k) => k.id === query.kind);
    if (kind) for (const e of elementsRead([kind])) out.push([e]);
    return out;
  }

  /**
   * The department records linked to a person and why: the rule that linked each (its ID number,
   * a new person, or the matcher's score with each comparison's level and weight). Record keys
   * are often ID numbers: masked.
   */
  async sourceLinks(personId: string): Promise<SourceLink[]> {
    const rows = await this.data.repos.persons.sourceLinks(personId);
    return rows.map((r) => {
      let explanation: SourceLink['explanation'] = null;
      if (r.detail !== null) {
        try {
          const d = JSON.parse(r.detail) as {
            decision?: string;
            probability?: number;
            total?: number;
            decidedBy?: string;
            comparisons?: { id?: string; level?: string | null; weight?: number }[];
          };
          explanation = {
            decision: String(d.decision ?? ''),
            decidedBy: String(d.decidedBy ?? ''),
            probability: typeof d.probability === 'number' ? d.probability : null,
            weight: typeof d.total === 'number' ? d.total : null,
            comparisons: (d.comparisons ?? []).map((c) => ({
              id: String(c.id ?? ''),
              level: c.level ?? null,
              weight: typeof c.weight === 'number' ? c.weight : 0,
            })),
          };
        } catch {
          explanation = null;
        }
      }
      return {
        sourceId: r.sourceId,
        recordKey: maskIdNumber(r.recordKey),
        linkRule: r.linkRule,
        firstBatchId: r.firstBatchId,
        lastBatchId: r.lastBatchId,
        endedAt: r.endedAt,
        linkedAt: r.linkedAt,
        explanation,
      };
    });
  }

  /** The distinct names (current person.name values) whose toneless pinyin starts with the text, or whose initials are it. */
  private async namesSpelled(text: string): Promise<string[]> {
    const q = text
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .replace(/v/g, 'u');
    if (q.length < 2) return [];
    const names = await this.data.repos.persons.distinctValues('person.name');
    const out: string[] = [];
    for (const name of names) {
      const folded = foldChineseName(name);
      if (!hasHan(folded)) {
        if (
          name
            .toLowerCase()
            .replace(/[^a-z]/g, '')
            .startsWith(q)
        )
          out.push(name);
        continue;
      }
      const r = readChineseName(folded);
      if (r.keys.some((k) => k.replace(/ü/g, 'u').startsWith(q)) || r.initials.includes(q)) out.push(name);
      if (out.length >= 2000) break;
    }
    return out;
  }

  /** Records each value as an observation (with any derived ones), then lets survivorship decide the current values. */
  private async writeValuesIn(
    repos: Repositories,
    personId: string,
    values: Readonly<Record<string, string | null>>,
    extra: readonly ObservationWrite[],
    ctx: WriteContext,
    events: ChangeEvents,
  ): Promise<void> {
    const today = todayIso();
    const sourceOf = (elementId: string): string => ctx.sourceFor?.(elementId) ?? MANUAL_SOURCE;
    const writes: ObservationWrite[] = [...extra];
    for (const [elementId, raw] of Object.entries(values)) {
      if (raw === null) {
        if (!(await repos.standard.findElement(elementId)))
          throw new PopulusError('UNKNOWN_ELEMENT', `there is no data element "${elementId}"`, { element: elementId });
        writes.push({ personId, elementId, value: null, sourceId: sourceOf(elementId), method: 'api', observedAt: today, batchId: null });
        continue;
      }
      const { value } = await this.standard.normaliseValue(repos, elementId, raw, today);
      writes.push({ personId, elementId, value, sourceId: sourceOf(elementId), method: 'api', observedAt: today, batchId: null });
    }
    await repos.ingest.insertObservations(writes);
    await recomputeCurrent(repos, writes, null, { events });
  }

  /** Checks and stores one identifier; returns what a GB 11643 number says, for derived values. */
  private async addIdentifierIn(
    repos: Repositories,
    personId: string,
    input: IdentifierInput,
    events: ChangeEvents,
  ): Promise<IdNumberFacts | undefined> {
    const today = todayIso();
    await this.standard.requireCode(repos, 'identifier-type', input.type, today);
    for (const [field, d] of [
      ['validFrom', input.validFrom],
      ['validTo', input.validTo],
    ] as const) {
      if (d !== undefined && !isIsoDate(d)) throw invalidDate(field, d);
    }
    let number = normaliseDocumentNumber(input.number);
    let issuingCountry = (input.issuingCountry ?? 'CHN').toUpperCase();
    let facts: IdNumberFacts | undefined;
    if (GB11643_TYPES.has(input.type)) {
      const verdict = checkIdNumber(input.number, { areas: this.areaHistory, today });
      if (!verdict.valid) {
        throw new PopulusError('INVALID_ID_NUMBER', `the ID number is not valid: ${verdict.message}`, {
          reason: verdict.reason,
          messageZh: verdict.messageZh,
        });
      }
      const isPermit = verdict.facts.kind !== 'citizen';
      if (isPermit !== (input.type === 'HMT_RESIDENCE_PERMIT')) {
        throw new PopulusError('INVALID_ID_NUMBER', `the number is a ${verdict.facts.kind} number, not a ${input.type}`, {
          reason: 'KIND',
        });
      }
      facts = verdict.facts;
      number = facts.number;
      issuingCountry = 'CHN';
    } else {
      if (!/^[A-Z0-9-]{4,32}$/.test(number)) {
        throw new PopulusError('INVALID_VALUE', 'a document number is 4–32 letters, digits or dashes', { field: 'number' });
      }
      await this.standard.requireCode(repos, 'country', issuingCountry, today);
    }
    const existing = await repos.persons.findIdentifier(input.type, issuingCountry, number);
    if (existing) {
      throw new PopulusError(
        'IDENTIFIER_EXISTS',
        `this ${input.type} number is already recorded for ${existing.personId === personId ? 'this person' : 'another person'}`,
        {
          type: input.type,
          personId: existing.personId,
        },
      );
    }
    await repos.persons.insertIdentifier({
      id: newId(),
      district: this.district,
      personId,
      type: input.type,
      number,
      issuingCountry,
      issuingArea: facts?.addressCode ?? null,
      validFrom: input.validFrom ?? null,
      validTo: input.validTo ?? null,
    });
    events.element(personId, { element: identifierElement(input.type), old: null, new: number, source: MANUAL_SOURCE });
    return facts;
  }

  private async addResidenceIn(repos: Repositories, personId: string, input: ResidenceInput, events: ChangeEvents): Promise<Residence> {
    if (input.kind !== 'registered' && input.kind !== 'actual') {
      throw new PopulusError('INVALID_VALUE', 'a residence is registered (户籍地) or actual (居住地)', { field: 'kind' });
    }
    for (const [field, d] of [
      ['validFrom', input.validFrom],
      ['validTo', input.validTo],
    ] as const) {
      if (d !== undefined && !isIsoDate(d)) throw invalidDate(field, d);
    }
    if (input.validFrom !== undefined && input.validTo !== undefined && input.validTo <= input.validFrom) {
      throw new PopulusError('CONFLICTING_PERIOD', 'validTo must be after validFrom', { field: 'validTo' });
    }
    let areaCode = input.areaCode;
    let addressText = input.addressText?.trim() || null;
    if (input.dwellingId !== undefined) {
      const dwelling = await repos.housing.findDwelling(input.dwellingId);
      if (!dwelling)
        throw new PopulusError('DWELLING_NOT_FOUND', `there is no dwelling ${input.dwellingId}`, { dwellingId: input.dwellingId });
      if (areaCode !== undefined && !dwelling.areaCode.startsWith(areaCode)) {
        throw new PopulusError('INVALID_VALUE', `the dwelling is in area ${dwelling.areaCode}, not in ${areaCode}`, { field: 'areaCode' });
      }
      areaCode = dwelling.areaCode;
      addressText ??= dwelling.address;
    }
    if (areaCode === undefined)
      throw new PopulusError('INVALID_VALUE', 'a residence needs a dwelling or at least an area code', { field: 'areaCode' });
    if (!(await repos.areas.findArea(areaCode)))
      throw new PopulusError('AREA_NOT_FOUND', `there is no area with code ${areaCode}`, { area: areaCode });
    const residence: Residence = {
      id: newId(),
      personId,
      kind: input.kind,
      dwellingId: input.dwellingId ?? null,
      areaCode,
      addressText,
      validFrom: input.validFrom ?? null,
      validTo: input.validTo ?? null,
    };
    await repos.persons.insertResidence({ ...residence, district: this.district });
    events.moved(personId, {
      kind: residence.kind,
      from: null,
      to: { areaCode, address: addressText, dwellingId: residence.dwellingId },
      sourceId: MANUAL_SOURCE,
    });
    return residence;
  }
}

function personNotFound(id: string): PopulusError {
  return new PopulusError('PERSON_NOT_FOUND', `there is no person ${id}`, { personId: id });
}

function normaliseDocumentNumber(n: string): string {
  return n.trim().replace(/\s+/g, '').toUpperCase();
}

/** Birth date and sex read from a GB 11643 number, as derived observations (any source that reports them outranks them only by being newer or the owner). */
function derivedFromIdNumber(personId: string, facts: IdNumberFacts): ObservationWrite[] {
  return [
    {
      personId,
      elementId: 'person.birthDate',
      value: facts.birthDate,
      sourceId: 'id-number',
      method: 'derived',
      observedAt: null,
      batchId: null,
    },
    { personId, elementId: 'person.sex', value: facts.sex, sourceId: 'id-number', method: 'derived', observedAt: null, batchId: null },
  ];
}
