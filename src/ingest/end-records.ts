/**
 * A full extract lists the source's whole population: a record it no longer lists has left the
 * source (moved away, died, no longer eligible). Its facts from that source are ended, not
 * deleted: the source's values are withdrawn (null observations), its residences, household
 * memberships and rental registrations end on the extract date, and current values are recomputed,
 * so the history still shows what was known. Published in the same transaction, as the chunk path
 * publishes: each current value changed or gone (`person.updated`), each residence ended (a move
 * out: `residence.moved` to nowhere, unless another source reports the same place), each
 * membership ended (`household.changed` to no household), each rental ended. The person's events
 * name the areas left, so that they reach whoever had the person in their remit.
 */
import type { Repositories } from '../store/repositories.ts';
import type { ObservationWrite } from '../store/ingest.repository.ts';
import { nowIso } from '../store/clock.ts';
import { recomputeCurrent } from '../services/current-values.ts';
import { endRentalsOf } from './rentals.ts';
import { ChangeEvents } from '../services/change-events.ts';
import { byPerson } from '../domain/by-person.ts';

export interface EndContext {
  readonly sourceId: string;
  readonly batchId: string;
  readonly observedAt: string;
}

/** Ends up to `limit` unseen records; returns how many it ended (0 when none are left). */
export async function endUnseenRecords(repos: Repositories, ctx: EndContext, limit: number): Promise<number> {
  const unseen = await repos.ingest.unseenRecords(ctx.sourceId, ctx.batchId, limit);
  if (unseen.length === 0) return 0;
  const personIds = [...new Set(unseen.map((r) => r.person_id).filter((p): p is string => p !== null))];
  const latest = await repos.ingest.latestFromSource(personIds, ctx.sourceId);
  // A person may still be listed under another record key of the same source: keep their facts then.
  const stillListed = new Set((await repos.ingest.liveRecordPersons(ctx.sourceId, personIds, ctx.batchId)).filter((p) => p !== null));
  const observations: ObservationWrite[] = [];
  for (const personId of personIds) {
    if (stillListed.has(personId)) continue;
    for (const [elementId, value] of latest.get(personId) ?? []) {
      if (value !== null) observations.push({ personId, elementId, value: null, sourceId: ctx.sourceId, method: 'import', observedAt: ctx.observedAt, batchId: ctx.batchId });
    }
  }
  await repos.ingest.insertObservations(observations);
  const leaving = personIds.filter((p) => !stillListed.has(p));
  // What ends is published in this transaction, as the chunk path publishes what it changes.
  const events = new ChangeEvents({ kind: 'import', batchId: ctx.batchId, sourceId: ctx.sourceId });
  // Every source's residences in force: a place another source still reports is no move out.
  const openAll = await repos.ingest.openResidencesFrom(leaving, null);
  const open = openAll.filter((o) => o.sourceId === ctx.sourceId);
  const openOf = byPerson(openAll);
  await repos.ingest.endResidences(
    open.map((o) => o.id),
    ctx.observedAt,
    ctx.batchId,
  );
  for (const o of open) {
    events.leftAreas(o.personId, [o.areaCode]);
    const knownElsewhere = (openOf.get(o.personId) ?? []).some((x) => x.sourceId !== ctx.sourceId && x.kind === o.kind && x.areaCode === o.areaCode);
    if (!knownElsewhere) events.moved(o.personId, { kind: o.kind, from: { areaCode: o.areaCode, address: o.address, dwellingId: null }, to: null, sourceId: ctx.sourceId });
  }
  const memberships = await repos.ingest.openMembershipsFrom(leaving, ctx.sourceId);
  await repos.ingest.endMemberships(
    memberships.map((m) => m.id),
    ctx.observedAt,
    ctx.batchId,
  );
  for (const m of memberships) events.household(m.personId, { householdId: null, relationship: null, fromHouseholdId: m.householdId, sourceId: ctx.sourceId });
  await endRentalsOf(repos, leaving, ctx, events);
  await repos.ingest.endSourceRecords(
    ctx.sourceId,
    unseen.map((r) => r.record_key),
    nowIso(),
    ctx.batchId,
  );
  // The current values the withdrawn ones leave (changed or gone) are recorded with the rest.
  await recomputeCurrent(repos, observations, ctx.batchId, { events });
  await events.flush(repos);
  return unseen.length;
}
