/**
 * `birthDate`: exact; day-month-swapped (1984-03-07 / 1984-07-03); one-digit (one digit typed wrong,
 * or two neighbouring digits exchanged); year (the same year only); else. Dates are compared as
 * their 8 digits, so an impossible date from a typo (19371233) still counts as one digit off.
 */
import { fieldValue } from '../match-record.ts';
import { normaliseBirthDate } from '../normalise-fields.ts';
import { levelTable, type Comparator, type ComparatorKind } from './comparator.ts';

/** Whether two equal-length strings differ in one position or by one exchange of neighbours. */
export function oneCharApart(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let first = -1;
  let diffs = 0;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      if (++diffs > 2) return false;
      if (first < 0) first = i;
    }
  }
  if (diffs === 1) return true;
  return (
    a.charAt(first) === b.charAt(first + 1) &&
    a.charAt(first + 1) === b.charAt(first) &&
    diffs === 2 &&
    a.charAt(first + 1) !== b.charAt(first + 1)
  );
}

export function dayMonthSwapped(a: string, b: string): boolean {
  return (
    a.slice(0, 4) === b.slice(0, 4) && a.slice(4, 6) === b.slice(6, 8) && a.slice(6, 8) === b.slice(4, 6) && a.slice(4, 6) !== a.slice(6, 8)
  );
}

export const BIRTH_DATE_COMPARATOR: ComparatorKind = {
  kind: 'birthDate',
  allLevels: ['exact', 'day-month-swapped', 'one-digit', 'year', 'else'],
  description: 'birth date: exact, day and month swapped, one digit off, same year only, else',
  create(enabled, _options, field): Comparator<string> {
    const { on, index } = levelTable('birthDate', this.allLevels, enabled);
    const name = field ?? 'birthDate';
    const elseIndex = enabled.length - 1;
    return {
      kind: 'birthDate',
      levels: enabled,
      fields: [name],
      prepare(record) {
        const v = fieldValue(record, name);
        return v === undefined ? undefined : normaliseBirthDate(v);
      },
      exactKey: (p) => p,
      compare(a, b) {
        if (a === b) return on[0] ? (index[0] ?? 0) : elseIndex;
        if (on[1] && dayMonthSwapped(a, b)) return index[1] ?? 0;
        if (on[2] && oneCharApart(a, b)) return index[2] ?? 0;
        if (on[3] && a.slice(0, 4) === b.slice(0, 4)) return index[3] ?? 0;
        return elseIndex;
      },
    };
  },
};
