/** Table layout: buckets, age bands, subtotals and totals that add up, shares, and the merged header. Pure, with hand-made persons. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDefinitionCatalogue, type Dimension, type TableSpec } from './definition.ts';
import { resolveDimension, type DimensionContext } from './dimensions.ts';
import type { PersonFacts } from './engine-facts.ts';
import { buildTable } from './engine-table.ts';

const catalogue = loadDefinitionCatalogue();
const ctx: DimensionContext = {
  catalogue,
  asOf: '2024-12-31',
  committees: [
    { code: '310105004001', name: '甲居委会' },
    { code: '310105004002', name: '乙居委会' },
  ],
  provinces: new Map(),
  categories: ['RESIDENT_REGISTERED', 'FROM_OTHER_PROVINCE'],
};

let seq = 0;
function person(committee: string, birthDate: string, sex: string, household = `h${seq}`, kinds: string[] = []): PersonFacts {
  seq += 1;
  const placing = {
    personId: `p${seq}`,
    kind: 'actual',
    areaCode: committee,
    dwellingId: null,
    addressText: null,
    validFrom: null,
    validTo: null,
  };
  return {
    id: `p${seq}`,
    values: new Map([
      ['person.birthDate', birthDate],
      ['person.sex', sex],
    ]),
    category: { status: 'determined', category: 'RESIDENT_REGISTERED' },
    kinds,
    registered: placing,
    actual: placing,
    placing,
    dwelling: undefined,
    identifiers: [],
    householdId: household,
    householdNo: null,
  };
}

const A = '310105004001';
const B = '310105004002';
const persons = [
  person(A, '1950-06-01', '1', 'h1'), // 74
  person(A, '1940-01-01', '2', 'h1'), // 84
  person(A, '1935-12-31', '2', 'h2'), // 89 on 2024-12-31 (birthday that day)
  person(B, '1964-12-31', '1', 'h3'), // 60 exactly
  person(B, '1965-01-01', '2', 'h4'), // 59: in no band
  person(B, '1930-05-05', '1', 'h5'), // 94
];

const bands: Dimension = {
  by: 'ageBand',
  buckets: [
    { key: '60-79', label: { zh: '60-79岁', en: '60–79' }, min: 60, max: 79 },
    { key: '80-89', label: { zh: '80-89岁', en: '80–89' }, min: 80, max: 89 },
    { key: '90+', label: { zh: '90岁以上', en: '90+' }, min: 90 },
  ],
  subtotals: [{ key: '80+', label: { zh: '80岁以上', en: '80+' }, of: ['80-89', '90+'] }],
};
const sex: Dimension = {
  by: 'element',
  element: 'person.sex',
  buckets: [
    { key: 'M', label: { zh: '男', en: 'M' }, values: ['1'] },
    { key: 'F', label: { zh: '女', en: 'F' }, values: ['2'] },
  ],
};

function run(spec: TableSpec) {
  return buildTable(
    spec,
    spec.rows.map((d) => resolveDimension(d, ctx, persons)),
    spec.columns.map((d) => resolveDimension(d, ctx, persons)),
    persons,
  );
}

test('age bands count whole years on the reference date; the 80+ subtotal follows its last band; totals add up', () => {
  const t = run({ rows: [{ by: 'committee' }], columns: [bands], measures: ['persons'] });
  const rows = new Map(t.rows.map((r) => [r.cells[0], r.cells.slice(1)]));
  // columns: 60-79, 80-89, 90+, 80+, total
  assert.deepEqual(rows.get('甲居委会'), [1, 2, 0, 2, 3]);
  assert.deepEqual(rows.get('乙居委会'), [1, 0, 1, 1, 2]);
  assert.deepEqual(rows.get('合计'), [2, 2, 1, 3, 5]);
  assert.equal(t.personIds.length, 5, 'the 59-year-old is in no band and not counted');
  assert.equal(t.rows.at(-1)?.role, 'total');
  assert.deepEqual(
    t.header[0]?.map((h) => h.label.zh),
    ['居委会', '60-79岁', '80-89岁', '90岁以上', '80岁以上', '合计'],
  );
});

test('two column dimensions give a two-row header with merged cells and a subtotal per group', () => {
  const t = run({ rows: [{ by: 'committee' }], columns: [bands, sex], measures: ['persons'] });
  assert.equal(t.header.length, 2);
  const top = t.header[0] ?? [];
  assert.deepEqual(
    top.map((h) => [h.label.zh, h.colSpan, h.rowSpan]),
    [
      ['居委会', 1, 2],
      ['60-79岁', 3, 1],
      ['80-89岁', 3, 1],
      ['90岁以上', 3, 1],
      ['80岁以上', 1, 2],
      ['合计', 1, 2],
    ],
  );
  assert.equal(t.columns.length, 1 + 3 * 3 + 2);
  const widths = top.reduce((n, h) => n + h.colSpan, 0);
  assert.equal(widths, t.columns.length, 'header spans line up with the leaf columns');
  const a = t.rows.find((r) => r.cells[0] === '甲居委会')?.cells.slice(1);
  // 60-79: M1 F0 =1 | 80-89: M0 F2 =2 | 90+: 0 0 0 | 80+ 2 | total 3
  assert.deepEqual(a, [1, 0, 1, 0, 2, 2, 0, 0, 0, 2, 3]);
});

test('two row dimensions give a subtotal row per group, then its rows', () => {
  const t = run({ rows: [{ by: 'committee' }, sex], columns: [], measures: ['persons', 'households', 'share'] });
  const labels = t.rows.map((r) => [r.cells[0], r.role, r.level]);
  assert.deepEqual(labels.slice(0, 3), [
    ['甲居委会', 'subtotal', 0],
    ['男', 'data', 1],
    ['女', 'data', 1],
  ]);
  const first = t.rows[0]?.cells.slice(1);
  assert.deepEqual(first, [3, 2, 1], '3 persons in 2 households, share of the row = 1');
  const women = t.rows[2]?.cells.slice(1);
  assert.deepEqual(women, [2, 2, 1]);
  const total = t.rows.at(-1)?.cells.slice(1);
  assert.deepEqual(total, [6, 5, 1]);
});

test('shares are fractions of the row total', () => {
  const t = run({ rows: [{ by: 'committee' }], columns: [sex], measures: ['persons', 'share'] });
  const b = t.rows.find((r) => r.cells[0] === '乙居委会')?.cells.slice(1) as number[];
  // M: 2 persons (2/3), F: 1 (1/3), total 3 (1)
  assert.deepEqual(
    b.map((x) => Math.round(x * 1000) / 1000),
    [2, 0.667, 1, 0.333, 3, 1],
  );
});

test('kinds: a person in two kinds counts in both columns but once in the total', () => {
  const ps = [person(A, '1950-01-01', '1', 'x1', ['minimum-income', 'low-income']), person(A, '1950-01-01', '1', 'x2', ['low-income'])];
  const spec: TableSpec = {
    rows: [{ by: 'committee' }],
    columns: [{ by: 'kind', kinds: ['minimum-income', 'low-income'] }],
    measures: ['persons'],
  };
  const t = buildTable(
    spec,
    spec.rows.map((d) => resolveDimension(d, ctx, ps)),
    spec.columns.map((d) => resolveDimension(d, ctx, ps)),
    ps,
  );
  assert.deepEqual(t.rows.find((r) => r.cells[0] === '甲居委会')?.cells.slice(1), [1, 2, 2]);
});

test('an "other" bucket catches values in no bucket and missing values', () => {
  const ps = [person(A, '1950-01-01', '1'), person(A, '1950-01-01', '9')];
  (ps[1]?.values as Map<string, string>).delete('person.sex');
  const spec: TableSpec = {
    rows: [{ ...sex, buckets: [{ key: 'M', label: { zh: '男', en: 'M' }, values: ['1'] }], other: { zh: '其他', en: 'other' } }],
    columns: [],
    measures: ['persons'],
  };
  const t = buildTable(
    spec,
    spec.rows.map((d) => resolveDimension(d, ctx, ps)),
    [],
    ps,
  );
  assert.deepEqual(
    t.rows.map((r) => r.cells),
    [
      ['男', 1],
      ['其他', 1],
      ['合计', 2],
    ],
  );
});
