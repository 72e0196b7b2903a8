/**
 * The data standard as domain types: code tables with versioned entries, the data-element
 * catalogue, departments and the area tree. Shipped values come from data/standards and
 * data/catalogue; users add local extensions at run time (src/services/standard.service.ts).
 */

/** standard: in the national table; variant: seen in other official tables, accepted on input;
 *  local: a local extension added by users (e.g. 分居 'separated' to marital status). */
export const ENTRY_STATUSES = ['standard', 'variant', 'local'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export interface CodeTable {
  /** Stable id, kebab-case: 'marital-status', 'education', 'country'. */
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** The standard it comes from, e.g. 'GB/T 2261.2-2003'; 'local' for our own tables. */
  readonly standard: string;
  readonly version: string;
  /** Where the shipped entries were taken from (repository/commit, package@version or 'own work'). */
  readonly source: string;
  readonly description: string;
}

export interface CodeEntry {
  readonly tableId: string;
  /** Always a string: leading zeros matter ('01' 汉族, '0' 未知的性别). */
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string | null;
  /** Parent code in the same table, for hierarchical tables (20 已婚 → 21 初婚). */
  readonly parentCode: string | null;
  readonly status: EntryStatus;
  /** ISO date; null = since the table began. */
  readonly validFrom: string | null;
  /** ISO date, exclusive; null = still valid. */
  readonly validTo: string | null;
  /** Code that replaces this one once it is no longer valid. */
  readonly replacedBy: string | null;
  readonly note: string | null;
}

export const VALUE_TYPES = ['string', 'code', 'date', 'integer', 'decimal', 'boolean', 'phone'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** PIPL-oriented sensitivity classes; ID numbers, health, disability, criminal records are sensitive or higher. */
export const SENSITIVITIES = ['public', 'internal', 'sensitive', 'highly-sensitive'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

/** Where the element's values live: plain current values (observations), identifiers, residences or households. */
export const ELEMENT_STORAGES = ['value', 'identifier', 'residence', 'household'] as const;
export type ElementStorage = (typeof ELEMENT_STORAGES)[number];

export interface DataElement {
  /** Stable id: object class + property, e.g. 'person.maritalStatus'. */
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly definition: string;
  readonly valueType: ValueType;
  /** For valueType 'code': the code table its values come from. */
  readonly codeTableId: string | null;
  readonly sensitivity: Sensitivity;
  /** The one authoritative source (唯一数据产生源): the department that owns the element. */
  readonly ownerDepartmentId: string;
  /** How many days a value stays trusted without re-verification; null = does not go stale. */
  readonly freshnessDays: number | null;
  readonly storage: ElementStorage;
  /** 'standard' for the shipped catalogue, 'local' for elements users add. */
  readonly status: 'standard' | 'local';
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface Department {
  /** Stable id, kebab-case: 'police-household', 'civil-affairs'. */
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Level of government: city, district, street. */
  readonly level: 'city' | 'district' | 'street';
}

export const AREA_LEVELS = ['province', 'prefecture', 'county', 'township', 'village'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export interface Area {
  /** 6 digits to county (GB/T 2260), 9 for township/street, 12 for committee/village (NBS). */
  readonly code: string;
  readonly name: string;
  readonly level: AreaLevel;
  readonly parentCode: string | null;
  readonly status: 'active' | 'retired';
  /** First and last year in use (GB/T 2260 history); null when unknown or still in use. */
  readonly startYear: number | null;
  readonly endYear: number | null;
  /** Codes that took over a retired area. */
  readonly successorCodes: readonly string[];
  /** Which list the row came from, e.g. 'GB/T 2260 (MCA 2024)', 'NBS 2023'. */
  readonly source: string;
}

/** One row of the GB/T 2260 history: a code is unique only together with its start year. */
export interface AreaHistoryEntry {
  readonly code: string;
  readonly name: string;
  readonly level: string;
  readonly status: 'active' | 'retired' | 'changed';
  readonly startYear: number;
  readonly endYear: number | null;
  readonly successorCodes: readonly string[];
}
