/**
 * The console's dashboard (issue 9): an area's figures on a date — the population structure by
 * category (as the field study tabulated it), the kinds of people, an age pyramid, moves in and
 * out by month, data freshness per source (./freshness.ts: last delivery, share of values past
 * their freshness) and open review items. Reuses the report engine's bulk read
 * (src/store/report.repository.ts) and facts (src/apps/reports/engine-facts.ts: category,
 * kinds, placing) and cuts every person to the caller's remit exactly as a report does: a person
 * counts in a figure only when every element the figure reads is readable about that person for
 * the stated purpose (src/access/remit-policy.ts). Audited as one statistical read (action
 * `dashboard.read`: the area, the elements, the count of persons — not their ids). Answers are
 * kept ~60 s per (area, date, remit); every read is still audited.
 */
import { entryOf, type AuditService } from '../../access/audit.service.ts';
import { mayPerform } from '../../access/operations.ts';
import type { Principal } from '../../access/principal.ts';
import type { Access } from '../../access/remit-policy.ts';
import { ageOn, isIsoDate, todayIso } from '../../domain/dates.ts';
import { PopulusError } from '../../domain/errors.ts';
import { elementsRead, type KindDefinition } from '../../domain/kinds.ts';
import type { PopulationCategory } from '../../domain/population-category.ts';
import type { DataAccess } from '../../store/repositories.ts';
import { categoryOf, personFacts, type PersonFacts } from '../reports/engine-facts.ts';
import { LIVING_CATEGORIES } from '../reports/engine.ts';
import { FreshnessFigures, type SourceFreshnessFigure } from './freshness.ts';
import { movesShown, NAME_ELEMENT, type MovesPage } from './moves-list.ts';
import { monthEnd, MOVES_ELEMENT, subjectOfFacts, visibleMoves, type Move } from './moves.ts';

export const DASHBOARD_CATEGORIES: readonly { code: PopulationCategory; nameZh: string; nameEn: string }[] = [
  { code: 'RESIDENT_REGISTERED', nameZh: '人在户在', nameEn: 'Registered and living here' },
  { code: 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL', nameZh: '人在户不在', nameEn: 'Living here, registered elsewhere in Shanghai' },
  { code: 'FROM_OTHER_PROVINCE', nameZh: '外省市来沪', nameEn: 'From other provinces' },
  { code: 'FROM_ABROAD', nameZh: '境外', nameEn: 'From abroad' },
  { code: 'REGISTERED_ABSENT', nameZh: '户在人不在', nameEn: 'Registered here, living elsewhere' },
];

/** Review item types counted (src/services/review.service.ts REVIEW_KINDS). */
const REVIEW_TYPES = ['conflict', 'possible-match', 'identifier-clash'] as const;

/** What a category figure reads (as a report by population category). */
export const CATEGORY_ELEMENT = 'person.populationCategory';
/** What the age pyramid reads. */
export const PYRAMID_ELEMENTS = ['person.birthDate', 'person.sex'] as const;

const BAND = 5;
const TOP_BAND = 100;
const CACHE_MS = 60_000;
const AREA_CODE = /^\d{9}(\d{3}([0-9A-Za-z-]{1,20})?)?$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** Rows a page of moves holds at most. */
export const MOVES_PAGE_MAX = 200;

/** Moves are counted for a committee (or the street) as a whole: a grid's are its committee's. */
const movesArea = (areaCode: string): string => areaCode.slice(0, Math.min(areaCode.length, 12));

export interface CategoryFigure {
  readonly code: PopulationCategory;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly count: number;
  /** Share of the actual population (the four living categories); null for 户在人不在. */
  readonly share: number | null;
}

export interface Dashboard {
  readonly area: { readonly code: string; readonly name: string };
  readonly asOf: string;
  readonly generatedAt: string;
  readonly purpose: string;
  readonly population: {
    /** The actual population: persons of the four living categories you may count. */
    readonly actual: number;
    readonly categories: readonly CategoryFigure[];
    /** Persons of the area whose category cannot be determined (incomplete registration or residence). */
    readonly undetermined: number;
  };
  readonly kinds: readonly { readonly id: string; readonly nameZh: string; readonly nameEn: string; readonly count: number }[];
  readonly agePyramid: {
    readonly bands: readonly { readonly from: number; readonly to: number | null; readonly male: number; readonly female: number }[];
    /** Counted persons whose sex or birth date is missing or not in your remit. */
    readonly unknown: number;
  };
  readonly moves: readonly { readonly month: string; readonly in: number; readonly out: number }[];
  readonly freshness: readonly SourceFreshnessFigure[];
  /** Open review items by type; null when you may not read the review queue. */
  readonly review: readonly { readonly type: string; readonly count: number }[] | null;
  /** Persons counted in any figure (the count the audit entry records). */
  readonly personCount: number;
}

export interface DashboardDeps {
  readonly data: DataAccess;
  /** The 9-digit street of this node. */
  readonly homeArea: string;
  readonly kinds: readonly KindDefinition[];
  readonly audit: Pick<AuditService, 'append'>;
  readonly clock?: () => Date;
}

/** The 12 months ending with the date's month: ['2025-12', …, '2026-11']. */
export function lastTwelveMonths(asOf: string): string[] {
  const y = Number(asOf.slice(0, 4));
  const m = Number(asOf.slice(5, 7));
  const out: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

/** Whether an area can hold anyone of a scope's area prefixes (the area is inside one, or holds one). */
function areaMeets(area: string, prefixLists: readonly (readonly string[])[]): boolean {
  return prefixLists.every((list) => list.some((p) => area.startsWith(p) || p.startsWith(area)));
}

export class DashboardService {
  private readonly cache = new Map<string, { at: number; value: Dashboard; elements: string[] }>();
  private readonly kindElements: ReadonlyMap<string, readonly string[]>;
  private readonly freshness: FreshnessFigures;

  constructor(private readonly deps: DashboardDeps) {
    this.kindElements = new Map(deps.kinds.map((k) => [k.id, elementsRead([k])]));
    this.freshness = new FreshnessFigures(deps.data, () => this.now());
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** The area a user sees first: a committee worker's committee, street staff's street, otherwise the node's street. */
  defaultArea(p: Principal): string {
    const own = p.areaCodes.find((a) => a.startsWith(this.deps.homeArea));
    return own ?? this.deps.homeArea;
  }

  /**
   * The area and date a read asks about, checked: VALIDATION_FAILED, AREA_NOT_FOUND (not within
   * this street), or NOT_ALLOWED for an area none of the remit's scopes reaches (as reads of
   * persons out of remit are).
   */
  private scope(
    p: Principal,
    access: Access,
    q: { area?: string | undefined; asOf?: string | undefined },
  ): { areaCode: string; asOf: string; today: string } {
    const today = todayIso(this.now());
    const asOf = q.asOf ?? today;
    if (!isIsoDate(asOf))
      throw new PopulusError('VALIDATION_FAILED', `the date must be YYYY-MM-DD, not ${asOf}`, { field: 'asOf', value: asOf });
    const areaCode = q.area ?? this.defaultArea(p);
    if (!AREA_CODE.test(areaCode))
      throw new PopulusError(
        'VALIDATION_FAILED',
        `the area must be a 9-digit street, 12-digit committee or a grid code below one, not ${areaCode}`,
        { field: 'area', value: areaCode },
      );
    if (!areaCode.startsWith(this.deps.homeArea))
      throw new PopulusError('AREA_NOT_FOUND', `area ${areaCode} is not within this street (${this.deps.homeArea})`, { area: areaCode });
    const scopes = access.scopes();
    if (!scopes.some((s) => s.elements.size > 0 && areaMeets(areaCode, s.areaPrefixes))) {
      throw new PopulusError('NOT_ALLOWED', `area ${areaCode} is outside your remit for ${access.purpose}`, {
        area: areaCode,
        purpose: access.purpose,
      });
    }
    return { areaCode, asOf, today };
  }

  private async knownArea(areaCode: string): Promise<{ code: string; name: string }> {
    const area = await this.deps.data.repos.areas.findArea(areaCode.slice(0, Math.min(areaCode.length, 12)));
    if (!area) throw new PopulusError('AREA_NOT_FOUND', `area ${areaCode} is not known`, { area: areaCode });
    return { code: areaCode, name: area.name };
  }

  /**
   * The dashboard of an area on a date for a principal's access; audited (`dashboard.read`) before
   * it answers. Throws VALIDATION_FAILED, AREA_NOT_FOUND, or NOT_ALLOWED for an area outside the remit.
   */
  async read(
    p: Principal,
    access: Access,
    q: { area?: string | undefined; asOf?: string | undefined },
    requestId: string | null,
  ): Promise<Dashboard> {
    const { areaCode, asOf, today } = this.scope(p, access, q);
    const key = JSON.stringify([
      areaCode,
      asOf,
      p.role,
      p.departmentId,
      p.areaCodes,
      p.buildingIds,
      p.personId,
      p.purposes,
      access.purpose,
    ]);
    const nowMs = this.now().getTime();
    let hit = this.cache.get(key);
    if (hit === undefined || nowMs - hit.at > CACHE_MS) {
      const computed = await this.compute(p, access, areaCode, asOf, today);
      hit = { at: nowMs, ...computed };
      for (const [k, v] of this.cache) if (nowMs - v.at > CACHE_MS) this.cache.delete(k);
      this.cache.set(key, hit);
    }
    const { value, elements } = hit;
    const entry = entryOf(
      { principal: p, purpose: access.purpose },
      { action: 'dashboard.read', personIds: [], elementIds: elements, result: 'ok', requestId },
    );
    await this.deps.audit.append([{ ...entry, detail: JSON.stringify({ area: areaCode, asOf, persons: value.personCount }) }]);
    return value;
  }

  /**
   * The facts on `asOf` of the persons living or registered in the area then (the report engine's
   * bulk read and facts), or — given `personIds` — of those of them who do: what the figures and
   * the moves' remit cut judge persons by.
   */
  private async facts(
    access: Access,
    areaCode: string,
    asOf: string,
    today: string,
    personIds?: readonly string[],
  ): Promise<PersonFacts[]> {
    const repos = this.deps.data.repos;
    const read = [...new Set([...elementsRead(this.deps.kinds), ...PYRAMID_ELEMENTS, 'person.deathDate'])].sort();
    const current = asOf >= today;
    const grid = areaCode.length > 12;
    const rows = await repos.reportReads.read({
      areaPrefix: areaCode,
      ...(personIds ? { personIds } : {}),
      asOf,
      elementIds: read,
      values: current ? 'current' : 'asOf',
      memberships: false,
      dwellings: grid || access.scopes().some((s) => s.buildingIds !== null),
    });
    const owners = current ? new Map<string, Set<string>>() : await repos.sources.owners(read);
    const facts = personFacts(rows, this.deps.homeArea, asOf, this.deps.kinds, owners);
    if (!personIds) return facts;
    // Read wherever they live: keep those the area read would have found (a residence in force in the area, or for a
    // grid in a dwelling of one of its buildings).
    const dwellingArea = new Map(rows.dwellings.map((d) => [d.id, d.areaCode]));
    const here = new Set(
      rows.residences
        .filter(
          (r) =>
            r.areaCode.startsWith(areaCode) ||
            (grid && r.dwellingId !== null && (dwellingArea.get(r.dwellingId)?.startsWith(areaCode) ?? false)),
        )
        .map((r) => r.personId),
    );
    return facts.filter((f) => here.has(f.id));
  }

  /**
   * The moves dated from `from` to `to` that the access may read (./moves.ts: the one rule of the
   * bars and the list). `present`: the facts of the area's persons on `asOf` (the dashboard has
   * them); read here for the persons the moves name when not given.
   */
  private async movesBetween(
    access: Access,
    areaCode: string,
    from: string,
    to: string,
    asOf: string,
    today: string,
    present?: ReadonlyMap<string, PersonFacts>,
  ): Promise<Move[]> {
    const rows = await this.deps.data.repos.reportReads.residenceMoves(movesArea(areaCode), from, to);
    if (rows.length === 0) return [];
    const known =
      present ??
      new Map((await this.facts(access, areaCode, asOf, today, [...new Set(rows.map((r) => r.personId))])).map((f) => [f.id, f]));
    return visibleMoves(rows, from, to, known, access);
  }

  /**
   * The list behind one bar of the moves chart: the moves in (or out) of the area in one month up
   * to the date, exactly those the bar counts (the same rows and remit cut), oldest first and paged.
   * Each shows the person's name where the remit lets you read it, the residence's area and
   * address, and whether their profile is yours to open (today, as a profile read judges it).
   * Audited as `dashboard.moves` naming the persons listed. Throws VALIDATION_FAILED for a bad
   * month, direction or one after the date, and as `read` for the area and date.
   */
  async moves(
    p: Principal,
    access: Access,
    q: { area?: string | undefined; asOf?: string | undefined; month: string; direction: string; offset: number; limit: number },
    requestId: string | null,
  ): Promise<MovesPage> {
    const { areaCode, asOf, today } = this.scope(p, access, q);
    if (!MONTH.test(q.month))
      throw new PopulusError('VALIDATION_FAILED', `the month must be YYYY-MM, not ${q.month}`, { field: 'month', value: q.month });
    if (q.month > asOf.slice(0, 7))
      throw new PopulusError('VALIDATION_FAILED', `the month ${q.month} is after the date ${asOf}`, {
        field: 'month',
        value: q.month,
        asOf,
      });
    const direction = q.direction;
    if (direction !== 'in' && direction !== 'out')
      throw new PopulusError('VALIDATION_FAILED', `the direction must be in or out, not ${direction}`, {
        field: 'direction',
        value: direction,
      });
    if (!Number.isInteger(q.offset) || q.offset < 0 || !Number.isInteger(q.limit) || q.limit < 1 || q.limit > MOVES_PAGE_MAX)
      throw new PopulusError('VALIDATION_FAILED', `offset must be 0 or more and limit from 1 to ${MOVES_PAGE_MAX}`, {
        offset: q.offset,
        limit: q.limit,
      });
    const area = await this.knownArea(areaCode);
    const from = `${q.month}-01`;
    const end = monthEnd(q.month);
    const to = end < asOf ? end : asOf;
    const all = (await this.movesBetween(access, areaCode, from, to, asOf, today))
      .filter((m) => m.direction === direction)
      .sort((a, b) => a.date.localeCompare(b.date) || a.areaCode.localeCompare(b.areaCode) || a.personId.localeCompare(b.personId));
    const page = all.slice(q.offset, q.offset + q.limit);
    const items = await movesShown({ data: this.deps.data, homeArea: this.deps.homeArea, kinds: this.deps.kinds }, access, page, {
      area: movesArea(areaCode),
      from,
      to,
      today,
    });
    const disclosed = new Set<string>(page.length > 0 ? [MOVES_ELEMENT] : []);
    if (items.some((i) => i.name !== null)) disclosed.add(NAME_ELEMENT);
    const entry = entryOf(
      { principal: p, purpose: access.purpose },
      {
        action: 'dashboard.moves',
        personIds: [...new Set(page.map((m) => m.personId))],
        elementIds: [...disclosed].sort(),
        result: 'ok',
        requestId,
      },
    );
    await this.deps.audit.append([
      { ...entry, detail: JSON.stringify({ area: areaCode, asOf, month: q.month, direction, total: all.length }) },
    ]);
    return { area, asOf, month: q.month, direction, total: all.length, items };
  }

  private async compute(
    p: Principal,
    access: Access,
    areaCode: string,
    asOf: string,
    today: string,
  ): Promise<{ value: Dashboard; elements: string[] }> {
    const repos = this.deps.data.repos;
    const area = await this.knownArea(areaCode);
    const kinds = this.deps.kinds;
    const facts = await this.facts(access, areaCode, asOf, today);

    const counts = new Map<PopulationCategory, number>();
    const kindCounts = new Map<string, number>();
    const bands = Array.from({ length: TOP_BAND / BAND + 1 }, (_, i) => ({
      from: i * BAND,
      to: i * BAND >= TOP_BAND ? null : i * BAND + BAND - 1,
      male: 0,
      female: 0,
    }));
    let unknownAge = 0;
    let undetermined = 0;
    const counted = new Set<string>();
    const used = new Set<string>();
    const living = new Set<string>(LIVING_CATEGORIES);
    const present = new Map<string, PersonFacts>();
    for (const f of facts) {
      present.set(f.id, f);
      const readable = access.readable(subjectOfFacts(f));
      if (readable.size === 0) continue;
      if (f.category.status === 'undetermined') {
        if (f.actual?.areaCode.startsWith(areaCode) || f.registered?.areaCode.startsWith(areaCode)) {
          if (readable.has(CATEGORY_ELEMENT)) {
            undetermined++;
            used.add(CATEGORY_ELEMENT);
          }
        }
        continue;
      }
      const category = categoryOf(f);
      if (!category || f.placing === undefined) continue;
      if (!(f.placing.areaCode.startsWith(areaCode) || (f.dwelling?.areaCode.startsWith(areaCode) ?? false))) continue;
      const death = f.values.get('person.deathDate');
      if (death !== undefined && death <= asOf) continue;
      if (!readable.has(CATEGORY_ELEMENT)) continue;
      counts.set(category, (counts.get(category) ?? 0) + 1);
      counted.add(f.id);
      used.add(CATEGORY_ELEMENT);
      if (!living.has(category)) continue;
      for (const k of f.kinds) {
        const needs = this.kindElements.get(k) ?? [];
        if (needs.every((e) => readable.has(e))) {
          kindCounts.set(k, (kindCounts.get(k) ?? 0) + 1);
          for (const e of needs) used.add(e);
        }
      }
      const birth = f.values.get('person.birthDate');
      const sex = f.values.get('person.sex');
      if (PYRAMID_ELEMENTS.every((e) => readable.has(e)) && birth !== undefined && (sex === '1' || sex === '2')) {
        const age = ageOn(birth, asOf);
        const band = bands[Math.max(0, Math.min(Math.floor(age / BAND), bands.length - 1))];
        if (band) {
          if (sex === '1') band.male++;
          else band.female++;
        }
        for (const e of PYRAMID_ELEMENTS) used.add(e);
      } else unknownAge++;
    }
    const actual = LIVING_CATEGORIES.reduce((n, c) => n + (counts.get(c) ?? 0), 0);
    const categories = DASHBOARD_CATEGORIES.map((c) => {
      const count = counts.get(c.code) ?? 0;
      return { ...c, count, share: living.has(c.code) ? (actual === 0 ? 0 : count / actual) : null };
    });

    // Moves: actual residences in the area beginning (in) or ending (out) in each of the last 12 months (./moves.ts).
    const months = lastTwelveMonths(asOf);
    const first = `${months[0] ?? asOf.slice(0, 7)}-01`;
    const byMonth = new Map(months.map((m) => [m, { month: m, in: 0, out: 0 }]));
    for (const mv of await this.movesBetween(access, areaCode, first, asOf, asOf, today, present)) {
      const m = byMonth.get(mv.date.slice(0, 7));
      if (m) m[mv.direction]++;
      used.add(MOVES_ELEMENT);
    }

    const freshness = await this.freshness.figures(p);

    const review = mayPerform(p, 'review.read')
      ? await Promise.all(REVIEW_TYPES.map(async (type) => ({ type, count: await repos.ingest.countReview(type) })))
      : null;

    const value: Dashboard = {
      area,
      asOf,
      generatedAt: this.now().toISOString(),
      purpose: access.purpose,
      population: { actual, categories, undetermined },
      kinds: kinds.map((k) => ({ id: k.id, nameZh: k.nameZh, nameEn: k.nameEn, count: kindCounts.get(k.id) ?? 0 })),
      agePyramid: { bands, unknown: unknownAge },
      moves: [...byMonth.values()],
      freshness,
      review,
      personCount: counted.size,
    };
    return { value, elements: [...used].sort() };
  }
}
