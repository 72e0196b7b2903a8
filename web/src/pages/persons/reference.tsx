/**
 * The words behind the codes a person view carries: data-element names, code-table entries
 * (sex 1 → 男), kinds and population categories, read once from the public standard API and kept
 * for the session. Also the small helpers the person and housing pages share.
 */
import { useEffect, useState } from 'react';
import { api, requestHeaders, ApiError, type Schemas } from '../../api/client';
import { useLang } from '../../i18n/i18n';

export type PersonView = Schemas['Person'];
type Element = Schemas['DataElement'];

interface Reference {
  readonly elements: ReadonlyMap<string, Element>;
  readonly kinds: ReadonlyMap<string, { nameZh: string; nameEn: string }>;
  readonly codes: ReadonlyMap<string, ReadonlyMap<string, { nameZh: string; nameEn: string | null }>>;
  /** Source systems by id (only for roles that may read sources; others see the ids). */
  readonly sources: ReadonlyMap<string, { nameZh: string; nameEn: string }>;
}

let loading: Promise<Reference> | undefined;

/** Tables every page names codes from, besides those of the elements. */
const TABLES = ['sex', 'population-category', 'family-relationship', 'identifier-type', 'housing-use', 'residence-kind', 'household-type'];

async function load(): Promise<Reference> {
  const [elements, kinds, sources] = await Promise.all([
    api.GET('/api/v1/standard/elements'),
    api.GET('/api/v1/standard/kinds'),
    api.GET('/api/v1/sources').catch(() => ({ data: undefined })),
  ]);
  const els = elements.data ?? [];
  const ids = [...new Set([...TABLES, ...els.flatMap((e) => (e.codeTableId ? [e.codeTableId] : []))])];
  const tables = await Promise.all(
    ids.map(async (id) => {
      const r = await api.GET('/api/v1/standard/code-tables/{id}/entries', { params: { path: { id }, query: { limit: 500 } } });
      return [id, new Map((r.data?.items ?? []).map((e) => [e.code, { nameZh: e.nameZh, nameEn: e.nameEn }]))] as const;
    }),
  );
  return {
    elements: new Map(els.map((e) => [e.id, e])),
    kinds: new Map((kinds.data ?? []).map((k) => [k.id, { nameZh: k.nameZh, nameEn: k.nameEn }])),
    codes: new Map(tables),
    sources: new Map((sources.data ?? []).map((x) => [x.id, { nameZh: x.nameZh, nameEn: x.nameEn }])),
  };
}

export interface Labels {
  readonly ready: boolean;
  element(id: string): string;
  /** A value in words: the code's name when the element has a code table, else the value. */
  value(elementId: string, value: string): string;
  code(tableId: string, code: string): string;
  kind(id: string): string;
  kindIds(): string[];
  /** A source system's name (its id when unknown, or for 'manual'). */
  source(id: string | null): string;
}

export function useLabels(): Labels {
  const { lang } = useLang();
  const [ref, setRef] = useState<Reference | undefined>(undefined);
  useEffect(() => {
    loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    let live = true;
    loading.then(
      (r) => live && setRef(r),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const name = (x: { nameZh: string; nameEn: string | null } | undefined, fallback: string): string =>
    x ? (lang === 'en' && x.nameEn ? x.nameEn : x.nameZh) : fallback;
  const code = (tableId: string, c: string): string => name(ref?.codes.get(tableId)?.get(c), c);
  return {
    ready: ref !== undefined,
    element: (id) => name(ref?.elements.get(id), id),
    value: (elementId, v) => {
      const el = ref?.elements.get(elementId);
      if (el?.valueType === 'boolean' || v === 'true' || v === 'false')
        return v === 'true' ? (lang === 'en' ? 'yes' : '是') : v === 'false' ? (lang === 'en' ? 'no' : '否') : v;
      return el?.codeTableId ? code(el.codeTableId, v) : v;
    },
    code,
    kind: (id) => name(ref?.kinds.get(id), id),
    kindIds: () => [...(ref?.kinds.keys() ?? [])],
    source: (id) => (id === null ? '' : name(ref?.sources.get(id), id)),
  };
}

/** The current value of an element in a view, or undefined. */
export function valueOf(v: Pick<PersonView, 'values'>, elementId: string): string | undefined {
  return v.values.find((x) => x.elementId === elementId)?.value;
}

/** Whole years of age on a date. */
export function ageOn(birth: string | undefined, on: string): number | undefined {
  if (!birth || !/^\d{4}-\d{2}-\d{2}$/.test(birth)) return undefined;
  const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  return on.slice(5) < birth.slice(5) ? years - 1 : years;
}

/** Today in Shanghai (UTC+8), the platform's day, whatever the browser's time zone: as the server decides "today". */
export function today(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** A residence in force today of the kind (the latest-starting). */
export function residenceNow(
  v: Pick<PersonView, 'residences'>,
  kind: 'registered' | 'actual',
): PersonView['residences'][number] | undefined {
  const t = today();
  return v.residences
    .filter((r) => r.kind === kind && (r.validFrom === null || r.validFrom <= t) && (r.validTo === null || r.validTo > t))
    .sort((a, b) => (b.validFrom ?? '').localeCompare(a.validFrom ?? ''))[0];
}

/** POSTs JSON and saves the file answered (CSV exports), with the session, CSRF token and purpose. */
export async function downloadPost(url: string, body: unknown, fallbackName: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: requestHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const b = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(res.status, b.code ?? `HTTP_${res.status}`, b.message ?? res.statusText);
  }
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
