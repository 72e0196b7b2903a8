/**
 * Where record linkage plugs into the import pipeline. A record with an identity number already
 * held by a person is linked before the matcher is asked; the matcher decides the rest (a scored
 * comparison of name, birth date, sex, address, phone): link it to a person, send it to review
 * (it becomes a new person with a possible-match review item), or leave it new.
 */
import type { Repositories } from '../store/repositories.ts';
import type { MappedRow } from './map/map-record.ts';

export interface MatchOutcome {
  readonly links: Map<MappedRow, { personId: string; rule: string }>;
  /** Rows a person should look at: the candidate and why (the explanation, without personal data). */
  readonly reviews: Map<MappedRow, { candidateId: string; detail: string }>;
  /** Rows that are the same new person as an earlier row of the same chunk (neither in the registry yet). */
  readonly sameAs?: Map<MappedRow, { row: MappedRow; rule: string }>;
}

/** What the caller already knows for a match call: the persons not merged away (the population a record could be), when it has counted them. */
export interface MatchKnown {
  readonly population?: number;
}

export interface PersonMatcher {
  match(repos: Repositories, rows: readonly MappedRow[], known?: MatchKnown): Promise<MatchOutcome>;
  /** Counts the population `match` needs (so that a caller matching many parts counts it once); absent: the matcher counts on each call. */
  population?(repos: Repositories): Promise<number>;
}

export const NO_MATCHER: PersonMatcher = {
  match: () => Promise.resolve({ links: new Map(), reviews: new Map() }),
};
