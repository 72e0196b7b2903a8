/**
 * Reports and forms (issue 8): the shapes shared by the report engine (definitions → figures), the
 * renderers (figures → XLSX/CSV/PDF/filled templates) and the service (storage, runs, schedules,
 * API, CLI). Pure types: no I/O.
 */

/** Text in both console languages. */
export interface Label {
  readonly zh: string;
  readonly en: string;
}

/** A report definition as data (JSON or YAML). The engine owns its full schema and validation; these are the fields every part reads. */
export interface ReportDefinitionHeader {
  /** Stable id, kebab-case: `actual-population-monthly`. */
  readonly id: string;
  /** Raised on every edit; runs keep the version they used. */
  readonly version: number;
  readonly kind: 'roster' | 'table';
  readonly title: Label;
  readonly description?: Label;
  /** The department the report serves and the purpose it is produced for (purposes.csv); the caller's remit must hold the purpose. */
  readonly departmentId: string;
  readonly purpose: string;
  /** How often it is due, for schedules. */
  readonly period: 'monthly' | 'quarterly' | 'annual' | 'on-demand';
}

export type ReportDefinition = ReportDefinitionHeader & Readonly<Record<string, unknown>>;

/** A leaf column of the result. */
export interface ResultColumn {
  readonly key: string;
  readonly label: Label;
  /** How a renderer formats it: counts and numbers right-aligned, shares as percentages with one decimal. */
  readonly type: 'text' | 'date' | 'count' | 'number' | 'share';
  /** The data element a roster column shows, when it shows one (masking and remit are already applied). */
  readonly elementId?: string;
}

/** One cell of a multi-level header (Chinese forms use two or three header rows with merged cells). */
export interface HeaderCell {
  readonly label: Label;
  readonly colSpan: number;
  readonly rowSpan: number;
}

export interface ResultRow {
  /** One value per leaf column, in column order; null = empty. Shares are fractions (0.125 = 12.5 %). */
  readonly cells: readonly (string | number | null)[];
  readonly role: 'data' | 'subtotal' | 'total';
  /** Nesting depth of the row label for grouped tables (0 = top). */
  readonly level: number;
  /** Tables: the row's label in both languages (cells[0] holds its Chinese text). Added by the engine (R1). */
  readonly label?: Label;
}

/** What a run produced: everything a renderer needs, nothing it must look up. */
export interface ReportResult {
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly kind: 'roster' | 'table';
  readonly title: Label;
  /** The area it covers (street, committee or grid) and its name. */
  readonly area: { readonly code: string; readonly name: string };
  /** Reference date (YYYY-MM-DD): the record as it stood on that date. */
  readonly asOf: string;
  /**
   * Transaction time, when asked (ISO instant): the record as it was known then (what it said then
   * about `asOf`), not as corrected since. Absent: as known when produced.
   */
  readonly knownAt?: string;
  /** ISO timestamp of production. */
  readonly generatedAt: string;
  readonly departmentId: string;
  readonly purpose: string;
  /** Header rows above the leaf columns; the last row's cells line up with `columns` (rowSpan may come from above). */
  readonly header: readonly (readonly HeaderCell[])[];
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly ResultRow[];
  /** Persons counted or listed (after the remit cut). */
  readonly personCount: number;
  /** Plain-language notes, e.g. elements masked; shown under the table. */
  readonly notes: readonly Label[];
}

/** The engine's answer: the result, and (not for output) who it read, for the audit entry. */
export interface EngineOutput {
  readonly result: ReportResult;
  /** Ids of the persons the report counted or listed. */
  readonly personIds: readonly string[];
  /** Element ids the report read. */
  readonly elementIds: readonly string[];
}

export type OutputFormat = 'json' | 'xlsx' | 'csv' | 'pdf';

/** Lines a government form carries besides the table. */
export interface FormMeta {
  readonly locale: 'zh' | 'en';
  /** 填报单位: the reporting unit, e.g. the street office's or committee's name. */
  readonly reportingUnit: string;
  /** 报告期: e.g. `2024年12月` or `2024-Q4`; defaults to the asOf date. */
  readonly period?: string;
  readonly preparedBy?: string;
  readonly reviewedBy?: string;
}
