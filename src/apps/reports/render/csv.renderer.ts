/**
 * A report result as CSV: UTF-8 with a byte-order mark (so Excel shows the Chinese), one header line
 * of the leaf column labels in the locale, then one line per row (tables carry a last column naming
 * subtotal and total rows). RFC 4180 quoting and CRLF line ends. Shares are written as shown on the
 * form (`12.5%`, which spreadsheets read back as 0.125). A text cell that a spreadsheet would take
 * for a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe.
 */
import type { FormMeta, ReportResult } from '../types.ts';
import { FORM_TEXT, roleLabel, say } from './form-text.ts';
import { formatValue } from './header-grid.ts';

export const UTF8_BOM = '\ufeff';

/** OWASP's CSV-injection guard: neutralise a leading formula character in text. */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF, doubling inner quotes. */
export function quoteField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv(result: ReportResult, meta: FormMeta): Buffer {
  const { locale } = meta;
  const withRole = result.kind === 'table';
  const line = (fields: string[]): string => fields.map(quoteField).join(',');
  const out: string[] = [];
  const head = result.columns.map((c) => guardFormula(say(c.label, locale)));
  if (withRole) head.push(say(FORM_TEXT.rowRole, locale));
  out.push(line(head));
  for (const row of result.rows) {
    const fields = result.columns.map((column, i) => {
      const v = row.cells[i] ?? null;
      const text = formatValue(v, column);
      return typeof v === 'string' ? guardFormula(text) : text;
    });
    if (withRole) fields.push(roleLabel(row.role, locale));
    out.push(line(fields));
  }
  return Buffer.from(`${UTF8_BOM}${out.join('\r\n')}\r\n`, 'utf8');
}
