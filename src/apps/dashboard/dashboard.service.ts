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
import type { Access, Subject } from '../../access/remit-policy.ts';
import { ageOn, isIsoDate, todayIso } from '../../domain/dates.ts';
import { PopulusError } from '../../domain/errors.ts';
import { elementsRead, type KindDefinition } from '../../domain/kinds.ts';
import type { PopulationCategory } from '../../domain/population-category.ts';
import type { DataAccess } from '../../store/repositories.ts';
import { categoryOf, personFacts, residenceAreas, type PersonFacts } from '../reports/engine-facts.ts';
import { LIVING_CATEGORIES } from '../reports/engine.ts';
import { FreshnessFigures, type SourceFreshnessFigure } from './freshness.ts';

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

function subjectOf(p: PersonFacts): Subject {
  return { personId: p.id, areaCodes: residenceAreas(p), buildingIds: p.dwelling ? [p.dwelling.buildingId] : [], kinds: p.kinds };
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
   * The dashboard of an area on a date for a principal's access; audited (`dashboard.read`) before
   * it answers. Throws VALIDATION_FAILED, AREA_NOT_FOUND, or NOT_ALLOWED for an area outside the remit.
   */
  async read(p: Principal, access: Access, q: { area?: string | undefined; asOf?: string | undefined }, requestId: string | null): Promise<Dashboard> {
    const today = todayIso(this.now());
    const asOf = q.asOf ?? today;
    if (!isIsoDate(asOf)) throw new PopulusError('VALIDATION_FAILED', `the date must be YYYY-MM-DD, not ${asOf}`, { field: 'asOf', value: asOf });
    const areaCode = q.area ?? this.defaultArea(p);
    if (!AREA_CODE.test(areaCode))
      throw new PopulusError('VALIDATION_FAILED', `the area must be a 9-digit street, 12-digit committee or a grid code below one, not ${areaCode}`, { field: 'area', value: areaCode });
    if (!areaCode.startsWith(this.deps.homeArea)) throw new PopulusError('AREA_NOT_FOUND', `area ${areaCode} is not within this street (${this.deps.homeArea})`, { area: areaCode });
    // An area none of the remit's scopes reaches is refused, as reads of persons out of remit are.
    const scopes = access.scopes();
    if (!scopes.some((s) => s.elements.size > 0 && areaMeets(areaCode, s.areaPrefixes))) {
      throw new PopulusError('NOT_ALLOWED', `area ${areaCode} is outside your remit for ${access.purpose}`, { area: areaCode, purpose: access.purpose });
    }
    const key = JSON.stringify([areaCode, asOf, p.role, p.departmentId, p.areaCodes, p.buildingIds, p.personId, p.purposes, access.purpose]);
    const nowMs = this.now().getTime();
    let hit = this.cache.get(key);
    if (hit === undefined || nowMs - hit.at > CACHE_MS) {
      const computed = await this.compute(p, access, areaCode, asOf, today);
      hit = { at: nowMs, ...computed };
      for (const [k, v] of this.cache) if (nowMs - v.at > CACHE_MS) this.cache.delete(k);
      this.cache.set(key, hit);
    }
    const { value, elements } = hit;
    const entry = entryOf({ principal: p, purpose: access.purpose }, { action: 'dashboard.read', personIds: [], elementIds: elements, result: 'ok', requestId });
    await this.deps.audit.append([{ ...entry, detail: JSON.stringify({ area: areaCode, asOf, persons: value.personCount }) }]);
    return value;
  }

  private async compute(p: Principal, access: Access, areaCode: string, asOf: string, today: string): Promise<{ value: Dashboard; elements: string[] }> {
    const repos = this.deps.data.repos;
    const area = await repos.areas.findArea(areaCode.slice(0, Math.min(areaCode.length, 12)));
    if (!area) throw new PopulusError('AREA_NOT_FOUND', `area ${areaCode} is not known`, { area: areaCode });
    const kinds = this.deps.kinds;
    const read = [...new Set([...elementsRead(kinds), ...PYRAMID_ELEMENTS, 'person.deathDate'])].sort();
    const current = asOf >= today;
    const scopes = access.scopes();
    const rows = await repos.reportReads.read({
      areaPrefix: areaCode,
      asOf,
      elementIds: read,
      values: current ? 'current' : 'asOf',
      memberships: false,
      dwellings: areaCode.length > 12 || scopes.some((s) => s.buildingIds !== null),
    });
    const owners = current ? new Map<string, Set<string>>() : await repos.sources.owners(read);
    const facts = personFacts(rows, this.deps.homeArea, asOf, kinds, owners);

    const counts = new Map<PopulationCategory, number>();
    const kindCounts = new Map<string, number>();
    const bands = Array.from({ length: TOP_BAND / BAND + 1 }, (_, i) => ({ from: i * BAND, to: i * BAND >= TOP_BAND ? null : i * BAND + BAND - 1, male: 0, female: 0 }));
    let unknownAge = 0;
    let undetermined = 0;
    const counted = new Set<string>();
    const used = new Set<string>();
    const living = new Set<string>(LIVING_CATEGORIES);
    const present = new Map<string, PersonFacts>();
    for (const f of facts) {
      present.set(f.id, f);
      const readable = access.readable(subjectOf(f));
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

    // Moves: actual residences in the area beginning (in) or ending (out) in each of the last 12 months,
    // each person cut to the remit (someone who has left is judged by the residence they left).
    const months = lastTwelveMonths(asOf);
    const first = `${months[0] ?? asOf.slice(0, 7)}-01`;
    const moveRows = await repos.reportReads.residenceMoves(areaCode.slice(0, Math.min(areaCode.length, 12)), first, asOf);
    const byMonth = new Map(months.map((m) => [m, { month: m, in: 0, out: 0 }]));
    const visible = new Map<string, boolean>();
    for (const r of moveRows) {
      const f = present.get(r.personId);
      const key = `${r.personId}\u0000${r.areaCode}`;
      let ok = visible.get(key);
      if (ok === undefined) {
        const subject: Subject = f ? subjectOf(f) : { personId: r.personId, areaCodes: [r.areaCode], buildingIds: [], kinds: [] };
        ok = access.readable(subject).has('person.actualResidence');
        visible.set(key, ok);
      }
      if (!ok) continue;
      used.add('person.actualResidence');
      if (r.validFrom !== null && r.validFrom >= first && r.validFrom <= asOf) {
        const m = byMonth.get(r.validFrom.slice(0, 7));
        if (m) m.in++;
      }
      if (r.validTo !== null && r.validTo >= first && r.validTo <= asOf) {
        const m = byMonth.get(r.validTo.slice(0, 7));
        if (m) m.out++;
      }
    }

    const freshness = await this.freshness.figures(p);

    const review = mayPerform(p, 'review.read')
      ? await Promise.all(REVIEW_TYPES.map(async (type) => ({ type, count: await repos.ingest.countReview(type) })))
      : null;

    const value: Dashboard = {
      area: { code: areaCode, name: area.name },
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
