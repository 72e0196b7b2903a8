/**
 * The parts of an XLSX workbook needed before its rows: the sheets in workbook order (name,
 * visibility, zip entry), the date system, which cell styles are dates, and the shared strings
 * (streamed; kept in memory, as every XLSX reader must, since cells refer to them by index).
 */
import type { FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { attribute, stringItemText } from './xml-text.ts';
import { openZipEntry, readZipEntry, type ZipEntry } from './zip-directory.ts';

export interface SheetEntry {
  readonly name: string;
  /** 'visible', 'hidden' or 'veryHidden'. */
  readonly state: string;
  /** The zip entry holding the sheet's XML. */
  readonly entry: string;
}

export interface WorkbookInfo {
  readonly sheets: readonly SheetEntry[];
  readonly date1904: boolean;
  /** Indexes into cellXfs (a cell's `s`) whose number format shows a date or time. */
  readonly dateStyles: ReadonlySet<number>;
  readonly sharedStrings: readonly string[];
}

export async function loadWorkbook(handle: FileHandle, path: string, entries: ReadonlyMap<string, ZipEntry>): Promise<WorkbookInfo> {
  const text = async (name: string): Promise<string | undefined> => {
    const entry = entries.get(name);
    return entry === undefined ? undefined : (await readZipEntry(handle, entry)).toString('utf8');
  };
  const workbook = (await text('xl/workbook.xml')) ?? '';
  const rels = (await text('xl/_rels/workbook.xml.rels')) ?? '';
  const styles = await text('xl/styles.xml');
  const shared = entries.get('xl/sharedStrings.xml');
  return {
    sheets: sheetsOf(workbook, rels, entries),
    date1904: /<workbookPr\b[^>]*\bdate1904\s*=\s*["'](?:1|true)["']/.test(workbook),
    dateStyles: styles === undefined ? new Set() : dateStylesOf(styles),
    sharedStrings: shared === undefined ? [] : await readSharedStrings(handle, path, shared),
  };
}

function tags(xml: string, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${name}\\s([^>]*?)\\/?>`, 'g');
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) out.push(m[1] ?? '');
  return out;
}

/** Sheets in workbook order, each with its zip entry; sheets whose entry is missing are left out. */
export function sheetsOf(workbook: string, rels: string, entries: ReadonlyMap<string, unknown>): SheetEntry[] {
  const targets = new Map<string, string>();
  for (const r of tags(rels, 'Relationship')) {
    const id = attribute(r, 'Id');
    const target = attribute(r, 'Target');
    if (id !== undefined && target !== undefined)
      targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`);
  }
  const sheets: SheetEntry[] = [];
  for (const s of tags(workbook, 'sheet')) {
    const name = attribute(s, 'name') ?? '';
    const id = attribute(s, 'r:id');
    const entry = id === undefined ? undefined : targets.get(id);
    if (entry !== undefined && entries.has(entry)) sheets.push({ name, state: attribute(s, 'state') ?? 'visible', entry });
  }
  return sheets;
}

/** Built-in number formats that show dates or times (including the CJK locales' 27–36 and 50–58). */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);

/** Whether a custom format code shows a date or time: y, m, d, h or s outside quotes, brackets and escapes. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '')
    .replace(/_.|\*./g, '');
  if (/^general$/i.test(bare.trim())) return false;
  return /[ymdhs]/i.test(bare.replace(/[eE][+-]/g, ''));
}

export function dateStylesOf(styles: string): Set<number> {
  const custom = new Map<number, string>();
  for (const f of tags(styles, 'numFmt')) {
    const id = Number(attribute(f, 'numFmtId'));
    custom.set(id, attribute(f, 'formatCode') ?? '');
  }
  const out = new Set<number>();
  const start = styles.indexOf('<cellXfs');
  const end = styles.indexOf('</cellXfs>', start);
  if (start < 0 || end < 0) return out;
  const xfs = styles.slice(start, end);
  const re = /<xf\b([^>]*?)\/?>/g;
  let index = 0;
  for (let m = re.exec(xfs); m !== null; m = re.exec(xfs), index++) {
    const id = Number(attribute(m[1] ?? '', 'numFmtId') ?? '0');
    const code = custom.get(id);
    if (code !== undefined ? isDateFormat(code) : BUILT_IN_DATE_FORMATS.has(id)) out.add(index);
  }
  return out;
}

/** The shared strings, streamed from the entry (decoded across chunk boundaries). */
async function readSharedStrings(handle: FileHandle, path: string, entry: ZipEntry): Promise<string[]> {
  const { stream, close } = await openZipEntry(handle, path, entry);
  const decoder = new StringDecoder('utf8');
  const out: string[] = [];
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      rest = collectStringItems(rest + decoder.write(chunk), out);
    }
    collectStringItems(rest + decoder.end(), out);
  } finally {
    close();
  }
  return out;
}

/** Appends the complete `<si>` items of `xml` to `out`; returns the unfinished tail. */
export function collectStringItems(xml: string, out: string[]): string {
  let at = 0;
  for (;;) {
    const open = xml.indexOf('<si', at);
    if (open < 0) return xml.slice(Math.max(at, xml.length - 2)); // a '<s' cut at the end
    const next = xml.charAt(open + 3);
    if (next === '') return xml.slice(open);
    if (next !== '>' && next !== ' ' && next !== '/') {
      at = open + 3;
      continue;
    }
    const tagEnd = xml.indexOf('>', open);
    if (tagEnd < 0) return xml.slice(open);
    if (xml.charAt(tagEnd - 1) === '/') {
      out.push('');
      at = tagEnd + 1;
      continue;
    }
    const close = xml.indexOf('</si>', tagEnd);
    if (close < 0) return xml.slice(open);
    out.push(stringItemText(xml.slice(tagEnd + 1, close)));
    at = close + 5;
  }
}
