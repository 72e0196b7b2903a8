/**
 * What the readers hand to the import pipeline: one record per data row of a department's file, with
 * the row number a person sees in the file, the raw cell texts keyed by header, and the row's own
 * problems (a short row, a line that is not JSON, an ID number Excel already rounded) as values, so
 * the pipeline keeps the row as a rejected row and goes on.
 */

/** Row-level problem codes. Stable: they end up in rejected-row downloads. */
export const ROW_PROBLEM_CODES = [
  /** A CSV row with more or fewer fields than the header; an XLSX value in a column with no header. */
  'COLUMN_COUNT',
  /** A JSON Lines line that is not valid JSON, or valid JSON that is not an object. */
  'BAD_JSON',
  /** An XLSX number too long to be exact (an 18-digit ID number stored as a number). */
  'LOSSY_NUMBER',
  /** A cell with a lost character (U+FFFD): bytes not valid in the file's encoding, or an earlier bad conversion. */
  'BAD_ENCODING',
  /** An XLSX cell holding an Excel error (#N/A, #VALUE!…). */
  'CELL_ERROR',
] as const;

export type RowProblemCode = (typeof ROW_PROBLEM_CODES)[number];

export interface RowProblem {
  /** The header of the column concerned; absent when the problem is the whole row. */
  readonly column?: string;
  readonly code: RowProblemCode;
  /** English, for the rejected-rows file; never contains the cell's value. */
  readonly message: string;
}

export interface SourceRecord {
  /** The file's name as the user knows it (`ReadOptions.displayName`, by default its base name). */
  readonly file: string;
  /**
   * The line (CSV, JSON Lines) or sheet row (XLSX) a person sees, 1-based, counting title and header
   * rows. A CSV record with a line break inside a quoted field is numbered by its first line.
   */
  readonly row: number;
  /**
   * Header → raw cell text, untrimmed ('' for an empty cell). CSV and XLSX records have every header;
   * a JSON Lines record has the keys of its own line.
   */
  readonly cells: Record<string, string>;
  /** Present only when the row has problems. */
  readonly problems?: readonly RowProblem[];
}

/** An opened file: its header, and its records after the header. */
export interface SourceFile {
  readonly header: HeaderInfo;
  /** The data rows after the header; iterate once. Breaking out of the loop closes the file. */
  readonly records: AsyncGenerator<SourceRecord, void, undefined>;
  /** Closes the file without reading further (needed only when `records` is not iterated to its end). */
  close(): Promise<void>;
}

export type FileFormat = 'csv' | 'xlsx' | 'jsonl';

export interface HeaderInfo {
  readonly format: FileFormat;
  /**
   * The text encoding used: 'utf8', 'utf8-bom', 'utf16le', 'utf16be', 'gbk', 'gb18030' (detected) or
   * the `encoding` option as given. XLSX is always 'utf8' (its XML).
   */
  readonly encoding: string;
  /** The column names in file order (for JSON Lines: the keys seen in the first lines). */
  readonly headers: readonly string[];
  /** The 1-based line or sheet row of the header; 0 for JSON Lines, which has none. */
  readonly headerRow: number;
  /** CSV only: the field delimiter (',', '\t', ';' or '|'). */
  readonly delimiter?: string;
  /** XLSX only: the name of the sheet read. */
  readonly sheet?: string;
  /** The file's size in bytes (for progress and ETA). */
  readonly size: number;
}

export interface ReadOptions {
  /** The file name put in records and messages; default the path's base name. */
  readonly displayName?: string;
  /** Force a format instead of detecting it from the content. */
  readonly format?: FileFormat;
  /** CSV/JSON Lines: an iconv-lite encoding name ('utf8', 'gbk', 'gb18030', 'big5'…) instead of detection. */
  readonly encoding?: string;
  /** CSV: the field delimiter instead of sniffing it. */
  readonly delimiter?: string;
  /** XLSX: the sheet to read, by name or 1-based position; default the first visible sheet. */
  readonly sheet?: string | number;
  /** CSV/XLSX: the 1-based row of the header instead of detecting it. */
  readonly headerRow?: number;
  /** Called as the file is read, with the bytes read so far and the file's size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** A row as a format reader produces it, before the header is known (internal to the readers). */
export interface RawRow {
  readonly row: number;
  /** Cell texts by 0-based column. */
  readonly cells: readonly string[];
  /** CSV: the number of fields the line had (compared with the header's). */
  readonly fieldCount?: number;
  /** Cells the format reader found wrong (an XLSX number too long to be exact…). */
  readonly cellProblems?: readonly { readonly index: number; readonly code: RowProblemCode }[];
}
