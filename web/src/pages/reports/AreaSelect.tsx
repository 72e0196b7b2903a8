/**
 * The area a report is run for: the user's own areas (street or committee) and the committees
 * under them first; any other street, committee or grid found by name or code (GET /api/v1/areas?q=).
 */
import { useEffect, useMemo, useState } from 'react';
import { Select } from 'antd';
import { api } from '../../api/client';
import { useAsync } from '../../components/async';
import { useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { AREA_PATTERN, rep } from './messages';

export function useOwnAreas() {
  const { session } = useSession();
  const codes = session?.user.areaCodes ?? [];
  return useAsync(async () => {
    const out: { code: string; name: string; level: number }[] = [];
    for (const code of codes) {
      const a = await api.GET('/api/v1/areas/{code}', { params: { path: { code } } });
      out.push({ code, name: a.data?.name ?? code, level: 0 });
      const children = await api.GET('/api/v1/areas/{code}/children', { params: { path: { code } } });
      for (const c of children.data ?? []) if (AREA_PATTERN.test(c.code)) out.push({ code: c.code, name: c.name, level: 1 });
    }
    return out;
  }, [codes.join(',')]);
}

export function AreaSelect({ value, onChange, testId }: { value?: string; onChange?: (v: string) => void; testId?: string }) {
  const t = useT(rep);
  const own = useOwnAreas();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<{ code: string; name: string }[]>([]);
  useEffect(() => {
    const term = q.trim();
    if (term.length === 0) {
      setFound([]);
      return;
    }
    let live = true;
    const h = setTimeout(() => {
      void api.GET('/api/v1/areas', { params: { query: { q: term, limit: 20 } } }).then((r) => {
        if (live) setFound((r.data?.items ?? []).filter((a) => AREA_PATTERN.test(a.code)).map((a) => ({ code: a.code, name: a.name })));
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(h);
    };
  }, [q]);
  const options = useMemo(() => {
    const seen = new Set<string>();
    const out: { value: string; label: string }[] = [];
    for (const a of [...(own.data ?? []), ...found]) {
      if (seen.has(a.code)) continue;
      seen.add(a.code);
      out.push({ value: a.code, label: `${'level' in a && a.level === 1 ? '　' : ''}${a.name}（${a.code}）` });
    }
    return out;
  }, [own.data, found]);
  return (
    <Select
      value={value}
      onChange={onChange}
      options={options}
      loading={own.loading}
      placeholder={t('areaSearch')}
      showSearch={{ filterOption: (input, o) => String(o?.label ?? '').includes(input) || String(o?.value ?? '').startsWith(input), onSearch: setQ }}
      style={{ minWidth: 260 }}
      data-testid={testId}
    />
  );
}
