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

/** A pair being decided: its news, and what is stored about it. */
interface PairState {
  readonly pair: PersonElement;
  readonly news: PendingObservation[];
  stored?: StoredCurrent;
  open?: { id: string; sourceId: string; detail: string }[];
  /** Every stored report is read for it (it is neither a new person's nor simple). */
  full?: boolean;
  reports?: Reported[];
}

const NO_NEWS: readonly PendingObservation[] = [];
const NO_OPEN: readonly { id: string; sourceId: string; detail: string }[] = [];

export async function recomputeCurrent(repos: Repositories, pairs: readonly PersonElement[], batchId: string | null = null, options: RecomputeOptions = {}): Promise<RecomputeResult> {
  if (pairs.length === 0) return { conflictsOpened: 0 };
  // Each pair once, in the order first named, with its pending observations: found by person, then
  // element (a chunk's hundreds of thousands of pairs need no key strings made and hashed per read row).
  const byPerson = new Map<string, Map<string, PairState>>();
  const states: PairState[] = [];
  const stateOf = (personId: string, elementId: string): PairState | undefined => byPerson.get(personId)?.get(elementId);
  const add = (p: PersonElement, news: PendingObservation[]): PairState => {
    let m = byPerson.get(p.personId);
    if (!m) byPerson.set(p.personId, (m = new Map()));
    const state: PairState = { pair: p, news };
    m.set(p.elementId, state);
    states.push(state);
    return state;
  };
  if (pairs === options.pending) {
    // A chunk passes its pending observations as the pairs.
    for (const o of pairs as readonly PendingObservation[]) {
      const state = stateOf(o.personId, o.elementId);
      if (state) state.news.push(o);
      else add(o, [o]);
    }
  } else {
    for (const p of pairs) if (!stateOf(p.personId, p.elementId)) add(p, []);
    for (const o of options.pending ?? []) stateOf(o.personId, o.elementId)?.news.push(o);
  }
  const fresh = options.newPersons;
  const storedPersons = new Set<string>();
  const elementSet = new Set<string>();
  const storedPairs: PersonElement[] = [];
  for (const { pair: p } of states) {
    elementSet.add(p.elementId);
    if (fresh?.has(p.personId)) continue;
    storedPersons.add(p.personId);
    storedPairs.push(p);
  }
  const none = new Set<string>();

  const owners = await repos.sources.owners([...elementSet]);
  const currents = await repos.ingest.currentValues(storedPairs);
  const open = await repos.ingest.openConflicts([...storedPersons]);
  for (const c of currents) {
    const state = stateOf(c.personId, c.elementId);
    if (state) state.stored = c;
  }
  for (const c of open) {
    const state = stateOf(c.personId, c.elementId);
    if (!state) continue;
    (state.open ??= []).push(c);
  }

  // Pairs that need every stored report: all but new persons' and the simple ones.
  const full: PersonElement[] = [];
  for (const state of states) {
    const p = state.pair;
    if (fresh?.has(p.personId) || isSimple(state.news, owners.get(p.elementId) ?? none, state.stored)) continue;
    state.full = true;
    full.push(p);
  }
  const reports = await repos.ingest.reportsOf(full);
  for (const r of reports) {
    const state = stateOf(r.personId, r.elementId);
    if (!state?.full) continue;
    (state.reports ??= []).push(r);
  }

  const writes: CurrentWrite[] = [];
  /** The value each write replaces (null: none), in the order of `writes`. */
  const replaced: (string | null)[] = [];
  const cleared: PersonElement[] = [];
  const clearedValues: string[] = [];
  const newItems: { id: string; kind: string; personId: string; elementId: string; sourceId: string; detail: string; batchId: string | null }[] = [];
  const superseded: string[] = [];
  for (const state of states) {
    const pair = state.pair;
    const ownerIds = owners.get(pair.elementId) ?? none;
    const news = state.news.length > 0 ? state.news : NO_NEWS;
    const stored = state.stored;
    const existing = state.open ?? NO_OPEN;
    if (state.full || !isSimple(news, ownerIds, stored)) {
      let seq = PENDING_SEQ;
      const all = [...(state.reports ?? []), ...news.map((o) => ({ sourceId: o.sourceId, value: o.value, observedAt: o.observedAt, recordedAt: o.recordedAt, seq: seq++ }))];
      const result = survive(all, ownerIds);
      if (result.current) {
        const c = result.current;
        const w = { personId: pair.personId, elementId: pair.elementId, value: c.value, sourceId: c.sourceId, observedAt: c.observedAt, recordedAt: c.recordedAt, status: c.status };
        if (!sameCurrent(stored, w)) {
          writes.push(w);
          replaced.push(stored?.value ?? null);
        }
      } else if (stored) {
        cleared.push(pair);
        clearedValues.push(stored.value);
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
      replaced.push(stored?.value ?? null);
      superseded.push(...existing.map((e) => e.id));
    } else if (stored?.status === 'owner') {
      const detail = n.value !== stored.value ? conflictDetail(stored, n) : undefined;
      for (const e of existing) if (e.sourceId === n.sourceId && e.detail !== detail) superseded.push(e.id);
      if (detail !== undefined && !existing.some((e) => e.sourceId === n.sourceId && e.detail === detail)) {
        newItems.push({ id: newId(), kind: 'conflict', personId: pair.personId, elementId: pair.elementId, sourceId: n.sourceId, detail, batchId });
      }
    } else if (!stored || newsIsNewer(n, stored)) {
      writes.push({ personId: pair.personId, elementId: pair.elementId, value: n.value ?? '', sourceId: n.sourceId, observedAt: n.observedAt, recordedAt: n.recordedAt, status: 'unconfirmed' });
      replaced.push(stored?.value ?? null);
    }
  }
  await repos.ingest.replaceCurrent(
    cleared,
    writes.map((w, i) => (replaced[i] === w.value ? { ...w, keepsValue: true } : w)),
  );
  const events = options.events ?? new ChangeEvents(options.cause ?? (batchId !== null ? { kind: 'import', batchId } : { kind: 'system' }));
  writes.forEach((w, i) => {
    const old = replaced[i] ?? null;
    if (old !== w.value) events.element(w.personId, { element: w.elementId, old, new: w.value, source: w.sourceId });
  });
  cleared.forEach((c, i) => events.element(c.personId, { element: c.elementId, old: clearedValues[i] ?? null, new: null, source: null }));
  if (!options.events) await events.flush(repos);
  if (newItems.length > 0) await repos.ingest.insertReviewItems(newItems);
  if (superseded.length > 0) await repos.ingest.resolveReviewItems(superseded, 'superseded');
  return { conflictsOpened: newItems.length };
}
