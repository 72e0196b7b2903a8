/**
 * The import pipeline's matcher: department records that no identity number linked are compared
 * with the persons of the registry who share a blocking value (the same birth date, or the same
 * name), through the versioned Chinese rule set (data/match-rules). A candidate is compared on its
 * current values and on what the registry holds besides them: its citizen ID number (a different
 * valid number is strong evidence of another person), other documents, and its residence in force.
 * Above the link threshold the record joins that person; between the thresholds it becomes a new
 * person with a possible-match review item carrying the explanation; below, a new person.
 *
 * Records of one chunk that no registry person took are then compared with each other: two records
 * of one new person in the same chunk (neither in the registry yet when the other is matched) become
 * one new person (`sameAs`), not two.
 */
import { deduplicate, link } from '../match/linker.ts';
import type { MatchRecord } from '../match/match-record.ts';
import type { MatchRules } from '../match/match-rules.ts';
import { mappedRowRecord } from '../match/mapped-row-record.ts';
import { loadMatchRules, matchRulesDir } from '../match/profile/profile-files.ts';
import type { Repositories } from '../store/repositories.ts';
import { newId } from '../store/clock.ts';
import type { MappedRow } from './map/map-record.ts';
import type { MatchKnown, MatchOutcome, PersonMatcher } from './person-matcher.ts';

const CANDIDATE_ELEMENTS = ['person.name', 'person.latinName', 'person.sex', 'person.birthDate', 'person.phone', 'person.nationality'];
const FIELD_OF: Readonly<Record<string, string>> = {
  'person.name': 'name',
  'person.latinName': 'latinName',
  'person.sex': 'sex',
  'person.birthDate': 'birthDate',
  'person.phone': 'phone',
  'person.nationality': 'nationality',
};
/** Candidates per chunk at most: a common birth date or name must not pull in the whole registry. */
const MAX_CANDIDATES = 20_000;

/** The match record of a registry person: its current values and the facts beside them (identifiers, residence). */
export function personRecord(id: string, values: ReadonlyMap<string, string> | undefined, facts: Readonly<Record<string, string>> | undefined): MatchRecord {
  const fields: Record<string, string> = { ...facts };
  for (const [element, value] of values ?? []) {
    const field = FIELD_OF[element];
    if (field) fields[field] = value;
  }
  if (fields['name'] === undefined && fields['latinName'] !== undefined) fields['name'] = fields['latinName'];
  return { id, fields };
}

/** Registry persons as match records (duplicate detection, re-evaluation). */
export async function registryRecords(repos: Repositories, personIds: readonly string[]): Promise<MatchRecord[]> {
  const values = new Map<string, Map<string, string>>();
  for (let i = 0; i < personIds.length; i += 400) {
    const part = await repos.persons.valuesOf(personIds.slice(i, i + 400), CANDIDATE_ELEMENTS);
    for (const [k, v] of part) values.set(k, v);
  }
  const facts = await repos.reviews.matchFacts(personIds);
  return personIds.map((id) => personRecord(id, values.get(id), facts.get(id)));
}

export class RegistryMatcher implements PersonMatcher {
  constructor(readonly rules: MatchRules) {}

  static shipped(): RegistryMatcher {
    return new RegistryMatcher(loadMatchRules(`${matchRulesDir()}/chinese-department.v1.json`));
  }

  /** How links this matcher makes are labelled on the source record. */
  get linkRule(): string {
    return `matcher:${this.rules.id}@${this.rules.version}`;
  }

  /** How many persons are not merged away: the population a record could be. */
  population(repos: Repositories): Promise<number> {
    return repos.reviews.activeCount();
  }

  async match(repos: Repositories, rows: readonly MappedRow[], known: MatchKnown = {}): Promise<MatchOutcome> {
    const outcome: MatchOutcome = { links: new Map(), reviews: new Map(), sameAs: new Map() };
    const incoming = rows.map((r, i) => mappedRowRecord(r, String(i)));
    const birthDates = [...new Set(incoming.map((r) => r.fields['birthDate']).filter((v): v is string => v !== undefined))];
    const names = [...new Set(incoming.map((r) => r.fields['name']).filter((v): v is string => v !== undefined))];
    // The prior belongs to the population a record could be, not to the candidates chosen by birth date or name.
    // Counted by the caller when it matches many parts (an import counts once, then adds the persons it creates): a count reads every person.
    const population = Math.max(rows.length, known.population ?? (await this.population(repos)));
    const ids = new Set<string>();
    if (birthDates.length > 0) for (const id of await repos.persons.personsWithValue('person.birthDate', birthDates, MAX_CANDIDATES)) ids.add(id);
    if (names.length > 0) for (const id of await repos.persons.personsWithValue('person.name', names, MAX_CANDIDATES)) ids.add(id);
    if (ids.size > 0) {
      const candidates = await registryRecords(repos, [...ids].slice(0, MAX_CANDIDATES));
      const result = link(this.rules, candidates, incoming, { estimate: false, otherRecords: population });
      // For each incoming record, its best candidate.
      const best = new Map<number, { k: number; weight: number }>();
      for (let k = 0; k < result.count; k++) {
        const p = result.pair(k);
        if (p.decision === 'new') continue;
        const b = best.get(p.right);
        if (!b || p.weight > b.weight) best.set(p.right, { k, weight: p.weight });
      }
      const scored: { id: string; recordKey: string; personId: string; rule: string; detail: string }[] = [];
      for (const [right, { k }] of best) {
        const p = result.pair(k);
        const row = rows[right];
        const candidate = candidates[p.left];
        if (!row || !candidate) continue;
        const detail = JSON.stringify(result.explain(k));
        if (p.decision === 'link') {
          outcome.links.set(row, { personId: candidate.id, rule: this.linkRule });
          scored.push({ id: newId(), recordKey: row.key, personId: candidate.id, rule: this.linkRule, detail });
        } else outcome.reviews.set(row, { candidateId: candidate.id, detail });
      }
      // Kept with their explanation, so that a rule change can decide them again (src/services/reevaluation.service.ts).
      if (scored.length > 0) await repos.reviews.insertMatchLinks(scored);
    }
    this.sameInChunk(rows, incoming, outcome, population);
    return outcome;
  }

  /**
   * Records of the chunk that no registry person took, linked to each other: a record joins the
   * earlier record it links to best, when that one is the first of its group (a star, never a
   * chain: A ~ B and B ~ C do not make A ~ C).
   */
  private sameInChunk(rows: readonly MappedRow[], incoming: readonly MatchRecord[], outcome: MatchOutcome, population: number): void {
    const rest = rows.flatMap((r, i) => (outcome.links.has(r) ? [] : [i]));
    if (rest.length < 2) return;
    const result = deduplicate(
      this.rules,
      rest.map((i) => incoming[i] ?? { id: String(i), fields: {} }),
      { estimate: false, otherRecords: population },
    );
    const partners = new Map<number, { other: number; weight: number }[]>();
    for (let k = 0; k < result.count; k++) {
      if (result.decisionCode[k] !== 0) continue; // 0: link
      const a = result.left[k] ?? 0;
      const b = result.right[k] ?? 0;
      const [early, late] = a < b ? [a, b] : [b, a];
      const list = partners.get(late) ?? [];
      list.push({ other: early, weight: result.weight[k] ?? 0 });
      partners.set(late, list);
    }
    const joined = new Set<number>();
    for (let i = 0; i < rest.length; i++) {
      const best = (partners.get(i) ?? []).filter((p) => !joined.has(p.other)).sort((x, y) => y.weight - x.weight)[0];
      if (!best) continue;
      joined.add(i);
      const row = rows[rest[i] ?? -1];
      const first = rows[rest[best.other] ?? -1];
      if (row && first) outcome.sameAs?.set(row, { row: first, rule: `${this.linkRule}:chunk` });
    }
  }
}
