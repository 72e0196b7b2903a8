/**
 * XLSX rows, streamed: one sheet (the first visible one unless asked) inflated with node:zlib and
 * scanned by SheetScanner, in batches with their sheet row numbers. UTF-8 is decoded across chunk
 * boundaries. (exceljs's streaming reader does not: it turns a Chinese character cut by a chunk
 * boundary into U+FFFD — exceljs issues #2063, #2316, seen in the demo extracts — and it read only
 * 5–14k rows/s here; exceljs stays for writing.) The zip directory is checked by the caller first;
 * damage found while inflating becomes an IngestFileError.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { IngestFileError } from './ingest-file-error.ts';
import type { RawRow } from './source-record.ts';
import { SheetScanner } from './xlsx-sheet-parser.ts';
import { loadWorkbook, type SheetEntry } from './xlsx-workbook.ts';
import { openZipEntry, readZipDirectory, type ZipEntryStream } from './zip-directory.ts';

export interface XlsxSettings {
  /** Sheet name or 1-based position; undefined for the first visible sheet. */
  readonly sheet: string | number | undefined;
}

/** Filled in by readXlsxRows once it has found the sheet. */
export interface XlsxMeta {
  sheet?: string;
}

export async function* readXlsxRows(
  path: string,
  file: string,
  settings: XlsxSettings,
  meta: XlsxMeta,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<RawRow[]> {
  let entry: ZipEntryStream | undefined;
  try {
    let scanner: SheetScanner;
    const handle = await open(path, 'r');
    try {
      const directory = await readZipDirectory(handle, (await handle.stat()).size);
      if (!directory.ok) throw new IngestFileError('TRUNCATED', file, 'the workbook is cut short or damaged', '工作簿不完整或已损坏');
      const workbook = await loadWorkbook(handle, path, directory.entries);
      const sheet = chooseSheet(workbook.sheets, settings.sheet, file);
      meta.sheet = sheet.name;
      const zipEntry = directory.entries.get(sheet.entry);
      if (zipEntry === undefined)
        throw new IngestFileError(
          'NO_SHEET',
          file,
          `sheet "${sheet.name}" is missing from the workbook`,
          `工作簿中缺少工作表“${sheet.name}”`,
        );
      entry = await openZipEntry(handle, path, zipEntry);
      scanner = new SheetScanner(workbook);
    } finally {
      await handle.close();
    }
    const decoder = new StringDecoder('utf8');
    for await (const chunk of entry.stream as AsyncIterable<Buffer>) {
      const rows: RawRow[] = [];
      scanner.push(decoder.write(chunk), rows);
      onBytes?.(entry.bytesRead());
      if (rows.length > 0) yield rows;
    }
    const rows: RawRow[] = [];
    scanner.push(decoder.end(), rows);
    if (rows.length > 0) yield rows;
  } catch (e) {
    throw xlsxFailure(e, file);
  } finally {
    entry?.close();
  }
}

function chooseSheet(sheets: readonly SheetEntry[], wanted: string | number | undefined, file: string): SheetEntry {
  const found =
    wanted === undefined
      ? sheets.find((s) => s.state !== 'hidden' && s.state !== 'veryHidden')
      : typeof wanted === 'number'
        ? sheets[wanted - 1]
        : sheets.find((s) => s.name === wanted);
  if (found !== undefined) return found;
  const names = sheets.map((s) => s.name);
  const which =
    wanted === undefined ? 'no visible sheet' : typeof wanted === 'number' ? `no sheet number ${wanted}` : `no sheet named "${wanted}"`;
  throw new IngestFileError(
    'NO_SHEET',
    file,
    `the workbook has ${which} (sheets: ${names.join(', ') || 'none'})`,
    `工作簿中没有指定的工作表（现有：${names.join('、') || '无'}）`,
    {
      sheets: names,
    },
  );
}

function xlsxFailure(e: unknown, file: string): IngestFileError {
  if (e instanceof IngestFileError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new IngestFileError(
      'TRUNCATED',
      file,
      `the workbook is damaged or cut short (${message})`,
      `工作簿已损坏或不完整（${message}）`,
    );
  }
  return new IngestFileError('UNREADABLE', file, `cannot read the workbook: ${message}`, `无法读取工作簿：${message}`);
}
