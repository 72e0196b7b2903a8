/**
 * Rental registrations in the import pipeline. A changed row of a profile with rental columns
 * states its tenant's registration as the source now sees it: the same as the one the source
 * reported before changes nothing; another one ends the earlier on the extract date and is
 * recorded; none ends it. A full extract that no longer lists a tenant ends the source's
 * registrations of them (endRentalsOf, from end-records.ts). Nothing is deleted: ended
 * registrations stay in the dwelling's past. Every registration recorded or ended is a change event
 * (`cn.populus.rental.registered` / `…rental.ended`) in the chunk's transaction, naming the
 * dwelling's area. Rollback: RentalRepository.undoBatch, published by rollback.ts (a registration
 * the batch recorded ends from its first day; one it ended is registered again).
 */
import type { Repositories } from '../store/repositories.ts';
import { newId } from '../store/clock.ts';
import { sameRental, type RentalRegistration } from '../domain/registry/rental.ts';
import type { NewRental } from '../store/rental.repository.ts';
import type { MappedRow } from './map/map-record.ts';
import { byPerson } from '../domain/by-person.ts';
import type { ChangeEvents } from '../services/change-events.ts';

/** Dwellings looked up per query. */
const DWELLINGS = 1000;

/** The area of each dwelling the registrations name (for their change events). */
async function areasOf(repos: Repositories, rentals: readonly Pick<RentalRegistration, 'dwellingId'>[]): Promise<Map<string, string>> {
  const ids = [...new Set(rentals.flatMap((r) => (r.dwellingId === null ? [] : [r.dwellingId])))];
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += DWELLINGS) for (const d of await repos.housing.findDwellingsByIds(ids.slice(i, i + DWELLINGS))) out.set(d.id, d.areaCode);
  return out;
}

/** Records the change events of registrations ended and recorded (also a rollback's: src/ingest/rollback.ts). */
export async function publishRentals(repos: Repositories, events: ChangeEvents, ended: readonly RentalRegistration[], recorded: readonly RentalRegistration[]): Promise<void> {
  if (ended.length === 0 && recorded.length === 0) return;
  const areas = await areasOf(repos, [...ended, ...recorded]);
  const areaOf = (r: RentalRegistration): string | null => (r.dwellingId === null ? null : (areas.get(r.dwellingId) ?? null));
  for (const r of ended) events.rental('ended', r, areaOf(r));
  for (const r of recorded) events.rental('registered', r, areaOf(r));
}

export interface RentalContext {
  readonly sourceId: string;
  readonly batchId: string;
  /** The extract date: registrations no longer reported end on it. */
  readonly observedAt: string;
}

/** Applies the rental registrations of a chunk's changed rows (rows of profiles without rental columns are passed over). */
export async function applyRentals(
  repos: Repositories,
  rows: readonly MappedRow[],
  personOf: ReadonlyMap<MappedRow, { readonly personId: string }>,
  newPersons: ReadonlySet<string>,
  ctx: RentalContext,
  events: ChangeEvents,
): Promise<void> {
  const stating = rows.flatMap((row) => {
    const personId = personOf.get(row)?.personId;
    return row.rental === undefined || personId === undefined ? [] : [{ personId, rental: row.rental }];
  });
  if (stating.length === 0) return;
  const stored = [...new Set(stating.map((s) => s.personId))].filter((p) => !newPersons.has(p));
  const before = stored.length === 0 ? [] : await repos.rentals.openFrom(stored, ctx.sourceId);
  const open = byPerson<RentalRegistration>(before);
  const toEnd = new Set<string>();
  const toInsert: NewRental[] = [];
  for (const { personId, rental } of stating) {
    const mine = open.get(personId) ?? [];
    const kept = rental === null ? undefined : mine.find((r) => sameRental(r, rental));
    for (const r of mine) if (r !== kept) toEnd.add(r.id);
    if (rental === null) {
      open.set(personId, []);
      continue;
    }
    if (kept) {
      open.set(personId, [kept]);
      continue;
    }
    const added: NewRental = { id: newId(), personId, ...rental };
    toInsert.push(added);
    open.set(personId, [{ ...added, sourceId: ctx.sourceId, batchId: ctx.batchId, recordedAt: '', endedOn: null, method: 'import', recordedBy: null, departmentId: null, endedBy: null }]);
  }
  // Rows inserted in this chunk and replaced later in it are never written.
  const inserted = new Set(toInsert.map((r) => r.id));
  const dropped = new Set([...toEnd].filter((id) => inserted.has(id)));
  const ending = before.filter((r) => toEnd.has(r.id));
  const kept = toInsert.filter((r) => !dropped.has(r.id));
  await repos.rentals.end(
    ending.map((r) => r.id),
    ctx.observedAt,
    ctx.batchId,
  );
  await repos.rentals.insert(kept, ctx.sourceId, ctx.batchId);
  await publishRentals(
    repos,
    events,
    ending.map((r) => ({ ...r, endedOn: ctx.observedAt })),
    kept.map((r) => ({ ...r, sourceId: ctx.sourceId, batchId: ctx.batchId, recordedAt: '', endedOn: null, method: 'import', recordedBy: null, departmentId: null, endedBy: null })),
  );
}

/** A full extract no longer lists these tenants: the source's registrations of them end on its date. */
export async function endRentalsOf(repos: Repositories, personIds: readonly string[], ctx: RentalContext, events: ChangeEvents): Promise<void> {
  if (personIds.length === 0) return;
  const open = await repos.rentals.openFrom(personIds, ctx.sourceId);
  await repos.rentals.end(
    open.map((r) => r.id),
    ctx.observedAt,
    ctx.batchId,
  );
  await publishRentals(
    repos,
    events,
    open.map((r) => ({ ...r, endedOn: ctx.observedAt })),
    [],
  );
}
