/**
 * The one door to personal data for callers that are not the platform itself (the API, and later
 * exports, reports and the feed): every read is cut to the caller's remit, masked, and audited
 * before it is answered; every write is checked element by element (the owner's department writes
 * the authoritative value, others observations) and its audit entry commits with it. A person out
 * of remit is answered exactly as a person who does not exist.
 */
import { PopulusError } from '../domain/errors.ts';
import type { Repositories } from '../store/repositories.ts';
import type {
  IdentifierInput,
  NewPersonInput,
  PersonSearchQuery,
  PersonService,
  PersonView,
  ResidenceInput,
  SearchBound,
  WriteContext,
} from '../services/person.service.ts';
import type { HouseholdService, NewHouseholdInput, NewMemberInput } from '../services/household.service.ts';
import type { Household, HouseholdMember } from '../domain/registry/types.ts';
import { maskValue } from './masking.ts';
import { maskName } from '../domain/registry/rental.ts';
import type { AuditService, DataUse } from './audit.service.ts';
import { entryOf } from './audit.service.ts';
import { HOUSEHOLD_ELEMENT, identifierElement, RESIDENCE_ELEMENT, type FilteredView, type PersonViewFilter } from './person-view-filter.ts';
import type { Access, Subject } from './remit-policy.ts';
import { actorRef } from './principal.ts';

export interface PersonGateDeps {
  readonly persons: PersonService;
  readonly households: HouseholdService;
  readonly views: PersonViewFilter;
  readonly audit: AuditService;
  /** The building and area of each dwelling id given. */
  readonly dwellingsOf: (
    dwellingIds: readonly string[],
  ) => Promise<ReadonlyMap<string, { readonly buildingId: string; readonly areaCode: string }>>;
  /** The source that owns an element (its authoritative source), if one is defined. */
  readonly ownerSourceOf: (elementIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  readonly today?: () => string;
}

export interface ReadRequest {
  readonly requestId: string | null;
  /** Show in full the elements the remit allows unmasking for the purpose (audited as such). */
  readonly unmask?: boolean;
  readonly asOf?: string;
}

/** Matches a search screens at most per request (a street holds about 100,000 persons): results are cut to the remit after the query. */
export const SEARCH_CANDIDATES = 250_000;
/** Rows an export may hold at most. */
export const EXPORT_MAX_ROWS = 20_000;

const notFound = (id: string): PopulusError => new PopulusError('PERSON_NOT_FOUND', `no person ${id}`, { personId: id });

/**
 * The part of an Access a query can apply itself: a person is visible only through some scope, so
 * when every scope limits areas (or buildings, or one person), the search is limited to their
 * union. The precise cut (kinds, elements) follows on the candidates.
 */
export function searchBound(access: Access): SearchBound {
  const scopes = access.scopes().filter((s) => s.elements.size > 0);
  if (scopes.length === 0) return { personId: '' }; // nobody
  if (scopes.every((s) => s.personId !== null)) {
    const ids = [...new Set(scopes.map((s) => s.personId))];
    return ids.length === 1 && ids[0] ? { personId: ids[0] } : {};
  }
  if (scopes.every((s) => s.areaPrefixes.length > 0)) {
    // Any one of a scope's prefix lists is a necessary condition; the last is the narrowest (the user's own areas).
    return { withinAny: [...new Set(scopes.flatMap((s) => s.areaPrefixes[s.areaPrefixes.length - 1] ?? []))] };
  }
  if (scopes.every((s) => s.buildingIds !== null)) return { inBuildings: [...new Set(scopes.flatMap((s) => s.buildingIds ?? []))] };
  return {};
}

/**
 * The gate over the platform's services and access services: the one way it is built (the API,
 * and the reports' form templates, read persons through a gate made here).
 */
export function personGateFor(
  services: {
    readonly persons: PersonGateDeps['persons'];
    readonly households: PersonGateDeps['households'];
    readonly housing: { dwellingsOf: PersonGateDeps['dwellingsOf'] };
    readonly sources: { ownerSourceOf: PersonGateDeps['ownerSourceOf'] };
  },
  access: { readonly views: PersonGateDeps['views']; readonly audit: PersonGateDeps['audit'] },
): PersonGate {
  return new PersonGate({
    persons: services.persons,
    households: services.households,
    views: access.views,
    audit: access.audit,
    dwellingsOf: (ids) => services.housing.dwellingsOf(ids),
    ownerSourceOf: (ids) => services.sources.ownerSourceOf(ids),
  });
}

export class PersonGate {
  constructor(private readonly deps: PersonGateDeps) {}

  private today(): string {
    return this.deps.today?.() ?? new Date().toISOString().slice(0, 10);
  }

  /** What the policy needs of a person: current residences' areas and buildings, kinds. */
  async subjectOf(view: Pick<PersonView, 'person' | 'residences' | 'kinds'>): Promise<Subject> {
    const today = this.today();
    const current = view.residences.filter(
      (r) => (r.validTo === null || r.validTo > today) && (r.validFrom === null || r.validFrom <= today),
    );
    const dwellings = current.flatMap((r) => (r.dwellingId === null ? [] : [r.dwellingId]));
    const found = dwellings.length === 0 ? new Map<string, { buildingId: string }>() : await this.deps.dwellingsOf(dwellings);
    return {
      personId: view.person.id,
      areaCodes: [...new Set(current.map((r) => r.areaCode))],
      buildingIds: [...new Set(dwellings.flatMap((d) => found.get(d)?.buildingId ?? []))],
      kinds: view.kinds,
    };
  }

  private async record(access: Access, use: DataUse): Promise<void> {
    await this.deps.audit.record({ principal: access.principal, purpose: access.purpose }, use);
  }

  /**
   * The raw view and subject of a person the caller can see (a merged id reads as its survivor:
   * `view.person.id` says which); PERSON_NOT_FOUND (audited) otherwise. For gates over other
   * writes about persons (src/access/rental-gate.ts).
   */
  async visible(
    access: Access,
    id: string,
    action: string,
    requestId: string | null,
    asOf?: string,
  ): Promise<{ view: PersonView; subject: Subject }> {
    let view: PersonView | undefined;
    try {
      view = await this.deps.persons.get(id, asOf, { masked: false });
    } catch (e) {
      if (!(e instanceof PopulusError && e.code === 'PERSON_NOT_FOUND')) throw e;
    }
    const subject = view ? await this.subjectOf(view) : undefined;
    if (!view || !subject || !access.canSee(subject)) {
      await this.record(access, { action, personIds: [id], elementIds: [], result: 'not-found', requestId });
      throw notFound(id);
    }
    return { view, subject };
  }

  /** One person, cut to the remit and masked; answered only once its audit entry is durable. */
  async read(access: Access, id: string, req: ReadRequest): Promise<FilteredView<PersonView>> {
    const { view, subject } = await this.visible(access, id, 'person.read', req.requestId, req.asOf);
    const result = this.deps.views.filter(view, access.readable(subject), req.unmask === true ? access.unmaskable(subject) : new Set());
    await this.record(access, {
      action: 'person.read',
      personIds: [id],
      elementIds: result.disclosed,
      result: 'ok',
      requestId: req.requestId,
      unmasked: result.unmasked,
    });
    return result.view;
  }

  /**
   * A search: the query runs in SQL limited to where the caller can see anyone (searchBound); every
   * match (up to SEARCH_CANDIDATES) is then screened in one bulk read — visible to the caller, the
   * elements the filters read readable, counted in the area and category asked — so the total is
   * exact and any page can be reached; only the page's persons are read in full, cut to the remit
   * and masked. Persons out of remit are neither shown nor counted.
   */
  async search(
    access: Access,
    query: PersonSearchQuery,
    req: ReadRequest,
    action = 'person.search',
    candidates = SEARCH_CANDIDATES,
  ): Promise<{ items: FilteredView<PersonView>[]; total: number; capped: boolean }> {
    const { limit, offset, ...filters } = query;
    const found = await this.deps.persons.searchIds(filters, searchBound(access), candidates);
    // Found only where the caller may read what the filters read (a filter must not disclose an element).
    const needs = this.deps.persons.elementsSearched(filters);
    const scopeKinds = new Set(access.scopes().flatMap((s) => (s.kinds ? [...s.kinds] : [])));
    const screened = await this.deps.persons.screen(
      found.ids,
      scopeKinds,
      access.scopes().some((s) => s.buildingIds !== null),
    );
    const exact = query.area !== undefined || query.category !== undefined;
    const visible: { id: string; subject: Subject }[] = [];
    for (const id of found.ids) {
      const s = screened.get(id);
      if (!s || !access.canSee(s.subject)) continue;
      const readable = access.readable(s.subject);
      if (!needs.every((any) => any.some((e) => readable.has(e)))) continue;
      if (exact && !s.counted(query.area, query.category)) continue;
      visible.push({ id, subject: s.subject });
    }
    const page = visible.slice(offset, offset + limit);
    const views = await Promise.all(page.map(({ id }) => this.deps.persons.get(id, undefined, { masked: false })));
    const disclosed = new Set<string>();
    const unmasked = new Set<string>();
    const items = views.map((view, i) => {
      const subject = page[i]?.subject;
      if (!subject) throw new Error('a screened person lost on the way');
      const r = this.deps.views.filter(view, access.readable(subject), req.unmask === true ? access.unmaskable(subject) : new Set());
      for (const e of r.disclosed) disclosed.add(e);
      for (const e of r.unmasked) unmasked.add(e);
      return r.view;
    });
    await this.record(access, {
      action,
      personIds: items.map((v) => v.person.id),
      elementIds: [...disclosed].sort(),
      result: 'ok',
      requestId: req.requestId,
      unmasked: [...unmasked].sort(),
    });
    // capped: more matched in SQL than were screened, so total counts only those.
    return { items, total: visible.length, capped: found.total > candidates };
  }

  /** Values as they were on a date, as known at a moment, cut to the remit (conflicts too). */
  async history(
    access: Access,
    id: string,
    validOn: string | undefined,
    knownAt: string | undefined,
    req: ReadRequest,
  ): Promise<Awaited<ReturnType<PersonService['valuesAsOf']>>> {
    const { subject } = await this.visible(access, id, 'person.history', req.requestId);
    const readable = access.readable(subject);
    const all = await this.deps.persons.valuesAsOf(id, validOn, knownAt);
    const out = {
      ...all,
      values: all.values.filter((v) => readable.has(v.elementId)),
      conflicts: all.conflicts.filter((c) => readable.has(c.elementId)),
    };
    const elements = [...new Set(out.values.map((v) => v.elementId))].sort();
    await this.record(access, { action: 'person.history', personIds: [id], elementIds: elements, result: 'ok', requestId: req.requestId });
    return out;
  }

  /**
   * Checks a write of these elements: refused (NOT_ALLOWED, naming them) when any is denied;
   * otherwise the source each is recorded from — the owner's source for an authoritative write.
   */
  private async attribution(
    access: Access,
    subject: Subject,
    elementIds: readonly string[],
  ): Promise<(elementId: string) => string | undefined> {
    const modes = new Map(elementIds.map((e) => [e, access.writeMode(subject, e)] as const));
    const denied = [...modes].filter(([, m]) => m === 'denied').map(([e]) => e);
    if (denied.length > 0) {
      throw new PopulusError('NOT_ALLOWED', `your remit does not let you write ${denied.join(', ')} for the purpose ${access.purpose}`, {
        operation: 'person.write',
        elements: denied,
      });
    }
    const authoritative = [...modes].filter(([, m]) => m === 'authoritative').map(([e]) => e);
    const owners = authoritative.length === 0 ? new Map<string, string>() : await this.deps.ownerSourceOf(authoritative);
    return (e) => (modes.get(e) === 'authoritative' ? owners.get(e) : undefined);
  }

  private writeContext(
    access: Access,
    action: string,
    elementIds: readonly string[],
    sourceOf: (e: string) => string | undefined,
    requestId: string | null,
  ): WriteContext {
    return {
      sourceFor: (e) => sourceOf(e) ?? 'manual',
      cause: { kind: 'user', actor: actorRef(access.principal) },
      within: async (repos: Repositories, personId: string) => {
        const entry = entryOf(
          { principal: access.principal, purpose: access.purpose },
          { action, personIds: [personId], elementIds: [...elementIds].sort(), result: 'ok', requestId },
        );
        await this.deps.audit.appendWithin(repos.audit, [entry]);
      },
    };
  }

  /** Sets or clears values of a visible person; the change and its audit entry commit together. */
  async updateValues(
    access: Access,
    id: string,
    values: Readonly<Record<string, string | null>>,
    req: ReadRequest,
  ): Promise<FilteredView<PersonView>> {
    const { subject } = await this.visible(access, id, 'person.write', req.requestId);
    const elements = Object.keys(values);
    const sourceOf = await this.attribution(access, subject, elements);
    await this.deps.persons.updateValues(id, values, this.writeContext(access, 'person.write', elements, sourceOf, req.requestId), {
      masked: false,
    });
    return this.read(access, id, req);
  }

  /**
   * Enters a new person. The caller must be able to see a person with the residences given and
   * to write each element given (kinds are not known before the values are, so kind-limited
   * remits cannot enter persons).
   */
  async create(access: Access, input: NewPersonInput, req: ReadRequest): Promise<FilteredView<PersonView>> {
    const dwellings = (input.residences ?? []).flatMap((r) => (r.dwellingId ? [r.dwellingId] : []));
    const found =
      dwellings.length === 0 ? new Map<string, { buildingId: string; areaCode: string }>() : await this.deps.dwellingsOf(dwellings);
    const subject: Subject = {
      personId: '',
      areaCodes: (input.residences ?? [])
        .flatMap((r) => (r.areaCode ? [r.areaCode] : r.dwellingId ? [found.get(r.dwellingId)?.areaCode ?? ''] : []))
        .filter((a) => a !== ''),
      buildingIds: dwellings.flatMap((d) => found.get(d)?.buildingId ?? []),
      kinds: [],
    };
    const elements = [
      ...Object.keys(input.values ?? {}),
      ...(input.identifiers ?? []).map((i) => identifierElement(i.type)),
      ...(input.residences ?? []).map((r) => RESIDENCE_ELEMENT[r.kind]),
    ];
    if (!access.canSee(subject) && access.principal.role !== 'platform-admin') {
      throw new PopulusError('NOT_ALLOWED', 'a person entered by you must live within your remit: give a residence in your area', {
        operation: 'person.create',
      });
    }
    const sourceOf = await this.attribution(access, subject, [...new Set(elements)]);
    const created = await this.deps.persons.create(
      input,
      this.writeContext(access, 'person.create', [...new Set(elements)], sourceOf, req.requestId),
      { masked: false },
    );
    return this.read(access, created.person.id, req);
  }

  async addIdentifier(access: Access, id: string, input: IdentifierInput, req: ReadRequest): ReturnType<PersonService['addIdentifier']> {
    const { subject } = await this.visible(access, id, 'person.write', req.requestId);
    const element = identifierElement(input.type);
    const sourceOf = await this.attribution(access, subject, [element]);
    const added = await this.deps.persons.addIdentifier(
      id,
      input,
      this.writeContext(access, 'person.write', [element], sourceOf, req.requestId),
    );
    return { ...added, number: maskValue('document-number', added.number) };
  }

  async addResidence(access: Access, id: string, input: ResidenceInput, req: ReadRequest): ReturnType<PersonService['addResidence']> {
    const { subject } = await this.visible(access, id, 'person.write', req.requestId);
    const element = RESIDENCE_ELEMENT[input.kind];
    const sourceOf = await this.attribution(access, subject, [element]);
    return this.deps.persons.addResidence(id, input, this.writeContext(access, 'person.write', [element], sourceOf, req.requestId));
  }

  async endResidence(
    access: Access,
    id: string,
    residenceId: string,
    validTo: string,
    req: ReadRequest,
  ): ReturnType<PersonService['endResidence']> {
    const { view, subject } = await this.visible(access, id, 'person.write', req.requestId);
    const residence = view.residences.find((r) => r.id === residenceId);
    const element = residence ? RESIDENCE_ELEMENT[residence.kind] : RESIDENCE_ELEMENT.actual;
    const sourceOf = await this.attribution(access, subject, [element]);
    return this.deps.persons.endResidence(
      id,
      residenceId,
      validTo,
      this.writeContext(access, 'person.write', [element], sourceOf, req.requestId),
    );
  }

  // ---- households: who lives with whom is personal data (person.relationshipToHead)

  private async auditWithin(
    access: Access,
    repos: Repositories,
    action: string,
    personIds: readonly string[],
    requestId: string | null,
  ): Promise<void> {
    const entry = entryOf(
      { principal: access.principal, purpose: access.purpose },
      { action, personIds, elementIds: [HOUSEHOLD_ELEMENT], result: 'ok', requestId },
    );
    await this.deps.audit.appendWithin(repos.audit, [entry]);
  }

  /** Whether the caller could see a person living in this area (for households and their addresses). */
  private areaVisible(access: Access, areaCode: string): boolean {
    return access.canSee({ personId: '', areaCodes: [areaCode], buildingIds: [], kinds: [] }) || access.principal.role === 'platform-admin';
  }

  private async visibleMember(access: Access, personId: string, requestId: string | null): Promise<Subject> {
    const { subject } = await this.visible(access, personId, 'household.write', requestId);
    if (access.writeMode(subject, HOUSEHOLD_ELEMENT) === 'denied') {
      throw new PopulusError('NOT_ALLOWED', `your remit does not let you write household membership for the purpose ${access.purpose}`, {
        operation: 'household.write',
        elements: [HOUSEHOLD_ELEMENT],
      });
    }
    return subject;
  }

  /**
   * A household with the members the caller may see (and may see the membership of). A household
   * with none of them, outside the caller's areas, does not exist for the caller.
   */
  async household(access: Access, id: string, req: ReadRequest): Promise<{ household: Household; members: HouseholdMember[] }> {
    const hidden = (): PopulusError => new PopulusError('HOUSEHOLD_NOT_FOUND', `there is no household ${id}`, { householdId: id });
    let found: { household: Household; members: HouseholdMember[] } | undefined;
    try {
      found = await this.deps.households.get(id);
    } catch (e) {
      if (!(e instanceof PopulusError && e.code === 'HOUSEHOLD_NOT_FOUND')) throw e;
    }
    const members: HouseholdMember[] = [];
    for (const m of found?.members ?? []) {
      const view = await this.deps.persons.get(m.personId, undefined, { masked: true }).catch(() => undefined);
      if (!view) continue;
      const subject = await this.subjectOf(view);
      if (access.readable(subject).has(HOUSEHOLD_ELEMENT)) members.push(m);
    }
    if (!found || (members.length === 0 && !this.areaVisible(access, found.household.areaCode))) {
      await this.record(access, { action: 'household.read', personIds: [], elementIds: [], result: 'not-found', requestId: req.requestId });
      throw hidden();
    }
    await this.record(access, {
      action: 'household.read',
      personIds: members.map((m) => m.personId),
      elementIds: members.length > 0 ? [HOUSEHOLD_ELEMENT] : [],
      result: 'ok',
      requestId: req.requestId,
    });
    return { household: found.household, members };
  }

  async createHousehold(access: Access, input: NewHouseholdInput, req: ReadRequest): Promise<Household> {
    if (!this.areaVisible(access, input.areaCode)) {
      throw new PopulusError('NOT_ALLOWED', `area ${input.areaCode} is outside your remit`, { operation: 'household.create' });
    }
    return this.deps.households.create(input, (repos) => this.auditWithin(access, repos, 'household.create', [], req.requestId));
  }

  async addMember(access: Access, householdId: string, input: NewMemberInput, req: ReadRequest): Promise<HouseholdMember> {
    await this.visibleMember(access, input.personId, req.requestId);
    return this.deps.households.addMember(
      householdId,
      input,
      (repos) => this.auditWithin(access, repos, 'household.write', [input.personId], req.requestId),
      { kind: 'user', actor: actorRef(access.principal) },
    );
  }

  async endMember(access: Access, householdId: string, memberId: string, validTo: string, req: ReadRequest): Promise<HouseholdMember> {
    const member = await this.deps.households.member(householdId, memberId);
    await this.visibleMember(access, member.personId, req.requestId);
    return this.deps.households.endMember(
      householdId,
      memberId,
      validTo,
      (repos) => this.auditWithin(access, repos, 'household.write', [member.personId], req.requestId),
      { kind: 'user', actor: actorRef(access.principal) },
    );
  }

  /**
   * A dwelling's read: its residences the caller may see (the person in remit, and that kind of
   * address readable) and its rental registrations — every one listed, the tenant named only when
   * the caller may read the tenant's actual address, the landlord's name masked (王**) unless
   * unmasking is asked and the remit unmasks names for that tenant — audited together as one
   * dwelling.read entry.
   */
  async dwellingRead<R extends { readonly personId: string; readonly kind: 'registered' | 'actual' }, L extends { readonly personId: string; readonly landlordName: string | null }>(
    access: Access,
    residences: readonly R[],
    rentals: readonly L[],
    req: ReadRequest,
  ): Promise<{ residences: R[]; rentals: (Omit<L, 'personId'> & { personId: string | null; landlordNameMasked: boolean })[] }> {
    const subjects = new Map<string, Subject | undefined>();
    const subject = async (personId: string): Promise<Subject | undefined> => {
      if (!subjects.has(personId)) {
        const view = await this.deps.persons.get(personId, undefined, { masked: true }).catch(() => undefined);
        subjects.set(personId, view ? await this.subjectOf(view) : undefined);
      }
      return subjects.get(personId);
    };
    const shown: R[] = [];
    for (const r of residences) if (access.readable(await subject(r.personId)).has(RESIDENCE_ELEMENT[r.kind])) shown.push(r);
    const tenants = new Set<string>();
    let unmaskedNames = false;
    const rentalsOut = [];
    for (const l of rentals) {
      const s = await subject(l.personId);
      const named = access.readable(s).has(RESIDENCE_ELEMENT.actual);
      const unmask = named && req.unmask === true && access.unmaskable(s).has('person.name');
      if (named) tenants.add(l.personId);
      if (unmask && l.landlordName !== null) unmaskedNames = true;
      rentalsOut.push({
        ...l,
        personId: named ? l.personId : null,
        landlordName: l.landlordName === null || unmask ? l.landlordName : maskName(l.landlordName),
        landlordNameMasked: l.landlordName !== null && !unmask,
      });
    }
    const personIds = [...new Set([...shown.map((r) => r.personId), ...tenants])];
    if (personIds.length > 0) {
      await this.record(access, {
        action: 'dwelling.read',
        personIds,
        elementIds: [...new Set([...shown.map((r) => RESIDENCE_ELEMENT[r.kind]), ...(tenants.size > 0 ? [RESIDENCE_ELEMENT.actual] : [])])].sort(),
        result: 'ok',
        requestId: req.requestId,
        ...(unmaskedNames ? { unmasked: ['person.name'] } : {}),
      });
    }
    return { residences: shown, rentals: rentalsOut };
  }

  /**
   * A person's own rental registrations (as tenant): PERSON_NOT_FOUND (audited) for a person out of
   * remit; none unless the caller may read their actual address; landlords' names masked as on a
   * dwelling. Audited as a person.read of their actual residence.
   */
  async rentalsOf<L extends { readonly landlordName: string | null }>(
    access: Access,
    personId: string,
    rentals: (id: string) => Promise<readonly L[]>,
    req: ReadRequest,
  ): Promise<(L & { landlordNameMasked: boolean })[]> {
    const { view, subject } = await this.visible(access, personId, 'person.read', req.requestId);
    if (!access.readable(subject).has(RESIDENCE_ELEMENT.actual)) return [];
    const unmask = req.unmask === true && access.unmaskable(subject).has('person.name');
    const list = await rentals(view.person.id);
    await this.record(access, {
      action: 'person.read',
      personIds: [view.person.id],
      elementIds: [RESIDENCE_ELEMENT.actual],
      result: 'ok',
      requestId: req.requestId,
      ...(unmask && list.some((l) => l.landlordName !== null) ? { unmasked: ['person.name'] } : {}),
    });
    return list.map((l) => ({ ...l, landlordName: l.landlordName === null || unmask ? l.landlordName : maskName(l.landlordName), landlordNameMasked: l.landlordName !== null && !unmask }));
  }

  /**
   * An export: the persons a search finds within the remit (up to EXPORT_MAX_ROWS), one row each,
   * with a column per element the caller may read of anyone in it — masked unless unmasking is
   * asked and allowed — as CSV lines (header first). Audited as one person.export entry naming
   * every person and element, before the first line is produced.
   */
  async exportCsv(access: Access, query: Omit<PersonSearchQuery, 'limit' | 'offset'>, req: ReadRequest): Promise<string[]> {
    const { items } = await this.search(access, { ...query, limit: EXPORT_MAX_ROWS, offset: 0 }, req, 'person.export', EXPORT_MAX_ROWS);
    const columns = new Set<string>();
    const rows = items.map((v) => {
      const cells = new Map<string, string>();
      for (const x of v.values) cells.set(x.elementId, x.value);
      for (const i of v.identifiers) if (!cells.has(identifierElement(i.type))) cells.set(identifierElement(i.type), i.number);
      for (const r of v.residences) if (r.validTo === null) cells.set(RESIDENCE_ELEMENT[r.kind], r.addressText ?? r.areaCode);
      if (v.category !== null && 'category' in v.category) cells.set('person.populationCategory', v.category.category);
      for (const k of cells.keys()) columns.add(k);
      return { id: v.person.id, cells };
    });
    const header = [...columns].sort();
    const cell = (raw: string): string => {
      const x = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw; // never a spreadsheet formula
      return /[",\n\r]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
    };
    return [['personId', ...header].join(','), ...rows.map((r) => [r.id, ...header.map((h) => cell(r.cells.get(h) ?? ''))].join(','))];
  }

  /** Which of these persons (by id, merges followed) the caller can see at all — for lists of things about persons. */
  async visibleIds(access: Access, ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const id of new Set(ids)) {
      const view = await this.deps.persons.get(id, undefined, { masked: true }).catch(() => undefined);
      if (view && access.canSee(await this.subjectOf(view))) out.add(id);
    }
    return out;
  }
}
