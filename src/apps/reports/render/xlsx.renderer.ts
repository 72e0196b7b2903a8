/**
 * A report result as an XLSX file in the layout Chinese government forms use: the title merged
 * across and centred (黑体, large, bold); 填报单位 on the left and 报告期 / 统计时点 on the right; the
 * column headers with their merged cells; data rows with thin borders, subtotal and total (合计)
 * rows bold; counts as integers, shares as `0.0%`, text left and numbers right; notes under the
 * table; 填表人 / 审核人 / 填报日期 last. Printed on A4 (landscape when wide), one page wide, the
 * header rows repeated on every page, centred; the header frozen on screen. Body in 宋体 (SimSun).
 */
import ExcelJS from 'exceljs';
import type { FormMeta, ReportResult, ResultColumn } from '../types.ts';
import { displayWidth, formatValue, isNumeric, layoutHeader } from './header-grid.ts';
import { periodLine, say, signatureLine, unitLine, validDate } from './form-text.ts';

export const BODY_FONT = '宋体';
export const TITLE_FONT = '黑体';
/** More leaf columns than this, or wider than this in characters, print in landscape. */
export const LANDSCAPE_FROM_COLUMNS = 8;
export const LANDSCAPE_FROM_WIDTH = 120;

const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/** The number format of a figure: counts `0`, amounts `0` when whole and `0.00` otherwise, shares `0.0%`. */
export function numberFormat(column: ResultColumn, value: number): string | undefined {
  switch (column.type) {
    case 'count':
      return '0';
    case 'number':
      return Number.isInteger(value) ? '0' : '0.00';
    case 'share':
      return '0.0%';
    case 'text':
    case 'date':
      return undefined;
  }
}

/** Sheet names: at most 31 characters, none of []:*?/\. */
function sheetName(title: string): string {
  return (
    title
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 31) || 'Sheet1'
  );
}

function columnWidths(result: ReportResult, locale: FormMeta['locale']): number[] {
  return result.columns.map((column, i) => {
    let w = displayWidth(say(column.label, locale));
    for (const row of result.rows.slice(0, 2000)) {
      const v = row.cells[i] ?? null;
      w = Math.max(w, displayWidth(formatValue(v, column)) + (i === 0 ? row.level * 2 : 0));
    }
    return Math.min(40, Math.max(isNumeric(column) ? 8 : 10, w + 2));
  });
}

export async function renderXlsx(result: ReportResult, meta: FormMeta): Promise<Buffer> {
  const { locale } = meta;
  const grid = layoutHeader(result);
  const ncols = Math.max(1, grid.cols);
  const title = say(result.title, locale);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Populus';
  workbook.title = title;
  if (validDate(result.generatedAt)) workbook.created = new Date(result.generatedAt);
  const widths = columnWidths(result, locale);
  const landscape = ncols > LANDSCAPE_FROM_COLUMNS || widths.reduce((s, w) => s + w, 0) > LANDSCAPE_FROM_WIDTH;
  const headerTop = 3;
  const headerBottom = headerTop + grid.rows - 1;
  const sheet = workbook.addWorksheet(sheetName(title), {
    pageSetup: {
      paperSize: 9, // A4
      orientation: landscape ? 'landscape' : 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: `${headerTop}:${headerBottom}`,
      margins: { left: 0.5, right: 0.5, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: locale === 'en' ? 'Page &P of &N' : '第 &P 页 / 共 &N 页' },
    views: [{ state: 'frozen', xSplit: 0, ySplit: headerBottom }],
  });
  sheet.columns = widths.map((width) => ({ width }));
  const spanWidth = (col: number, span: number) => widths.slice(col, col + span).reduce((s, w) => s + w, 0);
  /** Row height for wrapped text: spreadsheets do not re-fit rows on opening. */
  const wrappedHeight = (text: string, width: number, lineHeight: number) =>
    lineHeight * Math.max(1, Math.ceil(displayWidth(text) / Math.max(1, width - 1)));
  const body: Partial<ExcelJS.Font> = { name: BODY_FONT, size: 10 };

  // Title.
  const acrossRow = (r: number) => {
    if (ncols > 1) sheet.mergeCells(r, 1, r, ncols);
  };
  acrossRow(1);
  const titleCell = sheet.getCell(1, 1);
  titleCell.value = title;
  titleCell.font = { name: TITLE_FONT, size: 18, bold: true };
  titleCell.alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(1).height = 32;

  // 填报单位 (left) and 报告期 / 统计时点 (right).
  const split = ncols >= 2 ? Math.ceil(ncols / 2) : 1;
  if (ncols >= 2) {
    if (split > 1) sheet.mergeCells(2, 1, 2, split);
    if (ncols > split + 1) sheet.mergeCells(2, split + 1, 2, ncols);
    const unit = sheet.getCell(2, 1);
    unit.value = unitLine(meta);
    unit.font = body;
    unit.alignment = { horizontal: 'left', vertical: 'middle' };
    const period = sheet.getCell(2, split + 1);
    period.value = periodLine(result, meta);
    period.font = body;
    period.alignment = { horizontal: 'right', vertical: 'middle' };
  } else {
    const cell = sheet.getCell(2, 1);
    cell.value = `${unitLine(meta)}  ${periodLine(result, meta)}`;
    cell.font = body;
  }
  sheet.getRow(2).height = 20;

  // Column headers with their merged cells; every cell of a merge gets the border.
  for (let r = headerTop; r <= headerBottom; r++) {
    for (let c = 1; c <= ncols; c++) {
      const cell = sheet.getCell(r, c);
      cell.border = THIN;
      cell.font = { ...body, bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    }
  }
  for (const h of grid.cells) {
    const top = headerTop + h.row;
    const left = 1 + h.col;
    if (h.rowSpan > 1 || h.colSpan > 1) sheet.mergeCells(top, left, top + h.rowSpan - 1, left + h.colSpan - 1);
    sheet.getCell(top, left).value = say(h.label, locale);
    if (h.rowSpan === 1) {
      const row = sheet.getRow(top);
      row.height = Math.max(row.height ?? 0, 20, wrappedHeight(say(h.label, locale), spanWidth(h.col, h.colSpan), 14) + 6);
    }
  }

  // Data, subtotal and total rows.
  let r = headerBottom + 1;
  for (const row of result.rows) {
    const strong = row.role !== 'data';
    result.columns.forEach((column, i) => {
      const cell = sheet.getCell(r, i + 1);
      const v = row.cells[i] ?? null;
      cell.value = typeof v === 'number' && column.type === 'count' ? Math.round(v) : v;
      cell.border = THIN;
      cell.font = strong ? { ...body, bold: true } : body;
      const numeric = typeof v === 'number';
      const fmt = numeric ? numberFormat(column, v) : undefined;
      if (fmt !== undefined) cell.numFmt = fmt;
      cell.alignment = {
        horizontal: numeric || (isNumeric(column) && v === null) ? 'right' : i === 0 && row.role === 'total' ? 'center' : 'left',
        vertical: 'middle',
        ...(i === 0 && row.level > 0 && !numeric ? { indent: row.level } : {}),
      };
    });
    r++;
  }

  // Notes, then the signature line.
  for (const [n, note] of result.notes.entries()) {
    acrossRow(r);
    const cell = sheet.getCell(r, 1);
    const prefix = n === 0 ? (locale === 'en' ? 'Notes: ' : '注：') : locale === 'en' ? '       ' : '　　';
    cell.value = `${prefix}${say(note, locale)}`;
    cell.font = { ...body, size: 9 };
    cell.alignment = { horizontal: 'left', vertical: 'top', wrapText: true };
    sheet.getRow(r).height = wrappedHeight(String(cell.value), spanWidth(0, ncols), 13);
    r++;
  }
  r++;
  acrossRow(r);
  const sign = sheet.getCell(r, 1);
  sign.value = signatureLine(result, meta);
  sign.font = body;
  sign.alignment = { horizontal: 'left', vertical: 'middle' };
  sheet.pageSetup.printArea = `A1:${sheet.getColumn(ncols).letter}${r}`;

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
