/** Rejected rows as a CSV a clerk opens in Excel (UTF-8 with BOM, so Chinese shows right). */
export interface RejectedRow {
  readonly row: number;
  readonly column: string | null;
  readonly value: string | null;
  readonly reason: string;
  readonly message: string;
}

function cell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function rejectedRowsCsv(fileName: string, rows: readonly RejectedRow[]): string {
  const lines = ['文件 file,行 row,列 column,值 value,原因 reason,说明 message'];
  for (const r of rows) lines.push([fileName, r.row, r.column, r.value, r.reason, r.message].map(cell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
