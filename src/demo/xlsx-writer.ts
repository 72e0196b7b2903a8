/**
 * Streams an extract to XLSX with exceljs, the way office systems export them: an optional title
 * row (and a second line with the export date) merged across all columns above the header. Made
 * byte-identical between runs: the workbook's creator and dates are fixed, and the zip entries'
 * timestamps, which exceljs leaves to the clock, are rewritten to the export date afterwards.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { WrittenFile } from './csv-writer.ts';

export interface XlsxOptions {
  readonly sheetName: string;
  readonly title?: string;
  readonly subtitle?: string;
  readonly header: readonly string[];
  /** Export date (YYYY-MM-DD): every timestamp inside the file. */
  readonly date: string;
}

export class XlsxFileWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  /** Rows above the data (title, subtitle, header). */
  readonly headerRows: number;
  rows = 0;

  constructor(
    private readonly absolutePath: string,
    readonly path: string,
    private readonly options: XlsxOptions,
  ) {
    const when = new Date(`${options.date}T00:00:00Z`);
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: absolutePath, useStyles: true, useSharedStrings: false });
    this.workbook.creator = 'Populus demo';
    this.workbook.lastModifiedBy = 'Populus demo';
    this.workbook.created = when;
    this.workbook.modified = when;
    this.sheet = this.workbook.addWorksheet(options.sheetName);
    const width = options.header.length;
    let row = 0;
    for (const line of [options.title, options.subtitle]) {
      if (line === undefined) continue;
      row++;
      const r = this.sheet.getRow(row);
      r.getCell(1).value = line;
      if (row === 1) r.font = { bold: true, size: 14 };
      if (width > 1) this.sheet.mergeCells(row, 1, row, width);
      r.commit();
    }
    row++;
    const header = this.sheet.getRow(row);
    header.values = [...options.header];
    header.font = { bold: true };
    header.commit();
    this.headerRows = row;
  }

  /** Writes a data row (strings, or numbers for Excel serial dates and amounts); returns its number. */
  writeRow(values: readonly (string | number)[]): number {
    this.sheet.addRow(values as (string | number)[]).commit();
    return ++this.rows;
  }

  async close(): Promise<WrittenFile> {
    this.sheet.commit();
    await this.workbook.commit();
    const bytes = fixZipTimestamps(readFileSync(this.absolutePath), this.options.date);
    writeFileSync(this.absolutePath, bytes);
    return { path: this.path, rows: this.rows, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
}

/** Lets the event loop drain the zip stream (call between batches of rows). */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Sets every entry's modification time in a zip (local headers and central directory) to the date, 00:00. */
export function fixZipTimestamps(zip: Buffer, date: string): Buffer {
  const dosDate = ((Number(date.slice(0, 4)) - 1980) << 9) | (Number(date.slice(5, 7)) << 5) | Number(date.slice(8, 10));
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end-of-central-directory record');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('malformed zip central directory');
    zip.writeUInt16LE(0, at + 12);
    zip.writeUInt16LE(dosDate, at + 14);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('malformed zip local header');
    zip.writeUInt16LE(0, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return zip;
}
