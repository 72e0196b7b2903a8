/**
 * Where record linkage plugs into the import pipeline. A record with an identity number already
 * held by a person is linked before the matcher is asked; the matcher decides the rest (a scored
 * comparison of name, birth date, sex, address, phone: link, send to review, or leave new). The
 * default links nothing, so every unmatched record becomes a new person.
 */
import type { Repositories } from '../store/repositories.ts';
import type { MappedRow } from './map/map-record.ts';

export interface PersonMatcher {
  /** Persons for the rows it can link, with the rule that decided. */
  match(repos: Repositories, rows: readonly MappedRow[]): Promise<Map<MappedRow, { personId: string; rule: string }>>;
}

export const NO_MATCHER: PersonMatcher = {
  match: () => Promise.resolve(new Map()),
};
