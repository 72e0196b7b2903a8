import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MappedRow } from '../ingest/map/map-record.ts';
import { mappedRowRecord } from './mapped-row-record.ts';

test('a mapped department row becomes a match record', () => {
  const row: MappedRow = {
    row: 7,
    key: 'k',
    hash: 'h',
    values: [
      { elementId: 'person.name', value: '张伟' },
      { elementId: 'person.sex', value: '1' },
      { elementId: 'person.birthDate', value: '1980-01-02' },
      { elementId: 'person.phone', value: null },
      { elementId: 'person.education', value: '21' },
    ],
    identifiers: [
      { type: 'CN_ID', number: '310105198001020012', issuingCountry: 'CHN', issuingArea: '310105' },
      { type: 'PASSPORT', number: 'E1234567', issuingCountry: 'CHN', issuingArea: null },
    ],
    residences: [
      { kind: 'registered', areaCode: '310105004', address: '新华路1弄1号', dwellingId: null },
      { kind: 'actual', areaCode: '310105004', address: '番禺路2弄2号202室', dwellingId: 'D42' },
    ],
    household: null,
  };
  assert.deepEqual(mappedRowRecord(row), {
    id: 'row-7',
    fields: {
      name: '张伟',
      sex: '1',
      birthDate: '1980-01-02',
      citizenId: '310105198001020012',
      document: 'E1234567',
      address: '番禺路2弄2号202室',
      dwellingId: 'D42',
    },
  });
});

test('a citizen ID number in a column typed as another document is compared as a citizen ID number', () => {
  const row: MappedRow = {
    row: 1,
    key: 'k',
    hash: 'h',
    values: [{ elementId: 'person.name', value: '李娜' }],
    identifiers: [{ type: 'PASSPORT', number: '310105198001020019', issuingCountry: 'CHN', issuingArea: null }],
    residences: [],
    household: null,
  };
  assert.equal(mappedRowRecord(row).fields['citizenId'], '310105198001020019');
  const wrongCheck = { ...row, identifiers: [{ type: 'PASSPORT', number: '310105198001020013', issuingCountry: 'CHN', issuingArea: null }] };
  assert.equal(mappedRowRecord(wrongCheck).fields['citizenId'], undefined);
  assert.equal(mappedRowRecord(wrongCheck).fields['document'], '310105198001020013');
});
