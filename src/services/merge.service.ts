/**
 * Merging two persons who are one, and undoing it. A merge gives the loser's source records,
 * observations, identifiers, residences, household memberships and rental registrations to the
 * survivor, marks the loser as merged into the survivor (reads of the old id are redirected),
 * supersedes the loser's open review items and lets survivorship recompute the survivor's current values (the owner's
 * value first). Everything that moved, and both persons as they were, is kept in the merge record,
 * so that an unmerge gives every row back and restores both persons exactly. Every merge and
 * unmerge names its actor ('user:<id>', 'system', 'rule:<id>@<version>').
 */
import { PopulusError } from '../domain/errors.ts';
import type { DataAccess, Repositories } from '../store/repositories.ts';
import type { OwnedRows, PersonRow, PersonValueRow } from '../store/merge.repository.ts';
import { newId, nowIso } from '../store/clock.ts';
import { recomputeCurrent } from './current-values.ts';
import { ChangeEvents } from './change-events.ts';

export interface MergeOptions {
  readonly reason?: string | undefined;
  /** The review item whose acceptance made this merge. */
  readonly reviewItemId?: string | undefined;
  /** Merge even when both persons hold different citizen ID numbers. */
  readonly force?: boolean | undefined;
}

export interface MergeSummary {
  readonly mergeId: string;
  readonly survivorId: string;
  readonly loserId: string;
  readonly decidedBy: string;
  readonly reason: string | null;
  readonly createdAt: string;
  readonly undoneAt: string | null;
  readonly undoneBy: string | null;
  /** Rows that moved, by table. */
  readonly moved: Readonly<Record<keyof OwnedRows, number>>;
}

interface Snapshot {
  readonly survivor: PersonRow;
  readonly loser: PersonRow;
  readonly survivorValues: readonly PersonValueRow[];
  readonly loserValues: readonly PersonValueRow[];
}

const MAX_REDIRECTS = 32;

export function checkActor(actor: string): void {
  if (typeof actor !== 'string' || actor.trim() === '' || actor.length > 200) {
    throw new PopulusError('INVALID_VALUE', 'every decision names its actor ("user:<id>", "system", …)', { field: 'actor' });
  }
}

function counts(rows: OwnedRows): Record<keyof OwnedRows, number> {
  return {
    sourceRecords: rows.sourceRecords.length,
    observations: rows.observations.length,
    identifiers: rows.identifiers.length,
    residences: rows.residences.length,
    memberships: rows.memberships.length,
    rentals: rows.rentals?.length ?? 0,
    redirected: rows.redirected.length,
    openItems: rows.openItems.length,
  };
}

export class MergeService {
  constructor(
    private readonly data: DataAccess,
    private readonly district: string,
  ) {}

  /** Merges `loserId` into `survivorId`, in one transaction. */
  async merge(survivorId: string, loserId: string, actor: string, options: MergeOptions = {}, within?: (repos: Repositories) => Promise<void>): Promise<MergeSummary> {
    checkActor(actor);
    const id = await this.data.transaction(async (repos) => {
      const made = await this.mergeIn(repos, survivorId, loserId, actor, options);
      await within?.(repos);
      return made;
    });
    return this.get(id);
  }

  /** Gives back everything the merge moved and restores both persons as they were. */
  async unmerge(mergeId: string, actor: string, reason?: string, within?: (repos: Repositories) => Promise<void>): Promise<MergeSummary> {
    checkActor(actor);
    await this.data.transaction(async (repos) => {
      await this.unmergeIn(repos, mergeId, actor, reason ?? null);
      await within?.(repos);
    });
    return this.get(mergeId);
  }

  async get(mergeId: string): Promise<MergeSummary> {
    const row = await this.data.repos.merges.findMerge(mergeId);
    if (!row) throw new PopulusError('MERGE_NOT_FOUND', `there is no merge ${mergeId}`, { mergeId });
    return {
      mergeId: row.id,
      survivorId: row.survivor_id,
      loserId: row.loser_id,
      decidedBy: row.decided_by,
      reason: row.reason,
      createdAt: row.created_at,
      undoneAt: row.undone_at,
      undoneBy: row.undone_by,
      moved: counts(JSON.parse(row.moved) as OwnedRows),
    };
  }

  /** The person an id stands for now: itself, or the person it was merged into (followed to the end). */
  async resolve(personId: string, repos: Repositories = this.data.repos): Promise<string> {
    let id = personId;
    for (let i = 0; i < MAX_REDIRECTS; i++) {
      const p = await repos.merges.personRow(id);
      if (!p || p.status !== 'merged' || !p.merged_into) return id;
      id = p.merged_into;
    }
    return id;
  }

  /** The merge inside the caller's transaction; returns its id. */
  async mergeIn(repos: Repositories, survivorId: string, loserId: string, actor: string, options: MergeOptions = {}): Promise<string> {
    if (survivorId === loserId) throw refused(loserId, 'SAME_PERSON', 'a person cannot be merged into itself');
    const [survivor, loser] = await Promise.all([repos.merges.personRow(survivorId), repos.merges.personRow(loserId)]);
    if (!survivor) throw new PopulusError('PERSON_NOT_FOUND', `there is no person ${survivorId}`, { personId: survivorId });
    if (!loser) throw new PopulusError('PERSON_NOT_FOUND', `there is no person ${loserId}`, { personId: loserId });
    for (const p of [survivor, loser]) {
      if (p.status === 'merged') throw refused(p.id, 'ALREADY_MERGED', `person ${p.id} was merged into ${p.merged_into ?? 'another person'} already`);
    }
    if (!options.force) {
      const [a, b] = await Promise.all([repos.persons.listIdentifiers(survivorId), repos.persons.listIdentifiers(loserId)]);
      const citizen = (list: typeof a): Set<string> => new Set(list.filter((i) => i.type === 'CN_ID').map((i) => i.number));
      const x = citizen(a);
      const y = citizen(b);
      if (x.size > 0 && y.size > 0 && ![...y].some((n) => x.has(n))) {
        throw refused(loserId, 'DIFFERENT_CITIZEN_IDS', 'both persons hold different citizen ID numbers; merge with force if one number is wrong');
      }
    }
    const snapshot: Snapshot = {
      survivor,
      loser,
      survivorValues: await repos.merges.personValues(survivorId),
      loserValues: await repos.merges.personValues(loserId),
    };
    const moved = await repos.merges.ownedRows(loserId);
    await repos.merges.moveRows(moved, loserId, survivorId);
    await repos.merges.setItemsStatus(moved.openItems, 'superseded');
    await repos.merges.markMerged(loserId, survivorId);
    await repos.merges.deleteValues(loserId);
    const id = newId();
    const events = new ChangeEvents({ kind: 'merge', mergeId: id, actor });
    await recomputeAll(repos, survivorId, events);
    events.merged({ mergeId: id, survivorId, mergedId: loserId });
    await events.flush(repos);
    await repos.merges.insertMerge({
      id,
      district: this.district,
      survivor_id: survivorId,
      loser_id: loserId,
      review_item_id: options.reviewItemId ?? null,
      moved: JSON.stringify(moved),
      snapshot: JSON.stringify(snapshot),
      decided_by: actor,
      reason: options.reason ?? null,
      created_at: nowIso(),
      undone_at: null,
      undone_by: null,
      undo_reason: null,
    });
    return id;
  }

  /**
   * Takes one source record off the person it was linked to by score: a new person receives the
   * record and what it brought. Recorded as a merge already undone (the link was the merge), so
   * the split is on file with everything that moved. Returns the new person's id.
   */
  async splitIn(repos: Repositories, personId: string, sourceId: string, recordKey: string, actor: string, reason: string): Promise<string> {
    const person = await repos.merges.personRow(personId);
    if (!person) throw new PopulusError('PERSON_NOT_FOUND', `there is no person ${personId}`, { personId });
    const snapshot: Snapshot = { survivor: person, loser: person, survivorValues: await repos.merges.personValues(personId), loserValues: [] };
    const moved = await repos.merges.recordRows(personId, sourceId, recordKey);
    const newPerson = newId();
    await repos.merges.insertPerson(newPerson, this.district);
    await repos.merges.moveRows(moved, personId, newPerson);
    const mergeId = newId();
    const events = new ChangeEvents({ kind: 'merge', mergeId, actor });
    events.personsCreated([newPerson]);
    await recomputeAll(repos, personId, events);
    await recomputeAll(repos, newPerson, events);
    events.unmerged({ mergeId, survivorId: personId, restoredId: newPerson });
    await events.flush(repos);
    const now = nowIso();
    await repos.merges.insertMerge({
      id: mergeId,
      district: this.district,
      survivor_id: personId,
      loser_id: newPerson,
      review_item_id: null,
      moved: JSON.stringify(moved),
      snapshot: JSON.stringify({ ...snapshot, loser: { ...person, id: newPerson, created_at: now, updated_at: now } }),
      decided_by: actor,
      reason: `split: ${reason}`,
      created_at: now,
      undone_at: now,
      undone_by: actor,
      undo_reason: reason,
    });
    return newPerson;
  }

  async unmergeIn(repos: Repositories, mergeId: string, actor: string, reason: string | null): Promise<void> {
    const row = await repos.merges.findMerge(mergeId);
    if (!row) throw new PopulusError('MERGE_NOT_FOUND', `there is no merge ${mergeId}`, { mergeId });
    if (row.undone_at !== null) throw new PopulusError('ALREADY_DECIDED', `merge ${mergeId} was undone already`, { mergeId, status: 'undone' });
    const survivor = await repos.merges.personRow(row.survivor_id);
    if (survivor?.status === 'merged') {
      throw refused(row.survivor_id, 'MERGED_SINCE', `person ${row.survivor_id} was merged into ${survivor.merged_into ?? 'another person'} since; undo that merge first`);
    }
    const moved = JSON.parse(row.moved) as OwnedRows;
    const snapshot = JSON.parse(row.snapshot) as Snapshot;
    await repos.merges.moveRows(moved, row.survivor_id, row.loser_id);
    await repos.merges.restorePerson(snapshot.loser);
    await repos.merges.restorePerson(snapshot.survivor);
    await repos.merges.setItemsStatus(moved.openItems, 'open');
    await repos.reviews.reopen(await repos.reviews.itemsOfMerge(mergeId));
    // Survivorship decides again from the observations each person holds now: the state before the
    // merge when nothing arrived since, and what arrived since stays with the survivor.
    const events = new ChangeEvents({ kind: 'merge', mergeId, actor });
    await recomputeAll(repos, row.loser_id, events);
    await recomputeAll(repos, row.survivor_id, events);
    events.unmerged({ mergeId, survivorId: row.survivor_id, restoredId: row.loser_id });
    await events.flush(repos);
    await repos.merges.markUndone(mergeId, actor, reason);
  }
}

/** Recomputes every current value of the person (each element it has an observation or a value for). */
async function recomputeAll(repos: Repositories, personId: string, events: ChangeEvents): Promise<void> {
  const elements = await repos.merges.elementsOf(personId);
  await recomputeCurrent(
    repos,
    elements.map((elementId) => ({ personId, elementId })),
    null,
    { events },
  );
}

function refused(personId: string, reason: string, message: string): PopulusError {
  return new PopulusError('MERGE_REFUSED', message, { personId, reason });
}
