/**
 * The error every loader throws when a shipped reference file is broken: it names the file, the
 * line (CSV; line 1 is the header) or entry (JSON list) and the column or field, so the file can be
 * fixed by hand.
 */
export type ReferencePosition = { readonly line: number } | { readonly entry: number } | null;

export class ReferenceDataError extends Error {
  /** The file as named in the message (relative to the data folder). */
  readonly file: string;
  /** 1-based line of a CSV file (1 = header); null when the problem is not on one line. */
  readonly line: number | null;
  /** 1-based entry of a JSON list; null for CSV files. */
  readonly entry: number | null;
  /** Column (CSV) or field path (JSON); null when the problem is not about one column. */
  readonly column: string | null;

  constructor(file: string, position: ReferencePosition, column: string | null, problem: string) {
    const line = position !== null && 'line' in position ? position.line : null;
    const entry = position !== null && 'entry' in position ? position.entry : null;
    const where = [file];
    if (line !== null) where.push(`line ${line}`);
    if (entry !== null) where.push(`entry ${entry}`);
    if (column !== null) where.push(`column "${column}"`);
    super(`${where.join(', ')}: ${problem}`);
    this.name = 'ReferenceDataError';
    this.file = file;
    this.line = line;
    this.entry = entry;
    this.column = column;
  }
}
