/**
 * The one place current values are decided: every write (manual, import, derived) is first an
 * observation; then, for each touched person and element, survivorship picks the current value
 * (the owner's first) and disagreements become conflict review items. Runs inside the caller's
 * transaction, in bulk: one read of the stored observations, current values and open conflicts
 * for all the pairs, and writes only where the current value changed.
 */
import { survive, type Reported } from '../domain/survivorship.ts';
import type { Repositories } from '../store/repositories.ts';
import type { CurrentWrite, StoredCurrent } from '../store/ingest.repository.ts';
import { newId } from '../store/clock.ts';
import type { ChangeCause } from '../domain/feed/change-event.ts';
import { ChangeEvents } from './change-events.ts';

export interface PersonElement {
  readonly personId: string;
  readonly elementId: string;
}

/** An observation the caller writes in the same unit of work but has not stored yet. */
export interface PendingObservation extends PersonElement {
  readonly sourceId: string;
  readonly value: string | null;
  readonly observedAt: string | null;
  /** The recorded time it will be stored with. */
  readonly recordedAt: string;
}

export interface RecomputeOptions {
  /** Observations not yet stored: counted after every stored one (they are stored later, with higher ids). */
  readonly pending?: readonly PendingObservation[];
  /** Persons created in this unit of work, with nothing stored about them yet: nothing is read for them. */
  readonly newPersons?: ReadonlySet<string>;
  /**
   * Where the changed current values are recorded as change events; the caller flushes them with
   * the rest of its unit of work. Without it, they are appended here, with `cause`.
   */
  readonly events?: ChangeEvents;
  /** What caused the change (without `events`); default an import of `batchId`, else the system. */
  readonly cause?: ChangeCause;
}

export interface RecomputeResult {
  readonly conflictsOpened: number;
}

const pairKey = (personId: string, elementId: string): string => `${personId}\u0000${elementId}`;

/** Above any stored observation id: pending observations are stored after the ones read. */
const PENDING_SEQ = 2 ** 52;

function sameCurrent(stored: StoredCurrent | undefined, w: CurrentWrite): boolean {
  return stored !== undefined && stored.value === w.value && stored.sourceId === w.sourceId && stored.observedAt === w.observedAt && stored.recordedAt === w.recordedAt && stored.status === w.status;
}

/**
 * A pair whose only news is one source's non-null value, where survivorship's outcome follows from
 * the stored current value alone, so nothing else is read for it: a non-owner's value while the
 * current value is the owner's, or another source's, or none (the owner's value stays and the news
 * is at most a conflict of its own; else the newer of the current and the news wins); or the
 * owner's value where there is no current value (no source holds a value then, so the owner's is
 * current and nothing differs from it).
 */
function isSimple(news: readonly PendingObservation[], owners: ReadonlySet<string>, current: StoredCurrent | undefined): news is readonly [PendingObservation] {
  const n = news[0];
  if (news.length !== 1 || !n || n.value === null) return false;
  if (owners.has(n.sourceId)) return current === undefined;
  return current === undefined || current.status === 'owner' || current.sourceId !== n.sourceId;
}

/** Later report first, as survivorship orders them: valid time, then recorded time (the news is stored last). */
function newsIsNewer(news: PendingObservation, current: StoredCurrent): boolean {
  const a = news.observedAt ?? '';
  const b = current.observedAt ?? '';
  return a !== b ? a > b : news.recordedAt >= current.recordedAt;
}

/** What a conflict review item says: the owner's value and the differing one. */
function conflictDetail(owner: { sourceId: string | null; value: string }, d: { sourceId: string; value: string | null; observedAt: string | null }): string {
  return JSON.stringify({ ownerSourceId: owner.sourceId ?? undefined, ownerValue: owner.value, sourceId: d.sourceId, value: d.value ?? '', observedAt: d.observedAt });
}

export async function recomputeCurrent(repos: Repositories, pairs: readonly PersonElement[], batchId: string | null = null, options: RecomputeOptions = {}): Promise<RecomputeResult> {
  if (pairs.length === 0) return { conflictsOpened: 0 };
  // Each pair once (a chunk passes its pending observations as the pairs: their keys are made once), with its pending observations.
  const unique = new Map<string, PersonElement>();
  const pendingByKey = new Map<string, PendingObservation[]>();
  const pairsArePending = pairs === options.pending;
  for (const o of options.pending ?? []) {
    const k = pairKey(o.personId, o.elementId);
    const list = pendingByKey.get(k);
    if (list) list.push(o);
    else {
      pendingByKey.set(k, [o]);
      if (pairsArePending) unique.set(k, o);
    }
  }
  if (!pairsArePending) for (const p of pairs) unique.set(pairKey(p.personId, p.elementId), p);
  const fresh = options.newPersons;
  const storedPersons = new Set<string>();
  const elementSet = new Set<string>();
  const storedPairs: PersonElement[] = [];
  for (const p of unique.values()) {
    elementSet.add(p.elementId);
    if (fresh?.has(p.personId)) continue;
    storedPersons.add(p.personId);
    storedPairs.push(p);
  }
  const none = new Set<string>();

  const owners = await repos.sources.owners([...elementSet]);
  const currents = await repos.ingest.currentValues(storedPairs);
  const open = await repos.ingest.openConflicts([...storedPersons]);
  const before = new Map<string, StoredCurrent>();
  for (const c of currents) before.set(pairKey(c.personId, c.elementId), c);
  const openByKey = new Map<string, { id: string; sourceId: string; detail: string }[]>();
  for (const c of open) {
    const k = pairKey(c.personId, c.elementId);
    if (!unique.has(k)) continue;
    const list = openByKey.get(k) ?? [];
    list.push(c);
    openByKey.set(k, list);
  }

  // Pairs that need every stored report: all but new persons' and the simple ones.
  const full: PersonElement[] = [];
  const needsAll = new Set<string>();
  for (const [k, p] of unique) {
    if (fresh?.has(p.personId) || isSimple(pendingByKey.get(k) ?? [], owners.get(p.elementId) ?? none, before.get(k))) continue;
    full.push(p);
    needsAll.add(k);
  }
  const reports = await repos.ingest.reportsOf(full);
  const grouped = new Map<string, Reported[]>();
  for (const r of reports) {
    const k = pairKey(r.personId, r.elementId);
    if (!needsAll.has(k)) continue;
    const list = grouped.get(k);
    if (list) list.push(r);
    else grouped.set(k, [r]);
  }

  const writes: CurrentWrite[] = [];
  const cleared: PersonElement[] = [];
  const newItems: { id: string; kind: string; personId: string; elementId: string; sourceId: string; detail: string; batchId: string | null }[] = [];
  const superseded: string[] = [];
  for (const [k, pair] of unique) {
    const ownerIds = owners.get(pair.elementId) ?? none;
    const news = pendingByKey.get(k) ?? [];
    const stored = before.get(k);
    const existing = openByKey.get(k) ?? [];
    if (needsAll.has(k) || !isSimple(news, ownerIds, stored)) {
      let seq = PENDING_SEQ;
      const all = [...(grouped.get(k) ?? []), ...news.map((o) => ({ sourceId: o.sourceId, value: o.value, observedAt: o.observedAt, recordedAt: o.recordedAt, seq: seq++ }))];
      const result = survive(all, ownerIds);
      if (result.current) {
        const c = result.current;
        const w = { personId: pair.personId, elementId: pair.elementId, value: c.value, sourceId: c.sourceId, observedAt: c.observedAt, recordedAt: c.recordedAt, status: c.status };
        if (!sameCurrent(stored, w)) writes.push(w);
      } else if (stored) {
        cleared.push(pair);
      }
      const stillOpen = new Set<string>();
      for (const d of result.conflicts) {
        const detail = conflictDetail(result.current ?? { sourceId: null, value: '' }, d);
        const same = existing.find((e) => e.sourceId === d.sourceId && e.detail === detail);
        if (same) {
          stillOpen.add(same.id);
          continue;
        }
        newItems.push({ id: newId(), kind: 'conflict', personId: pair.personId, elementId: pair.elementId, sourceId: d.sourceId, detail, batchId });
      }
      for (const e of existing) if (!stillOpen.has(e.id)) superseded.push(e.id);
      continue;
    }
    // One value, and the current value says how it ends.
    const [n] = news;
    if (ownerIds.has(n.sourceId)) {
      writes.push({ personId: pair.personId, elementId: pair.elementId, value: n.value ?? '', sourceId: n.sourceId, observedAt: n.observedAt, recordedAt: n.recordedAt, status: 'owner' });
      superseded.push(...existing.map((e) => e.id));
    } else if (stored?.status === 'owner') {
      const detail = n.value !== stored.value ? conflictDetail(stored, n) : undefined;
      for (const e of existing) if (e.sourceId === n.sourceId && e.detail !== detail) superseded.push(e.id);
      if (detail !== undefined && !existing.some((e) => e.sourceId === n.sourceId && e.detail === detail)) {
        newItems.push({ id: newId(), kind: 'conflict', personId: pair.personId, elementId: pair.elementId, sourceId: n.sourceId, detail, batchId });
      }
    } else if (!stored || newsIsNewer(n, stored)) {
      writes.push({ personId: pair.personId, elementId: pair.elementId, value: n.value ?? '', sourceId: n.sourceId, observedAt: n.observedAt, recordedAt: n.recordedAt, status: 'unconfirmed' });
    }
  }
  await repos.ingest.replaceCurrent(cleared, writes);
  const events = options.events ?? new ChangeEvents(options.cause ?? (batchId !== null ? { kind: 'import', batchId } : { kind: 'system' }));
  for (const w of writes) {
    const old = before.get(pairKey(w.personId, w.elementId))?.value ?? null;
    if (old !== w.value) events.element(w.personId, { element: w.elementId, old, new: w.value, source: w.sourceId });
  }
  for (const c of cleared) events.element(c.personId, { element: c.elementId, old: before.get(pairKey(c.personId, c.elementId))?.value ?? null, new: null, source: null });
  if (!options.events) await events.flush(repos);
  if (newItems.length > 0) await repos.ingest.insertReviewItems(newItems);
  if (superseded.length > 0) await repos.ingest.resolveReviewItems(superseded, 'superseded');
  return { conflictsOpened: newItems.length };
}
