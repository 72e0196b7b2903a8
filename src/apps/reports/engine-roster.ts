/**
 * Lays out a roster (花名册): one row per person with the columns the definition names — element
 * values (codes shown by their Chinese name), or derived fields (age on the date, committee,
 * category, addresses, document numbers, household number, housing use, residence permit,
 * province of registration). ID numbers and phones are masked unless the caller asked to unmask
 * and the remit allows it for that person. Pure.
 */
import { ageOn } from '../../domain/dates.ts';
import { maskKindOfId, maskValue } from '../../access/masking.ts';
import type { DataElement } from '../../domain/standard/types.ts';
import type { DefinitionCatalogue, RosterColumn, RosterField, RosterSpec } from './definition-schema.ts';
import { categoryOf, residencePermitOf, type PersonFacts } from './engine-facts.ts';
import type { Label, ResultColumn, ResultRow } from './types.ts';

const FIELD_LABELS: Readonly<Record<RosterField, Label>> = {
  age: { zh: '年龄', en: 'Age' },
  committee: { zh: '居委会', en: 'Committee' },
  populationCategory: { zh: '人口类别', en: 'Population category' },
  address: { zh: '居住地址', en: 'Address' },
  registeredAddress: { zh: '户籍地址', en: 'Registered address' },
  idNumber: { zh: '公民身份号码', en: 'Citizen ID number' },
  otherDocument: { zh: '其他证件', en: 'Other document' },
  householdNo: { zh: '户号', en: 'Household number' },
  housingUse: { zh: '房屋用途', en: 'Housing use' },
  residencePermit: { zh: '居住证', en: 'Residence permit' },
  provinceOfOrigin: { zh: '户籍省份', en: 'Province of registration' },
};

/** The element whose masking and unmasking rule a field follows. */
const FIELD_MASK_ELEMENT: Partial<Record<RosterField, string>> = {
  idNumber: 'person.citizenIdNumber',
  otherDocument: 'person.otherIdentityDocument',
};

const PERMIT_ZH: Readonly<Record<string, string>> = { valid: '有效', expired: '已过期', none: '无' };

export interface RosterContext {
  readonly catalogue: DefinitionCatalogue;
  readonly elements: ReadonlyMap<string, DataElement>;
  readonly asOf: string;
  readonly committeeNames: ReadonlyMap<string, string>;
  readonly provinces: ReadonlyMap<string, string>;
  /** Elements shown unmasked for this person (asked for, and allowed by the remit). */
  unmasked(p: PersonFacts): ReadonlySet<string>;
}

export interface RosterLayout {
  readonly columns: ResultColumn[];
  readonly rows: ResultRow[];
  /** Elements shown masked for at least one person; and shown unmasked (for the audit entry). */
  readonly masked: string[];
  readonly unmasked: string[];
}

function columnOf(c: RosterColumn, ctx: RosterContext): ResultColumn {
  if ('element' in c) {
    const e = ctx.catalogue.elements.get(c.element);
    const type = e?.valueType === 'date' ? 'date' : e?.valueType === 'number' || e?.valueType === 'integer' ? 'number' : 'text';
    return { key: c.key, label: c.label ?? e?.label ?? { zh: c.element, en: c.element }, type, elementId: c.element };
  }
  const maskElement = FIELD_MASK_ELEMENT[c.field];
  return {
    key: c.key,
    label: c.label ?? FIELD_LABELS[c.field],
    type: c.field === 'age' ? 'number' : 'text',
    ...(maskElement ? { elementId: maskElement } : {}),
  };
}

function codeName(ctx: RosterContext, tableId: string | null | undefined, code: string): string {
  if (!tableId) return code;
  return ctx.catalogue.codeTables.get(tableId)?.get(code)?.zh ?? code;
}

function raw(c: RosterColumn, p: PersonFacts, ctx: RosterContext): string | number | null {
  if ('element' in c) {
    const v = p.values.get(c.element);
    if (v === undefined) return null;
    const e = ctx.catalogue.elements.get(c.element);
    if (e?.valueType === 'boolean') return v === 'true' ? '是' : '否';
    return e?.codeTableId ? codeName(ctx, e.codeTableId, v) : v;
  }
  switch (c.field) {
    case 'age': {
      const b = p.values.get('person.birthDate');
      return b ? ageOn(b, ctx.asOf) : null;
    }
    case 'committee': {
      const a = p.placing?.areaCode.slice(0, 12);
      return a ? (ctx.committeeNames.get(a) ?? a) : null;
    }
    case 'populationCategory': {
      const cat = categoryOf(p);
      return cat ? codeName(ctx, 'population-category', cat) : null;
    }
    case 'address':
      return p.actual?.addressText ?? p.dwelling?.address ?? null;
    case 'registeredAddress':
      return p.registered?.addressText ?? null;
    case 'idNumber':
      return p.identifiers.find((i) => i.type === 'CN_ID')?.number ?? null;
    case 'otherDocument': {
      const i = p.identifiers.find((x) => x.type !== 'CN_ID');
      return i ? i.number : null;
    }
    case 'householdNo':
      return p.householdNo;
    case 'housingUse':
      return p.dwelling?.housingUse ? codeName(ctx, 'housing-use', p.dwelling.housingUse) : null;
    case 'residencePermit':
      return PERMIT_ZH[residencePermitOf(p, ctx.asOf)] ?? null;
    case 'provinceOfOrigin': {
      const a = p.registered?.areaCode;
      return a ? (ctx.provinces.get(`${a.slice(0, 2)}0000`) ?? a.slice(0, 2)) : null;
    }
  }
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'zh-Hans-CN');
}

export function buildRoster(spec: RosterSpec, persons: readonly PersonFacts[], ctx: RosterContext): RosterLayout {
  const columns = spec.columns.map((c) => columnOf(c, ctx));
  const masked = new Set<string>();
  const unmasked = new Set<string>();
  // Sort on the unmasked values, then mask.
  const table = persons.map((p) => ({ p, values: spec.columns.map((c) => raw(c, p, ctx)) }));
  const sortKeys = (spec.sort ?? []).map((s) => ({
    index: spec.columns.findIndex((c) => c.key === s.replace(/^-/, '')),
    desc: s.startsWith('-'),
  }));
  table.sort((x, y) => {
    for (const k of sortKeys) {
      const d = compare(x.values[k.index] ?? null, y.values[k.index] ?? null);
      if (d !== 0) return k.desc ? -d : d;
    }
    return x.p.id.localeCompare(y.p.id);
  });
  const rows: ResultRow[] = table.map(({ p, values }) => {
    const allowed = ctx.unmasked(p);
    const cells = values.map((v, i) => {
      const elementId = columns[i]?.elementId;
      if (v === null || typeof v === 'number' || !elementId) return v;
      const kind = maskKindOfId(ctx.elements, elementId);
      if (kind === 'none') return v;
      if (allowed.has(elementId)) {
        unmasked.add(elementId);
        return v;
      }
      masked.add(elementId);
      return maskValue(kind, v);
    });
    return { cells, role: 'data', level: 0 };
  });
  return { columns, rows, masked: [...masked].sort(), unmasked: [...unmasked].sort() };
}
