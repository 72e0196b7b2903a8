/**
 * The renderers of reports (issue 8): a ReportResult — everything a form needs, already cut to the
 * caller's remit and masked — becomes a file: JSON, XLSX in the government form layout, CSV or PDF.
 * Department templates (their own XLSX forms with `{{placeholders}}`) are checked and filled here
 * too. Pure transformations of the result: no store, no remit, no audit (the service does those).
 */
import { assertNever } from '../../../domain/errors.ts';
import type { FormMeta, OutputFormat, ReportResult } from '../types.ts';
import { renderCsv } from './csv.renderer.ts';
import { contentDisposition, fileNames } from './form-text.ts';
import { DEFAULT_CJK_FONT, DEFAULT_CJK_FONT_NAME, renderPdf, type PdfFont } from './pdf.renderer.ts';
import { renderXlsx } from './xlsx.renderer.ts';

export { checkTemplate, fillTemplate } from './template.ts';
export type { TemplateCheck, TemplateData, TemplatePlaceholder, TemplateProblem, RosterValue } from './template.ts';
export { contentDisposition } from './form-text.ts';
export { DEFAULT_CJK_FONT, DEFAULT_CJK_FONT_NAME, type PdfFont } from './pdf.renderer.ts';

export interface Rendered {
  readonly body: Buffer;
  readonly contentType: string;
  /** `实有人口月报-310105004-2024-12-31.xlsx`. */
  readonly fileName: string;
  /** ASCII fallback for Content-Disposition: `actual-population-monthly-310105004-2024-12-31.xlsx`. */
  readonly asciiFileName: string;
  /** The whole Content-Disposition header (RFC 6266: `filename` ASCII + `filename*` UTF-8). */
  readonly contentDisposition: string;
}

export interface RenderOptions {
  /** The CJK font for PDF (default: Debian's Noto Sans CJK SC); the service passes `POPULUS_CJK_FONT` here. */
  readonly pdfFont?: PdfFont | undefined;
}

export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

async function bodyOf(result: ReportResult, format: OutputFormat, meta: FormMeta, options: RenderOptions): Promise<Buffer> {
  switch (format) {
    case 'json':
      return Buffer.from(JSON.stringify(result), 'utf8');
    case 'xlsx':
      return renderXlsx(result, meta);
    case 'csv':
      return renderCsv(result, meta);
    case 'pdf':
      return renderPdf(result, meta, options.pdfFont ?? { path: DEFAULT_CJK_FONT, name: DEFAULT_CJK_FONT_NAME });
    default:
      return assertNever(format, 'output format');
  }
}

export async function render(result: ReportResult, format: OutputFormat, meta: FormMeta, options: RenderOptions = {}): Promise<Rendered> {
  const body = await bodyOf(result, format, meta, options);
  const names = fileNames(result, meta.locale, format);
  return { body, contentType: CONTENT_TYPES[format], ...names, contentDisposition: contentDisposition(names) };
}
