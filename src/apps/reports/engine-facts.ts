/**
 * What the report engine knows about each person of an area on the reference date, built in bulk
 * from the report repository's rows: the residences, identifiers and household in force that
 * day, the element values of that day (current values, or survivorship over the observations
 * valid by then), the population category and kinds. Pure.
 */
import { kindsOf, type KindDefinition } from '../../domain/kinds.ts';
import {
  populationCategory,
  residenceInForce,
  validOn,
  type PopulationCategory,
  type CategoryResult,
} from '../../domain/population-category.ts';
import { survive, type Reported } from '../../domain/survivorship.ts';
import { byPerson } from '../../domain/by-person.ts';
import type { ReportRows, ReportDwellingRow, ReportIdentifierRow, ReportMembershipRow, ReportResidenceRow } from '../../store/report.repository.ts';

export interface PersonFacts {
  readonly id: string;
  readonly values: ReadonlyMap<string, string>;
  readonly category: CategoryResult;
  readonly kinds: readonly string[];
  readonly registered: ReportResidenceRow | undefined;
  readonly actual: ReportResidenceRow | undefined;
  /** The residence that places the person in the report: the actual one, or the registered one for 户在人不在. */
  readonly placing: ReportResidenceRow | undefined;
  readonly dwelling: ReportDwellingRow | undefined;
  readonly identifiers: readonly ReportIdentifierRow[];
  readonly householdId: string | null;
  readonly householdNo: string | null;
}

/** Values of the date per person: the current values as stored, or survivorship over the observations valid by then. */
export function valuesByPerson(
  rows: Pick<ReportRows, 'values' | 'observations'>,
  owners: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const put = (p: string, e: string, v: string): void => {
    let m = out.get(p);
    if (!m) out.set(p, (m = new Map()));
    m.set(e, v);
  };
  for (const v of rows.values) put(v.personId, v.elementId, v.value);
  if (rows.observations.length > 0) {
    const byPair = new Map<string, Reported[]>();
    for (const o of rows.observations) {
      const k = `${o.personId}\u0000${o.elementId}`;
      let l = byPair.get(k);
      if (!l) byPair.set(k, (l = []));
      l.push(o);
    }
    const none = new Set<string>();
    for (const [k, list] of byPair) {
      const [p = '', e = ''] = k.split('\u0000');
      const c = survive(list, owners.get(e) ?? none).current;
      if (c) put(p, e, c.value);
    }
  }
  return out;
}

export function personFacts(
  rows: ReportRows,
  homeArea: string,
  asOf: string,
  kinds: readonly KindDefinition[],
  owners: ReadonlyMap<string, ReadonlySet<string>>,
): PersonFacts[] {
  // The whole street's read hands the residences over by person already; other reads are grouped here.
  const grouped = rows.residencesByPerson;
  const residences = grouped ? undefined : byPerson(rows.residences);
  const identifiers = byPerson(rows.identifiers);
  const memberships = byPerson(rows.memberships);
  const dwellings = new Map(rows.dwellings.map((d) => [d.id, d]));
  const values = valuesByPerson(rows, owners);
  const empty = new Map<string, string>();
  const none: readonly never[] = [];
  return rows.personIds.map((id, i) => {
    const res = grouped?.[i] ?? residences?.get(id) ?? none;
    const held = identifiers.get(id);
    const ids = held ? held.filter((x) => x.validFrom === null || x.validFrom <= asOf) : none;
    const category = populationCategory({
      homeArea,
      asOf,
      identifiers: ids,
      // Residence rows are of the two kinds every writer stores ('registered', 'actual'): passed as they are, not copied.
      residences: res as readonly (ReportResidenceRow & { readonly kind: 'registered' | 'actual' })[],
    });
    const registered = residenceInForce(res, 'registered', asOf);
    const actual = residenceInForce(res, 'actual', asOf);
    const placing = category.status === 'determined' && category.category === 'REGISTERED_ABSENT' ? registered : actual;
    const v = values.get(id) ?? empty;
    // The household membership in force that began last.
    let m: ReportMembershipRow | undefined;
    for (const x of memberships.get(id) ?? none)
      if (validOn(x, asOf) && (m === undefined || (x.validFrom ?? '').localeCompare(m.validFrom ?? '') > 0)) m = x;
    return {
      id,
      values: v,
      category,
      kinds: kinds.length === 0 ? none : kindsOf(kinds, { values: v, asOf }),
      registered,
      actual,
      placing,
      dwelling: actual?.dwellingId ? dwellings.get(actual.dwellingId) : undefined,
      identifiers: ids,
      householdId: m?.householdId ?? null,
      householdNo: m?.householdNo ?? null,
    };
  });
}

/** The determined category, or undefined. */
export function categoryOf(f: PersonFacts): PopulationCategory | undefined {
  return f.category.status === 'determined' ? f.category.category : undefined;
}

/** Shanghai residence permit on the date: valid, expired, or none recorded. */
export function residencePermitOf(f: PersonFacts, asOf: string): 'valid' | 'expired' | 'none' {
  const permits = f.identifiers.filter((i) => i.type === 'SH_RESIDENCE_PERMIT');
  if (permits.length === 0) return 'none';
  return permits.some((p) => validOn(p, asOf)) ? 'valid' : 'expired';
}

/** The area codes of the residences in force (the remit's subject). */
export function residenceAreas(f: PersonFacts): string[] {
  const out: string[] = [];
  if (f.registered) out.push(f.registered.areaCode);
  if (f.actual) out.push(f.actual.areaCode);
  if (f.dwelling) out.push(f.dwelling.areaCode);
  return out;
}

/** The same persons with more values (a roster's columns, read once the persons are chosen). */
export function withValues(persons: readonly PersonFacts[], more: ReadonlyMap<string, ReadonlyMap<string, string>>): PersonFacts[] {
  return persons.map((p) => {
    const extra = more.get(p.id);
    if (!extra) return p;
    const values = new Map(p.values);
    for (const [k, v] of extra) values.set(k, v);
    return { ...p, values };
  });
}

/**
 * The same persons with what a roster shows and the area's read leaves out: the address text of the
 * residences that place them (the one decided already; of several records of it, the first address
 * in code order) and their identity documents with numbers.
 */
export function withDetails(
  persons: readonly PersonFacts[],
  details: Pick<ReportRows, 'residences' | 'identifiers'>,
  asOf: string,
): PersonFacts[] {
  const residences = byPerson(details.residences);
  const identifiers = byPerson(details.identifiers);
  return persons.map((p) => {
    const res = residences.get(p.id) ?? [];
    const detailed = (chosen: ReportResidenceRow | undefined): ReportResidenceRow | undefined => {
      if (!chosen) return undefined;
      let best: ReportResidenceRow | undefined;
      for (const r of res) {
        if (
          r.kind !== chosen.kind ||
          r.areaCode !== chosen.areaCode ||
          r.dwellingId !== chosen.dwellingId ||
          r.validFrom !== chosen.validFrom ||
          r.validTo !== chosen.validTo
        )
          continue;
        if (!best || (r.addressText ?? '\uffff') < (best.addressText ?? '\uffff')) best = r;
      }
      return best ?? chosen;
    };
    const registered = detailed(p.registered);
    const actual = detailed(p.actual);
    const placing = p.placing === p.registered ? registered : p.placing === p.actual ? actual : p.placing;
    const ids = (identifiers.get(p.id) ?? []).filter((i) => i.validFrom === null || i.validFrom <= asOf);
    return { ...p, registered, actual, placing, identifiers: ids };
  });
}
