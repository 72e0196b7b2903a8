/**
 * The schema of a report definition (issue 8), as types and the closed lists the checks use.
 * Pure; definition.ts parses and validates, definition-check.ts lists the problems.
 */
import type { KindDefinition } from '../../domain/kinds.ts';
import type { Label, ReportDefinitionHeader } from './types.ts';

/** Everything a definition is checked against, and what the engine labels codes with. */
export interface DefinitionCatalogue {
  readonly elements: ReadonlyMap<string, { readonly codeTableId: string | null; readonly valueType: string; readonly label: Label }>;
  /** Code table id → code → label, in the table's order. */
  readonly codeTables: ReadonlyMap<string, ReadonlyMap<string, Label>>;
  readonly kinds: readonly KindDefinition[];
  readonly purposes: ReadonlySet<string>;
  readonly departments: ReadonlySet<string>;
}

/** A condition on one person; every condition of a list must hold. */
export type Condition =
  | { readonly element: string; readonly equals: string }
  | { readonly element: string; readonly in: readonly string[] }
  | { readonly element: string; readonly present: boolean }
  | { readonly age: { readonly min?: number; readonly max?: number } }
  | { readonly kindsAny: readonly string[] }
  | { readonly housingUse: readonly string[] }
  | { readonly residencePermit: readonly ('valid' | 'expired' | 'none')[] };

/** Which people a report is about. */
export interface Population {
  /** Population categories counted; default: the four actual-population categories (people living here). */
  readonly categories?: readonly string[];
  /** The person must belong to at least one of these kinds (kinds.json) on the reference date. */
  readonly kinds?: readonly string[];
  /** Further conditions, all of which must hold. */
  readonly where?: readonly Condition[];
}

/** A bucket of a dimension: a key, a label and the raw values (codes) or ages that fall into it. */
export interface Bucket {
  readonly key: string;
  readonly label: Label;
  readonly values?: readonly string[];
  /** Age bands: whole years, inclusive; either may be absent (open band). */
  readonly min?: number;
  readonly max?: number;
}

/** A subtotal column or row over some buckets, placed after the last of them. */
export interface Subtotal {
  readonly key: string;
  readonly label: Label;
  readonly of: readonly string[];
}

export const DIMENSIONS = [
  'committee',
  'populationCategory',
  'ageBand',
  'element',
  'kind',
  'provinceOfOrigin',
  'residencePermit',
  'housingUse',
] as const;
export type DimensionBy = (typeof DIMENSIONS)[number];

/**
 * What a row or column splits the people by:
 * - committee: the committee (12-digit area) of the person's residence in the area (the actual
 *   one; the registered one for 户在人不在);
 * - populationCategory: 人在户在 … (codes of population-category);
 * - ageBand: whole years on the reference date, buckets with min/max (inclusive);
 * - element: a coded element's value (code-table labels unless buckets are given);
 * - kind: a bucket per kind listed in `kinds` (a person counts in each of their kinds);
 * - provinceOfOrigin: the province (GB/T 2260) of the household registration;
 * - residencePermit: valid / expired / none (Shanghai residence permit on the date);
 * - housingUse: the housing use of the dwelling the person lives in (housing-use).
 */
export interface Dimension {
  readonly by: DimensionBy;
  readonly element?: string;
  readonly kinds?: readonly string[];
  /** Fixed buckets in order; when absent, the values met (sorted by code) each make a bucket. */
  readonly buckets?: readonly Bucket[];
  /** Persons with no value, or a value in no bucket, count in an "other" bucket with this label; without it they are left out of the table. */
  readonly other?: Label;
  readonly subtotals?: readonly Subtotal[];
  /** Header label of the dimension (the corner cell for rows). */
  readonly label?: Label;
}

export const MEASURES = ['persons', 'households', 'dwellings', 'share'] as const;
export type Measure = (typeof MEASURES)[number];

export interface TableSpec {
  /** One or two nested row dimensions (a second one gives a subtotal row per first-level bucket). */
  readonly rows: readonly Dimension[];
  /** Zero, one or two nested column dimensions. */
  readonly columns: readonly Dimension[];
  /** What each cell counts; several measures give one leaf column each under every column bucket. share = persons / the row's total persons. */
  readonly measures: readonly Measure[];
  /** A total row at the bottom and a total column at the right (default both true). */
  readonly totalRow?: boolean;
  readonly totalColumn?: boolean;
}

export const ROSTER_FIELDS = [
  'age',
  'committee',
  'populationCategory',
  'address',
  'registeredAddress',
  'idNumber',
  'otherDocument',
  'householdNo',
  'housingUse',
  'residencePermit',
  'provinceOfOrigin',
] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

/** A roster column: an element's current value (code labels for coded ones) or a derived field. */
export type RosterColumn = ({ readonly element: string } | { readonly field: RosterField }) & {
  readonly key: string;
  readonly label?: Label;
};

export interface RosterSpec {
  readonly columns: readonly RosterColumn[];
  /** Column keys to sort by, ascending; `-key` descending. Ties keep a stable order. */
  readonly sort?: readonly string[];
}

/** A report definition with its full schema; also a ReportDefinition (types.ts), so every part can take it. */
export type FullReportDefinition = ReportDefinitionHeader &
  Readonly<Record<string, unknown>> & {
    readonly population?: Population;
    readonly roster?: RosterSpec;
    readonly table?: TableSpec;
  };

/** A problem of a definition: where (a JSON path like `$.table.rows[0].element`) and why. */
export interface DefinitionProblem {
  readonly path: string;
  readonly reason: string;
}
