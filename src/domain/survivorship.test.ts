import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asOf, survive, type Reported } from './survivorship.ts';

let seq = 0;
const r = (sourceId: string, value: string | null, observedAt: string | null, recordedAt = '2026-01-01T00:00:00.000Z'): Reported => ({ sourceId, value, observedAt, recordedAt, seq: ++seq });
const OWNER = new Set(['police']);

describe('survivorship', () => {
  test('the owner’s value wins over a newer value from another source, which becomes a conflict', () => {
    const res = survive([r('police', '20', '2020-01-01'), r('civil', '40', '2025-01-01')], OWNER);
    assert.equal(res.current?.value, '20');
    assert.equal(res.current?.status, 'owner');
    assert.deepEqual(res.conflicts, [{ sourceId: 'civil', value: '40', observedAt: '2025-01-01' }]);
  });

  test('agreeing sources raise no conflict', () => {
    assert.deepEqual(survive([r('police', '20', '2020-01-01'), r('civil', '20', '2025-01-01')], OWNER).conflicts, []);
  });

  test('with the owner silent, the newest other value is current and unconfirmed', () => {
    const res = survive([r('civil', '10', '2019-01-01'), r('family', '20', '2022-05-01'), r('party', '30', '2021-01-01')], OWNER);
    assert.deepEqual([res.current?.value, res.current?.sourceId, res.current?.status], ['20', 'family', 'unconfirmed']);
    assert.deepEqual(res.conflicts, []);
  });

  test('a source’s later withdrawal (null) removes its value; the owner withdrawing hands over to the others', () => {
    const reports = [r('police', '20', '2020-01-01', '2026-01-01T00:00:00.000Z'), r('civil', '40', '2021-01-01'), r('police', null, '2026-02-01', '2026-02-01T00:00:00.000Z')];
    const res = survive(reports, OWNER);
    assert.deepEqual([res.current?.value, res.current?.status], ['40', 'unconfirmed']);
    assert.equal(survive([r('civil', '40', '2021-01-01'), r('civil', null, '2022-01-01', '2026-03-01T00:00:00.000Z')], OWNER).current, undefined);
  });

  test('the same source’s reports count in the order they were recorded', () => {
    const res = survive([r('police', '10', '2020-01-01', '2026-01-01T00:00:00.000Z'), r('police', '20', '2019-06-01', '2026-02-01T00:00:00.000Z')], OWNER);
    assert.equal(res.current?.value, '20', 'a correction recorded later replaces the earlier report even with an older valid date');
  });

  test('as of: what was valid on a date, as known at a time', () => {
    const reports = [r('police', '10', '2010-01-01', '2010-01-02T00:00:00.000Z'), r('police', '20', '2020-01-01', '2020-01-02T00:00:00.000Z')];
    assert.equal(survive(asOf(reports, '2015-01-01'), OWNER).current?.value, '10');
    assert.equal(survive(asOf(reports, '2021-01-01'), OWNER).current?.value, '20');
    assert.equal(survive(asOf(reports, '2021-01-01', '2015-01-01T00:00:00.000Z'), OWNER).current?.value, '10', 'what we knew in 2015');
    assert.equal(survive(asOf(reports, '2009-01-01'), OWNER).current, undefined);
  });
});
