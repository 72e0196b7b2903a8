/**
 * Identity comparators.
 * `sex`: exact, else.
 * `phone`: exact (same digits), last8 (the same last 8 digits: a landline with or without its area
 *   code, a mobile with a country code), else.
 * `citizenId`: exact (same number, 15 digits converted to 18); typo (one digit wrong or two
 *   neighbours exchanged); suspect (different numbers, but at least one is invalid or disagrees with
 *   its own record's birth date or sex: a wrong number, so the disagreement says little); else.
 */
import { fieldValue, type MatchRecord } from '../match-record.ts';
import { normaliseBirthDate, normalisePhone, normaliseSex, readCitizenId } from '../normalise-fields.ts';
import { levelTable, type Comparator, type ComparatorKind } from './comparator.ts';
import { oneCharApart } from './date-comparator.ts';

export const SEX_COMPARATOR: ComparatorKind = {
  kind: 'sex',
  allLevels: ['exact', 'else'],
  description: 'sex (GB/T 2261.1; 男/女, M/F, male/female read too): exact, else',
  create(enabled, _options, field): Comparator<string> {
    levelTable('sex', this.allLevels, enabled);
    const name = field ?? 'sex';
    const exact = enabled[0] === 'exact' ? 0 : enabled.length - 1;
    return {
      kind: 'sex',
      levels: enabled,
      fields: [name],
      prepare(record) {
        const v = fieldValue(record, name);
        return v === undefined ? undefined : normaliseSex(v);
      },
      exactKey: (p) => p,
      compare: (a, b) => (a === b ? exact : enabled.length - 1),
    };
  },
};

export const PHONE_COMPARATOR: ComparatorKind = {
  kind: 'phone',
  allLevels: ['exact', 'last8', 'else'],
  description: 'phone number: exact digits, same last 8 digits, else',
  create(enabled, _options, field): Comparator<string> {
    const { on, index } = levelTable('phone', this.allLevels, enabled);
    const name = field ?? 'phone';
    const elseIndex = enabled.length - 1;
    return {
      kind: 'phone',
      levels: enabled,
      fields: [name],
      prepare(record) {
        const v = fieldValue(record, name);
        return v === undefined ? undefined : normalisePhone(v);
      },
      exactKey: (p) => p,
      compare(a, b) {
        if (on[0] && a === b) return index[0] ?? 0;
        if (on[1] && a.length >= 8 && b.length >= 8 && a.slice(-8) === b.slice(-8)) return index[1] ?? 0;
        return elseIndex;
      },
    };
  },
};

export interface CitizenIdCheck {
  readonly number: string;
  /** Checksum and embedded date right. */
  readonly valid: boolean;
  /** The embedded birth date agrees with the record's (undefined when the record has none). */
  readonly birthDateAgrees: boolean | undefined;
  readonly sexAgrees: boolean | undefined;
  /** Valid and not contradicted by the record's own birth date or sex. */
  readonly consistent: boolean;
}

/** A record's citizen ID number checked against its own birth date and sex. */
export function checkCitizenId(record: MatchRecord, field = 'citizenId'): CitizenIdCheck | undefined {
  const v = fieldValue(record, field);
  const facts = v === undefined ? undefined : readCitizenId(v);
  if (facts === undefined) return undefined;
  const birth = fieldValue(record, 'birthDate');
  const sex = fieldValue(record, 'sex');
  const recordBirth = birth === undefined ? undefined : normaliseBirthDate(birth);
  const recordSex = sex === undefined ? undefined : normaliseSex(sex);
  const birthDateAgrees = !facts.valid || recordBirth === undefined ? undefined : recordBirth === facts.birthDate;
  const sexAgrees = !facts.valid || recordSex === undefined ? undefined : recordSex === facts.sex;
  return {
    number: facts.number,
    valid: facts.valid,
    birthDateAgrees,
    sexAgrees,
    consistent: facts.valid && birthDateAgrees !== false && sexAgrees !== false,
  };
}

export const CITIZEN_ID_COMPARATOR: ComparatorKind = {
  kind: 'citizenId',
  allLevels: ['exact', 'typo', 'suspect', 'else'],
  description:
    'citizen ID number (GB 11643, 15 digits converted): exact, one digit apart, differs but one is invalid or contradicts its record, else',
  create(enabled, _options, field): Comparator<CitizenIdCheck> {
    const { on, index } = levelTable('citizenId', this.allLevels, enabled);
    const name = field ?? 'citizenId';
    const elseIndex = enabled.length - 1;
    return {
      kind: 'citizenId',
      levels: enabled,
      // Birth date and sex are read only to check the number; blocking on them says nothing of it.
      fields: [name],
      prepare: (record) => checkCitizenId(record, name),
      exactKey: (p) => p.number,
      compare(a, b) {
        if (a.number === b.number) return on[0] ? (index[0] ?? 0) : elseIndex;
        if (on[1] && oneCharApart(a.number, b.number)) return index[1] ?? 0;
        if (on[2] && !(a.consistent && b.consistent)) return index[2] ?? 0;
        return elseIndex;
      },
    };
  },
};
