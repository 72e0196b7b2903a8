/**
 * The checks of a report definition against the catalogue: shape, known elements, codes, kinds,
 * purposes and departments, with every problem named by its JSON path (`$.table.rows[0].element`)
 * and reason. Pure; definition.ts throws REPORT_DEFINITION_INVALID with the list.
 */
import type { DefinitionCatalogue, DefinitionProblem } from './definition-schema.ts';
import { DIMENSIONS, MEASURES, ROSTER_FIELDS } from './definition-schema.ts';

type Obj = Record<string, unknown>;

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PERIODS = ['monthly', 'quarterly', 'annual', 'on-demand'];
const TOP_KEYS = [
  '$comment',
  'id',
  'version',
  'kind',
  'title',
  'description',
  'departmentId',
  'purpose',
  'period',
  'population',
  'roster',
  'table',
];
const RESIDENCE_PERMIT = ['valid', 'expired', 'none'];

class Checker {
  readonly problems: DefinitionProblem[] = [];
  constructor(readonly cat: DefinitionCatalogue) {}

  add(path: string, reason: string): void {
    this.problems.push({ path, reason });
  }

  obj(v: unknown, path: string, keys: readonly string[]): Obj | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.add(path, 'must be an object');
      return undefined;
    }
    for (const k of Object.keys(v)) if (!keys.includes(k)) this.add(`${path}.${k}`, `unknown field (expected one of ${keys.join(', ')})`);
    return v as Obj;
  }

  str(o: Obj, key: string, path: string, required: boolean): string | undefined {
    const v = o[key];
    if (v === undefined) {
      if (required) this.add(`${path}.${key}`, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v === '') {
      this.add(`${path}.${key}`, 'must be a non-empty string');
      return undefined;
    }
    return v;
  }

  list(v: unknown, path: string, min = 0): unknown[] | undefined {
    if (!Array.isArray(v)) {
      this.add(path, 'must be a list');
      return undefined;
    }
    if (v.length < min) this.add(path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
    return v;
  }

  strings(v: unknown, path: string, allowed: ReadonlySet<string> | readonly string[] | undefined, what: string, min = 1): string[] {
    const l = this.list(v, path, min);
    if (!l) return [];
    const ok: string[] = [];
    l.forEach((x, i) => {
      if (typeof x !== 'string' || x === '') this.add(`${path}[${i}]`, 'must be a non-empty string');
      else if (allowed && !(Array.isArray(allowed) ? allowed.includes(x) : (allowed as ReadonlySet<string>).has(x)))
        this.add(`${path}[${i}]`, `unknown ${what} "${x}"`);
      else ok.push(x);
    });
    return ok;
  }

  label(v: unknown, path: string, required: boolean): void {
    if (v === undefined) {
      if (required) this.add(path, 'is required');
      return;
    }
    const o = this.obj(v, path, ['zh', 'en']);
    if (!o) return;
    this.str(o, 'zh', path, true);
    this.str(o, 'en', path, true);
  }

  element(v: unknown, path: string, coded: boolean): string | undefined {
    if (typeof v !== 'string') {
      this.add(path, 'must be an element id');
      return undefined;
    }
    const e = this.cat.elements.get(v);
    if (!e) {
      this.add(path, `unknown element "${v}"`);
      return undefined;
    }
    if (coded && e.codeTableId === null && e.valueType !== 'boolean')
      this.add(path, `element "${v}" is not coded, so it cannot split a table`);
    return v;
  }

  codesOf(elementId: string | undefined): ReadonlySet<string> | undefined {
    if (elementId === undefined) return undefined;
    const e = this.cat.elements.get(elementId);
    if (e?.valueType === 'boolean') return new Set(['true', 'false']);
    const t = e?.codeTableId ? this.cat.codeTables.get(e.codeTableId) : undefined;
    return t ? new Set(t.keys()) : undefined;
  }

  get kindIds(): ReadonlySet<string> {
    return new Set(this.cat.kinds.map((k) => k.id));
  }

  condition(v: unknown, path: string): void {
    const o = this.obj(v, path, ['element', 'equals', 'in', 'present', 'age', 'kindsAny', 'housingUse', 'residencePermit']);
    if (!o) return;
    const heads = ['element', 'age', 'kindsAny', 'housingUse', 'residencePermit'].filter((k) => o[k] !== undefined);
    if (heads.length !== 1) {
      this.add(path, 'a condition has exactly one of element, age, kindsAny, housingUse, residencePermit');
      return;
    }
    if (o['element'] !== undefined) {
      const el = this.element(o['element'], `${path}.element`, false);
      const tests = ['equals', 'in', 'present'].filter((k) => o[k] !== undefined);
      if (tests.length !== 1) this.add(path, 'an element condition has exactly one of equals, in, present');
      const codes = this.codesOf(el);
      if (o['equals'] !== undefined) {
        if (typeof o['equals'] !== 'string') this.add(`${path}.equals`, 'must be a string');
        else if (codes && !codes.has(o['equals'])) this.add(`${path}.equals`, `"${o['equals']}" is not a code of ${el ?? ''}`);
      }
      if (o['in'] !== undefined) this.strings(o['in'], `${path}.in`, codes, `code of ${el ?? ''}`);
      if (o['present'] !== undefined && typeof o['present'] !== 'boolean') this.add(`${path}.present`, 'must be true or false');
    } else if (o['age'] !== undefined) {
      const a = this.obj(o['age'], `${path}.age`, ['min', 'max']);
      if (a) this.range(a, `${path}.age`);
    } else if (o['kindsAny'] !== undefined) {
      this.strings(o['kindsAny'], `${path}.kindsAny`, this.kindIds, 'kind');
    } else if (o['housingUse'] !== undefined) {
      this.strings(o['housingUse'], `${path}.housingUse`, new Set(this.cat.codeTables.get('housing-use')?.keys() ?? []), 'housing use');
    } else {
      this.strings(o['residencePermit'], `${path}.residencePermit`, RESIDENCE_PERMIT, 'residence-permit status');
    }
  }

  range(a: Obj, path: string): void {
    for (const k of ['min', 'max']) {
      const x = a[k];
      if (x !== undefined && (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 150))
        this.add(`${path}.${k}`, 'must be a whole number of years from 0 to 150');
    }
    if (typeof a['min'] === 'number' && typeof a['max'] === 'number' && a['min'] > a['max']) this.add(path, 'min is above max');
  }

  dimension(v: unknown, path: string): void {
    const o = this.obj(v, path, ['by', 'element', 'kinds', 'buckets', 'other', 'subtotals', 'label']);
    if (!o) return;
    const by = o['by'];
    if (typeof by !== 'string' || !(DIMENSIONS as readonly string[]).includes(by)) {
      this.add(`${path}.by`, `must be one of ${DIMENSIONS.join(', ')}`);
      return;
    }
    let codes: ReadonlySet<string> | undefined;
    if (by === 'element') codes = this.codesOf(this.element(o['element'], `${path}.element`, true));
    else if (o['element'] !== undefined) this.add(`${path}.element`, 'only for by: element');
    if (by === 'kind') this.strings(o['kinds'], `${path}.kinds`, this.kindIds, 'kind');
    else if (o['kinds'] !== undefined) this.add(`${path}.kinds`, 'only for by: kind');
    if (by === 'populationCategory') codes = new Set(this.cat.codeTables.get('population-category')?.keys() ?? []);
    if (by === 'housingUse') codes = new Set(this.cat.codeTables.get('housing-use')?.keys() ?? []);
    if (by === 'residencePermit') codes = new Set(RESIDENCE_PERMIT);
    if (by === 'ageBand' && o['buckets'] === undefined) this.add(`${path}.buckets`, 'age bands need buckets with min/max');
    if (by === 'kind' && o['buckets'] !== undefined) this.add(`${path}.buckets`, 'kind dimensions take their buckets from kinds');
    const keys = new Set<string>();
    if (o['buckets'] !== undefined) {
      (this.list(o['buckets'], `${path}.buckets`, 1) ?? []).forEach((b, i) => {
        const bp = `${path}.buckets[${i}]`;
        const bo = this.obj(b, bp, ['key', 'label', 'values', 'min', 'max']);
        if (!bo) return;
        const key = this.str(bo, 'key', bp, true);
        if (key !== undefined) {
          if (keys.has(key)) this.add(`${bp}.key`, `duplicate key "${key}"`);
          keys.add(key);
        }
        this.label(bo['label'], `${bp}.label`, true);
        if (by === 'ageBand') {
          if (bo['values'] !== undefined) this.add(`${bp}.values`, 'age bands use min/max');
          this.range(bo, bp);
        } else {
          if (bo['min'] !== undefined || bo['max'] !== undefined) this.add(bp, 'min/max only for age bands');
          if (by === 'committee' || by === 'provinceOfOrigin') this.strings(bo['values'], `${bp}.values`, undefined, 'area code');
          else this.strings(bo['values'], `${bp}.values`, codes, 'code');
        }
      });
    }
    if (o['other'] !== undefined) this.label(o['other'], `${path}.other`, true);
    if (o['label'] !== undefined) this.label(o['label'], `${path}.label`, true);
    if (o['subtotals'] !== undefined) {
      if (o['buckets'] === undefined && by !== 'kind') this.add(`${path}.subtotals`, 'subtotals need fixed buckets');
      const all = by === 'kind' && Array.isArray(o['kinds']) ? new Set(o['kinds'].map(String)) : keys;
      (this.list(o['subtotals'], `${path}.subtotals`, 1) ?? []).forEach((s, i) => {
        const sp = `${path}.subtotals[${i}]`;
        const so = this.obj(s, sp, ['key', 'label', 'of']);
        if (!so) return;
        const key = this.str(so, 'key', sp, true);
        if (key !== undefined && all.has(key)) this.add(`${sp}.key`, `"${key}" is also a bucket key`);
        this.label(so['label'], `${sp}.label`, true);
        this.strings(so['of'], `${sp}.of`, all, 'bucket key');
      });
    }
  }

  table(v: unknown, path: string): void {
    const o = this.obj(v, path, ['rows', 'columns', 'measures', 'totalRow', 'totalColumn']);
    if (!o) return;
    const rows = this.list(o['rows'], `${path}.rows`, 1) ?? [];
    if (rows.length > 2) this.add(`${path}.rows`, 'at most two nested row dimensions');
    rows.forEach((d, i) => this.dimension(d, `${path}.rows[${i}]`));
    const cols = o['columns'] === undefined ? [] : (this.list(o['columns'], `${path}.columns`) ?? []);
    if (cols.length > 2) this.add(`${path}.columns`, 'at most two nested column dimensions');
    cols.forEach((d, i) => this.dimension(d, `${path}.columns[${i}]`));
    const measures = this.strings(o['measures'], `${path}.measures`, MEASURES, 'measure');
    if (new Set(measures).size !== measures.length) this.add(`${path}.measures`, 'a measure is listed twice');
    if (measures.includes('share') && !measures.includes('persons'))
      this.add(`${path}.measures`, 'share needs persons (it is persons / the row total)');
    for (const k of ['totalRow', 'totalColumn'])
      if (o[k] !== undefined && typeof o[k] !== 'boolean') this.add(`${path}.${k}`, 'must be true or false');
  }

  roster(v: unknown, path: string): void {
    const o = this.obj(v, path, ['columns', 'sort']);
    if (!o) return;
    const keys = new Set<string>();
    (this.list(o['columns'], `${path}.columns`, 1) ?? []).forEach((c, i) => {
      const cp = `${path}.columns[${i}]`;
      const co = this.obj(c, cp, ['key', 'label', 'element', 'field']);
      if (!co) return;
      const key = this.str(co, 'key', cp, true);
      if (key !== undefined) {
        if (keys.has(key)) this.add(`${cp}.key`, `duplicate key "${key}"`);
        keys.add(key);
      }
      if (co['label'] !== undefined) this.label(co['label'], `${cp}.label`, true);
      if ((co['element'] === undefined) === (co['field'] === undefined)) this.add(cp, 'a column has exactly one of element, field');
      else if (co['element'] !== undefined) this.element(co['element'], `${cp}.element`, false);
      else if (typeof co['field'] !== 'string' || !(ROSTER_FIELDS as readonly string[]).includes(co['field']))
        this.add(`${cp}.field`, `must be one of ${ROSTER_FIELDS.join(', ')}`);
    });
    if (o['sort'] !== undefined) {
      (this.list(o['sort'], `${path}.sort`) ?? []).forEach((s, i) => {
        const k = typeof s === 'string' ? s.replace(/^-/, '') : undefined;
        if (k === undefined || !keys.has(k))
          this.add(`${path}.sort[${i}]`, `must be a column key (optionally with a leading -), not ${JSON.stringify(s)}`);
      });
    }
  }
}

/** Every problem of a definition (empty when it is valid). */
export function checkDefinition(value: unknown, cat: DefinitionCatalogue): DefinitionProblem[] {
  const c = new Checker(cat);
  const o = c.obj(value, '$', TOP_KEYS);
  if (!o) return c.problems;
  const id = c.str(o, 'id', '$', true);
  if (id !== undefined && !ID.test(id)) c.add('$.id', `"${id}" is not a kebab-case id`);
  if (o['version'] === undefined) c.add('$.version', 'is required');
  else if (typeof o['version'] !== 'number' || !Number.isInteger(o['version']) || o['version'] < 1)
    c.add('$.version', 'must be a whole number from 1');
  const kind = o['kind'];
  if (kind !== 'roster' && kind !== 'table') c.add('$.kind', 'must be roster or table');
  c.label(o['title'], '$.title', true);
  c.label(o['description'], '$.description', false);
  const dep = c.str(o, 'departmentId', '$', true);
  if (dep !== undefined && !cat.departments.has(dep)) c.add('$.departmentId', `unknown department "${dep}"`);
  const purpose = c.str(o, 'purpose', '$', true);
  if (purpose !== undefined && !cat.purposes.has(purpose)) c.add('$.purpose', `unknown purpose "${purpose}" (purposes.csv)`);
  if (!PERIODS.includes(String(o['period']))) c.add('$.period', `must be one of ${PERIODS.join(', ')}`);
  if (o['population'] !== undefined) {
    const p = c.obj(o['population'], '$.population', ['categories', 'kinds', 'where']);
    if (p) {
      if (p['categories'] !== undefined)
        c.strings(
          p['categories'],
          '$.population.categories',
          new Set(cat.codeTables.get('population-category')?.keys() ?? []),
          'population category',
        );
      if (p['kinds'] !== undefined) c.strings(p['kinds'], '$.population.kinds', c.kindIds, 'kind');
      if (p['where'] !== undefined)
        (c.list(p['where'], '$.population.where') ?? []).forEach((x, i) => c.condition(x, `$.population.where[${i}]`));
    }
  }
  if (kind === 'table') {
    if (o['table'] === undefined) c.add('$.table', 'is required for kind table');
    else c.table(o['table'], '$.table');
    if (o['roster'] !== undefined) c.add('$.roster', 'only for kind roster');
  }
  if (kind === 'roster') {
    if (o['roster'] === undefined) c.add('$.roster', 'is required for kind roster');
    else c.roster(o['roster'], '$.roster');
    if (o['table'] !== undefined) c.add('$.table', 'only for kind table');
  }
  return c.problems;
}
