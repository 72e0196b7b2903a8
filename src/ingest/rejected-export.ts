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

/** Rejected rows as an XLSX workbook (frozen bilingual header, widths set for reading). */
export async function rejectedRowsXlsx(fileName: string, rows: readonly RejectedRow[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Populus';
  const ws = wb.addWorksheet('rejected');
  ws.columns = [
    { header: '文件 file', width: 28 },
    { header: '行 row', width: 8 },
    { header: '列 column', width: 18 },
    { header: '值 value', width: 24 },
    { header: '原因 reason', width: 22 },
    { header: '说明 message', width: 60 },
  ];
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const r of rows) ws.addRow([fileName, r.row, r.column ?? '', r.value ?? '', r.reason, r.message]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
