/**
 * The import pipeline's matcher: department records that no identity number linked are compared
 * with the persons of the registry who share a blocking value (the same birth date, or the same
 * name), through the versioned Chinese rule set (data/match-rules). Above the link threshold the
 * record joins that person; between the thresholds it becomes a new person with a possible-match
 * review item carrying the explanation; below, a new person.
 */
import { link } from '../match/linker.ts';
import type { MatchRecord } from '../match/match-record.ts';
import type { MatchRules } from '../match/match-rules.ts';
import { mappedRowRecord } from '../match/mapped-row-record.ts';
import { loadMatchRules, matchRulesDir } from '../match/profile/profile-files.ts';
import type { Repositories } from '../store/repositories.ts';
import type { MappedRow } from './map/map-record.ts';
import type { MatchOutcome, PersonMatcher } from './person-matcher.ts';

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

export class RegistryMatcher implements PersonMatcher {
  constructor(private readonly rules: MatchRules) {}

  static shipped(): RegistryMatcher {
    return new RegistryMatcher(loadMatchRules(`${matchRulesDir()}/chinese-department.v1.json`));
  }

  async match(repos: Repositories, rows: readonly MappedRow[]): Promise<MatchOutcome> {
    const outcome: MatchOutcome = { links: new Map(), reviews: new Map() };
    const incoming = rows.map((r, i) => mappedRowRecord(r, String(i)));
    const birthDates = [...new Set(incoming.map((r) => r.fields['birthDate']).filter((v): v is string => v !== undefined))];
    const names = [...new Set(incoming.map((r) => r.fields['name']).filter((v): v is string => v !== undefined))];
    if (birthDates.length === 0 && names.length === 0) return outcome;
    const ids = new Set<string>([
      ...(await repos.persons.personsWithValue('person.birthDate', birthDates, MAX_CANDIDATES)),
      ...(await repos.persons.personsWithValue('person.name', names, MAX_CANDIDATES)),
    ]);
    if (ids.size === 0) return outcome;
    const personIds = [...ids].slice(0, MAX_CANDIDATES);
    const values = await repos.persons.valuesOf(personIds, CANDIDATE_ELEMENTS);
    const candidates: MatchRecord[] = personIds.map((id) => {
      const fields: Record<string, string> = {};
      for (const [element, value] of values.get(id) ?? []) {
        const field = FIELD_OF[element];
        if (field) fields[field] = value;
      }
      if (fields['name'] === undefined && fields['latinName'] !== undefined) fields['name'] = fields['latinName'];
      return { id, fields };
    });
    const result = link(this.rules, candidates, incoming, { estimate: false });
    // For each incoming record, its best candidate.
    const best = new Map<number, { k: number; weight: number }>();
    for (let k = 0; k < result.count; k++) {
      const p = result.pair(k);
      if (p.decision === 'new') continue;
      const b = best.get(p.right);
      if (!b || p.weight > b.weight) best.set(p.right, { k, weight: p.weight });
    }
    for (const [right, { k }] of best) {
      const p = result.pair(k);
      const row = rows[right];
      const candidate = candidates[p.left];
      if (!row || !candidate) continue;
      if (p.decision === 'link') outcome.links.set(row, { personId: candidate.id, rule: `matcher:${this.rules.id}@${this.rules.version}` });
      else outcome.reviews.set(row, { candidateId: candidate.id, detail: JSON.stringify(result.explain(k)) });
    }
    return outcome;
  }
}
