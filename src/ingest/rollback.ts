/**
 * Rolling back an import batch: everything it wrote is removed or restored (observations,
 * rejected rows, review items, identifiers, residences and rental registrations it opened or
 * ended, source records, persons it created that nothing else refers to), and current values are
 * recomputed from what remains. Runs in one transaction, and publishes what changed for
 * subscribers in it (cause `rollback`): each current value back to what it was or gone
 * (`person.updated`; a person removed has every value and identity number go), each residence
 * removed or reopened (`residence.moved`, from the removed place to the reopened one), each
 * membership removed or reopened (`household.changed`), each rental registration removed
 * (`rental.ended`, from its first day: never in force) or reopened (`rental.registered`).
 */
import type { Repositories } from '../store/repositories.ts';
import type { UndoneMembership, UndoneResidence } from '../store/ingest.repository.ts';
import { nowIso } from '../store/clock.ts';
import { recomputeCurrent } from '../services/current-values.ts';
import { ChangeEvents } from '../services/change-events.ts';
import { identifierElement } from '../domain/registry/element-ids.ts';
import { byPerson } from '../domain/by-person.ts';
import { publishRentals } from './rentals.ts';

export async function rollbackBatch(repos: Repositories, batchId: string): Promise<void> {
  const batch = await repos.ingest.findBatch(batchId);
  const events = new ChangeEvents({ kind: 'rollback', batchId, sourceId: batch?.source_id ?? '' });
  // Rental registrations first: they name persons the batch may have created.
  const rentals = await repos.rentals.undoBatch(batchId);
  const undone = await repos.ingest.undoBatch(batchId);
  await recomputeCurrent(repos, undone.elementPairs, null, { events });
  for (const v of undone.valuesRemoved) events.element(v.personId, { element: v.elementId, old: v.value, new: null, source: null });
  for (const i of undone.identifiersRemoved) events.element(i.personId, { element: identifierElement(i.type), old: i.number, new: null, source: null });
  await publishMoves(repos, undone.residencesRemoved, undone.residencesReopened, events);
  publishMemberships(undone.membershipsRemoved, undone.membershipsReopened, events);
  await publishRentals(
    repos,
    events,
    rentals.removed.map((r) => ({ ...r, endedOn: r.startDate })),
    rentals.reopened,
  );
  await events.flush(repos);
  await repos.ingest.updateBatch(batchId, { status: 'rolled_back', finished_at: nowIso() });
}

/** Pairs what was removed and reopened, per person and `key`, in order: one change each. */
function pairs<T extends { readonly personId: string }>(removed: readonly T[], reopened: readonly T[], key: (x: T) => string): { personId: string; from: T | undefined; to: T | undefined }[] {
  const groups = new Map<string, { personId: string; from: T[]; to: T[] }>();
  const groupOf = (x: T): { personId: string; from: T[]; to: T[] } => {
    const k = `${x.personId}|${key(x)}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { personId: x.personId, from: [], to: [] }));
    return g;
  };
  for (const x of removed) groupOf(x).from.push(x);
  for (const x of reopened) groupOf(x).to.push(x);
  const out: { personId: string; from: T | undefined; to: T | undefined }[] = [];
  for (const g of groups.values()) for (let i = 0; i < Math.max(g.from.length, g.to.length); i++) out.push({ personId: g.personId, from: g.from[i], to: g.to[i] });
  return out;
}

/**
 * A residence removed and one reopened of the same person and kind are one move; one alone is a
 * move out or in — unless another source holds the same place (as the chunk path publishes no
 * move to a place another source reports). The areas left are named on the person's events.
 */
async function publishMoves(repos: Repositories, removed: readonly UndoneResidence[], reopened: readonly UndoneResidence[], events: ChangeEvents): Promise<void> {
  if (removed.length === 0 && reopened.length === 0) return;
  const persons = [...new Set([...removed, ...reopened].map((r) => r.personId))];
  const openOf = byPerson(await repos.ingest.openResidencesFrom(persons, null));
  const heldElsewhere = (r: UndoneResidence): boolean => (openOf.get(r.personId) ?? []).some((o) => o.id !== r.id && o.sourceId !== r.sourceId && o.kind === r.kind && o.areaCode === r.areaCode);
  const place = (r: UndoneResidence | undefined): { areaCode: string; address: string | null; dwellingId: string | null } | null => (r ? { areaCode: r.areaCode, address: r.address, dwellingId: r.dwellingId } : null);
  for (const r of removed) events.leftAreas(r.personId, [r.areaCode]);
  for (const { personId, from, to } of pairs(removed, reopened, (r) => r.kind)) {
    const one = from ?? to;
    if (!one || (from === undefined || to === undefined ? heldElsewhere(one) : false)) continue;
    events.moved(personId, { kind: one.kind, from: place(from), to: place(to), sourceId: one.sourceId });
  }
}

/** A membership removed and one reopened of the same person are one household change; one alone is leaving or joining. */
function publishMemberships(removed: readonly UndoneMembership[], reopened: readonly UndoneMembership[], events: ChangeEvents): void {
  for (const { personId, from, to } of pairs(removed, reopened, (m) => m.sourceId ?? '')) {
    events.household(personId, { householdId: to?.householdId ?? null, relationship: to?.relationship ?? null, fromHouseholdId: from?.householdId ?? null, sourceId: (to ?? from)?.sourceId ?? null });
  }
}
