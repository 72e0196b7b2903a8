/**
 * Test support for the renderers: report results as the engine gives them (a roster with masked ID
 * numbers and awkward text; a statistical table with a two-level header, subtotals, a total row and
 * shares), and a small PDF text extractor (inflates the streams, reads pdfkit's ToUnicode maps) so
 * tests can find the Chinese in a PDF without poppler. Test support only.
 */
import { inflateSync } from 'node:zlib';
import type { FormMeta, ReportResult, ResultRow } from '../types.ts';

export const META_ZH: FormMeta = {
  locale: 'zh',
  reportingUnit: '新华路街道办事处',
  period: '2024年12月',
  preparedBy: '张三',
  reviewedBy: '李四',
};
export const META_EN: FormMeta = { locale: 'en', reportingUnit: 'Xinhua Road Street Office', period: '2024-12' };

/** 60+ roster: masked ID numbers, a formula-like text, a comma and a quote, a null. */
export function rosterResult(extraRows = 0): ReportResult {
  const rows: ResultRow[] = [
    { role: 'data', level: 0, cells: [1, '王建国', '310***********1234', '男', 82, '番禺居委会', 1250.5, '=HYPERLINK("http://x")'] },
    { role: 'data', level: 0, cells: [2, '李秀英', '310***********567X', '女', 67, '番禺居委会', 800, '独居, 需"关注"'] },
    { role: 'data', level: 0, cells: [3, 'Smith, John', null, '男', 61, '法华居委会', null, '+86 手机未登记'] },
  ];
  for (let i = 0; i < extraRows; i++) {
    rows.push({
      role: 'data',
      level: 0,
      cells: [
        4 + i,
        `测试${i}`,
        `310***********${String(1000 + i)}`,
        i % 2 ? '女' : '男',
        60 + (i % 30),
        '新华居委会',
        i % 3 ? 600 + i / 4 : null,
        null,
      ],
    });
  }
  return {
    definitionId: 'elderly-roster',
    definitionVersion: 1,
    kind: 'roster',
    title: { zh: '60岁以上老年人花名册', en: 'Roster of residents aged 60 and over' },
    area: { code: '310105004', name: '新华路街道' },
    asOf: '2024-12-31',
    generatedAt: '2025-01-03T02:30:00.000Z',
    departmentId: 'civil-affairs',
    purpose: 'ELDERLY_CARE',
    header: [],
    columns: [
      { key: 'seq', label: { zh: '序号', en: 'No.' }, type: 'count' },
      { key: 'name', label: { zh: '姓名', en: 'Name' }, type: 'text', elementId: 'person.name' },
      { key: 'idNumber', label: { zh: '公民身份号码', en: 'ID number' }, type: 'text', elementId: 'person.idNumber' },
      { key: 'sex', label: { zh: '性别', en: 'Sex' }, type: 'text', elementId: 'person.sex' },
      { key: 'age', label: { zh: '年龄', en: 'Age' }, type: 'count' },
      { key: 'committee', label: { zh: '居委会', en: 'Committee' }, type: 'text' },
      { key: 'subsidy', label: { zh: '补贴金额（元）', en: 'Allowance (yuan)' }, type: 'number' },
      { key: 'remark', label: { zh: '备注', en: 'Remarks' }, type: 'text' },
    ],
    rows,
    personCount: 3 + extraRows,
    notes: [{ zh: '公民身份号码已按规定脱敏显示。', en: 'ID numbers are masked.' }],
  };
}

const CATEGORIES = [
  { zh: '人在户在', en: 'Registered and resident' },
  { zh: '人在户不在', en: 'Resident, registered elsewhere in Shanghai' },
  { zh: '外省市来沪', en: 'From other provinces' },
  { zh: '境外', en: 'From abroad' },
];

/** Per grid: counts per category. */
const GRIDS: readonly { committee: string; grid: string; counts: readonly number[] }[] = [
  { committee: '番禺居委会', grid: '第一网格', counts: [120, 80, 40, 8] },
  { committee: '番禺居委会', grid: '第二网格', counts: [95, 60, 30, 5] },
  { committee: '法华居委会', grid: '第一网格', counts: [210, 130, 66, 12] },
];

function line(label: string, counts: readonly number[], role: ResultRow['role'], level: number): ResultRow {
  const total = counts.reduce((s, n) => s + n, 0);
  const cells: (string | number | null)[] = [label, total];
  for (const n of counts) cells.push(n, total === 0 ? null : n / total);
  return { role, level, cells };
}

function sum(list: readonly (readonly number[])[]): number[] {
  return CATEGORIES.map((_, i) => list.reduce((s, c) => s + (c[i] ?? 0), 0));
}

/** 实有人口月报: committees with grids, subtotals per committee, a total row; two header rows with merged cells. */
export function tableResult(): ReportResult {
  const rows: ResultRow[] = [];
  for (const committee of ['番禺居委会', '法华居委会']) {
    const grids = GRIDS.filter((g) => g.committee === committee);
    for (const g of grids) rows.push(line(g.grid, g.counts, 'data', 1));
    rows.push(line(`${committee}小计`, sum(grids.map((g) => g.counts)), 'subtotal', 0));
  }
  rows.push(line('合计', sum(GRIDS.map((g) => g.counts)), 'total', 0));
  return {
    definitionId: 'actual-population-monthly',
    definitionVersion: 3,
    kind: 'table',
    title: { zh: '实有人口月报', en: 'Actual population monthly report' },
    area: { code: '310105004', name: '新华路街道' },
    asOf: '2024-12-31',
    generatedAt: '2025-01-03T02:30:00.000Z',
    departmentId: 'street-office',
    purpose: 'POPULATION_STATISTICS',
    header: [
      [
        { label: { zh: '单位', en: 'Unit' }, colSpan: 1, rowSpan: 2 },
        { label: { zh: '实有人口', en: 'Actual population' }, colSpan: 1, rowSpan: 2 },
        ...CATEGORIES.map((label) => ({ label, colSpan: 2, rowSpan: 1 })),
      ],
      CATEGORIES.flatMap(() => [
        { label: { zh: '人数', en: 'Persons' }, colSpan: 1, rowSpan: 1 },
        { label: { zh: '占比', en: 'Share' }, colSpan: 1, rowSpan: 1 },
      ]),
    ],
    columns: [
      { key: 'unit', label: { zh: '单位', en: 'Unit' }, type: 'text' },
      { key: 'total', label: { zh: '实有人口', en: 'Actual population' }, type: 'count' },
      ...CATEGORIES.flatMap((c, i) => [
        { key: `c${i}`, label: { zh: `${c.zh}人数`, en: `${c.en}: persons` }, type: 'count' as const },
        { key: `c${i}Share`, label: { zh: `${c.zh}占比`, en: `${c.en}: share` }, type: 'share' as const },
      ]),
    ],
    rows,
    personCount: 856,
    notes: [
      { zh: '人口类别按统计时点的居住和户籍登记判定。', en: 'Categories follow residence and registration on the reference date.' },
      { zh: '占比 = 该类人数 ÷ 实有人口。', en: 'Share = persons in the category ÷ actual population.' },
    ],
  };
}

// --- PDF text -------------------------------------------------------------------------------------

interface PdfObject {
  readonly dict: string;
  readonly stream?: Buffer;
}

function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*([\s\S]*?)endobj/g;
  for (const m of text.matchAll(re)) {
    const body = m[2]!;
    const s = body.indexOf('stream');
    if (s < 0) {
      out.set(Number(m[1]), { dict: body });
      continue;
    }
    const start = m.index + m[0].indexOf(body) + s + 'stream'.length + (body[s + 6] === '\r' ? 2 : 1);
    const end = text.indexOf('endstream', start);
    let raw = pdf.subarray(start, end);
    const dict = body.slice(0, s);
    if (/FlateDecode/.test(dict)) raw = inflateSync(raw);
    out.set(Number(m[1]), { dict, stream: raw });
  }
  return out;
}

function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const hexText = (h: string) => {
    const units: number[] = [];
    for (let i = 0; i + 4 <= h.length; i += 4) units.push(parseInt(h.slice(i, i + 4), 16));
    return String.fromCharCode(...units);
  };
  for (const m of cmap.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g)) {
    const start = parseInt(m[1]!, 16);
    [...m[3]!.matchAll(/<([0-9a-fA-F ]+)>/g)].forEach((e, i) => map.set(start + i, hexText(e[1]!.replace(/\s+/g, ''))));
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1]!, 16), hexText(m[2]!));
  }
  return map;
}

/** The rectangles drawn on each page ([x, y, width, height] in points, as written). */
export function pdfPageRects(pdf: Buffer): number[][][] {
  const objects = pdfObjects(pdf);
  const root = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o.dict));
  const kids = [...(root ? (/\/Kids \[([^\]]*)\]/.exec(root.dict)?.[1] ?? '') : '').matchAll(/(\d+) 0 R/g)];
  return kids.map((k) => {
    const page = objects.get(Number(k[1]));
    const contents = page && /\/Contents (\d+) 0 R/.exec(page.dict);
    const ops = (contents && objects.get(Number(contents[1]))?.stream?.toString('latin1')) ?? '';
    return [...ops.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)].map((m) => [1, 2, 3, 4].map((i) => Number(m[i])));
  });
}

/** The text of each page of a pdfkit PDF (one string per page, text runs joined by newlines). */
export function pdfPageTexts(pdf: Buffer): string[] {
  const objects = pdfObjects(pdf);
  const cmaps = new Map<string, Map<number, string>>();
  for (const obj of objects.values()) {
    const fonts = /\/Font\s*<<([^>]*)>>/.exec(obj.dict);
    if (!fonts) continue;
    for (const f of fonts[1]!.matchAll(/\/(\S+)\s+(\d+) 0 R/g)) {
      const font = objects.get(Number(f[2]));
      const toUnicode = font && /\/ToUnicode (\d+) 0 R/.exec(font.dict);
      const stream = toUnicode && objects.get(Number(toUnicode[1]))?.stream;
      if (stream) cmaps.set(f[1]!, parseCmap(stream.toString('latin1')));
    }
  }
  const root = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o.dict));
  const kids = root
    ? [...(/\/Kids \[([^\]]*)\]/.exec(root.dict)?.[1]?.matchAll(/(\d+) 0 R/g) ?? [])].map((k) => objects.get(Number(k[1])))
    : [];
  const pages = kids.filter((o): o is PdfObject => o !== undefined);
  return pages.map((page) => {
    const contents = /\/Contents (\d+) 0 R/.exec(page.dict);
    const stream = contents ? objects.get(Number(contents[1]))?.stream : undefined;
    if (!stream) return '';
    const ops = stream.toString('latin1');
    let cmap = new Map<number, string>();
    const runs: string[] = [];
    for (const m of ops.matchAll(/\/(\S+)\s+[\d.]+\s+Tf|\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      if (m[1] !== undefined) {
        cmap = cmaps.get(m[1]) ?? new Map();
        continue;
      }
      const hexes = m[2] !== undefined ? [...m[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [m[3]!];
      let run = '';
      for (const h of hexes) for (let i = 0; i + 4 <= h.length; i += 4) run += cmap.get(parseInt(h.slice(i, i + 4), 16)) ?? '?';
      runs.push(run);
    }
    return runs.join('\n');
  });
}
