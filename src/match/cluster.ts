/**
 * Clusters of a dedup: the connected components of the linked pairs (union–find), so that
 * A ~ B and B ~ C make one person of A, B and C even where A and C alone would not have linked.
 * What a registry does when it merges; the benchmark reports pairwise F1 both before and after.
 */

/** Cluster id of every record (the smallest record index in its cluster). */
export function clusters(records: number, links: Iterable<readonly [number, number]>): Int32Array {
  const parent = Int32Array.from({ length: records }, (_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while ((parent[r] ?? r) !== r) r = parent[r] ?? r;
    while ((parent[x] ?? x) !== r) {
      const next = parent[x] ?? x;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  for (const [a, b] of links) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  for (let i = 0; i < records; i++) parent[i] = find(i);
  return parent;
}

/** Every pair of records that share a cluster, as index pairs (i < j). */
export function* clusterPairs(ids: Int32Array): Generator<[number, number]> {
  const members = new Map<number, number[]>();
  ids.forEach((c, i) => {
    const list = members.get(c);
    if (list) list.push(i);
    else members.set(c, [i]);
  });
  for (const list of members.values()) {
    for (let x = 0; x < list.length; x++) for (let y = x + 1; y < list.length; y++) yield [list[x] ?? 0, list[y] ?? 0];
  }
}
