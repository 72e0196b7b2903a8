/**
 * The words a rendered form carries besides the figures — 填报单位, 报告期, 填表人, 合计 … — in both
 * console languages, and the small helpers every renderer shares: picking a label in the locale,
 * the production date in Shanghai time, the period line, file names safe for Content-Disposition.
 */
import type { FormMeta, Label, ReportResult, ResultRow } from '../types.ts';

export type Locale = FormMeta['locale'];

export const FORM_TEXT = {
  reportingUnit: { zh: '填报单位', en: 'Reporting unit' },
  period: { zh: '报告期', en: 'Period' },
  asOf: { zh: '统计时点', en: 'As of' },
  preparedBy: { zh: '填表人', en: 'Prepared by' },
  reviewedBy: { zh: '审核人', en: 'Reviewed by' },
  filledOn: { zh: '填报日期', en: 'Date' },
  notes: { zh: '注', en: 'Notes' },
  subtotal: { zh: '小计', en: 'Subtotal' },
  total: { zh: '合计', en: 'Total' },
  rowRole: { zh: '行类型', en: 'Row type' },
  persons: { zh: '人数', en: 'Persons' },
  pageOf: { zh: '第 {n} 页 / 共 {m} 页', en: 'Page {n} of {m}' },
} as const satisfies Record<string, Label>;

export function say(label: Label, locale: Locale): string {
  return locale === 'en' ? label.en : label.zh;
}

/** `填报单位：` / `Reporting unit: ` — the full-width colon in Chinese. */
export function caption(label: Label, locale: Locale, value: string): string {
  return locale === 'en' ? `${label.en}: ${value}` : `${label.zh}：${value}`;
}

export function validDate(iso: string): boolean {
  return !Number.isNaN(new Date(iso).getTime());
}

/** The calendar date (YYYY-MM-DD) of an ISO timestamp in Shanghai, where the forms are filled. */
export function shanghaiDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 10);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The line under the title: reporting unit (left) and period + reference date (right). */
export function unitLine(meta: FormMeta): string {
  return caption(FORM_TEXT.reportingUnit, meta.locale, meta.reportingUnit);
}

export function periodLine(result: ReportResult, meta: FormMeta): string {
  const asOf = caption(FORM_TEXT.asOf, meta.locale, result.asOf);
  if (meta.period === undefined || meta.period === '') return asOf;
  return `${caption(FORM_TEXT.period, meta.locale, meta.period)}${meta.locale === 'en' ? '    ' : '　　'}${asOf}`;
}

/** The last line of a government form: 填表人 / 审核人 / 填报日期. */
export function signatureLine(result: ReportResult, meta: FormMeta): string {
  const gap = meta.locale === 'en' ? '        ' : '　　　　';
  return [
    caption(FORM_TEXT.preparedBy, meta.locale, meta.preparedBy ?? ''),
    caption(FORM_TEXT.reviewedBy, meta.locale, meta.reviewedBy ?? ''),
    caption(FORM_TEXT.filledOn, meta.locale, shanghaiDate(result.generatedAt)),
  ].join(gap);
}

export function roleLabel(role: ResultRow['role'], locale: Locale): string {
  switch (role) {
    case 'data':
      return '';
    case 'subtotal':
      return say(FORM_TEXT.subtotal, locale);
    case 'total':
      return say(FORM_TEXT.total, locale);
  }
}

/** Page footer text: 第 n 页 / 共 m 页. */
export function pageOf(n: number, m: number, locale: Locale): string {
  return say(FORM_TEXT.pageOf, locale).replace('{n}', String(n)).replace('{m}', String(m));
}

/** Removes what file systems and Content-Disposition refuse: path separators, quotes, control characters. */
function safeName(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|;]+/g, '')
    .replace(/\s+/g, '-')
    .replace(/^\.+/, '')
    .slice(0, 120);
}

export interface FileNames {
  /** `实有人口月报-310105004-2024-12-31.xlsx` (English title when locale = en). */
  readonly fileName: string;
  /** ASCII only, for the plain `filename=` of Content-Disposition: `actual-population-monthly-310105004-2024-12-31.xlsx`. */
  readonly asciiFileName: string;
}

export function fileNames(result: ReportResult, locale: Locale, extension: string): FileNames {
  const tail = `${safeName(result.area.code)}-${safeName(result.asOf)}.${extension}`;
  const title = safeName(say(result.title, locale)) || safeName(result.definitionId) || 'report';
  const ascii = (safeName(result.definitionId).replace(/[^\x20-\x7e]/g, '') || 'report').replace(/[^A-Za-z0-9._-]/g, '-');
  return { fileName: `${title}-${tail}`, asciiFileName: `${ascii}-${tail}`.replace(/[^A-Za-z0-9._-]/g, '-') };
}

/** `attachment; filename="ascii.xlsx"; filename*=UTF-8''%E5%AE%9E…` (RFC 6266 / 5987). */
export function contentDisposition(names: FileNames): string {
  const encoded = encodeURIComponent(names.fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${names.asciiFileName}"; filename*=UTF-8''${encoded}`;
}
