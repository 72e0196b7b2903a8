/**
 * Files for the readers' tests, written into a fresh temporary folder: text in any encoding, and
 * XLSX workbooks built with exceljs the way office systems export them. Test support only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export class FixtureDir {
  readonly path = mkdtempSync(join(tmpdir(), 'populus-read-'));

  file(name: string): string {
    return join(this.path, name);
  }

  /** Writes text in 'utf8', 'utf8-bom', or any iconv-lite encoding ('gbk', 'gb18030', 'utf16le'…). */
  text(name: string, text: string, encoding = 'utf8'): string {
    const bytes =
      encoding === 'utf8'
        ? Buffer.from(text, 'utf8')
        : encoding === 'utf8-bom'
          ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])
          : iconv.encode(text, encoding, { addBOM: encoding.startsWith('utf16') });
    return this.bytes(name, bytes);
  }

  bytes(name: string, bytes: Uint8Array): string {
    const path = this.file(name);
    writeFileSync(path, bytes);
    return path;
  }

  /** Builds a workbook with exceljs and writes it. */
  async workbook(name: string, build: (workbook: ExcelJS.Workbook) => void): Promise<string> {
    const workbook = new ExcelJS.Workbook();
    build(workbook);
    const path = this.file(name);
    await workbook.xlsx.writeFile(path);
    return path;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
