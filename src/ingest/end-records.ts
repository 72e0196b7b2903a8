/**
 * A full extract lists the source's whole population: a record it no longer lists has left the
 * source (moved away, died, no longer eligible). Its facts from that source are ended, not
 * deleted: the source's values are withdrawn (null observations), its residences end on the
 * extract date, and current values are recomputed, so the history still shows what was known.
 */
import type { Repositories } from '../store/repositories.ts';
import type { ObservationWrite } from '../store/ingest.repository.ts';
import { nowIso } from '../store/clock.ts';
import { recomputeCurrent } from '../services/current-values.ts';
import { endRentalsOf } from './rentals.ts';
import { ChangeEvents } from '../services/change-events.ts';

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
  const open = await repos.ingest.openResidencesFrom(
    personIds.filter((p) => !stillListed.has(p)),
    ctx.sourceId,
  );
  await repos.ingest.endResidences(
    open.map((o) => o.id),
    ctx.observedAt,
    ctx.batchId,
  );
  const memberships = await repos.ingest.openMembershipsFrom(
    personIds.filter((p) => !stillListed.has(p)),
    ctx.sourceId,
  );
  await repos.ingest.endMemberships(
    memberships.map((m) => m.id),
    ctx.observedAt,
    ctx.batchId,
  );
  // The rental registrations ended are published in this transaction.
  const events = new ChangeEvents({ kind: 'import', batchId: ctx.batchId, sourceId: ctx.sourceId });
  await endRentalsOf(
    repos,
    personIds.filter((p) => !stillListed.has(p)),
    ctx,
    events,
  );
  await events.flush(repos);
  await repos.ingest.endSourceRecords(
    ctx.sourceId,
    unseen.map((r) => r.record_key),
    nowIso(),
    ctx.batchId,
  );
  await recomputeCurrent(repos, observations, ctx.batchId);
  return unseen.length;
}
