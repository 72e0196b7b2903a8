/** Rows grouped by the person they are about, in the order given (pure). */
export function byPerson<T extends { readonly personId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.personId);
    if (list) list.push(r);
    else out.set(r.personId, [r]);
  }
  return out;
}
