/** Mapping one record: a local code is found whether the code map's key is written as the cell was, or as the column's transforms leave it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MappingProfile } from '../../domain/ingest/profile.ts';
import { compileTransforms } from '../transform/transform-registry.ts';
import { mapRecord, type MappingContext } from './map-record.ts';

const profile: MappingProfile = {
  extract: 'delta',
  recordKey: ['编号'],
  columns: [
    { column: '编号', target: { element: 'person.name' } },
    { column: '就业状况', target: { element: 'person.employmentStatus' }, codeMap: 'employment', transforms: ['halfWidth'] },
  ],
  codeMaps: { employment: { table: 'employment-status', map: { '退（离）休人员': '80', '在业(全职)': '10' } } },
};

const ctx: MappingContext = {
  profile,
  transforms: new Map(profile.columns.map((c) => [c.column, compileTransforms(['trim', ...(c.transforms ?? [])])])),
  elements: new Map([
    ['person.name', { id: 'person.name', valueType: 'string' } as never],
    ['person.employmentStatus', { id: 'person.employmentStatus', valueType: 'code', codeTableId: 'employment-status' } as never],
  ]),
  isCode: (table, code) => table === 'employment-status' && ['10', '80'].includes(code),
  checkIdNumber: () => ({ valid: false }) as never,
  isArea: () => false,
  resolveAddress: () => undefined,
};

const employment = (cell: string): string | null | undefined => {
  const r = mapRecord({ file: 'f.csv', row: 2, cells: { 编号: '张三', 就业状况: cell } } as never, ctx);
  assert.ok(r.ok, `"${cell}" maps: ${r.ok ? '' : JSON.stringify(r.rejections)}`);
  return r.row.values.find((v) => v.elementId === 'person.employmentStatus')?.value;
};

test('a key written with full-width brackets still matches after the halfWidth transform', () => {
  assert.equal(employment('退（离）休人员'), '80');
});

test('a key written half-width matches a full-width cell through the transform', () => {
  assert.equal(employment('在业（全职）'), '10');
});

test('an unknown local code is still rejected', () => {
  const r = mapRecord({ file: 'f.csv', row: 2, cells: { 编号: '张三', 就业状况: '其他' } } as never, ctx);
  assert.ok(!r.ok);
  assert.equal(r.rejections[0]?.reason, 'UNKNOWN_LOCAL_CODE');
});
