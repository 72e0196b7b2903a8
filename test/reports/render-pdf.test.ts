/**
 * PDF output (pdfkit with Debian's Noto Sans CJK): a PDF with the pages expected, the Chinese title,
 * unit, period and figures in its text (read back through the embedded font's ToUnicode map, as
 * poppler is not installed here), the header repeated on every page, 第 n 页 / 共 m 页, landscape
 * when wide, the font embedded as a subset, and REPORT_FONT_MISSING when the font is absent.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isPopulusError } from '../../src/domain/errors.ts';
import { DEFAULT_CJK_FONT, render } from '../../src/apps/reports/render/index.ts';
import { META_EN, META_ZH, pdfPageRects, pdfPageTexts, rosterResult, tableResult } from '../../src/apps/reports/render/test-fixtures.ts';

const noFont = existsSync(DEFAULT_CJK_FONT)
  ? undefined
  : process.env['CI']
    ? undefined
    : `the CJK font is not installed at ${DEFAULT_CJK_FONT} (apt-get install fonts-noto-cjk)`;
if (noFont) console.log(`# skipped: ${noFont}`);

function mediaBoxes(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/\/MediaBox \[([^\]]*)\]/g)].map((m) =>
    m[1]!
      .trim()
      .split(/\s+/)
      .map((n) => Math.round(Number(n)))
      .join(' '),
  );
}

describe('PDF renderer', { skip: noFont }, async () => {
  const table = await render(tableResult(), 'pdf', META_ZH);
  const tablePages = pdfPageTexts(table.body);
  const roster = await render(rosterResult(150), 'pdf', META_ZH);
  const rosterPages = pdfPageTexts(roster.body);

  test('a PDF file, one A4 landscape page for the wide table', () => {
    assert.equal(table.body.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(table.contentType, 'application/pdf');
    assert.equal(table.fileName, '实有人口月报-310105004-2024-12-31.pdf');
    assert.equal(tablePages.length, 1);
    assert.deepEqual(mediaBoxes(table.body), ['0 0 842 595']);
  });

  test('the Chinese title, unit, period and figures are in the text; page number at the foot', () => {
    const text = tablePages[0]!;
    for (const s of [
      '实有人口月报',
      '填报单位：新华路街道办事处',
      '报告期：2024年12月',
      '统计时点：2024-12-31',
      '人在户不在',
      '番禺居委会小计',
      '合计',
      '856',
      '49.6%',
      '2.9%',
      '填表人：张三',
      '第 1 页 / 共 1 页',
    ]) {
      assert.ok(text.includes(s), `${s} in the PDF text`);
    }
    const lines = text.split('\n');
    const total = lines.indexOf('合计');
    assert.deepEqual(lines.slice(total, total + 4), ['合计', '856', '425', '49.6%']);
  });

  test('the CJK font is embedded as a subset (not referenced)', () => {
    const raw = table.body.toString('latin1');
    assert.match(raw, /\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    assert.match(raw, /\/FontFile[23]? \d+ 0 R/);
    assert.ok(table.body.length < 400_000, `subset keeps the file small (${table.body.length} bytes)`);
  });

  test('a long roster: several portrait pages, the header repeated and numbered on each', () => {
    assert.ok(rosterPages.length >= 3, `${rosterPages.length} pages`);
    assert.ok(mediaBoxes(roster.body).every((b) => b === '0 0 595 842'));
    rosterPages.forEach((page, i) => {
      assert.ok(page.includes('公民身份号码'), `header on page ${i + 1}`);
      assert.ok(page.includes(`第 ${i + 1} 页 / 共 ${rosterPages.length} 页`), `page number on page ${i + 1}`);
    });
    const all = rosterPages.join('\n');
    assert.ok(all.includes('310***********1234') && all.includes('测试149'), 'first and last rows present');
    assert.ok(
      rosterPages.at(-1)!.includes('测试149') && rosterPages.at(-1)!.includes('填表人：张三'),
      'the signature line stays with the last row',
    );
  });

  test('a wide table with long labels: landscape, every cell inside the margins, long text wrapped', async () => {
    const base = tableResult();
    const extra = Array.from({ length: 8 }, (_, i) => ({
      key: `x${i}`,
      label: { zh: `其中：享受最低生活保障的困难家庭成员${i}`, en: `x${i}` },
      type: 'count' as const,
    }));
    const wide = {
      ...base,
      header: [],
      columns: [...base.columns, ...extra],
      rows: base.rows.map((r) => ({ ...r, cells: [...r.cells, ...extra.map((_, i) => i * 1000)] })),
    };
    const out = await render(wide, 'pdf', META_ZH);
    assert.deepEqual(mediaBoxes(out.body), ['0 0 842 595']);
    const rects = pdfPageRects(out.body)[0]!;
    assert.ok(rects.length >= wide.columns.length * (wide.rows.length + 1), `${rects.length} cells drawn`);
    for (const [x, , w] of rects) assert.ok(x! >= 35.9 && x! + w! <= 842 - 35.9, `cell ${x}+${w} inside the margins`);
    const text = pdfPageTexts(out.body)[0]!;
    assert.ok(text.includes('7000'), 'the last column is drawn');
    assert.ok(!text.includes('其中：享受最低生活保障的困难家庭成员7'), 'a long header label wraps onto several lines');
  });

  test('a text longer than a page is cut with an ellipsis, not run over the page', async () => {
    const base = rosterResult();
    const long = { role: 'data' as const, level: 0, cells: [2, '李秀英', null, '女', 67, '番禺居委会', null, '长'.repeat(3_000)] };
    // Alone on the first page, and after a short row: cut to what is left of the page either way.
    for (const rows of [[long], [base.rows[0]!, long]]) {
      const pages = pdfPageTexts((await render({ ...base, rows }, 'pdf', META_ZH)).body);
      assert.equal(pages.length, 1, `${pages.length} pages`);
      assert.ok(pages[0]!.includes('…'), 'an ellipsis marks the cut');
      assert.ok(pages[0]!.includes('填表人：张三'));
    }
    const many = { ...base, rows: [...rosterResult(40).rows, long] };
    const pages = pdfPageTexts((await render(many, 'pdf', META_ZH)).body);
    assert.equal(pages.length, 2, 'a long row after a full page goes to the next page, cut there');
    assert.ok(pages[1]!.includes('…') && pages[1]!.includes('填表人：张三'));
  });

  test('English when locale = en', async () => {
    const text = pdfPageTexts((await render(tableResult(), 'pdf', META_EN)).body).join('\n');
    assert.ok(text.includes('Actual population monthly report'));
    assert.ok(text.includes('Page 1 of 1'));
  });

  test('a missing font is REPORT_FONT_MISSING, naming the font', async () => {
    await assert.rejects(
      render(tableResult(), 'pdf', META_ZH, { pdfFont: { path: '/nonexistent/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKsc-Regular' } }),
      (e: unknown) => {
        assert.ok(isPopulusError(e));
        assert.equal(e.code, 'REPORT_FONT_MISSING');
        assert.equal(e.details['font'], '/nonexistent/NotoSansCJK-Regular.ttc');
        return true;
      },
    );
  });

  test('a font file that is not a font, or a face not in the collection, is REPORT_FONT_MISSING too', async () => {
    for (const pdfFont of [{ path: '/etc/hostname' }, { path: DEFAULT_CJK_FONT, name: 'NoSuchFace-Regular' }]) {
      await assert.rejects(
        render(tableResult(), 'pdf', META_ZH, { pdfFont }),
        (e: unknown) => isPopulusError(e) && e.code === 'REPORT_FONT_MISSING',
      );
    }
  });
});
