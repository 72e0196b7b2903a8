/**
 * What the import pipeline reads and writes in bulk: batches, rejected rows, source records,
 * observations, current values and review items. One query per batch of rows, never per row.
 */
import type { Selectable } from 'kysely';
import type { Reported } from '../domain/survivorship.ts';
import type { ImportBatchTable, SourceRecordTable } from './database.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';

export type BatchRow = Selectable<ImportBatchTable>;
export type SourceRecordRow = Selectable<SourceRecordTable>;

export interface ObservationWrite {
  readonly personId: string;
  readonly elementId: string;
  readonly value: string | null;
  readonly sourceId: string;
  readonly method: string;
  readonly observedAt: string | null;
  readonly batchId: string | null;
}

export interface CurrentWrite {
  readonly personId: string;
  readonly elementId: string;
  readonly value: string;
  readonly sourceId: string;
  readonly observedAt: string | null;
  readonly recordedAt: string;
  readonly status: string;
}

export type Counters = Pick<BatchRow, 'rows_read' | 'rows_rejected' | 'rows_unchanged' | 'persons_created' | 'persons_linked' | 'records_ended' | 'conflicts'>;

const CHUNK = 400;

/** How a current value arrived, from its source: entered by hand, derived (from an ID number), or imported. */
function methodOf(sourceId: string): string {
  if (sourceId === 'manual') return 'api';
  if (sourceId === 'id-number') return 'derived';
  return 'import';
}

async function chunked<T>(rows: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

export class IngestRepository {
  constructor(
    private readonly db: Db,
    private readonly district: string,
  ) {}

  async insertBatch(b: BatchRow): Promise<void> {
    await this.db.insertInto('import_batch').values(b).execute();
  }

  async findBatch(id: string): Promise<BatchRow | undefined> {
    return this.db.selectFrom('import_batch').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listBatches(sourceId: string | undefined, limit: number): Promise<BatchRow[]> {
    let q = this.db.selectFrom('import_batch').selectAll();
    if (sourceId) q = q.where('source_id', '=', sourceId);
    return q.orderBy('started_at', 'desc').limit(limit).execute();
  }

  async updateBatch(id: string, patch: Partial<Omit<BatchRow, 'id'>>): Promise<void> {
    await this.db.updateTable('import_batch').set(patch).where('id', '=', id).execute();
  }

  /** The last batch of the source that committed with the same file content, if any. */
  async committedWithHash(sourceId: string, sha256: string): Promise<BatchRow | undefined> {
    return this.db.selectFrom('import_batch').selectAll().where('source_id', '=', sourceId).where('file_sha256', '=', sha256).where('status', '=', 'committed').executeTakeFirst();
  }

  async insertRejected(rows: readonly { batchId: string; row: number; column: string | null; value: string | null; reason: string; message: string }[]): Promise<void> {
    await chunked(rows, (c) =>
      this.db
        .insertInto('rejected_row')
        .values(c.map((r) => ({ batch_id: r.batchId, row: r.row, column: r.column, value: r.value, reason: r.reason, message: r.message })))
        .execute(),
    );
  }

  async listRejected(batchId: string): Promise<{ row: number; column: string | null; value: string | null; reason: string; message: string }[]> {
    return this.db.selectFrom('rejected_row').select(['row', 'column', 'value', 'reason', 'message']).where('batch_id', '=', batchId).orderBy('row').execute();
  }

  async sourceRecords(sourceId: string, keys: readonly string[]): Promise<Map<string, SourceRecordRow>> {
    const out = new Map<string, SourceRecordRow>();
    if (keys.length === 0) return out;
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await this.db.selectFrom('source_record').selectAll().where('source_id', '=', sourceId).where('record_key', 'in', keys.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.record_key, r);
    }
    return out;
  }

  async upsertSourceRecords(rows: readonly SourceRecordRow[]): Promise<void> {
    await chunked(rows, (c) =>
      this.db
        .insertInto('source_record')
        .values(c)
        .onConflict((oc) =>
          oc.columns(['source_id', 'record_key']).doUpdateSet((eb) => ({
            person_id: eb.ref('excluded.person_id'),
            link_rule: eb.ref('excluded.link_rule'),
            row_hash: eb.ref('excluded.row_hash'),
            last_batch_id: eb.ref('excluded.last_batch_id'),
            ended_at: eb.ref('excluded.ended_at'),
          })),
        )
        .execute(),
    );
  }

  async touchSourceRecords(sourceId: string, keys: readonly string[], batchId: string): Promise<void> {
    for (let i = 0; i < keys.length; i += CHUNK) {
      await this.db.updateTable('source_record').set({ last_batch_id: batchId }).where('source_id', '=', sourceId).where('record_key', 'in', keys.slice(i, i + CHUNK)).execute();
    }
  }

  /** Live records of the source that the given batch did not see (a full extract no longer lists them). */
  async unseenRecords(sourceId: string, batchId: string, limit: number): Promise<SourceRecordRow[]> {
    return this.db
      .selectFrom('source_record')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('last_batch_id', '<>', batchId)
      .where('ended_at', 'is', null)
      .limit(limit)
      .execute();
  }

  async endSourceRecords(sourceId: string, keys: readonly string[], at: string): Promise<void> {
    for (let i = 0; i < keys.length; i += CHUNK) {
      await this.db.updateTable('source_record').set({ ended_at: at }).where('source_id', '=', sourceId).where('record_key', 'in', keys.slice(i, i + CHUNK)).execute();
    }
  }

  /** Persons holding these identifier numbers of one type. */
  async personsByIdentifier(type: string, numbers: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < numbers.length; i += CHUNK) {
      const rows = await this.db.selectFrom('identifier').select(['number', 'person_id']).where('type', '=', type).where('number', 'in', numbers.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.number, r.person_id);
    }
    return out;
  }

  async insertObservations(rows: readonly ObservationWrite[]): Promise<void> {
    const now = nowIso();
    await chunked(rows, (c) =>
      this.db
        .insertInto('observation')
        .values(
          c.map((o) => ({
            district: this.district,
            person_id: o.personId,
            element_id: o.elementId,
            value: o.value,
            source_id: o.sourceId,
            method: o.method,
            observed_at: o.observedAt,
            recorded_at: now,
            batch_id: o.batchId,
            collector: null,
          })),
        )
        .execute(),
    );
  }

  /** Every observation of the persons for the elements, as survivorship reads them. */
  async reports(personIds: readonly string[], elementIds?: readonly string[]): Promise<(Reported & { personId: string; elementId: string })[]> {
    const out: (Reported & { personId: string; elementId: string })[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      let q = this.db
        .selectFrom('observation')
        .select(['id', 'person_id', 'element_id', 'value', 'source_id', 'observed_at', 'recorded_at'])
        .where('person_id', 'in', personIds.slice(i, i + CHUNK));
      if (elementIds) q = q.where('element_id', 'in', [...elementIds]);
      for (const r of await q.execute()) {
        out.push({ personId: r.person_id, elementId: r.element_id, sourceId: r.source_id ?? 'unknown', value: r.value, observedAt: r.observed_at, recordedAt: r.recorded_at, seq: Number(r.id) });
      }
    }
    return out;
  }

  async replaceCurrent(personElementPairs: readonly { personId: string; elementId: string }[], writes: readonly CurrentWrite[]): Promise<void> {
    const byPerson = new Map<string, string[]>();
    for (const p of personElementPairs) {
      const list = byPerson.get(p.personId) ?? [];
      list.push(p.elementId);
      byPerson.set(p.personId, list);
    }
    for (const [personId, elements] of byPerson) {
      await this.db.deleteFrom('person_value').where('person_id', '=', personId).where('element_id', 'in', elements).execute();
    }
    await chunked(writes, (c) =>
      this.db
        .insertInto('person_value')
        .values(
          c.map((w) => ({
            person_id: w.personId,
            element_id: w.elementId,
            district: this.district,
            value: w.value,
            source_id: w.sourceId,
            method: methodOf(w.sourceId),
            observed_at: w.observedAt,
            recorded_at: w.recordedAt,
            status: w.status,
          })),
        )
        .execute(),
    );
  }

  async openConflicts(personIds: readonly string[]): Promise<{ id: string; personId: string; elementId: string; sourceId: string; detail: string }[]> {
    const out: { id: string; personId: string; elementId: string; sourceId: string; detail: string }[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('review_item')
        .select(['id', 'person_id', 'element_id', 'source_id', 'detail'])
        .where('kind', '=', 'conflict')
        .where('status', '=', 'open')
        .where('person_id', 'in', personIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.push({ id: r.id, personId: r.person_id ?? '', elementId: r.element_id ?? '', sourceId: r.source_id ?? '', detail: r.detail });
    }
    return out;
  }

  async insertReviewItems(items: readonly { id: string; kind: string; personId: string | null; elementId: string | null; sourceId: string | null; detail: string; batchId: string | null }[]): Promise<void> {
    const now = nowIso();
    await chunked(items, (c) =>
      this.db
        .insertInto('review_item')
        .values(
          c.map((r) => ({
            id: r.id,
            district: this.district,
            kind: r.kind,
            status: 'open',
            person_id: r.personId,
            element_id: r.elementId,
            source_id: r.sourceId,
            detail: r.detail,
            batch_id: r.batchId,
            created_at: now,
            resolved_at: null,
          })),
        )
        .execute(),
    );
  }

  async resolveReviewItems(ids: readonly string[], status: 'resolved' | 'superseded'): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.db.updateTable('review_item').set({ status, resolved_at: nowIso() }).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
    }
  }

  async countReview(kind: string, status = 'open'): Promise<number> {
    const r = await this.db.selectFrom('review_item').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).where('status', '=', status).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
