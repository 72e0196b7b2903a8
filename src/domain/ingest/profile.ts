/**
 * A mapping profile: how one source's file becomes data elements of the standard. Profiles are
 * versioned data (stored per source), never code: which column is which element, the transforms
 * each value goes through, and the source's local codes mapped to the national tables.
 */

import { checkRentalColumns, type RentalPart } from './rental-target.ts';

/** Where a column's value goes. */
export type ColumnTarget =
  /** A data element stored as a current value, e.g. person.maritalStatus. */
  | { readonly element: string }
  /**
   * An identity document number of this type (CN_ID, PASSPORT, …). Where one column holds numbers of
   * several kinds, `typeColumn` names the column with the document type (through the code map
   * `typeCodeMap` into identifier-type); `identifier` is then the type when that column is empty.
   */
  | {
      readonly identifier: string;
      /** The column naming the issuing country, through `issuingCountryCodeMap` into GB/T 2659 when it is not alpha-3. */
      readonly issuingCountryColumn?: string;
      readonly issuingCountryCodeMap?: string;
      readonly typeColumn?: string;
      readonly typeCodeMap?: string;
    }
  /**
   * A registered or actual residence: its area code (committee, street or county), or its address
   * text. An address column may name the area to assume when the row has no area-code column
   * (e.g. the street itself, for a street system's actual addresses).
   */
  | { readonly residence: 'registered' | 'actual'; readonly part: 'areaCode' | 'address'; readonly areaCode?: string }
  /**
   * The registered household: its number (户号), the member's relationship to the head (GB/T 4761,
   * through a code map), or its type (household-type code).
   */
  | { readonly household: 'number' | 'relationship' | 'type' }
  /**
   * A rental registration (租赁登记) of the row's tenant at the dwelling its actual address names:
   * its number, the landlord's name, the first and last day of the registered period (see
   * rental-target.ts).
   */
  | { readonly rental: RentalPart }
  /** Kept only as part of the record (e.g. the source's own record number). */
  | { readonly ignore: true };

export interface ColumnMapping {
  /** The header as it appears in the file. */
  readonly column: string;
  readonly target: ColumnTarget;
  /** Transforms applied in order, by id or with options (see src/ingest/transform): 'trim', 'halfWidth', { "id": "date", "options": { "dayFirst": true } }, … */
  readonly transforms?: readonly (string | { readonly id: string; readonly options?: Readonly<Record<string, unknown>> })[];
  /** For coded elements: the id of a code map in `codeMaps` translating local codes. */
  readonly codeMap?: string;
  /** A row without this value is rejected (MISSING_VALUE). */
  readonly required?: boolean;
}

export interface CodeMap {
  /** The national (or local-extension) code table the standard codes belong to. */
  readonly table: string;
  /** Local value → standard code. Values already standard codes pass through when `passThrough`. */
  readonly map: Readonly<Record<string, string>>;
  readonly passThrough?: boolean;
}

export interface MappingProfile {
  /** 'full': the file is the source's whole population (who is missing has left); 'delta': changes only. */
  readonly extract: 'full' | 'delta';
  /** Columns whose values together identify a record within the source (its own key, or the ID number). */
  readonly recordKey: readonly string[];
  readonly columns: readonly ColumnMapping[];
  readonly codeMaps?: Readonly<Record<string, CodeMap>>;
  /**
   * Values every record of the source asserts, e.g. { "element": "kind.minimumIncome", "value": "true" }
   * for the relief register: being listed is the fact. A full extract that no longer lists a person
   * withdraws it.
   */
  readonly constants?: readonly { readonly element: string; readonly value: string }[];
  /** Reader options: sheet name, encoding. */
  readonly read?: { readonly sheet?: string; readonly encoding?: string };
}

export interface ProfileProblem {
  readonly path: string;
  readonly message: string;
}

/** Structural checks a profile must pass before it is stored (references to elements and tables are checked by the service). */
export function checkProfileShape(p: MappingProfile): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  if (p.extract !== 'full' && p.extract !== 'delta') problems.push({ path: 'extract', message: 'extract is "full" or "delta"' });
  if (!Array.isArray(p.columns) || p.columns.length === 0) problems.push({ path: 'columns', message: 'a profile maps at least one column' });
  const headers = new Set<string>();
  for (const [i, c] of (p.columns ?? []).entries()) {
    if (!c.column) problems.push({ path: `columns[${i}].column`, message: 'the column header is empty' });
    if (headers.has(c.column)) problems.push({ path: `columns[${i}].column`, message: `column "${c.column}" is mapped twice` });
    headers.add(c.column);
    if (c.codeMap !== undefined && !p.codeMaps?.[c.codeMap]) problems.push({ path: `columns[${i}].codeMap`, message: `no code map "${c.codeMap}"` });
    if ('identifier' in c.target && c.target.typeCodeMap !== undefined && !p.codeMaps?.[c.target.typeCodeMap]) {
      problems.push({ path: `columns[${i}].target.typeCodeMap`, message: `no code map "${c.target.typeCodeMap}"` });
    }
  }
  if (!Array.isArray(p.recordKey) || p.recordKey.length === 0) problems.push({ path: 'recordKey', message: 'name the column(s) that identify a record' });
  for (const k of p.recordKey ?? []) if (!headers.has(k)) problems.push({ path: 'recordKey', message: `record key column "${k}" is not mapped` });
  problems.push(...checkRentalColumns(p.columns ?? []));
  return problems;
}

/** The elements a profile writes as values. */
export function profileElements(p: MappingProfile): string[] {
  return [...p.columns.flatMap((c) => ('element' in c.target ? [c.target.element] : [])), ...(p.constants ?? []).map((c) => c.element)];
}
