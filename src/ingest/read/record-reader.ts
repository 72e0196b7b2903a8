/**
 * The readers' entry point: a department's file (CSV/TSV, XLSX or JSON Lines, told apart by content)
 * as an async stream of records in bounded memory. Everything that can be checked up front — the
 * format, a zip's directory, the text encoding, the header — is checked before `openSourceFile`
 * returns, so a caller that writes nothing before it has the header writes nothing of a broken file.
 *
 *   const source = await openSourceFile(path);          // throws IngestFileError
 *   source.header                                        // { format, encoding, headers, headerRow… }
 *   for await (const record of source.records) { … }     // or source.close() to stop early
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { sniffDelimiter } from './delimiter-sniffer.ts';
import { IngestFileError } from './ingest-file-error.ts';
import { readCsvRows } from './csv-reader.ts';
import { openJsonlSource } from './jsonl-reader.ts';
import type { FileFormat, HeaderInfo, ReadOptions, SourceFile, SourceRecord } from './source-record.ts';
import { openTabular } from './tabular-source.ts';
import { decodeSample, detectTextEncoding, isKnownEncoding } from './text-encoding.ts';
import { readXlsxRows, type XlsxMeta } from './xlsx-reader.ts';
import { readZipDirectory } from './zip-directory.ts';

export type { FileFormat, HeaderInfo, ReadOptions, RowProblem, RowProblemCode, SourceFile, SourceRecord } from './source-record.ts';
export { IngestFileError, isIngestFileError, type IngestFileErrorCode } from './ingest-file-error.ts';

const SPREADSHEET_EXTENSIONS = new Set(['.xlsx', '.xlsm', '.xltx', '.xls', '.et']);
const SAMPLE_BYTES = 64 * 1024;

/** Opens the file, detects format, encoding and header, and returns them with the record stream. */
export async function openSourceFile(path: string, options: ReadOptions = {}): Promise<SourceFile> {
  const file = options.displayName ?? basename(path);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new IngestFileError(
      'UNREADABLE',
      file,
      `cannot open the file (${(e as Error).message})`,
      `无法打开文件（${(e as Error).message}）`,
    );
  }
  let size: number;
  let format: FileFormat;
  let text: { encoding: string; start: number; sample: string } | undefined;
  try {
    size = (await handle.stat()).size;
    if (size === 0) throw empty(file);
    const magic = Buffer.alloc(Math.min(8, size));
    await handle.read(magic, 0, magic.length, 0);
    format = options.format ?? sniffFormat(magic, file, extname(path).toLowerCase());
    if (format === 'xlsx' && !isZip(magic)) throw notWorkbook(file, extname(path).toLowerCase() || '.xlsx');
    if (format === 'xlsx') await checkWorkbook(handle, size, file);
    else {
      text = await textSettings(handle, size, file, options.encoding);
      if (options.format === undefined) format = textFormat(text.sample, size, file);
    }
  } finally {
    await handle.close();
  }
  const progress = options.onProgress;
  const onBytes = progress ? (bytes: number): void => progress(bytes, size) : undefined;
  if (format === 'jsonl') return openJsonlSource(path, file, size, text ?? { encoding: 'utf8', start: 0, sample: '' }, onBytes);
  if (format === 'xlsx') {
    const meta: XlsxMeta = {};
    const rows = readXlsxRows(path, file, { sheet: options.sheet }, meta, onBytes);
    return openTabular(rows, file, options, (headers, headerRow) => ({
      format: 'xlsx',
      encoding: 'utf8',
      headers,
      headerRow,
      ...(meta.sheet !== undefined ? { sheet: meta.sheet } : {}),
      size,
    }));
  }
  const settings = text ?? { encoding: 'utf8', start: 0, sample: '' };
  const delimiter = options.delimiter ?? sniffDelimiter(completeLines(settings.sample, size));
  const rows = readCsvRows(path, file, { encoding: settings.encoding, start: settings.start, delimiter }, onBytes);
  return openTabular(rows, file, options, (headers, headerRow) => ({
    format: 'csv',
    encoding: settings.encoding,
    headers,
    headerRow,
    delimiter,
    size,
  }));
}

/**
 * The records of a file, after its header. The first `next()` opens the file and throws
 * IngestFileError for a broken one, before any record. Use `openSourceFile` to see the header first.
 */
export function readRecords(path: string, options: ReadOptions = {}): AsyncIterable<SourceRecord> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<SourceRecord, void, undefined> {
      let records: AsyncGenerator<SourceRecord, void, undefined> | undefined;
      return {
        async next() {
          records ??= (await openSourceFile(path, options)).records;
          return records.next();
        },
        async return() {
          return records !== undefined ? records.return(undefined) : { done: true, value: undefined };
        },
      };
    },
  };
}

/** Format, encoding and header of a file, without reading its data. */
export async function readHeader(path: string, options: ReadOptions = {}): Promise<HeaderInfo> {
  const source = await openSourceFile(path, options);
  await source.close();
  return source.header;
}

/** The first `n` records (for drafting a mapping profile). */
export async function sampleRecords(path: string, n: number, options: ReadOptions = {}): Promise<SourceRecord[]> {
  const source = await openSourceFile(path, options);
  const out: SourceRecord[] = [];
  try {
    if (n <= 0) return out;
    for await (const record of source.records) {
      out.push(record);
      if (out.length >= n) break;
    }
  } finally {
    await source.close();
  }
  return out;
}

function isZip(magic: Buffer): boolean {
  return magic[0] === 0x50 && magic[1] === 0x4b && ((magic[2] === 0x03 && magic[3] === 0x04) || (magic[2] === 0x05 && magic[3] === 0x06));
}

function sniffFormat(magic: Buffer, file: string, extension: string): FileFormat {
  if (isZip(magic)) return 'xlsx';
  if (magic.length >= 4 && magic.readUInt32BE(0) === 0xd0cf11e0) {
    throw new IngestFileError(
      'NOT_A_SPREADSHEET',
      file,
      'this is an old Excel 97–2003 .xls file or a password-protected workbook; save it as .xlsx without a password',
      '这是旧版 Excel 97–2003（.xls）文件或加密的工作簿，请另存为不加密的 .xlsx',
    );
  }
  if (SPREADSHEET_EXTENSIONS.has(extension)) throw notWorkbook(file, extension);
  return 'csv';
}

function notWorkbook(file: string, extension: string): IngestFileError {
  return new IngestFileError(
    'NOT_A_SPREADSHEET',
    file,
    `the file is named ${extension} but is not an Excel workbook (perhaps a text file renamed); export it again as .xlsx or .csv`,
    `文件扩展名为 ${extension}，但内容不是 Excel 工作簿（可能是改名的文本文件），请重新导出为 .xlsx 或 .csv`,
  );
}

async function checkWorkbook(handle: FileHandle, size: number, file: string): Promise<void> {
  const directory = await readZipDirectory(handle, size);
  if (!directory.ok) {
    throw new IngestFileError(
      'TRUNCATED',
      file,
      directory.problem === 'NO_DIRECTORY'
        ? 'the workbook is cut short: its zip directory is missing (was the upload or copy interrupted?)'
        : 'the workbook is damaged: its zip directory points past the end of the file',
      directory.problem === 'NO_DIRECTORY'
        ? '工作簿不完整：缺少压缩包目录（上传或复制是否中断？）'
        : '工作簿已损坏：压缩包目录超出文件末尾',
    );
  }
  if (!directory.entries.has('xl/workbook.xml')) {
    throw new IngestFileError(
      'NOT_A_SPREADSHEET',
      file,
      'the file is a zip archive but not an XLSX workbook',
      '文件是压缩包，但不是 XLSX 工作簿',
    );
  }
  if (![...directory.entries.keys()].some((e) => e.startsWith('xl/worksheets/'))) {
    throw new IngestFileError('NO_SHEET', file, 'the workbook has no worksheet', '工作簿中没有工作表');
  }
}

async function textSettings(
  handle: FileHandle,
  size: number,
  file: string,
  encoding: string | undefined,
): Promise<{ encoding: string; start: number; sample: string }> {
  const head = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
  await handle.read(head, 0, head.length, 0);
  if (encoding !== undefined) {
    if (!isKnownEncoding(encoding))
      throw new IngestFileError('ENCODING', file, `unknown encoding "${encoding}"`, `未知的编码“${encoding}”`);
    return { encoding, start: 0, sample: decodeSample(head, encoding) };
  }
  const verdict = await detectTextEncoding(handle, size);
  if (!verdict.ok) {
    if (verdict.problem === 'BINARY') {
      throw new IngestFileError(
        'NOT_A_SPREADSHEET',
        file,
        'the file is binary: neither a text file (CSV, JSON Lines) nor an XLSX workbook',
        '文件是二进制文件，既不是文本文件（CSV、JSON Lines），也不是 XLSX 工作簿',
      );
    }
    throw new IngestFileError(
      'ENCODING',
      file,
      `the text is neither UTF-8 (invalid bytes at offset ${verdict.utf8ErrorAt}) nor GBK/GB18030; save it as UTF-8, or name the encoding`,
      `文本既不是 UTF-8（第 ${verdict.utf8ErrorAt} 字节起无效）也不是 GBK/GB18030，请另存为 UTF-8 或指定编码`,
      { offset: verdict.utf8ErrorAt },
    );
  }
  return { encoding: verdict.encoding, start: verdict.bomLength, sample: decodeSample(head.subarray(verdict.bomLength), verdict.encoding) };
}

function textFormat(sample: string, size: number, file: string): FileFormat {
  const first = /\S/.exec(sample);
  if (!first) {
    if (size <= SAMPLE_BYTES) throw empty(file);
    return 'csv';
  }
  if (first[0] === '{') return 'jsonl';
  if (first[0] === '[') {
    throw new IngestFileError(
      'UNREADABLE',
      file,
      'the file is a JSON array, not JSON Lines (one object per line)',
      '文件是 JSON 数组，而不是 JSON Lines（每行一个对象）',
    );
  }
  return 'csv';
}

/** The sample without its last, possibly cut, line (unless the sample is the whole file). */
function completeLines(sample: string, size: number): string {
  if (size <= SAMPLE_BYTES) return sample;
  const end = sample.lastIndexOf('\n');
  return end > 0 ? sample.slice(0, end) : sample;
}

function empty(file: string): IngestFileError {
  return new IngestFileError('EMPTY', file, 'the file is empty', '文件为空');
}
