/** The content hash and the comparison of two runs (compare.ts): pure, table-driven. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, compareResults, contentHash, summariseChanges } from './compare.ts';
import type { ReportResult, ResultRow } from './types.ts';

const row = (label: string, a: number, b: number, role: ResultRow['role'] = 'data'): ResultRow => ({
  cells: [label, a, b, a + b],
  role,
  level: 0,
});

function result(rows: ResultRow[], extra: Partial<ReportResult> = {}): ReportResult {
  return {
    definitionId: 'x',
    definitionVersion: 1,
    kind: 'table',
    title: { zh: '表', en: 'Table' },
    area: { code: '310105004', name: '新华路街道' },
    asOf: '2024-12-31',
    generatedAt: '2025-01-01T00:00:00.000Z',
    departmentId: 'street-population-office',
    purpose: 'POPULATION_STATISTICS',
    header: [],
    columns: [
      { key: 'committee', label: { zh: '居委会', en: 'Committee' }, type: 'text' },
      { key: 'm', label: { zh: '男', en: 'Male' }, type: 'count' },
      { key: 'f', label: { zh: '女', en: 'Female' }, type: 'count' },
      { key: 'total', label: { zh: '合计', en: 'Total' }, type: 'count' },
    ],
    rows,
    personCount: rows.filter((r) => r.role === 'data').reduce((n, r) => n + Number(r.cells[3]), 0),
    notes: [],
    ...extra,
  };
}

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: null }], c: 'é' } }),
    '{"a":{"c":"é","d":[2,{"x":null,"z":1}]},"b":1}',
  );
});

test('the hash ignores the production time and key order, and nothing else', () => {
  const a = result([row('番禺', 1, 2)]);
  assert.equal(contentHash(a), contentHash({ ...a, generatedAt: '2030-01-01T00:00:00.000Z' }));
  assert.equal(contentHash(a), contentHash(Object.fromEntries(Object.entries(a).reverse()) as unknown as ReportResult));
  assert.notEqual(contentHash(a), contentHash(result([row('番禺', 1, 3)])));
  assert.notEqual(contentHash(a), contentHash({ ...a, notes: [{ zh: '注', en: 'note' }] }));
});

test('changed cells are named by row and column, rows added and removed by their labels', () => {
  const before = result([row('番禺', 1, 2), row('法华', 5, 5), row('合计', 6, 7, 'total')]);
  const after = result([row('番禺', 1, 3), row('新华', 2, 0), row('合计', 3, 3, 'total')]);
  const c = compareResults(before, after);
  assert.deepEqual(c.cells, [
    { row: '番禺', column: '女 Female', old: 2, new: 3 },
    { row: '番禺', column: '合计 Total', old: 3, new: 4 },
    { row: '合计', column: '男 Male', old: 6, new: 3 },
    { row: '合计', column: '女 Female', old: 7, new: 3 },
    { row: '合计', column: '合计 Total', old: 13, new: 6 },
  ]);
  assert.equal(c.cellCount, 5);
  assert.deepEqual(c.rowsAdded, ['新华']);
  assert.deepEqual(c.rowsRemoved, ['法华']);
  assert.deepEqual(c.personCount, { old: 13, new: 6 });
  assert.equal(c.definitionVersion, null);
  assert.match(summariseChanges(c).zh, /5 个单元格变化，新增 1 行，删除 1 行；人数 13 → 6/);
});

test('columns added and removed, and a new definition version, are reported', () => {
  const before = result([row('番禺', 1, 2)]);
  const after: ReportResult = {
    ...before,
    definitionVersion: 2,
    columns: [...before.columns.slice(0, 3), { key: 'sum', label: { zh: '小计', en: 'Subtotal' }, type: 'count' }],
  };
  const c = compareResults(before, after);
  assert.deepEqual(c.columnsAdded, ['小计 Subtotal']);
  assert.deepEqual(c.columnsRemoved, ['合计 Total']);
  assert.deepEqual(c.definitionVersion, { old: 1, new: 2 });
  assert.deepEqual(compareResults(before, before).cells, []);
});
