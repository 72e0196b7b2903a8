/**
 * Reads a generated demo folder back for tests and benchmarks: the ground truth (persons, links,
 * systems, code mappings) and any extract as rows of strings (GBK/GB18030 decoded, CSV parsed,
 * XLSX read with exceljs), plus `expectedCell`, which says whether an extract cell agrees with the
 * truth once the system's code list, date style and address style are undone. The product never
 * reads the truth; this module is for scoring only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { ageOn, parseDate, type DateStyle } from './calendar.ts';
import type { ElementKind } from './elements.ts';
import type { PersonTruth } from './truth-writer.ts';

export interface TruthColumn {
  readonly header: string;
  readonly element: string;
  readonly kind: ElementKind;
  readonly table?: string;
  readonly codeList?: string;
  readonly dateStyle?: DateStyle;
}

export interface TruthSystem {
  readonly id: string;
  readonly nameZh: string;
  readonly departmentId: string;
  readonly level: string;
  readonly file: string;
  readonly format: 'csv' | 'xlsx';
  readonly encoding: string;
  /** 1-based row of the header (title rows above it in XLSX). */
  readonly headerRow: number;
  readonly addressStyle: 'full' | 'district' | 'road';
  readonly population: string;
  readonly snapshotDate: string;
  readonly columns: readonly TruthColumn[];
}

export type CodeMappings = Readonly<Record<string, Readonly<Record<string, { table: string; codes: Readonly<Record<string, string>> }>>>>;

export interface Manifest {
  readonly seed: string;
  readonly scale: number;
  readonly noise: number;
  readonly asOf: string;
  readonly files: readonly { path: string; rows: number; bytes: number; sha256: string }[];
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

/**
 * Each non-empty line of a JSON Lines file, parsed. Decoded line by line from the bytes: the truth of
 * a large demo (scale 5 and up) is longer than the longest string V8 makes (512 MiB).
 */
function eachJsonLine<T>(path: string, use: (value: T) => void): void {
  const bytes = readFileSync(path);
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    if (end > start) use(JSON.parse(bytes.toString('utf8', start, end)) as T);
    start = end + 1;
  }
}

export function readPersons(dir: string): Map<string, PersonTruth> {
  const persons = new Map<string, PersonTruth>();
  eachJsonLine<PersonTruth>(join(dir, 'truth/persons.jsonl'), (p) => persons.set(p.id, p));
  return persons;
}

export function readJsonLines<T>(dir: string, path: string): T[] {
  const out: T[] = [];
  eachJsonLine<T>(join(dir, path), (v) => out.push(v));
  return out;
}

export function readSystems(dir: string): TruthSystem[] {
  return JSON.parse(readFileSync(join(dir, 'truth/systems.json'), 'utf8')) as TruthSystem[];
}

export function readCodeMappings(dir: string): CodeMappings {
  return JSON.parse(readFileSync(join(dir, 'truth/code-mappings.json'), 'utf8')) as CodeMappings;
}

export interface Link {
  readonly system: string;
  readonly row: number;
  readonly personId: string;
  readonly noise: string;
}

/** truth/links.csv as a map from `system:row` to the link. */
export function readLinks(dir: string): Map<string, Link> {
  const links = new Map<string, Link>();
  for (const [system, row, personId, noise] of readCsvText(readFileSync(join(dir, 'truth/links.csv'), 'utf8')).slice(1)) {
    links.set(`${system}:${row}`, { system: system ?? '', row: Number(row), personId: personId ?? '', noise: noise ?? '' });
  }
  return links;
}

export function readCsvText(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true }) as string[][];
}

/** Decodes a CSV file in its encoding (utf8, utf8-bom, gbk, gb18030). */
export function decodeCsv(bytes: Buffer, encoding: string): string {
  return encoding === 'gbk' || encoding === 'gb18030' ? iconv.decode(bytes, encoding) : bytes.toString('utf8');
}

/** An extract's header and data rows, every cell as a string (XLSX numbers as their decimal text). */
export async function readExtract(dir: string, system: TruthSystem): Promise<{ header: string[]; rows: string[][] }> {
  if (system.format === 'csv') {
    const rows = readCsvText(decodeCsv(readFileSync(join(dir, system.file)), system.encoding));
    return { header: rows[0] ?? [], rows: rows.slice(1) };
  }
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(join(dir, system.file));
  const sheet = workbook.worksheets[0];
  if (!sheet) return { header: [], rows: [] };
  const width = system.columns.length;
  const cells = (r: number): string[] => {
    const row = sheet.getRow(r);
    const out: string[] = [];
    for (let c = 1; c <= width; c++) {
      const v = row.getCell(c).value;
      out.push(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    return out;
  };
  const rows: string[][] = [];
  for (let r = system.headerRow + 1; r <= sheet.rowCount; r++) rows.push(cells(r));
  return { header: cells(system.headerRow), rows };
}

/** Strips 上海市 and the district, so addresses written in any of the systems' styles compare equal. */
export function normaliseAddress(address: string, districtName: string): string {
  const a = address.startsWith('上海市') ? address.slice(3) : address;
  return a.startsWith(districtName) ? a.slice(districtName.length) : a;
}

/**
 * The standard (truth-side) value an extract cell stands for: local codes mapped through the
 * system's code list, dates parsed in the system's style, addresses normalised; undefined when the
 * cell cannot be read back (a noisy date, an unknown label).
 */
export function cellToStandard(
  cell: string,
  column: TruthColumn,
  mappings: CodeMappings[string] | undefined,
  districtName: string,
): string | undefined {
  if (cell === '') return '';
  switch (column.kind) {
    case 'code': {
      if (!column.codeList) return cell;
      return mappings?.[column.codeList]?.codes[cell];
    }
    case 'date':
      return parseDate(cell, column.dateStyle ?? 'iso');
    case 'address':
      return normaliseAddress(cell, districtName);
    case 'text':
    case 'number':
      return cell;
  }
}

/** The truth-side value to compare a cell with (booleans absent = 'false', ages on the export date). */
export function truthFor(person: PersonTruth, column: TruthColumn, on: string, districtName: string): string {
  const v = person.values[column.element] ?? '';
  if (column.element === 'person.age') return String(ageOn(person.values['person.birthDate'] ?? on, on));
  if (v === '' && column.table === 'boolean') return 'false';
  return column.kind === 'address' ? normaliseAddress(v, districtName) : v;
}
