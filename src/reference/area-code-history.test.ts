import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIdNumber } from '../domain/id-number.ts';
import type { AreaHistoryEntry } from '../domain/standard/types.ts';
import { createAreaCodeHistory, defaultAreaCodeHistory, usagePeriods } from './area-code-history.ts';

function row(code: string, name: string, startYear: number, endYear: number | null, status: AreaHistoryEntry['status']): AreaHistoryEntry {
  return { code, name, level: 'county', status, startYear, endYear, successorCodes: [] };
}

describe('createAreaCodeHistory', () => {
  const history = createAreaCodeHistory([
    row('422825', '宣恩县', 1993, null, 'active'),
    row('422825', '宣恩县（鄂西）', 1983, 1993, 'changed'),
    row('422825', '宣恩县（恩施地区）', 1981, 1983, 'changed'),
    row('990101', '甲县', 1981, 1990, 'retired'),
    row('990101', '乙区', 2000, 2005, 'retired'),
  ]);

  test('rows that follow on are one period; a reused code has two', () => {
    assert.deepEqual(history.periods('422825'), [{ startYear: 1981, endYear: null }]);
    assert.deepEqual(history.periods('990101'), [
      { startYear: 1981, endYear: 1990 },
      { startYear: 2000, endYear: 2005 },
    ]);
  });

  test('name is the latest name; unknown codes have no periods and no name', () => {
    assert.equal(history.name('422825'), '宣恩县');
    assert.equal(history.name('990101'), '乙区');
    assert.deepEqual(history.periods('000000'), []);
    assert.equal(history.name('000000'), undefined);
  });

  test('usagePeriods does not depend on row order', () => {
    const rows = [row('1', 'a', 2001, 2009, 'changed'), row('1', 'a', 1990, 2001, 'changed'), row('1', 'a', 2012, null, 'active')];
    assert.deepEqual(usagePeriods(rows), [
      { startYear: 1990, endYear: 2009 },
      { startYear: 2012, endYear: null },
    ]);
  });
});

describe('defaultAreaCodeHistory (the shipped GB/T 2260 history)', () => {
  const history = defaultAreaCodeHistory();

  test('is loaded once and kept', () => {
    assert.equal(defaultAreaCodeHistory(), history);
  });

  test('310108 闸北区 was used until 2015; 310105 长宁区 is still in use', () => {
    assert.deepEqual(history.periods('310108'), [{ startYear: 1981, endYear: 2015 }]);
    assert.equal(history.name('310108'), '闸北区');
    assert.deepEqual(history.periods('310105'), [{ startYear: 1981, endYear: null }]);
    assert.equal(history.periods('319999').length, 0);
  });

  test('serves the ID-number check: a retired address code stays valid, an unknown one does not', () => {
    const options = { areas: history, today: '2025-01-01' };
    const zhabei = checkIdNumber('310108198001010119', options);
    assert.equal(zhabei.valid, true);
    if (zhabei.valid) {
      assert.equal(zhabei.facts.addressCodeRetired, true);
      assert.equal(zhabei.facts.addressName, '闸北区');
    }
    const never = checkIdNumber('319999199003071238', options);
    assert.equal(never.valid, false);
    if (!never.valid) assert.equal(never.reason, 'AREA_CODE');
  });
});
