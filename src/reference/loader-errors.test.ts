import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadAreas } from './area-loader.ts';
import { loadElements } from './catalogue-loader.ts';
import { loadCodeTables } from './code-table-loader.ts';
import { ReferenceDataError } from './reference-data-error.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A throw-away data folder holding only `files` (paths relative to it). */
function dataDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'populus-reference-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function oneTable(csv: string): string {
  const tables = {
    tables: [
      {
        id: 'colour',
        nameZh: '颜色',
        nameEn: 'Colour',
        standard: 'local',
        version: '1',
        source: 'own work',
        description: 'test table',
        file: 'catalogue/colour.csv',
        columns: { code: 'code', nameZh: 'name', nameEn: null, parent: 'parent', status: null, note: [] },
      },
    ],
  };
  return dataDir({ 'catalogue/code-tables.json': JSON.stringify(tables), 'catalogue/colour.csv': csv });
}

/** Asserts that `load` throws a ReferenceDataError at file/line/column and returns it. */
function assertFails(load: () => unknown, file: string, line: number | null, column: string | null, text: RegExp): ReferenceDataError {
  let caught: unknown;
  try {
    load();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ReferenceDataError, `expected a ReferenceDataError, got ${String(caught)}`);
  assert.equal(caught.file, file);
  assert.equal(caught.line, line);
  assert.equal(caught.column, column);
  assert.match(caught.message, text);
  assert.ok(caught.message.startsWith(file), caught.message);
  return caught;
}

describe('code-table loader', () => {
  test('a good table keeps codes as strings', () => {
    const { entries } = loadCodeTables(oneTable('code,name,parent\n01,红,\n011,深红,01\n'));
    assert.deepEqual(
      entries.map((e) => [e.code, e.parentCode]),
      [
        ['01', null],
        ['011', '01'],
      ],
    );
  });

  test('a malformed CSV names the file and the line', () => {
    const dir = oneTable('code,name,parent\n01,红,\n02,"绿,\n');
    const e = assertFails(() => loadCodeTables(dir), 'catalogue/colour.csv', 3, null, /malformed CSV/);
    assert.match(e.message, /line 3/);
  });

  test('a row with too many fields names its line', () => {
    assertFails(
      () => loadCodeTables(oneTable('code,name,parent\n01,红,\n02,绿,,extra\n')),
      'catalogue/colour.csv',
      3,
      null,
      /malformed CSV/,
    );
  });

  test('a duplicate code names the line and the code column', () => {
    assertFails(
      () => loadCodeTables(oneTable('code,name,parent\n01,红,\n02,绿,\n01,蓝,\n')),
      'catalogue/colour.csv',
      4,
      'code',
      /duplicate code "01" \(first on line 2\)/,
    );
  });

  test('an unknown parent names the line and the parent column', () => {
    assertFails(
      () => loadCodeTables(oneTable('code,name,parent\n01,红,\n02,绿,09\n')),
      'catalogue/colour.csv',
      3,
      'parent',
      /parent code "09"/,
    );
  });

  test('an empty name names the line and the name column', () => {
    assertFails(() => loadCodeTables(oneTable('code,name,parent\n01,红,\n02, ,\n')), 'catalogue/colour.csv', 3, 'name', /empty name/);
  });

  test('a missing column is reported on the header line', () => {
    assertFails(() => loadCodeTables(oneTable('code,title\n01,红\n')), 'catalogue/colour.csv', 1, 'name', /no such column/);
  });

  test('a bad catalogue entry names the entry and the field', () => {
    const dir = dataDir({ 'catalogue/code-tables.json': JSON.stringify({ tables: [{ id: 'Colour' }] }) });
    assertFails(() => loadCodeTables(dir), 'catalogue/code-tables.json', null, 'id', /not a kebab-case id/);
  });
});

describe('element loader', () => {
  test('an unknown sensitivity names the entry and the field', () => {
    const element = {
      id: 'person.name',
      nameZh: '姓名',
      nameEn: 'Name',
      definition: 'x',
      valueType: 'string',
      codeTableId: null,
      sensitivity: 'secret',
      ownerDepartmentId: 'police-household',
      freshnessDays: null,
      storage: 'value',
      status: 'standard',
      validFrom: null,
      validTo: null,
    };
    const dir = dataDir({ 'catalogue/elements.json': JSON.stringify({ elements: [element] }) });
    const e = assertFails(() => loadElements(dir), 'catalogue/elements.json', null, 'sensitivity', /expected one of public, internal/);
    assert.equal(e.entry, 1);
  });
});

describe('area loader', () => {
  const history = [
    'code,name,level,status,start_year,end_year,province,prefecture,successor_codes',
    '310000,上海市,province,active,1981,,上海市,,',
    '310105,长宁区,county,active,1981,,上海市,直辖,',
    '310108,闸北区,county,retired,1981,2015,上海市,直辖,310106',
    '310106,静安区,county,active,1981,,上海市,直辖,',
  ].join('\n');
  const mca = 'code,name,level,parent\n310000,上海市,province,\n310105,长宁区,county,310000\n310106,静安区,county,310000\n';
  const township = 'code,name,parent\n310105004,新华路街道,310105\n';
  const files = (village: string, mcaText = mca) => ({
    'standards/gbt2260-history-1981-2024.csv': history,
    'standards/gbt2260-2024-county.csv': mcaText,
    'standards/stats-division-2023-shanghai-township.csv': township,
    'standards/stats-division-2023-shanghai-village.csv': village,
  });

  test('a small tree loads, retired codes included', () => {
    const { areas, areaHistory } = loadAreas(dataDir(files('code,name,parent\n310105004001,番禺居委会,310105004\n')));
    assert.deepEqual(
      areas.map((a) => `${a.code}:${a.level}:${a.status}`),
      [
        '310000:province:active',
        '310105:county:active',
        '310106:county:active',
        '310108:county:retired',
        '310105004:township:active',
        '310105004001:village:active',
      ],
    );
    assert.equal(areaHistory.length, 4);
  });

  test('a committee whose street does not exist names file, line and parent column', () => {
    const village = 'code,name,parent\n310105004001,番禺居委会,310105004\n310105009001,虹桥居委会,310105009\n';
    assertFails(
      () => loadAreas(dataDir(files(village))),
      'standards/stats-division-2023-shanghai-village.csv',
      3,
      'parent',
      /parent code "310105009"/,
    );
  });

  test('a duplicate area code and an empty name are reported with their line', () => {
    const dupe = 'code,name,parent\n310105004001,番禺居委会,310105004\n310105004001,番禺居委会,310105004\n';
    assertFails(
      () => loadAreas(dataDir(files(dupe))),
      'standards/stats-division-2023-shanghai-village.csv',
      3,
      'code',
      /duplicate area code/,
    );
    const noName = 'code,name,level,parent\n310000,上海市,province,\n310105,,county,310000\n';
    assertFails(
      () => loadAreas(dataDir(files('code,name,parent\n', noName))),
      'standards/gbt2260-2024-county.csv',
      3,
      'name',
      /empty name/,
    );
  });
});
