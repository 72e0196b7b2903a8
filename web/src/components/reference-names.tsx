/**
 * Names of the standard's codes for people (departments, purposes, any code table), read once per
 * table from the public standard API and shown in the chosen language; the code itself until known.
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useLang } from '../i18n/i18n';

interface Named {
  readonly zh: string;
  readonly en: string;
}

const tables = new Map<string, Promise<ReadonlyMap<string, Named>>>();

function load(key: string, read: () => Promise<ReadonlyMap<string, Named>>): Promise<ReadonlyMap<string, Named>> {
  let p = tables.get(key);
  if (p === undefined) {
    p = read().catch(() => new Map<string, Named>());
    tables.set(key, p);
  }
  return p;
}

/** The entries of a code table, code → names (read 500 at a time). */
export function codeNames(tableId: string): Promise<ReadonlyMap<string, Named>> {
  return load(`table:${tableId}`, async () => {
    const names = new Map<string, Named>();
    for (let offset = 0; ; offset += 500) {
      const r = await api.GET('/api/v1/standard/code-tables/{id}/entries', { params: { path: { id: tableId }, query: { limit: 500, offset } } });
      const items = r.data?.items ?? [];
      for (const e of items) names.set(e.code, { zh: e.nameZh, en: e.nameEn ?? e.nameZh });
      if (items.length < 500 || offset + 500 >= (r.data?.total ?? 0)) return names;
    }
  });
}

export function departmentNames(): Promise<ReadonlyMap<string, Named>> {
  return load('departments', async () => {
    const r = await api.GET('/api/v1/standard/departments');
    return new Map((r.data ?? []).map((d) => [d.id, { zh: d.nameZh, en: d.nameEn }]));
  });
}

function useNames(source: () => Promise<ReadonlyMap<string, Named>>, deps: readonly unknown[]): (code: string) => string {
  const { lang } = useLang();
  const [names, setNames] = useState<ReadonlyMap<string, Named>>(new Map());
  useEffect(() => {
    let live = true;
    void source().then((n) => {
      if (live) setNames(n);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return (code: string) => names.get(code)?.[lang] ?? code;
}

/** code → name in the chosen language, for one code table (population-category, purpose, …). */
export function useCodeNames(tableId: string): (code: string) => string {
  return useNames(() => codeNames(tableId), [tableId]);
}

export function useDepartmentNames(): (id: string) => string {
  return useNames(departmentNames, []);
}
