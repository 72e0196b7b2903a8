import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PopulusError } from '../domain/errors.ts';
import type { ColumnMapping, MappingProfile } from '../domain/ingest/profile.ts';
import type { DataElement } from '../domain/standard/types.ts';
import { demoSources } from '../ingest/load-demo.ts';
import { mapRecord, type MappingContext } from '../ingest/map/map-record.ts';
import { compileTransforms } from '../ingest/transform/transform-registry.ts';
import { loadReferenceData } from '../reference/reference-data.ts';
import { CodeTranslator, codeTranslatorFrom, type ProfileReader } from './code-translation.ts';

const reference = loadReferenceData();
const elements = new Map(reference.elements.map((e) => [e.id, e]));
const codes = new Map<string, Set<string>>();
for (const e of reference.entries) {
  const set = codes.get(e.tableId) ?? new Set<string>();
  set.add(e.code);
  codes.set(e.tableId, set);
}
codes.set('boolean', new Set(['true', 'false']));
const sources = demoSources();
const translator = new CodeTranslator(sources.map((s) => ({ sourceId: s.id, profile: s.profile })));

/** The import mapping of one coded column on its own: a raw cell → the standard value, or undefined if rejected. */
function importValue(profile: MappingProfile, column: ColumnMapping, raw: string): string | null | undefined {
  const single: MappingProfile = { extract: 'delta', recordKey: [column.column], columns: [column], ...(profile.codeMaps ? { codeMaps: profile.codeMaps } : {}) };
  const element = 'element' in column.target ? elements.get(column.target.element) : undefined;
  const ctx: MappingContext = {
    profile: single,
    transforms: new Map([[column.column, compileTransforms(['trim', ...(column.transforms ?? [])])]]),
    elements: new Map<string, DataElement>(element ? [[element.id, element]] : []),
    isCode: (table, code) => codes.get(table)?.has(code) ?? false,
    checkIdNumber: () => {
      throw new Error('no identifier column here');
    },
    isArea: () => false,
    resolveAddress: () => undefined,
  };
  const result = mapRecord({ file: 'push', row: 1, cells: { [column.column]: raw } }, ctx);
  return result.ok ? (result.row.values[0]?.value ?? null) : undefined;
}

const codedColumns = sources.flatMap((s) =>
  s.profile.columns.flatMap((c) => ('element' in c.target && c.codeMap !== undefined ? [{ source: s, column: c, element: c.target.element, map: s.profile.codeMaps?.[c.codeMap] }] : [])),
);

test('the demo profiles code some elements', () => {
  assert.ok(codedColumns.length > 50, `${codedColumns.length} coded columns`);
  assert.ok(codedColumns.every((c) => c.map !== undefined));
});

test('round trip: local → standard by the import mapping, standard → local by the translator', () => {
  let checked = 0;
  for (const { source, column, element, map } of codedColumns) {
    // The first column coding an element is the one the translator reverses.
    const first = source.profile.columns.find((c) => 'element' in c.target && c.target.element === element && c.codeMap !== undefined);
    if (first !== column || !map) continue;
    for (const local of Object.keys(map.map)) {
      const standard = importValue(source.profile, column, local);
      // A map key the column's own transforms change (full-width brackets under halfWidth) never
      // matches on import: a profile problem, not the translator's; the rest must round-trip.
      if (standard === undefined) continue;
      const back = translator.translate(source.id, element, standard ?? null);
      assert.ok(back, `${source.id} codes ${element}`);
      assert.equal(back.standard, false, `${source.id} ${element} ${standard} has a local code`);
      const chosen: string | undefined = Object.keys(map.map).find((k) => map.map[k] === standard);
      if (local === chosen) assert.equal(back.value, local, `${source.id} ${element}: ${local} → ${standard} → ${back.value}`);
      // Whatever local code is chosen, importing it again gives the same standard code.
      assert.equal(importValue(source.profile, column, back.value ?? ''), standard);
      checked++;
    }
  }
  assert.ok(checked > 300, `${checked} local codes checked`);
});

test('a standard code no local code maps to comes back as itself, flagged', () => {
  let checked = 0;
  for (const { source, element, map } of codedColumns) {
    if (!map || map.table === 'boolean') continue;
    const mapped = new Set(Object.values(map.map));
    const unmapped = [...(codes.get(map.table) ?? [])].find((c) => !mapped.has(c));
    if (unmapped === undefined) continue;
    assert.deepEqual(translator.translate(source.id, element, unmapped), { value: unmapped, standard: true }, `${source.id} ${element} ${unmapped}`);
    checked++;
  }
  assert.ok(checked > 10, `${checked} unmapped codes checked`);
});

test('values of elements the profile does not code travel unchanged', () => {
  const police = sources.find((s) => s.id === 'police-household-register');
  assert.ok(police);
  assert.equal(translator.translate(police.id, 'person.name', '张伟'), undefined, 'not coded');
  assert.equal(translator.translate(police.id, 'person.birthDate', '1980-01-01'), undefined, 'not coded');
  assert.equal(translator.translate('no-such-source', 'person.sex', '1'), undefined, 'unknown source');
  assert.deepEqual(translator.translate(police.id, 'person.sex', null), { value: null, standard: false }, 'a cleared value stays null');
  assert.equal(translator.codes(police.id, 'person.sex'), true);
  assert.equal(translator.codes(police.id, 'person.name'), false);
});

test('several local codes for one standard code: the first listed wins, index-like keys first', () => {
  const profile: MappingProfile = {
    extract: 'delta',
    recordKey: ['id'],
    columns: [
      { column: 'id', target: { ignore: true } },
      { column: 'sex', target: { element: 'person.sex' }, codeMap: 'sex' },
      { column: 'sex2', target: { element: 'person.sex' }, codeMap: 'other' },
      { column: 'married', target: { element: 'person.maritalStatus' }, codeMap: 'marital' },
    ],
    codeMaps: {
      sex: { table: 'sex', map: { 男性: '1', 男: '1', M: '1', 女: '2' } },
      other: { table: 'sex', map: { X: '1' } },
      // '01' is not index-like, '7' is: JSON keeps '7' first.
      marital: { table: 'marital-status', map: { '01': '10', '7': '10', 已婚: '20' } },
    },
  };
  const t = new CodeTranslator([{ sourceId: 's', profile }]);
  assert.deepEqual(t.translate('s', 'person.sex', '1'), { value: '男性', standard: false });
  assert.deepEqual(t.translate('s', 'person.sex', '2'), { value: '女', standard: false });
  assert.deepEqual(t.translate('s', 'person.sex', '9'), { value: '9', standard: true });
  assert.deepEqual(t.translate('s', 'person.maritalStatus', '10'), { value: '7', standard: false });
  // The same profile read back from its stored JSON chooses the same.
  const stored = new CodeTranslator([{ sourceId: 's', profile: JSON.parse(JSON.stringify(profile)) as MappingProfile }]);
  for (const [element, code] of [['person.sex', '1'], ['person.maritalStatus', '10']] as const) assert.deepEqual(stored.translate('s', element, code), t.translate('s', element, code));
});

test('an element change is translated on both sides, naming the sides left standard', () => {
  const profile: MappingProfile = {
    extract: 'delta',
    recordKey: ['id'],
    columns: [
      { column: 'id', target: { ignore: true } },
      { column: 'married', target: { element: 'person.maritalStatus' }, codeMap: 'marital' },
    ],
    codeMaps: { marital: { table: 'marital-status', map: { 未婚: '10', 已婚: '20' } } },
  };
  const t = new CodeTranslator([{ sourceId: 's', profile }]);
  const change = { element: 'person.maritalStatus', old: '10', new: '20', source: 'police-household-register' };
  assert.deepEqual(t.translateChange('s', change), { ...change, old: '未婚', new: '已婚' });
  assert.deepEqual(t.translateChange('s', { ...change, new: '40' }), { ...change, old: '未婚', new: '40', standard: ['new'] });
  assert.deepEqual(t.translateChange('s', { ...change, old: null, new: '90' }), { ...change, old: null, new: '90', standard: ['new'] });
  const name = { element: 'person.name', old: null, new: '张伟', source: 'police-household-register' };
  assert.equal(t.translateChange('s', name), name, 'an element the profile does not code is passed on as it is');
  assert.equal(t.translateChange('other', change), change, 'no profile, no translation');
});

test('codeTranslatorFrom reads the current profiles and skips sources without one', async () => {
  const police = sources.find((s) => s.id === 'police-household-register');
  assert.ok(police);
  const asked: string[] = [];
  const reader: ProfileReader = {
    profile(sourceId) {
      asked.push(sourceId);
      if (sourceId === police.id) return Promise.resolve({ version: 3, profile: police.profile });
      if (sourceId === 'bare') return Promise.reject(new PopulusError('PROFILE_NOT_FOUND', 'no profile yet'));
      return Promise.reject(new PopulusError('SOURCE_NOT_FOUND', 'no source'));
    },
  };
  const t = await codeTranslatorFrom(reader, [police.id, 'bare', 'gone', police.id]);
  assert.deepEqual(asked, [police.id, 'bare', 'gone'], 'each source read once');
  const sexCode = police.profile.codeMaps?.['sex-zh']?.map;
  assert.ok(sexCode);
  const male = Object.keys(sexCode).find((k) => sexCode[k] === '1');
  assert.deepEqual(t.translate(police.id, 'person.sex', '1'), { value: male, standard: false });
  assert.equal(t.translate('bare', 'person.sex', '1'), undefined);

  const broken: ProfileReader = { profile: () => Promise.reject(new Error('database unreachable')) };
  await assert.rejects(codeTranslatorFrom(broken, ['x']), /database unreachable/);
});
