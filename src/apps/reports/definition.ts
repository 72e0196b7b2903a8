/**
 * The report definitions language (issue 8): the full schema of a report definition, parsing it
 * from JSON or YAML, and validating it against the catalogue with every problem listed by its
 * JSON path. A definition says which people (`population`), and either the columns of a roster
 * (花名册, `roster`) or the rows, columns and measures of a statistical table (`table`). The
 * shipped definitions live in data/reports; docs/reports.md explains the language to people.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PopulusError } from '../../domain/errors.ts';
import { elementsRead, type KindDefinition } from '../../domain/kinds.ts';
import { defaultDataDir } from '../../reference/data-dir.ts';
import { loadElements, loadDepartments } from '../../reference/catalogue-loader.ts';
import { loadCodeTables } from '../../reference/code-table-loader.ts';
import { loadKinds } from '../../reference/kind-loader.ts';
import { readCsvFile, cell } from '../../reference/csv-reader.ts';
import type { Label } from './types.ts';
import type { DefinitionCatalogue, DefinitionProblem, DimensionBy, FullReportDefinition, RosterField } from './definition-schema.ts';
import { checkDefinition } from './definition-check.ts';

export * from './definition-schema.ts';

function invalid(problems: readonly DefinitionProblem[], id?: string): PopulusError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const what = id ? `report definition ${id}` : 'report definition';
  return new PopulusError(
    'REPORT_DEFINITION_INVALID',
    `${what} is not valid: ${first ? `${first.path}: ${first.reason}` : 'unknown problem'}${more}`,
    { problems },
  );
}

/** Parses JSON or YAML text and validates it; throws REPORT_DEFINITION_INVALID listing every problem. */
export function parseDefinition(text: string, format: 'json' | 'yaml', catalogue: DefinitionCatalogue): FullReportDefinition {
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw invalid([{ path: '$', reason: `not valid ${format.toUpperCase()}: ${(e as Error).message}` }]);
  }
  return validateDefinition(value, catalogue);
}

/** Validates a parsed value; throws REPORT_DEFINITION_INVALID with details.problems = [{ path, reason }]. */
export function validateDefinition(value: unknown, catalogue: DefinitionCatalogue): FullReportDefinition {
  const problems = checkDefinition(value, catalogue);
  if (problems.length > 0) {
    const id =
      typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['id'] === 'string'
        ? String((value as Record<string, unknown>)['id'])
        : undefined;
    throw invalid(problems, id);
  }
  return value as FullReportDefinition;
}

/** The catalogue from a data folder (default the repository's data/). */
export function loadDefinitionCatalogue(dataDir: string = defaultDataDir()): DefinitionCatalogue {
  const { codeTables: tables, entries } = loadCodeTables(dataDir);
  const codeTables = new Map<string, Map<string, Label>>(tables.map((t) => [t.id, new Map()]));
  for (const e of entries) codeTables.get(e.tableId)?.set(e.code, { zh: e.nameZh, en: e.nameEn ?? e.nameZh });
  const elements = new Map(
    loadElements(dataDir).map((e) => [e.id, { codeTableId: e.codeTableId, valueType: e.valueType, label: { zh: e.nameZh, en: e.nameEn } }]),
  );
  const purposes = new Set(readCsvFile(dataDir, 'catalogue/purposes.csv', ['code']).rows.map((r) => cell(r, 'code')));
  return { elements, codeTables, kinds: loadKinds(dataDir), purposes, departments: new Set(loadDepartments(dataDir).map((d) => d.id)) };
}

/** The definitions shipped in `dir` (default data/reports; .json, .yaml, .yml), validated, sorted by id. */
export function loadShippedDefinitions(
  dir: string = join(defaultDataDir(), 'reports'),
  catalogue: DefinitionCatalogue = loadDefinitionCatalogue(),
): FullReportDefinition[] {
  const out: FullReportDefinition[] = [];
  for (const name of readdirSync(dir).sort()) {
    const format = name.endsWith('.json') ? 'json' : name.endsWith('.yaml') || name.endsWith('.yml') ? 'yaml' : undefined;
    if (!format) continue;
    try {
      out.push(parseDefinition(readFileSync(join(dir, name), 'utf8'), format, catalogue));
    } catch (e) {
      if (e instanceof PopulusError) throw new PopulusError(e.code, `${name}: ${e.message}`, { ...e.details, file: name });
      throw e;
    }
  }
  const seen = new Set<string>();
  for (const d of out) {
    if (seen.has(d.id)) throw invalid([{ path: '$.id', reason: `the id ${d.id} is used by two files in ${dir}` }], d.id);
    seen.add(d.id);
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

let kindsCache: readonly KindDefinition[] | undefined;
function shippedKinds(): readonly KindDefinition[] {
  return (kindsCache ??= loadKinds(defaultDataDir()));
}

/** Elements a derived field or dimension reads. */
const FIELD_ELEMENTS: Readonly<Record<RosterField | Exclude<DimensionBy, 'element' | 'kind'>, readonly string[]>> = {
  age: ['person.birthDate'],
  ageBand: ['person.birthDate'],
  committee: [],
  populationCategory: ['person.populationCategory'],
  address: ['person.actualResidence'],
  registeredAddress: ['person.registeredAddress'],
  idNumber: ['person.citizenIdNumber'],
  otherDocument: ['person.otherIdentityDocument'],
  householdNo: ['person.relationshipToHead'],
  housingUse: ['person.actualResidence'],
  residencePermit: ['person.otherIdentityDocument'],
  provinceOfOrigin: ['person.registeredAddress'],
};

/**
 * The element ids a definition reads, sorted: every element its conditions, dimensions and
 * columns show or test, the elements of the rules of the kinds it names, and the population
 * category (every report selects people by it). The caller's remit must allow them all.
 */
export function elementsOf(def: FullReportDefinition, kinds: readonly KindDefinition[] = shippedKinds()): string[] {
  const out = new Set<string>(['person.populationCategory']);
  const kindElements = (ids: readonly string[]): void => {
    for (const e of elementsRead(kinds.filter((k) => ids.includes(k.id)))) out.add(e);
  };
  const p = def.population;
  if (p?.kinds) kindElements(p.kinds);
  for (const c of p?.where ?? []) {
    if ('element' in c) out.add(c.element);
    else if ('age' in c) out.add('person.birthDate');
    else if ('kindsAny' in c) kindElements(c.kindsAny);
    else if ('housingUse' in c) out.add('person.actualResidence');
    else out.add('person.otherIdentityDocument');
  }
  for (const d of [...(def.table?.rows ?? []), ...(def.table?.columns ?? [])]) {
    if (d.by === 'element') {
      if (d.element) out.add(d.element);
    } else if (d.by === 'kind') kindElements(d.kinds ?? []);
    else for (const e of FIELD_ELEMENTS[d.by]) out.add(e);
  }
  for (const c of def.roster?.columns ?? []) {
    if ('element' in c) out.add(c.element);
    else for (const e of FIELD_ELEMENTS[c.field]) out.add(e);
  }
  return [...out].sort();
}
