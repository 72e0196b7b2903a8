import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ColumnMapping } from '../../domain/ingest/profile.ts';
import { RentalCells } from './map-rental.ts';

const columns: ColumnMapping[] = [
  { column: '登记号', target: { rental: 'registrationNumber' } },
  { column: '房东', target: { rental: 'landlordName' } },
  { column: '起', target: { rental: 'startDate' } },
  { column: '止', target: { rental: 'endDate' } },
];
const facts = (cells: Record<string, string>) => {
  const r = new RentalCells();
  const part = { 登记号: 'registrationNumber', 房东: 'landlordName', 起: 'startDate', 止: 'endDate' } as const;
  for (const [k, v] of Object.entries(cells)) if (v !== '') r.set(part[k as keyof typeof part], k, v);
  return r.facts(columns, cells, 'd-1');
};

test('a whole registration; none when every cell is empty; open-ended without a last day', () => {
  assert.deepEqual(facts({ 登记号: 'R1', 房东: '王建国', 起: '2024-03-01', 止: '2026-02-28' }), {
    ok: true,
    rental: { registrationNumber: 'R1', landlordName: '王建国', startDate: '2024-03-01', endDate: '2026-02-28', dwellingId: 'd-1' },
  });
  assert.deepEqual(facts({ 登记号: '', 房东: '', 起: '', 止: '' }), { ok: true, rental: null });
  assert.deepEqual(facts({ 登记号: 'R1', 起: '2024-03-01' }), { ok: true, rental: { registrationNumber: 'R1', landlordName: null, startDate: '2024-03-01', endDate: null, dwellingId: 'd-1' } });
});

test('rejections name the column and a stable reason', () => {
  const reasons = (cells: Record<string, string>) => {
    const r = facts(cells);
    return r.ok ? [] : r.rejections.map((x) => [x.column, x.reason]);
  };
  assert.deepEqual(reasons({ 登记号: 'R1', 起: '2023-02-29' }), [['起', 'BAD_DATE']], 'no 29 February in 2023');
  assert.deepEqual(reasons({ 登记号: 'R1', 起: '2024/03/01' }), [['起', 'BAD_DATE']], 'not written YYYY-MM-DD (without the date transform)');
  assert.deepEqual(reasons({ 登记号: 'R1', 起: '2025-01-01', 止: '2024-12-31' }), [['止', 'BAD_PERIOD']]);
  assert.deepEqual(reasons({ 房东: '王建国' }), [['登记号', 'MISSING_VALUE'], ['起', 'MISSING_VALUE']]);
  assert.deepEqual(reasons({ 登记号: 'R1', 起: '2024-01-01', 止: '2024-01-01' }), [], 'a one-day period is a period');
});
