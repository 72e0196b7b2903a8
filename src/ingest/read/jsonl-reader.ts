/**
 * JSON Lines records, streamed line by line: each line one object whose values become cell texts
 * (strings as they are, numbers as written — an 18-digit number keeps all its digits —, booleans as
 * true/false, null as '', nested objects and arrays as JSON text). A line that is not a JSON object
 * is a BAD_JSON row problem, and the reading goes on.
 */
import { createInterface } from 'node:readline';
import { IngestFileError } from './ingest-file-error.ts';
import type { HeaderInfo, RowProblem, SourceFile, SourceRecord } from './source-record.ts';
import { openTextStream } from './text-encoding.ts';

const PROGRESS_EVERY = 1000;
const LONG_NUMBER = /\d{16}/;
/** Lines whose keys make the header. */
const KEY_LINES = 100;

export interface JsonlSettings {
  readonly encoding: string;
  readonly start: number;
}

export async function* readJsonlRecords(
  path: string,
  file: string,
  settings: JsonlSettings,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<SourceRecord> {
  const { text, bytesRead } = openTextStream(path, settings.encoding, settings.start);
  const lines = createInterface({ input: text, crlfDelay: Infinity });
  let row = 0;
  try {
    for await (const line of lines) {
      row++;
      if (onBytes && row % PROGRESS_EVERY === 0) onBytes(bytesRead());
      const body = row === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      if (body.trim() === '') continue;
      yield parseJsonLine(file, row, body);
    }
    onBytes?.(bytesRead());
  } catch (e) {
    if (e instanceof IngestFileError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new IngestFileError(
      'UNREADABLE',
      file,
      `cannot read the file after line ${row}: ${message}`,
      `第 ${row} 行之后无法读取文件：${message}`,
    );
  } finally {
    lines.close();
    text.destroy();
  }
}

/** One line as a record; never throws. */
export function parseJsonLine(file: string, row: number, line: string): SourceRecord {
  let value: unknown;
  try {
    value = JSON.parse(LONG_NUMBER.test(line) ? quoteLongNumbers(line) : line);
  } catch (e) {
    const why = e instanceof SyntaxError ? 'the line is not valid JSON' : 'the line cannot be parsed';
    return { file, row, cells: {}, problems: [{ code: 'BAD_JSON', message: why }] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      file,
      row,
      cells: {},
      problems: [
        {
          code: 'BAD_JSON',
          message: `the line is JSON but not an object (${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value})`,
        },
      ],
    };
  }
  const cells: Record<string, string> = {};
  let problems: RowProblem[] | undefined;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const text = jsonCellText(v);
    cells[key] = text;
    if (text.includes('\ufffd'))
      (problems ??= []).push({
        column: key,
        code: 'BAD_ENCODING',
        message: 'a character was lost (U+FFFD): bytes not valid in the file’s encoding, or a conversion before',
      });
  }
  return problems === undefined ? { file, row, cells } : { file, row, cells, problems };
}

export function jsonCellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * Puts quotes around numbers of 16 or more digits outside strings, so JSON.parse keeps them exact
 * (a double holds 15–17 significant digits; an 18-digit ID number would lose its last ones).
 */
export function quoteLongNumbers(line: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash escapes the next character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) {
      inString = true;
      continue;
    }
    if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      let end = i + 1;
      while (end < line.length && /[0-9.eE+-]/.test(line.charAt(end))) end++;
      const token = line.slice(i, end);
      if ((token.match(/\d/g) ?? []).length >= 16) {
        out += line.slice(from, i) + '"' + token + '"';
        from = end;
      }
      i = end - 1;
    }
  }
  return out + line.slice(from);
}

/** Opens a JSON Lines file: the keys of its first lines are the header. */
export async function openJsonlSource(
  path: string,
  file: string,
  size: number,
  settings: { encoding: string; start: number },
  onBytes: ((bytes: number) => void) | undefined,
): Promise<SourceFile> {
  const lines = readJsonlRecords(path, file, settings, onBytes);
  const buffered: SourceRecord[] = [];
  const keys = new Set<string>();
  try {
    while (buffered.length < KEY_LINES) {
      const next = await lines.next();
      if (next.done) break;
      buffered.push(next.value);
      for (const k of Object.keys(next.value.cells)) keys.add(k);
    }
  } catch (e) {
    await lines.return(undefined);
    throw e;
  }
  if (buffered.length === 0) {
    await lines.return(undefined);
    throw new IngestFileError('EMPTY', file, 'the file is empty', '文件为空');
  }
  if (keys.size === 0) {
    await lines.return(undefined);
    throw new IngestFileError(
      'NO_HEADER',
      file,
      `none of the first ${buffered.length} lines is a JSON object with fields`,
      `前 ${buffered.length} 行中没有带字段的 JSON 对象`,
    );
  }
  const header: HeaderInfo = { format: 'jsonl', encoding: settings.encoding, headers: [...keys], headerRow: 0, size };
  async function* records(): AsyncGenerator<SourceRecord, void, undefined> {
    try {
      yield* buffered.splice(0);
      yield* lines;
    } finally {
      await lines.return(undefined);
    }
  }
  const stream = records();
  return {
    header,
    records: stream,
    close: async () => {
      await stream.return(undefined);
      await lines.return(undefined);
    },
  };
}
