/**
 * Merges of two persons, as rows: what a person owns (source records, observations, identifiers,
 * residences, household memberships, rental registrations as tenant, persons already merged into
 * it, open review items), moving
 * those rows between persons, and the merge records with the state before. No business logic:
 * src/services/merge.service.ts decides.
 */
import type { Selectable } from 'kysely';
import type { PersonTable, PersonValueTable } from './database.ts';
import type { PersonMergeTable } from './review-tables.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';

export type PersonRow = Selectable<PersonTable>;
export type PersonValueRow = Selectable<PersonValueTable>;
export type MergeRow = Selectable<PersonMergeTable>;

/** The rows of one person that a merge moves, by table (ids; source records by source and key). */
export interface OwnedRows {
  readonly sourceRecords: readonly (readonly [string, string])[];
  readonly observations: readonly string[];
  readonly identifiers: readonly string[];
  readonly residences: readonly string[];
  readonly memberships: readonly string[];
  /** Rental registrations naming the person as tenant (absent in merges recorded before they were kept). */
  readonly rentals?: readonly string[];
  /** Persons merged into this one earlier: their redirect follows the merge. */
  readonly redirected: readonly string[];
  /** Open review items about the person (superseded by the merge, reopened by the unmerge). */
  readonly openItems: readonly string[];
}

const CHUNK = 400;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

export class MergeRepository {
  constructor(private readonly db: Db) {}

  async personRow(id: string): Promise<PersonRow | undefined> {
    return this.db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async personValues(id: string): Promise<PersonValueRow[]> {
    return this.db.selectFrom('person_value').selectAll().where('person_id', '=', id).orderBy('element_id').execute();
  }

  /** Elements a person has observations or a current value for. */
  async elementsOf(id: string): Promise<string[]> {
    const a = await this.db.selectFrom('observation').select('element_id').distinct().where('person_id', '=', id).execute();
    const b = await this.db.selectFrom('person_value').select('element_id').where('person_id', '=', id).execute();
    return [...new Set([...a, ...b].map((r) => r.element_id))];
  }

  async ownedRows(id: string): Promise<OwnedRows> {
    const [records, observations, identifiers, residences, memberships, rentals, redirected, items] = await Promise.all([
      this.db.selectFrom('source_record').select(['source_id', 'record_key']).where('person_id', '=', id).execute(),
      this.db.selectFrom('observation').select('id').where('person_id', '=', id).execute(),
      this.db.selectFrom('identifier').select('id').where('person_id', '=', id).execute(),
      this.db.selectFrom('residence').select('id').where('person_id', '=', id).execute(),
      this.db.selectFrom('household_member').select('id').where('person_id', '=', id).execute(),
      this.db.selectFrom('rental_registration').select('id').where('person_id', '=', id).execute(),
      this.db.selectFrom('person').select('id').where('merged_into', '=', id).execute(),
      this.db.selectFrom('review_item').select('id').where('person_id', '=', id).where('status', '=', 'open').execute(),
    ]);
    return {
      sourceRecords: records.map((r) => [r.source_id, r.record_key] as const),
      observations: observations.map((r) => String(r.id)),
      identifiers: identifiers.map((r) => r.id),
      residences: residences.map((r) => r.id),
      memberships: memberships.map((r) => r.id),
      rentals: rentals.map((r) => r.id),
      redirected: redirected.map((r) => r.id),
      openItems: items.map((r) => r.id),
    };
  }

  /**
   * The rows one source record brought to a person: the record itself, what its source reported
   * (observations, residences, memberships, rental registrations) and the documents its imports added (with the birth
   * date and sex derived from them).
   */
  async recordRows(personId: string, sourceId: string, recordKey: string): Promise<OwnedRows> {
    const batches = (await this.db.selectFrom('import_batch').select('id').where('source_id', '=', sourceId).execute()).map((r) => r.id);
    const inBatches = async <T>(q: (ids: string[]) => Promise<T[]>): Promise<T[]> => (await Promise.all(chunks(batches).map(q))).flat();
    const [observations, derived, identifiers, residences, memberships, rentals] = await Promise.all([
      this.db.selectFrom('observation').select('id').where('person_id', '=', personId).where('source_id', '=', sourceId).execute(),
      inBatches((ids) => this.db.selectFrom('observation').select('id').where('person_id', '=', personId).where('source_id', '<>', sourceId).where('batch_id', 'in', ids).execute()),
      inBatches((ids) => this.db.selectFrom('identifier').select('id').where('person_id', '=', personId).where('batch_id', 'in', ids).execute()),
      this.db.selectFrom('residence').select('id').where('person_id', '=', personId).where('source_id', '=', sourceId).execute(),
      this.db.selectFrom('household_member').select('id').where('person_id', '=', personId).where('source_id', '=', sourceId).execute(),
      this.db.selectFrom('rental_registration').select('id').where('person_id', '=', personId).where('source_id', '=', sourceId).execute(),
    ]);
    return {
      sourceRecords: [[sourceId, recordKey]],
      observations: [...observations, ...derived].map((r) => String(r.id)),
      identifiers: identifiers.map((r) => r.id),
      residences: residences.map((r) => r.id),
      memberships: memberships.map((r) => r.id),
      rentals: rentals.map((r) => r.id),
      redirected: [],
      openItems: [],
    };
  }

  async setLinkRule(sourceId: string, recordKey: string, rule: string): Promise<void> {
    await this.db.updateTable('source_record').set({ link_rule: rule }).where('source_id', '=', sourceId).where('record_key', '=', recordKey).execute();
  }

  async insertPerson(id: string, district: string): Promise<void> {
    const now = nowIso();
    await this.db.insertInto('person').values({ id, district, status: 'active', merged_into: null, created_at: now, updated_at: now }).execute();
  }

  /** Gives the rows to `to`; only rows still held by `from` move (a later change may have moved some on). */
  async moveRows(rows: OwnedRows, from: string, to: string): Promise<void> {
    for (const c of chunks(rows.observations)) {
      await this.db.updateTable('observation').set({ person_id: to }).where('id', 'in', c.map(Number)).where('person_id', '=', from).execute();
    }
    const tables = [
      ['identifier', rows.identifiers],
      ['residence', rows.residences],
      ['household_member', rows.memberships],
      ['rental_registration', rows.rentals ?? []],
    ] as const;
    for (const [table, ids] of tables) {
      for (const c of chunks(ids)) await this.db.updateTable(table).set({ person_id: to }).where('id', 'in', c).where('person_id', '=', from).execute();
    }
    for (const [sourceId, key] of rows.sourceRecords) {
      await this.db.updateTable('source_record').set({ person_id: to }).where('source_id', '=', sourceId).where('record_key', '=', key).where('person_id', '=', from).execute();
    }
    for (const c of chunks(rows.redirected)) await this.db.updateTable('person').set({ merged_into: to }).where('id', 'in', c).where('merged_into', '=', from).execute();
  }

  async setItemsStatus(ids: readonly string[], status: 'open' | 'superseded'): Promise<void> {
    for (const c of chunks(ids)) {
      await this.db
        .updateTable('review_item')
        .set({ status, resolved_at: status === 'open' ? null : nowIso() })
        .where('id', 'in', c)
        .execute();
    }
  }

  async markMerged(loserId: string, survivorId: string): Promise<void> {
    const now = nowIso();
    await this.db.updateTable('person').set({ status: 'merged', merged_into: survivorId, updated_at: now }).where('id', '=', loserId).execute();
    await this.db.updateTable('person').set({ updated_at: now }).where('id', '=', survivorId).execute();
  }

  /** Puts a person row back as it was (status, redirect, timestamps). */
  async restorePerson(row: PersonRow): Promise<void> {
    await this.db.updateTable('person').set({ status: row.status, merged_into: row.merged_into, updated_at: row.updated_at }).where('id', '=', row.id).execute();
  }

  async deleteValues(personId: string): Promise<void> {
    await this.db.deleteFrom('person_value').where('person_id', '=', personId).execute();
  }

  /** Replaces a person's current values by exactly these rows. */
  async restoreValues(personId: string, rows: readonly PersonValueRow[]): Promise<void> {
    await this.deleteValues(personId);
    for (const c of chunks(rows)) await this.db.insertInto('person_value').values(c).execute();
  }

  async insertMerge(row: MergeRow): Promise<void> {
    await this.db.insertInto('person_merge').values(row).execute();
  }

  async findMerge(id: string): Promise<MergeRow | undefined> {
    return this.db.selectFrom('person_merge').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async markUndone(id: string, actor: string, reason: string | null): Promise<void> {
    await this.db.updateTable('person_merge').set({ undone_at: nowIso(), undone_by: actor, undo_reason: reason }).where('id', '=', id).execute();
  }

  /** Merges in force whose survivor or loser is the person, newest first. */
  async mergesOf(personId: string): Promise<MergeRow[]> {
    return this.db
      .selectFrom('person_merge')
      .selectAll()
      .where((eb) => eb.or([eb('survivor_id', '=', personId), eb('loser_id', '=', personId)]))
      .where('undone_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
  }
}
