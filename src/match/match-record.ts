/**
 * The generic record shape of matching: an id and named text fields. A department row, a registry
 * person or a line of a public benchmark file all become this through a profile, so the engine
 * knows nothing about where a record came from.
 */

/** Fields the comparators and blocking keys know by name; a profile may map any other name too. */
export const KNOWN_FIELDS = [
  /** A whole name: Chinese (张伟, 張偉) or latin in any order ('SATO Hiroshi', 'Hiroshi Sato'). */
  'name',
  /** Latin given and family name, when a file keeps them apart. */
  'givenName',
  'familyName',
  /** ISO date YYYY-MM-DD (YYYYMMDD and YYYY/M/D are read too; invalid dates are kept as digits). */
  'birthDate',
  /** GB/T 2261.1: '1' male, '2' female (男/女, M/F, male/female are read too). */
  'sex',
  /** Citizen ID number (GB 11643), 18 or 15 digits. */
  'citizenId',
  'phone',
  /** Address text, Chinese (上海市长宁区新华路3弄1号101室) or latin. */
  'address',
  /** Standard dwelling and building ids, when the address was resolved. */
  'dwellingId',
  'buildingId',
] as const;

export type KnownField = (typeof KNOWN_FIELDS)[number];

/** A known field or any other name a profile maps (FEBRL's soc_sec_id, postcode, suburb…). */
export type FieldName = KnownField | (string & {});

export interface MatchRecord {
  readonly id: string;
  readonly fields: Readonly<Partial<Record<FieldName, string>>>;
}

/** The trimmed value of a field, or undefined when it is missing or blank. */
export function fieldValue(record: MatchRecord, field: FieldName): string | undefined {
  const v = record.fields[field];
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}
