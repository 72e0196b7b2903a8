/**
 * Rows of a table (CSV or a sheet) as records: the header searched among the first rows (title rows
 * above it are skipped), its names checked, and every later row keyed by header with its problems
 * (a row that does not fit the header, a cell the format reader flagged). Blank rows are skipped.
 */
import { columnLetter, findHeaderRow, headerColumns, HEADER_SEARCH_ROWS } from './header-detector.ts';
import { IngestFileError } from './ingest-file-error.ts';
import type { HeaderInfo, RawRow, ReadOptions, RowProblem, RowProblemCode, SourceFile, SourceRecord } from './source-record.ts';

function isBlank(row: RawRow): boolean {
  for (const c of row.cells) if (c !== '' && c.trim() !== '') return false;
  return true;
}

export async function openTabular(
  rows: AsyncGenerator<RawRow[]>,
  file: string,
  options: ReadOptions,
  info: (headers: readonly string[], headerRow: number) => HeaderInfo,
): Promise<SourceFile> {
  // Rows are read until the header is found: at most the header search window, plus the rest of
  // the batch it ends in.
  const buffered: RawRow[] = [];
  let headerAt = -1;
  try {
    const candidates: number[] = [];
    let done = false;
    while (!done) {
      const next = await rows.next();
      if (next.done) break;
      for (const row of next.value) {
        buffered.push(row);
        if (done) continue;
        if (options.headerRow !== undefined) {
          if (row.row >= options.headerRow) {
            if (row.row === options.headerRow && !isBlank(row)) headerAt = buffered.length - 1;
            done = true;
          }
        } else if (!isBlank(row)) {
          candidates.push(buffered.length - 1);
          if (candidates.length >= HEADER_SEARCH_ROWS) done = true;
        }
      }
    }
    if (options.headerRow === undefined) {
      if (candidates.length === 0) throw new IngestFileError('EMPTY', file, 'the file has no rows with values', '文件中没有有内容的行');
      const found = findHeaderRow(candidates.map((i) => (buffered[i] as RawRow).cells));
      headerAt = found < 0 ? -1 : (candidates[found] as number);
    }
    if (headerAt < 0) {
      const why =
        options.headerRow !== undefined
          ? `row ${options.headerRow} is empty or missing`
          : `none of the first ${HEADER_SEARCH_ROWS} rows looks like a header`;
      throw new IngestFileError(
        'NO_HEADER',
        file,
        `no header row: ${why}`,
        options.headerRow !== undefined
          ? `第 ${options.headerRow} 行为空或不存在，找不到表头`
          : `前 ${HEADER_SEARCH_ROWS} 行中没有像表头的行`,
      );
    }
  } catch (e) {
    await rows.return(undefined);
    throw e;
  }
  const headerRaw = buffered[headerAt] as RawRow;
  const columns = headerColumns(headerRaw.cells);
  if (!columns.ok) {
    await rows.return(undefined);
    const [a, b] = columns.columns;
    const csv = headerRaw.fieldCount !== undefined;
    throw new IngestFileError(
      'DUPLICATE_HEADER',
      file,
      `the header "${columns.duplicate}" appears twice (columns ${csv ? a : columnLetter(a)} and ${csv ? b : columnLetter(b)}, row ${headerRaw.row})`,
      `表头“${columns.duplicate}”出现了两次（第 ${headerRaw.row} 行，第 ${csv ? a : columnLetter(a)} 列和第 ${csv ? b : columnLetter(b)} 列）`,
      { column: columns.duplicate, columns: columns.columns, row: headerRaw.row },
    );
  }
  const header = info(columns.names, headerRaw.row);
  const shaper = new RecordShaper(file, columns.names, headerRaw.fieldCount);
  const rest = buffered.slice(headerAt + 1);
  buffered.length = 0;
  async function* records(): AsyncGenerator<SourceRecord, void, undefined> {
    try {
      for (const raw of rest.splice(0)) if (!isBlank(raw)) yield shaper.shape(raw);
      for await (const batch of rows) {
        for (const raw of batch) if (!isBlank(raw)) yield shaper.shape(raw);
      }
    } finally {
      await rows.return(undefined);
    }
  }
  const stream = records();
  return {
    header,
    records: stream,
    close: async () => {
      await stream.return(undefined);
      await rows.return(undefined);
    },
  };
}

const PROBLEM_TEXT: Readonly<Record<RowProblemCode, string>> = {
  COLUMN_COUNT: 'the row does not fit the header',
  BAD_JSON: 'the line is not a JSON object',
  LOSSY_NUMBER: 'a number with more than 15 digits, which Excel cannot store exactly: its last digits are lost (store the column as text)',
  BAD_ENCODING: 'a character was lost (U+FFFD): bytes not valid in the file’s encoding, or a conversion before',
  CELL_ERROR: 'an Excel error value (#N/A, #VALUE!…)',
};

/** Turns positional rows into records keyed by header, with their problems. */
class RecordShaper {
  constructor(
    private readonly file: string,
    private readonly names: readonly string[],
    /** CSV: the header line's field count, which every row must have. */
    private readonly fieldCount: number | undefined,
  ) {}

  shape(raw: RawRow): SourceRecord {
    const names = this.names;
    const cells: Record<string, string> = {};
    let problems: RowProblem[] | undefined;
    for (let i = 0; i < names.length; i++) {
      const v = raw.cells[i] ?? '';
      cells[names[i] as string] = v;
      if (v.includes('\ufffd'))
        (problems ??= []).push({ column: names[i] as string, code: 'BAD_ENCODING', message: PROBLEM_TEXT.BAD_ENCODING });
    }
    if (this.fieldCount !== undefined && raw.fieldCount !== undefined && raw.fieldCount !== this.fieldCount) {
      (problems ??= []).push({
        code: 'COLUMN_COUNT',
        message: `the line has ${raw.fieldCount} fields where the header has ${this.fieldCount}`,
      });
    } else {
      for (let i = names.length; i < raw.cells.length; i++) {
        if ((raw.cells[i] ?? '').trim() !== '') {
          (problems ??= []).push({
            code: 'COLUMN_COUNT',
            message: `a value in column ${this.fieldCount !== undefined ? i + 1 : columnLetter(i + 1)}, which has no header`,
          });
          break;
        }
      }
    }
    for (const p of raw.cellProblems ?? []) {
      const name = names[p.index];
      (problems ??= []).push(
        name !== undefined
          ? { column: name, code: p.code, message: PROBLEM_TEXT[p.code] }
          : { code: p.code, message: PROBLEM_TEXT[p.code] },
      );
    }
    return problems === undefined ? { file: this.file, row: raw.row, cells } : { file: this.file, row: raw.row, cells, problems };
  }
}
