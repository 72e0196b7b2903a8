/**
 * Department form templates (collect once, fill everywhere): a department uploads its own XLSX form
 * with placeholders and Populus fills it from the record — for one person, one household or a roster.
 *
 * Placeholder syntax, in any cell of any sheet, alone or inside text (`姓名：{{person.name}}`):
 * - `{{key}}` — a field: `{{person.name}}`, `{{household.address}}`, `{{area.name}}`, `{{asOf}}`…
 *   Keys are dot-separated names (letters, digits, `_`, `-`); spaces inside the braces are allowed.
 * - `{{row.<columnKey>}}` — a roster cell. A row holding one is a *roster row*: it is repeated once
 *   per roster row, its styles, height and merged cells kept on every copy; the rows below move
 *   down (their merges, the print area and defined names with them). No roster rows → the row goes.
 * - `{{#}}` — the sequence number (序号) of the roster row, from 1.
 * A cell that is exactly one placeholder takes the value's type (a number stays a number); inside
 * text it is replaced as text. Null is empty. A placeholder the data does not give is an error
 * (TEMPLATE_INVALID) naming every one with its cell (`Sheet1!C4`); nothing is half-filled.
 */
import ExcelJS from 'exceljs';
import { PopulusError } from '../../../domain/errors.ts';

export type RosterValue = string | number | null;

export interface TemplateData {
  readonly fields: Readonly<Record<string, string>>;
  readonly rows?: readonly Readonly<Record<string, RosterValue>>[];
}

export interface TemplatePlaceholder {
  /** `person.name`, `row.idNumber`, `#`. */
  readonly key: string;
  /** `Sheet1!C4`. */
  readonly cell: string;
  /** Inside a roster row (repeated per roster row). */
  readonly roster: boolean;
}

export type TemplateProblemKind = 'UNKNOWN_KEY' | 'MALFORMED' | 'NO_ROSTER';

export interface TemplateProblem {
  readonly cell: string;
  readonly placeholder: string;
  readonly problem: TemplateProblemKind;
  readonly message: string;
}

export interface TemplateCheck {
  readonly placeholders: readonly TemplatePlaceholder[];
  /** The roster rows found: `Sheet1!5`. */
  readonly rosterRows: readonly string[];
  readonly problems: readonly TemplateProblem[];
}

const PLACEHOLDER = /\{\{\s*(#|[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*)\s*\}\}/gu;

/** Is this key a roster cell? */
function isRosterKey(key: string): boolean {
  return key === '#' || key.startsWith('row.');
}

function cellText(value: ExcelJS.CellValue): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  return undefined;
}

interface Found {
  readonly key: string;
  readonly cell: string;
  readonly row: number;
}

interface Scan {
  readonly found: Found[];
  readonly malformed: { cell: string; text: string }[];
}

function quoteSheet(name: string): string {
  return /^[\p{L}\p{N}_]+$/u.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

function scanSheet(sheet: ExcelJS.Worksheet): Scan {
  const found: Found[] = [];
  const malformed: { cell: string; text: string }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    row.eachCell({ includeEmpty: false }, (cell) => {
      if (cell.type === ExcelJS.ValueType.Merge) return;
      const text = cellText(cell.value);
      if (text === undefined || !text.includes('{{')) return;
      const where = `${quoteSheet(sheet.name)}!${cell.address}`;
      for (const m of text.matchAll(PLACEHOLDER)) found.push({ key: m[1]!, cell: where, row: rowNumber });
      const rest = text.replace(PLACEHOLDER, '');
      if (rest.includes('{{') || rest.includes('}}'))
        malformed.push({ cell: where, text: rest.slice(rest.search(/\{\{|\}\}/), rest.search(/\{\{|\}\}/) + 30) });
    });
  });
  return { found, malformed };
}

async function loadWorkbook(xlsx: Buffer): Promise<ExcelJS.Workbook> {
  const zip = xlsx.length >= 4 && xlsx[0] === 0x50 && xlsx[1] === 0x4b && xlsx[2] === 0x03 && xlsx[3] === 0x04;
  const refuse = (reason: string, why: string, whyZh: string) =>
    new PopulusError('FILE_UNREADABLE', `the form template ${why}`, { file: 'template.xlsx', reason, messageZh: `表格模板${whyZh}` });
  if (!zip)
    throw refuse(
      'NOT_A_SPREADSHEET',
      'is not an XLSX workbook (save it from Excel or WPS as .xlsx; .xls is not supported)',
      '不是XLSX工作簿（请另存为 .xlsx，不支持 .xls）',
    );
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
  } catch (e) {
    throw refuse(
      'UNREADABLE',
      `cannot be read as an XLSX workbook (${e instanceof Error ? e.message : String(e)})`,
      '无法读取（文件已损坏或不是XLSX）',
    );
  }
  if (workbook.worksheets.length === 0) throw refuse('EMPTY', 'has no sheets', '没有工作表');
  return workbook;
}

function check(workbook: ExcelJS.Workbook, isKnown: (key: string) => boolean, rosterGiven: boolean): TemplateCheck {
  const placeholders: TemplatePlaceholder[] = [];
  const rosterRows: string[] = [];
  const problems: TemplateProblem[] = [];
  for (const sheet of workbook.worksheets) {
    const { found, malformed } = scanSheet(sheet);
    const rosterRowNumbers = new Set(found.filter((f) => isRosterKey(f.key)).map((f) => f.row));
    for (const r of [...rosterRowNumbers].sort((a, b) => a - b)) rosterRows.push(`${quoteSheet(sheet.name)}!${r}`);
    for (const f of found) {
      placeholders.push({ key: f.key, cell: f.cell, roster: rosterRowNumbers.has(f.row) });
      if (isRosterKey(f.key) && !rosterGiven) {
        problems.push({
          cell: f.cell,
          placeholder: `{{${f.key}}}`,
          problem: 'NO_ROSTER',
          message: `${f.cell}: {{${f.key}}} is a roster cell, but this form is filled without a roster`,
        });
      } else if (f.key !== '#' && !isKnown(f.key)) {
        problems.push({
          cell: f.cell,
          placeholder: `{{${f.key}}}`,
          problem: 'UNKNOWN_KEY',
          message: `${f.cell}: {{${f.key}}} is not a known field`,
        });
      }
    }
    for (const m of malformed)
      problems.push({
        cell: m.cell,
        placeholder: m.text,
        problem: 'MALFORMED',
        message: `${m.cell}: "${m.text}" is not a placeholder (write {{name}} or {{row.column}})`,
      });
  }
  return { placeholders, rosterRows, problems };
}

/**
 * The placeholders of an uploaded template and what is wrong with them. `knownKeys` holds the field
 * keys (`person.name`) and the roster keys (`row.idNumber`) the template may use.
 */
export async function checkTemplate(xlsx: Buffer, knownKeys: ReadonlySet<string>): Promise<TemplateCheck> {
  const workbook = await loadWorkbook(xlsx);
  return check(workbook, (key) => knownKeys.has(key), true);
}

/** Replaces the placeholders of one cell text; a lone placeholder keeps the value's type. */
function substitute(text: string, lookup: (key: string) => RosterValue): string | number | null {
  const lone = /^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$/u.exec(text);
  if (lone && [...text.matchAll(PLACEHOLDER)].length === 1) {
    const v = lookup(lone[1]!);
    return typeof v === 'number' ? v : v === null ? null : v;
  }
  return text.replace(PLACEHOLDER, (_, key: string) => {
    const v = lookup(key);
    return v === null ? '' : String(v);
  });
}

function fillCell(cell: ExcelJS.Cell, lookup: (key: string) => RosterValue): void {
  const value = cell.value;
  if (typeof value === 'string') {
    if (value.includes('{{')) cell.value = substitute(value, lookup);
  } else if (value !== null && typeof value === 'object' && 'richText' in value) {
    const whole = value.richText.map((r) => r.text).join('');
    if (!whole.includes('{{')) return;
    const perRun = value.richText.every((r) => (r.text.match(/\{\{/g) ?? []).length === (r.text.match(PLACEHOLDER) ?? []).length);
    if (perRun) {
      cell.value = { richText: value.richText.map((r) => ({ ...r, text: String(substitute(r.text, lookup) ?? '') })) };
    } else {
      cell.value = substitute(whole, lookup); // a placeholder cut across runs: plain text
    }
  }
}

interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function parseRange(range: string): Box {
  const m = /^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/.exec(range);
  if (!m) throw new Error(`not a cell range: ${range}`);
  const col = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  const top = Number(m[2]);
  const left = col(m[1]!);
  return { top, left, bottom: m[4] ? Number(m[4]) : top, right: m[3] ? col(m[3]) : left };
}

/** Where each merge goes when roster row `r` becomes `n` rows. */
function moveMerges(merges: Box[], r: number, n: number): Box[] {
  const out: Box[] = [];
  const d = n - 1;
  for (const m of merges) {
    if (m.bottom < r) out.push(m);
    else if (m.top > r) out.push({ ...m, top: m.top + d, bottom: m.bottom + d });
    else if (m.top === r && m.bottom === r) for (let i = 0; i < n; i++) out.push({ ...m, top: r + i, bottom: r + i });
    else if (m.bottom + d > m.top || m.right > m.left) out.push({ ...m, bottom: m.bottom + d }); // spans across the roster row
  }
  return out;
}

function expandRoster(
  sheet: ExcelJS.Worksheet,
  r: number,
  rows: readonly Readonly<Record<string, RosterValue>>[],
  fields: TemplateData['fields'],
): void {
  const template = new Map<number, ExcelJS.CellValue>();
  sheet.getRow(r).eachCell({ includeEmpty: false }, (cell, col) => {
    if (cell.type !== ExcelJS.ValueType.Merge) template.set(col, cell.value);
  });
  let merges = sheet.model.merges.map(parseRange);
  for (const m of merges) sheet.unMergeCells(m.top, m.left, m.bottom, m.right);
  const n = rows.length;
  if (n === 0) sheet.spliceRows(r, 1);
  else if (n > 1) sheet.duplicateRow(r, n - 1, true);
  rows.forEach((data, i) => {
    const row = sheet.getRow(r + i);
    for (const [col, value] of template) {
      const cell = row.getCell(col);
      cell.value = value;
      fillCell(cell, (key) => (key === '#' ? i + 1 : key.startsWith('row.') ? (data[key.slice(4)] ?? null) : (fields[key] ?? null)));
    }
  });
  merges = moveMerges(merges, r, n);
  for (const m of merges) sheet.mergeCells(m.top, m.left, m.bottom, m.right);
  const area = sheet.pageSetup.printArea;
  if (area && /^[$A-Z0-9]+:[$A-Z0-9]+$/.test(area)) {
    const b = parseRange(area);
    if (b.bottom >= r) {
      const letter = (c: number) => sheet.getColumn(c).letter;
      sheet.pageSetup.printArea = `${letter(b.left)}${b.top > r ? b.top + n - 1 : b.top}:${letter(b.right)}${b.bottom + n - 1}`;
    }
  }
}

/** Fills a template from the record: fields everywhere, roster rows repeated per roster row. */
export async function fillTemplate(xlsx: Buffer, data: TemplateData): Promise<Buffer> {
  const workbook = await loadWorkbook(xlsx);
  const rows = data.rows;
  const rowKeys = new Set((rows ?? []).flatMap((row) => Object.keys(row)));
  const known = (key: string) =>
    key.startsWith('row.') ? rows !== undefined && (rows.length === 0 || rowKeys.has(key.slice(4))) : Object.hasOwn(data.fields, key);
  const checked = check(workbook, known, rows !== undefined);
  if (checked.problems.length > 0) {
    throw new PopulusError('TEMPLATE_INVALID', `the form template cannot be filled: ${checked.problems.map((p) => p.message).join('; ')}`, {
      problems: checked.problems.map(({ cell, placeholder, problem }) => ({ cell, placeholder, problem })),
    });
  }
  for (const sheet of workbook.worksheets) {
    const rosterRows = [
      ...new Set(
        scanSheet(sheet)
          .found.filter((f) => isRosterKey(f.key))
          .map((f) => f.row),
      ),
    ].sort((a, b) => b - a);
    for (const r of rosterRows) expandRoster(sheet, r, rows ?? [], data.fields);
    sheet.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (cell.type !== ExcelJS.ValueType.Merge) fillCell(cell, (key) => data.fields[key] ?? null);
      });
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
