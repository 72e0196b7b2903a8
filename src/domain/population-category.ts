/**
 * The population category of a person (人口类别), derived from identifiers and residences only.
 *
 * "Here" is the node's home area (a street). Following the field study:
 * - 人在户在 RESIDENT_REGISTERED: lives here and is registered here;
 * - 人在户不在 RESIDENT_REGISTERED_ELSEWHERE_LOCAL: lives here, registered elsewhere in the same
 *   province-level area (Shanghai);
 * - 外省市来沪 FROM_OTHER_PROVINCE: lives here, registered in another province;
 * - 境外 FROM_ABROAD: lives here and is not a mainland citizen (foreign passport, HK/Macao/Taiwan
 *   documents, no citizen ID number);
 * - 户在人不在 REGISTERED_ABSENT: registered here, lives elsewhere.
 * Anyone else is outside the street's actual population; missing facts give `undetermined` with
 * the reason, never a guess.
 */

export const POPULATION_CATEGORIES = [
  'RESIDENT_REGISTERED',
  'RESIDENT_REGISTERED_ELSEWHERE_LOCAL',
  'FROM_OTHER_PROVINCE',
  'FROM_ABROAD',
  'REGISTERED_ABSENT',
] as const;
export type PopulationCategory = (typeof POPULATION_CATEGORIES)[number];

export type ResidenceKind = 'registered' | 'actual';

export interface ResidenceFact {
  readonly kind: ResidenceKind;
  /** Most precise area code known: 6 (county), 9 (street) or 12 (committee) digits. */
  readonly areaCode: string;
  /** ISO dates; validTo is exclusive. */
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface IdentifierFact {
  /** identifier-type code: CN_ID, PASSPORT, HKMO_PERMIT, TW_PERMIT, HMT_RESIDENCE_PERMIT, … */
  readonly type: string;
  /** GB/T 2659 alpha-3 code of the issuing country. */
  readonly issuingCountry: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export type CategoryResult =
  | { readonly status: 'determined'; readonly category: PopulationCategory }
  | { readonly status: 'outside'; readonly reason: string }
  | { readonly status: 'undetermined'; readonly reason: string };

export interface CategoryInput {
  /** 9-digit street code of this node, e.g. 310105004. */
  readonly homeArea: string;
  /** Reference date, YYYY-MM-DD. */
  readonly asOf: string;
  readonly identifiers: readonly IdentifierFact[];
  readonly residences: readonly ResidenceFact[];
}

/** Documents that only people who are not mainland citizens hold. */
const NON_MAINLAND_DOCUMENTS = new Set(['HKMO_PERMIT', 'TW_PERMIT', 'HMT_RESIDENCE_PERMIT', 'FOREIGN_PERMANENT_RESIDENCE']);

export function validOn(p: { readonly validFrom: string | null; readonly validTo: string | null }, date: string): boolean {
  return (p.validFrom === null || p.validFrom <= date) && (p.validTo === null || date < p.validTo);
}

function isWithin(areaCode: string, home: string): boolean {
  return areaCode.startsWith(home);
}

/** An area that contains the home street but is larger (its county, 310105 for 310105004): whether "here" is unknown. */
function isCoarserThanHome(areaCode: string, home: string): boolean {
  return areaCode.length < home.length && home.startsWith(areaCode);
}

/** A citizen of the mainland holds a CN_ID; someone holding only foreign or HK/Macao/Taiwan documents does not. */
function isNonMainland(identifiers: readonly IdentifierFact[]): boolean {
  if (identifiers.some((i) => i.type === 'CN_ID')) return false;
  return identifiers.some((i) => NON_MAINLAND_DOCUMENTS.has(i.type) || (i.type === 'PASSPORT' && i.issuingCountry !== 'CHN'));
}

/**
 * Which of two residences in force counts: the later-starting; on the same start, the more precise
 * area (a committee over its district), then the smaller code — never the order rows happen to come
 * in, which differs between backends and queries.
 */
export type Placed = { readonly validFrom: string | null; readonly areaCode: string; readonly dwellingId?: string | null };
export function preferResidence(a: Placed, b: Placed): boolean {
  const fa = a.validFrom ?? '';
  const fb = b.validFrom ?? '';
  if (fa !== fb) return fa > fb;
  if (a.areaCode.length !== b.areaCode.length) return a.areaCode.length > b.areaCode.length;
  if (a.areaCode !== b.areaCode) return a.areaCode < b.areaCode;
  return (a.dwellingId ?? '') < (b.dwellingId ?? '');
}

/** The residence of the kind in force on the date; the latest-starting one when several overlap (ties: `preferResidence`). Person views and reports both decide by it. */
export function residenceInForce<R extends Placed & { readonly kind: string; readonly validTo: string | null }>(residences: readonly R[], kind: ResidenceKind, date: string): R | undefined {
  let best: R | undefined;
  for (const r of residences) {
    if (r.kind !== kind || !validOn(r, date)) continue;
    if (!best || preferResidence(r, best)) best = r;
  }
  return best;
}

/** One result of each determined category, shared: a street's worth of persons need no object each. */
const DETERMINED = Object.freeze(
  Object.fromEntries(POPULATION_CATEGORIES.map((category) => [category, Object.freeze({ status: 'determined', category } as const)])),
) as Readonly<Record<PopulationCategory, CategoryResult>>;

export function populationCategory(input: CategoryInput): CategoryResult {
  const { homeArea, asOf } = input;
  const province = homeArea.slice(0, 2);
  const registered = residenceInForce(input.residences, 'registered', asOf);
  const actual = residenceInForce(input.residences, 'actual', asOf);
  const registeredHere = registered !== undefined && isWithin(registered.areaCode, homeArea);
  if (actual !== undefined && isCoarserThanHome(actual.areaCode, homeArea)) {
    return { status: 'undetermined', reason: `the actual residence is known only to area ${actual.areaCode}, not to the street` };
  }
  if (registered !== undefined && isCoarserThanHome(registered.areaCode, homeArea)) {
    return { status: 'undetermined', reason: `the household registration is known only to area ${registered.areaCode}, not to the street` };
  }

  if (actual === undefined) {
    if (registeredHere) return { status: 'undetermined', reason: 'registered here, but no actual residence is recorded' };
    return { status: 'outside', reason: 'neither registered nor living here' };
  }
  if (!isWithin(actual.areaCode, homeArea)) {
    if (registeredHere) return DETERMINED.REGISTERED_ABSENT;
    return { status: 'outside', reason: 'neither registered nor living here' };
  }
  // Nationality does not lapse with a document: an expired passport still says who its holder is.
  if (isNonMainland(input.identifiers)) return DETERMINED.FROM_ABROAD;
  if (registered === undefined) {
    return { status: 'undetermined', reason: 'lives here, but no household registration is recorded' };
  }
  if (registeredHere) return DETERMINED.RESIDENT_REGISTERED;
  if (registered.areaCode.startsWith(province)) return DETERMINED.RESIDENT_REGISTERED_ELSEWHERE_LOCAL;
  return DETERMINED.FROM_OTHER_PROVINCE;
}
