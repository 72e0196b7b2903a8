/**
 * CSV and TSV rows, streamed: the file is decoded chunk by chunk and parsed by CsvParser, so a 100 MB
 * file never sits in memory. Rows come in batches (one per chunk of text) with the line a person
 * sees; the field count is checked by the caller against the header, so title lines above it do not
 * upset anything.
 */
import { CsvParser, CsvSyntaxError, MAX_RECORD_CHARS } from './csv-parser.ts';
import { IngestFileError } from './ingest-file-error.ts';
import type { RawRow } from './source-record.ts';
import { openTextStream } from './text-encoding.ts';

export interface CsvSettings {
  readonly encoding: string;
  /** Byte offset to start at (after a UTF-8 byte-order mark). */
  readonly start: number;
  readonly delimiter: string;
}

export async function* readCsvRows(
  path: string,
  file: string,
  settings: CsvSettings,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<RawRow[]> {
  const { text, bytesRead } = openTextStream(path, settings.encoding, settings.start);
  const parser = new CsvParser(settings.delimiter);
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      const rows: RawRow[] = [];
      parser.push(chunk, rows);
      onBytes?.(bytesRead());
      if (rows.length > 0) yield rows;
    }
    const rows: RawRow[] = [];
    parser.end(rows);
    if (rows.length > 0) yield rows;
  } catch (e) {
    throw csvFailure(e, file);
  } finally {
    text.destroy();
  }
}

function csvFailure(e: unknown, file: string): IngestFileError {
  if (e instanceof IngestFileError) return e;
  if (e instanceof CsvSyntaxError) {
    return e.kind === 'UNCLOSED_QUOTE'
      ? new IngestFileError(
          'UNREADABLE',
          file,
          `a quoted field in the record starting on line ${e.line} is never closed (a stray quote, or the file is cut short)`,
          `从第 ${e.line} 行开始的记录中有引号没有闭合（多余的引号，或文件不完整）`,
          { line: e.line },
        )
      : new IngestFileError(
          'UNREADABLE',
          file,
          `the record starting on line ${e.line} is longer than ${MAX_RECORD_CHARS} characters (probably a quote that is never closed)`,
          `从第 ${e.line} 行开始的记录超过 ${MAX_RECORD_CHARS} 个字符（可能有引号没有闭合）`,
          { line: e.line },
        );
  }
  const message = e instanceof Error ? e.message : String(e);
  return new IngestFileError('UNREADABLE', file, `cannot read the file: ${message}`, `无法读取文件：${message}`);
}
