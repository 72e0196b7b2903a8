/**
 * The one error a reader throws for a file it cannot read as a whole: its code is stable, and its
 * message says what is wrong in English and in Chinese. Thrown before the first record wherever the
 * problem can be seen up front (format, zip directory, encoding, header), so a caller that writes
 * nothing until the first record has written nothing; damage found only further in (a zip entry
 * that fails to inflate, a quote opened and never closed) is thrown from the iterator.
 */
export const INGEST_FILE_ERROR_CODES = [
  /** The file cannot be opened or read, or its content cannot be parsed at all. */
  'UNREADABLE',
  /** Named or sent as a spreadsheet but not an XLSX workbook (a renamed text file, an old .xls, a .docx). */
  'NOT_A_SPREADSHEET',
  /** A zip (XLSX) cut short: no central directory, or an entry that ends early. */
  'TRUNCATED',
  /** Text that is neither UTF-8 nor plausible GBK/GB18030, or an unknown `encoding` option. */
  'ENCODING',
  /** No bytes, or nothing but blank lines. */
  'EMPTY',
  /** No row looks like a header (or the requested header row is empty). */
  'NO_HEADER',
  /** Two columns with the same header; the message names it. */
  'DUPLICATE_HEADER',
  /** The requested sheet does not exist in the workbook. */
  'NO_SHEET',
] as const;

export type IngestFileErrorCode = (typeof INGEST_FILE_ERROR_CODES)[number];

export class IngestFileError extends Error {
  readonly code: IngestFileErrorCode;
  /** The file as the user knows it. */
  readonly file: string;
  /** The same explanation in Chinese. */
  readonly messageZh: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: IngestFileErrorCode,
    file: string,
    message: string,
    messageZh: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${file}: ${message}`);
    this.name = 'IngestFileError';
    this.code = code;
    this.file = file;
    this.messageZh = `${file}：${messageZh}`;
    this.details = details;
  }
}

export function isIngestFileError(e: unknown): e is IngestFileError {
  return e instanceof IngestFileError;
}
