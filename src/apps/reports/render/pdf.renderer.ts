/**
 * A report result as PDF (pdfkit): A4, landscape when the table is wide; the title, the reporting
 * unit and the period; the table with its merged header cells repeated on every page, column widths
 * fitted to the page (long text wraps); subtotal and total rows bold; notes, the signature line and
 * 第 n 页 / 共 m 页 on every page. Chinese needs a CJK font: Debian's fonts-noto-cjk (Noto Sans CJK
 * SC inside the .ttc collection) by default, or any TTF/OTF/TTC the caller names (the service passes
 * `POPULUS_CJK_FONT` from the config). pdfkit embeds only the glyphs used (a subset), so a page of
 * Chinese stays tens of kilobytes. A missing font is REPORT_FONT_MISSING, never a PDF of empty boxes.
 */
import { accessSync, constants } from 'node:fs';
import PDFDocument from 'pdfkit';
import { PopulusError } from '../../../domain/errors.ts';
import type { FormMeta, ReportResult } from '../types.ts';
import { displayWidth, formatValue, isNumeric, layoutHeader } from './header-grid.ts';
import { FORM_TEXT, pageOf, periodLine, say, signatureLine, unitLine, validDate } from './form-text.ts';

export const DEFAULT_CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
export const DEFAULT_CJK_FONT_NAME = 'NotoSansCJKsc-Regular';

export interface PdfFont {
  /** A TTF, OTF or TTC file. */
  readonly path: string;
  /** The PostScript name of the face inside a collection (.ttc); ignored for single-face files. */
  readonly name?: string | undefined;
}

const MARGIN = 36;
const PAD = 3;
const BODY_SIZE = 8.5;
const FOOTER_SPACE = 22;

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function fontMissing(font: PdfFont, why: string): PopulusError {
  return new PopulusError(
    'REPORT_FONT_MISSING',
    `cannot make a PDF: the CJK font ${font.path}${font.name ? ` (${font.name})` : ''} ${why}; install Debian's fonts-noto-cjk or set POPULUS_CJK_FONT to a TTF/OTF/TTC file`,
    {
      font: font.path,
      fontName: font.name ?? null,
      messageZh: `无法生成PDF：缺少中文字体 ${font.path}（请安装 fonts-noto-cjk 或设置 POPULUS_CJK_FONT）`,
    },
  );
}

/** The bold face beside a regular one (NotoSansCJK-Regular.ttc → NotoSansCJK-Bold.ttc), when installed. */
function boldOf(font: PdfFont): PdfFont | undefined {
  if (!/Regular/.test(font.path)) return undefined;
  const path = font.path.replace(/Regular(?=[^/]*$)/, 'Bold');
  return readable(path) ? { path, name: font.name?.replace(/Regular$/, 'Bold') } : undefined;
}

function register(doc: PDFKit.PDFDocument, alias: string, font: PdfFont): void {
  const collection = /\.(ttc|otc)$/i.test(font.path);
  try {
    // A collection needs the face's PostScript name; without one, Noto Sans CJK SC is assumed.
    if (collection) doc.registerFont(alias, font.path, font.name ?? DEFAULT_CJK_FONT_NAME);
    else doc.registerFont(alias, font.path);
    doc.font(alias);
  } catch (e) {
    const hint = collection ? ' — for a font collection (.ttc) name the face: POPULUS_CJK_FONT=/path/font.ttc#FaceName' : '';
    throw fontMissing(font, `cannot be used (${e instanceof Error ? e.message : String(e)})${hint}`);
  }
}

export async function renderPdf(
  result: ReportResult,
  meta: FormMeta,
  font: PdfFont = { path: DEFAULT_CJK_FONT, name: DEFAULT_CJK_FONT_NAME },
): Promise<Buffer> {
  if (!readable(font.path)) throw fontMissing(font, 'is not installed or not readable');
  const { locale } = meta;
  const grid = layoutHeader(result);
  const title = say(result.title, locale);
  const columns = result.columns;

  // Landscape when many columns, or when their text (estimated from its width in characters) will not fit upright.
  const natural = columns.map((column, i) => {
    let w = 0;
    for (const h of grid.cells) if (h.col === i && h.colSpan === 1) w = Math.max(w, displayWidth(say(h.label, locale)));
    for (const row of result.rows.slice(0, 500))
      w = Math.max(w, displayWidth(formatValue(row.cells[i] ?? null, column)) + (i === 0 ? row.level * 2 : 0));
    return Math.min(w, 40);
  });
  const naturalPt = natural.reduce((s, w) => s + w * BODY_SIZE * 0.55 + 2 * PAD, 0);
  const landscape = columns.length > 8 || naturalPt > 595.28 - 2 * MARGIN;

  const doc = new PDFDocument({
    size: 'A4',
    layout: landscape ? 'landscape' : 'portrait',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: title,
      Author: meta.reportingUnit,
      Creator: 'Populus',
      ...(validDate(result.generatedAt) ? { CreationDate: new Date(result.generatedAt) } : {}),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  register(doc, 'regular', font);
  const bold = boldOf(font);
  let boldAlias = 'regular';
  if (bold) {
    try {
      register(doc, 'bold', bold);
      boldAlias = 'bold';
    } catch {
      boldAlias = 'regular'; // no usable bold face: totals are set off by their shading alone
    }
  }

  const left = MARGIN;
  const available = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - FOOTER_SPACE;

  // Column widths: measured text (narrow characters × an average advance), scaled to fill the width.
  doc.font('regular').fontSize(BODY_SIZE);
  const measured = columns.map((column, i) => {
    let w = 24;
    for (const h of grid.cells)
      if (h.col === i && h.colSpan === 1) w = Math.max(w, Math.min(doc.widthOfString(say(h.label, locale)), 160) + 2 * PAD);
    for (const row of result.rows.slice(0, 500)) {
      const t = formatValue(row.cells[i] ?? null, column);
      w = Math.max(w, Math.min(doc.widthOfString(t) + (i === 0 ? row.level * 8 : 0), 200) + 2 * PAD);
    }
    return w;
  });
  const total = measured.reduce((s, w) => s + w, 0) || 1;
  const widths = measured.map((w) => (w * available) / total);
  const xOf = (col: number) => left + widths.slice(0, col).reduce((s, w) => s + w, 0);
  const spanWidth = (col: number, span: number) => widths.slice(col, col + span).reduce((s, w) => s + w, 0);

  // Title, unit and period.
  doc.font(boldAlias).fontSize(16).text(title, left, MARGIN, { width: available, align: 'center' });
  let y = doc.y + 6;
  doc.font('regular').fontSize(9);
  doc.text(unitLine(meta), left, y, { width: available / 2, align: 'left', lineBreak: false });
  doc.text(periodLine(result, meta), left + available / 2, y, { width: available / 2, align: 'right', lineBreak: false });
  y += 16;

  // Header row heights from the single-row cells' wrapped labels.
  doc.font(boldAlias).fontSize(BODY_SIZE);
  const headerHeights = Array.from({ length: grid.rows }, (_, r) => {
    let h = 16;
    for (const c of grid.cells) {
      if (c.row === r && c.rowSpan === 1)
        h = Math.max(h, doc.heightOfString(say(c.label, locale), { width: spanWidth(c.col, c.colSpan) - 2 * PAD }) + 2 * PAD);
    }
    return h;
  });
  const headerHeight = headerHeights.reduce((s, h) => s + h, 0);

  const drawHeader = (top: number): number => {
    doc.font(boldAlias).fontSize(BODY_SIZE).lineWidth(0.5);
    for (const c of grid.cells) {
      const x = xOf(c.col);
      const cy = top + headerHeights.slice(0, c.row).reduce((s, h) => s + h, 0);
      const w = spanWidth(c.col, c.colSpan);
      const h = headerHeights.slice(c.row, c.row + c.rowSpan).reduce((s, v) => s + v, 0);
      doc.rect(x, cy, w, h).fillAndStroke('#f2f2f2', '#000000');
      const text = say(c.label, locale);
      const th = doc.heightOfString(text, { width: w - 2 * PAD });
      doc.fillColor('#000000').text(text, x + PAD, cy + Math.max(PAD, (h - th) / 2), { width: w - 2 * PAD, align: 'center' });
    }
    return top + headerHeight;
  };

  // Notes and the signature line stay with the last table row: never a page of signatures alone.
  const noteText = (n: number, note: ReportResult['notes'][number]) =>
    `${n === 0 ? (locale === 'en' ? `${FORM_TEXT.notes.en}: ` : `${FORM_TEXT.notes.zh}：`) : locale === 'en' ? '       ' : '　　'}${say(note, locale)}`;
  doc.font('regular').fontSize(8);
  const tail = 6 + result.notes.reduce((s, note, n) => s + doc.heightOfString(noteText(n, note), { width: available }) + 2, 0) + 26;
  const fitsOnAPage = MARGIN + headerHeight + 40 + tail < bottom();

  y = drawHeader(y);
  for (const [index, row] of result.rows.entries()) {
    const strong = row.role !== 'data';
    doc.font(strong ? boldAlias : 'regular').fontSize(BODY_SIZE);
    const texts = columns.map((column, i) => formatValue(row.cells[i] ?? null, column));
    const indent = (i: number) => (i === 0 ? row.level * 8 : 0);
    const lineHeight = doc.currentLineHeight(true);
    const textHeight = (t: string, width: number) =>
      t === '' || doc.widthOfString(t) <= width ? lineHeight : doc.heightOfString(t, { width });
    const last = index === result.rows.length - 1;
    const wanted = Math.max(14, ...texts.map((t, i) => textHeight(t, widths[i]! - 2 * PAD - indent(i)) + 2 * PAD));
    const tailHere = last && fitsOnAPage ? tail : 0;
    const room = () => bottom() - y - tailHere;
    const newPage = () => {
      doc.addPage();
      y = drawHeader(MARGIN);
      doc.font(strong ? boldAlias : 'regular').fontSize(BODY_SIZE);
    };
    let h = wanted;
    if (wanted > bottom() - MARGIN - headerHeight - tailHere) {
      // Taller than any page (a very long text): cut with an ellipsis to the room left here, or on a
      // fresh page when little is left here — never a page run over.
      if (room() < 60) newPage();
      h = Math.max(14, room());
    } else if (h > room()) {
      newPage();
    }
    texts.forEach((t, i) => {
      const x = xOf(i);
      const w = widths[i]!;
      if (strong) doc.rect(x, y, w, h).fillAndStroke('#fafafa', '#000000');
      else doc.rect(x, y, w, h).stroke('#000000');
      const column = columns[i]!;
      const align = isNumeric(column) && typeof row.cells[i] !== 'string' ? 'right' : row.role === 'total' && i === 0 ? 'center' : 'left';
      doc
        .fillColor('#000000')
        .text(t, x + PAD + indent(i), y + PAD, { width: w - 2 * PAD - indent(i), height: h - 2 * PAD, ellipsis: true, align });
    });
    y += h;
  }

  // Notes and the signature line.
  doc.font('regular').fontSize(8);
  y += 6;
  for (const [n, note] of result.notes.entries()) {
    const text = noteText(n, note);
    const h = doc.heightOfString(text, { width: available });
    if (y + h > bottom()) {
      doc.addPage();
      y = MARGIN;
    }
    doc.text(text, left, y, { width: available });
    y += h + 2;
  }
  doc.fontSize(9);
  if (y + 24 > bottom()) {
    doc.addPage();
    y = MARGIN;
  }
  doc.text(signatureLine(result, meta), left, y + 10, { width: available, lineBreak: false });

  // 第 n 页 / 共 m 页 on every page.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(8)
      .text(pageOf(i - range.start + 1, range.count, locale), left, doc.page.height - MARGIN - 10, {
        width: available,
        align: 'center',
        lineBreak: false,
      });
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
