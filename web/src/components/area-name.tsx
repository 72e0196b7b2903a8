/** The name of an area code (新华路街道, 番禺居委会), read once per code from the public standard API. */
import { useEffect, useState } from 'react';
import { api } from '../api/client';

const cache = new Map<string, Promise<string>>();

export function areaName(code: string): Promise<string> {
  let p = cache.get(code);
  if (p === undefined) {
    p = api.GET('/api/v1/areas/{code}', { params: { path: { code } } }).then((r) => (r.data ? r.data.name : code), () => code);
    cache.set(code, p);
  }
  return p;
}

/** The area's name once known (the code until then); undefined for no code. */
export function useAreaName(code: string | undefined): string | undefined {
  const [name, setName] = useState<string | undefined>(code);
  useEffect(() => {
    setName(code);
    if (code !== undefined) void areaName(code).then(setName);
  }, [code]);
  return name;
}
