/** The definitions language: the shipped definitions are valid, and bad ones are refused with every problem named by its JSON path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  elementsOf,
  loadDefinitionCatalogue,
  loadShippedDefinitions,
  parseDefinition,
  validateDefinition,
  type DefinitionProblem,
} from './definition.ts';
import { isPopulusError } from '../../domain/errors.ts';

const catalogue = loadDefinitionCatalogue();

const valid = {
  id: 'test-table',
  version: 1,
  kind: 'table',
  title: { zh: '测试', en: 'Test' },
  departmentId: 'street-population-office',
  purpose: 'POPULATION_STATISTICS',
  period: 'monthly',
  table: { rows: [{ by: 'committee' }], columns: [{ by: 'element', element: 'person.sex' }], measures: ['persons'] },
};

function problemsOf(value: unknown): DefinitionProblem[] {
  try {
    validateDefinition(value, catalogue);
  } catch (e) {
    assert.ok(isPopulusError(e) && e.code === 'REPORT_DEFINITION_INVALID', String(e));
    return e.details['problems'] as DefinitionProblem[];
  }
  return [];
}

test('the shipped definitions are valid, at least twelve, each for a department and purpose', () => {
  const defs = loadShippedDefinitions();
  assert.ok(defs.length >= 12, `${defs.length} definitions`);
  for (const d of defs) {
    assert.ok(catalogue.departments.has(d.departmentId), d.id);
    assert.ok(catalogue.purposes.has(d.purpose), d.id);
    assert.ok(d.title.zh && d.title.en, d.id);
  }
  assert.ok(defs.some((d) => d.id === 'actual-population-monthly'));
});

test('a valid definition passes, from JSON and from YAML', () => {
  assert.deepEqual(problemsOf(valid), []);
  const yaml = `id: test-roster\nversion: 2\nkind: roster\ntitle: { zh: 名册, en: Roster }\ndepartmentId: civil-affairs\npurpose: ELDERLY_CARE\nperiod: on-demand\npopulation:\n  kinds: [elderly-60]\nroster:\n  columns:\n    - { key: name, element: person.name }\n    - { key: age, field: age }\n  sort: [-age]\n`;
  const d = parseDefinition(yaml, 'yaml', catalogue);
  assert.equal(d.id, 'test-roster');
  assert.equal(d.version, 2);
  assert.equal(parseDefinition(JSON.stringify(valid), 'json', catalogue).id, 'test-table');
});

test('every problem is listed with its JSON path and reason', () => {
  const bad = {
    ...valid,
    id: 'Not Kebab',
    version: 0,
    departmentId: 'nobody',
    purpose: 'GOSSIP',
    table: {
      rows: [{ by: 'element', element: 'person.shoeSize' }],
      columns: [{ by: 'element', element: 'person.sex', buckets: [{ key: 'x', label: { zh: '男' }, values: ['7'] }] }],
      measures: ['share', 'average'],
      colour: 'red',
    },
  };
  const problems = problemsOf(bad);
  const at = (path: string): string | undefined => problems.find((p) => p.path === path)?.reason;
  assert.match(at('$.id') ?? '', /kebab-case/);
  assert.match(at('$.version') ?? '', /whole number/);
  assert.match(at('$.departmentId') ?? '', /unknown department "nobody"/);
  assert.match(at('$.purpose') ?? '', /unknown purpose "GOSSIP"/);
  assert.match(at('$.table.rows[0].element') ?? '', /unknown element "person.shoeSize"/);
  assert.match(at('$.table.columns[0].buckets[0].label.en') ?? '', /required/);
  assert.match(at('$.table.columns[0].buckets[0].values[0]') ?? '', /unknown code "7"/);
  assert.match(at('$.table.measures[1]') ?? '', /unknown measure "average"/);
  assert.match(at('$.table.measures') ?? '', /share needs persons/);
  assert.match(at('$.table.colour') ?? '', /unknown field/);
  assert.ok(problems.length >= 10);
});

test('the error message names the first problem and how many more', () => {
  assert.throws(
    () => parseDefinition('{"id": "x", "version": 1}', 'json', catalogue),
    (e: unknown) =>
      isPopulusError(e) &&
      e.code === 'REPORT_DEFINITION_INVALID' &&
      /^report definition x is not valid: \$\.\w+: .+ \(and \d+ more\)$/.test(e.message),
  );
  assert.throws(
    () => parseDefinition('{not json', 'json', catalogue),
    (e: unknown) =>
      isPopulusError(e) && (e.details['problems'] as DefinitionProblem[])[0]?.path === '$' && /not valid JSON/.test(e.message),
  );
  assert.throws(
    () => parseDefinition('a: [unclosed', 'yaml', catalogue),
    (e: unknown) => isPopulusError(e) && /not valid YAML/.test(e.message),
  );
});

test('rosters and tables each need their own part; conditions, age bands, kinds and sorts are checked', () => {
  const roster = {
    ...valid,
    kind: 'roster',
    table: undefined,
    roster: {
      columns: [
        { key: 'a', element: 'person.name' },
        { key: 'a', field: 'shoe' },
      ],
      sort: ['b'],
    },
  };
  const p = problemsOf(JSON.parse(JSON.stringify(roster)));
  assert.ok(p.some((x) => x.path === '$.roster.columns[1].key' && /duplicate/.test(x.reason)));
  assert.ok(p.some((x) => x.path === '$.roster.columns[1].field'));
  assert.ok(p.some((x) => x.path === '$.roster.sort[0]'));
  assert.ok(problemsOf({ ...valid, kind: 'roster' }).some((x) => x.path === '$.roster' && /required/.test(x.reason)));
  const t = problemsOf({
    ...valid,
    population: {
      kinds: ['dragons'],
      categories: ['MARTIAN'],
      where: [{ age: { min: 80, max: 60 } }, { element: 'person.sex', equals: '7' }, { housingUse: ['CASTLE'] }, { age: {}, kindsAny: [] }],
    },
    table: {
      rows: [{ by: 'ageBand' }],
      columns: [{ by: 'committee', subtotals: [{ key: 's', label: { zh: 'a', en: 'b' }, of: ['x'] }] }],
      measures: ['persons'],
    },
  });
  for (const path of [
    '$.population.kinds[0]',
    '$.population.categories[0]',
    '$.population.where[0].age',
    '$.population.where[1].equals',
    '$.population.where[2].housingUse[0]',
    '$.population.where[3]',
    '$.table.rows[0].buckets',
    '$.table.columns[0].subtotals',
  ]) {
    assert.ok(
      t.some((x) => x.path === path),
      `problem at ${path}: ${JSON.stringify(t)}`,
    );
  }
});

test('elementsOf lists what a definition reads, including its kinds’ rules', () => {
  const defs = new Map(loadShippedDefinitions().map((d) => [d.id, d]));
  const monthly = defs.get('actual-population-monthly');
  assert.ok(monthly);
  assert.deepEqual(elementsOf(monthly, catalogue.kinds), ['person.populationCategory']);
  const elderly = defs.get('elderly-roster');
  assert.ok(elderly);
  const e = elementsOf(elderly, catalogue.kinds);
  for (const x of ['person.birthDate', 'person.name', 'person.citizenIdNumber', 'person.actualResidence', 'person.phone'])
    assert.ok(e.includes(x), x);
  const party = defs.get('party-members-registered-elsewhere');
  assert.ok(party);
  assert.ok(elementsOf(party, catalogue.kinds).includes('kind.partyMember'));
});
