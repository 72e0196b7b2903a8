/**
 * The one place current values are decided: every write (manual, import, derived) is first an
 * observation; then, for each touched person and element, survivorship picks the current value
 * (the owner's first) and disagreements become conflict review items. Runs inside the caller's
 * transaction, in bulk.
 */
import { survive, type Reported } from '../domain/survivorship.ts';
import type { Repositories } from '../store/repositories.ts';
import type { CurrentWrite } from '../store/ingest.repository.ts';
import { newId } from '../store/clock.ts';

export interface PersonElement {
  readonly personId: string;
  readonly elementId: string;
}

export interface RecomputeResult {
  readonly conflictsOpened: number;
}

const pairKey = (personId: string, elementId: string): string => `${personId}\u0000${elementId}`;

export async function recomputeCurrent(repos: Repositories, pairs: readonly PersonElement[], batchId: string | null = null): Promise<RecomputeResult> {
  if (pairs.length === 0) return { conflictsOpened: 0 };
  const unique = new Map<string, PersonElement>();
  for (const p of pairs) unique.set(pairKey(p.personId, p.elementId), p);
  const personIds = [...new Set([...unique.values()].map((p) => p.personId))];
  const elementIds = [...new Set([...unique.values()].map((p) => p.elementId))];

  const [reports, owners, open] = await Promise.all([repos.ingest.reports(personIds, elementIds), repos.sources.owners(elementIds), repos.ingest.openConflicts(personIds)]);
  const grouped = new Map<string, Reported[]>();
  for (const r of reports) {
    const k = pairKey(r.personId, r.elementId);
    if (!unique.has(k)) continue;
    const list = grouped.get(k);
    if (list) list.push(r);
    else grouped.set(k, [r]);
  }
  const openByKey = new Map<string, { id: string; sourceId: string; detail: string }[]>();
  for (const c of open) {
    const k = pairKey(c.personId, c.elementId);
    if (!unique.has(k)) continue;
    const list = openByKey.get(k) ?? [];
    list.push(c);
    openByKey.set(k, list);
  }

  const writes: CurrentWrite[] = [];
  const cleared: PersonElement[] = [];
  const newItems: { id: string; kind: string; personId: string; elementId: string; sourceId: string; detail: string; batchId: string | null }[] = [];
  const superseded: string[] = [];
  const none = new Set<string>();
  for (const [k, pair] of unique) {
    const result = survive(grouped.get(k) ?? [], owners.get(pair.elementId) ?? none);
    if (result.current) {
      const c = result.current;
      writes.push({ personId: pair.personId, elementId: pair.elementId, value: c.value, sourceId: c.sourceId, observedAt: c.observedAt, recordedAt: c.recordedAt, status: c.status });
    } else {
      cleared.push(pair);
    }
    const existing = openByKey.get(k) ?? [];
    const stillOpen = new Set<string>();
    for (const d of result.conflicts) {
      const detail = JSON.stringify({ ownerSourceId: result.current?.sourceId, ownerValue: result.current?.value, sourceId: d.sourceId, value: d.value, observedAt: d.observedAt });
      const same = existing.find((e) => e.sourceId === d.sourceId && e.detail === detail);
      if (same) {
        stillOpen.add(same.id);
        continue;
      }
      newItems.push({ id: newId(), kind: 'conflict', personId: pair.personId, elementId: pair.elementId, sourceId: d.sourceId, detail, batchId });
    }
    for (const e of existing) if (!stillOpen.has(e.id)) superseded.push(e.id);
  }
  await repos.ingest.replaceCurrent(cleared, writes);
  if (newItems.length > 0) await repos.ingest.insertReviewItems(newItems);
  if (superseded.length > 0) await repos.ingest.resolveReviewItems(superseded, 'superseded');
  return { conflictsOpened: newItems.length };
}
