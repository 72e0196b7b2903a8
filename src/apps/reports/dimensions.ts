/**
 * Dimensions of a statistical table: the buckets a row or column dimension shows, in order, and
 * the bucket keys of one person. Age bands in whole years on the reference date; codes labelled
 * from their code table; committees and provinces named from the area tree. Pure.
 */
import { ageOn } from '../../domain/dates.ts';
import type { Bucket, DefinitionCatalogue, Dimension } from './definition-schema.ts';
import type { Label } from './types.ts';
import { categoryOf, residencePermitOf, type PersonFacts } from './engine-facts.ts';

export const OTHER_KEY = '__other';

const COMMITTEE_UNKNOWN: Label = { zh: '居委会不详', en: 'Committee not known' };

export interface ResolvedBucket {
  readonly key: string;
  readonly label: Label;
}

export interface ResolvedSubtotal extends ResolvedBucket {
  readonly of: ReadonlySet<string>;
}

export interface ResolvedDimension {
  readonly spec: Dimension;
  readonly label: Label;
  /** Buckets in order (the "other" bucket last when the dimension has one). */
  readonly buckets: readonly ResolvedBucket[];
  readonly subtotals: readonly ResolvedSubtotal[];
  keysOf(p: PersonFacts): string[];
}

export interface DimensionContext {
  readonly catalogue: DefinitionCatalogue;
  readonly asOf: string;
  /** Committees of the report's area, in code order, with their names. */
  readonly committees: readonly { readonly code: string; readonly name: string }[];
  /** Province (2-digit prefix + '0000') → name. */
  readonly provinces: ReadonlyMap<string, string>;
  /** Population categories the report counts, in order. */
  readonly categories: readonly string[];
}

const RESIDENCE_PERMIT_LABELS: Readonly<Record<string, Label>> = {
  valid: { zh: '持有效居住证', en: 'valid residence permit' },
  expired: { zh: '居住证已过期', en: 'residence permit expired' },
  none: { zh: '未办理居住证', en: 'no residence permit' },
};

const DEFAULT_LABELS: Readonly<Record<Dimension['by'], Label>> = {
  committee: { zh: '居委会', en: 'Committee' },
  populationCategory: { zh: '人口类别', en: 'Population category' },
  ageBand: { zh: '年龄段', en: 'Age band' },
  element: { zh: '项目', en: 'Item' },
  kind: { zh: '人员类别', en: 'Kind of people' },
  provinceOfOrigin: { zh: '户籍省份', en: 'Province of registration' },
  residencePermit: { zh: '居住证情况', en: 'Residence permit' },
  housingUse: { zh: '房屋用途', en: 'Housing use' },
};

/** The raw value(s) of a person for a dimension, before bucketing. */
function rawValues(d: Dimension, p: PersonFacts, ctx: DimensionContext): string[] {
  switch (d.by) {
    case 'committee': {
      const a = p.placing?.areaCode;
      return a && a.length >= 12 ? [a.slice(0, 12)] : [];
    }
    case 'populationCategory': {
      const c = categoryOf(p);
      return c ? [c] : [];
    }
    case 'ageBand': {
      const b = p.values.get('person.birthDate');
      return b ? [String(ageOn(b, ctx.asOf))] : [];
    }
    case 'element': {
      const v = d.element ? p.values.get(d.element) : undefined;
      return v === undefined ? [] : [v];
    }
    case 'kind':
      return p.kinds.filter((k) => d.kinds?.includes(k));
    case 'provinceOfOrigin': {
      const a = p.registered?.areaCode;
      return a ? [`${a.slice(0, 2)}0000`] : [];
    }
    case 'residencePermit':
      return [residencePermitOf(p, ctx.asOf)];
    case 'housingUse': {
      const u = p.dwelling?.housingUse;
      return u ? [u] : [];
    }
  }
}

function codeLabels(d: Dimension, ctx: DimensionContext): ReadonlyMap<string, Label> | undefined {
  const cat = ctx.catalogue;
  if (d.by === 'element' && d.element) {
    const e = cat.elements.get(d.element);
    if (e?.valueType === 'boolean')
      return new Map([
        ['true', { zh: '是', en: 'yes' }],
        ['false', { zh: '否', en: 'no' }],
      ]);
    return e?.codeTableId ? cat.codeTables.get(e.codeTableId) : undefined;
  }
  if (d.by === 'populationCategory') return cat.codeTables.get('population-category');
  if (d.by === 'housingUse') return cat.codeTables.get('housing-use');
  return undefined;
}

/** The buckets a dimension shows when the definition fixes none. */
function defaultBuckets(d: Dimension, ctx: DimensionContext, met: ReadonlySet<string>): ResolvedBucket[] {
  switch (d.by) {
    case 'committee':
      return ctx.committees.map((c) => ({ key: c.code, label: { zh: c.name, en: c.name } }));
    case 'populationCategory': {
      const labels = codeLabels(d, ctx);
      return ctx.categories.map((c) => ({ key: c, label: labels?.get(c) ?? { zh: c, en: c } }));
    }
    case 'kind':
      return (d.kinds ?? []).map((k) => {
        const def = ctx.catalogue.kinds.find((x) => x.id === k);
        return { key: k, label: { zh: def?.nameZh ?? k, en: def?.nameEn ?? k } };
      });
    case 'residencePermit':
      return ['valid', 'expired', 'none'].map((k) => ({ key: k, label: RESIDENCE_PERMIT_LABELS[k] ?? { zh: k, en: k } }));
    case 'provinceOfOrigin':
      return [...met].sort().map((k) => ({ key: k, label: { zh: ctx.provinces.get(k) ?? k, en: ctx.provinces.get(k) ?? k } }));
    case 'ageBand':
      return [...met].sort((a, b) => Number(a) - Number(b)).map((k) => ({ key: k, label: { zh: `${k}岁`, en: `${k} years` } }));
    case 'element':
    case 'housingUse': {
      const labels = codeLabels(d, ctx);
      const order = labels ? [...labels.keys()] : [];
      const rank = (k: string): number => {
        const i = order.indexOf(k);
        return i < 0 ? order.length : i;
      };
      return [...met]
        .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
        .map((k) => ({ key: k, label: labels?.get(k) ?? { zh: k, en: k } }));
    }
  }
}

function inBucket(b: Bucket, raw: string, byAge: boolean): boolean {
  if (byAge) {
    const age = Number(raw);
    return (b.min === undefined || age >= b.min) && (b.max === undefined || age <= b.max);
  }
  return b.values?.includes(raw) ?? false;
}

/**
 * Resolves a dimension over the persons of the report: fixed buckets as defined, or the
 * default ones (committees of the area, the counted categories, the kinds listed, the values met).
 */
export function resolveDimension(d: Dimension, ctx: DimensionContext, persons: readonly PersonFacts[]): ResolvedDimension {
  const byAge = d.by === 'ageBand';
  const fixed = d.buckets;
  let buckets: ResolvedBucket[];
  let keysOf: (p: PersonFacts) => string[];
  if (fixed) {
    buckets = fixed.map((b) => ({ key: b.key, label: b.label }));
    keysOf = (p) => {
      const out: string[] = [];
      const raws = rawValues(d, p, ctx);
      if (raws.length === 0 && d.other) return [OTHER_KEY];
      for (const raw of raws) {
        const hit = fixed.filter((b) => inBucket(b, raw, byAge)).map((b) => b.key);
        if (hit.length > 0) out.push(...hit);
        else if (d.other) out.push(OTHER_KEY);
      }
      return [...new Set(out)];
    };
  } else {
    const met = new Set<string>();
    for (const p of persons) for (const v of rawValues(d, p, ctx)) met.add(v);
    buckets = defaultBuckets(d, ctx, met);
    // Persons placed in the area but not in one of its committees (an address known only to the street).
    const listed = new Set(buckets.map((b) => b.key));
    if (d.by === 'committee' && !d.other && persons.some((p) => !rawValues(d, p, ctx).some((v) => listed.has(v)))) {
      buckets.push({ key: OTHER_KEY, label: COMMITTEE_UNKNOWN });
    }
    const known = new Set(buckets.map((b) => b.key));
    keysOf = (p) => {
      const out = new Set<string>();
      const raws = rawValues(d, p, ctx);
      if (raws.length === 0 && d.other) return [OTHER_KEY];
      for (const raw of raws) {
        if (known.has(raw)) out.add(raw);
        else if (d.other || known.has(OTHER_KEY)) out.add(OTHER_KEY);
      }
      if (raws.length === 0 && known.has(OTHER_KEY)) out.add(OTHER_KEY);
      return [...out];
    };
  }
  if (d.other) buckets.push({ key: OTHER_KEY, label: d.other });
  const subtotals = (d.subtotals ?? []).map((s) => ({ key: s.key, label: s.label, of: new Set(s.of) }));
  return {
    spec: d,
    label:
      d.label ??
      (d.by === 'element' && d.element ? (ctx.catalogue.elements.get(d.element)?.label ?? DEFAULT_LABELS.element) : DEFAULT_LABELS[d.by]),
    buckets,
    subtotals,
    keysOf,
  };
}

/** Buckets and subtotals in display order: each subtotal right after the last bucket it adds up. */
export function displayOrder(d: ResolvedDimension): { readonly key: string; readonly label: Label; readonly subtotal: boolean }[] {
  const out: { key: string; label: Label; subtotal: boolean }[] = [];
  const placed = new Set<string>();
  d.buckets.forEach((b, i) => {
    out.push({ key: b.key, label: b.label, subtotal: false });
    for (const s of d.subtotals) {
      if (placed.has(s.key)) continue;
      const lastIndex = Math.max(...d.buckets.map((x, j) => (s.of.has(x.key) ? j : -1)));
      if (lastIndex === i) {
        out.push({ key: s.key, label: s.label, subtotal: true });
        placed.add(s.key);
      }
    }
  });
  for (const s of d.subtotals) if (!placed.has(s.key)) out.push({ key: s.key, label: s.label, subtotal: true });
  return out;
}
