/** Every comparator kind a rule file may name. */
import type { ComparatorKind } from './comparator.ts';
import { ADDRESS_COMPARATOR, HOUSEHOLD_COMPARATOR, PLACE_COMPARATOR } from './address-comparator.ts';
import { BIRTH_DATE_COMPARATOR } from './date-comparator.ts';
import { CITIZEN_ID_COMPARATOR, PHONE_COMPARATOR, SEX_COMPARATOR } from './identity-comparators.ts';
import { FORENAME_SURNAME_COMPARATOR, NAME_COMPARATOR } from './name-comparators.ts';
import { CODE_COMPARATOR, EXACT_COMPARATOR, STRING_COMPARATOR } from './string-comparators.ts';

export const COMPARATOR_KINDS: ReadonlyMap<string, ComparatorKind> = new Map(
  [
    NAME_COMPARATOR,
    FORENAME_SURNAME_COMPARATOR,
    BIRTH_DATE_COMPARATOR,
    SEX_COMPARATOR,
    CITIZEN_ID_COMPARATOR,
    PHONE_COMPARATOR,
    ADDRESS_COMPARATOR,
    HOUSEHOLD_COMPARATOR,
    PLACE_COMPARATOR,
    STRING_COMPARATOR,
    CODE_COMPARATOR,
    EXACT_COMPARATOR,
  ].map((k) => [k.kind, k]),
);
