/**
 * Pages of what the import pipeline wrote, for people reading it (the console, GET /imports): the
 * import batches, newest first, and one batch's rejected rows in file order — each page with the
 * count of the whole. Reads only; the pipeline's own reads and writes are in ingest.repository.ts.
 */
import type { Db } from './store.ts';
import type { BatchRow } from './ingest.repository.ts';

export interface BatchPageQuery {
  /** Only this source's batches. */
  readonly sourceId?: string | undefined;
  /** Only batches of these sources (the ones the reader may see); undefined: every source. */
  readonly sourceIds?: readonly string[] | undefined;
  readonly limit: number;
  readonly offset: number;
}

export interface RejectedRowView {
  readonly row: number;
  readonly column: string | null;
  readonly value: string | null;
  readonly reason: string;
  readonly message: string;
}

export class ImportReadRepository {
  constructor(private readonly db: Db) {}

  /** Import batches, newest first (ties in file order of their ids), with how many match in all. */
  async pageBatches(query: BatchPageQuery): Promise<{ items: BatchRow[]; total: number }> {
    if (query.sourceIds !== undefined && query.sourceIds.length === 0) return { items: [], total: 0 };
    let base = this.db.selectFrom('import_batch');
    if (query.sourceId !== undefined) base = base.where('source_id', '=', query.sourceId);
    if (query.sourceIds !== undefined) base = base.where('source_id', 'in', [...query.sourceIds]);
    const [count, items] = await Promise.all([
      base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
      base.selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
    ]);
    return { items, total: Number(count.n) };
  }

  /** A batch's rejected rows in file order (a row rejected for two columns gives two), with how many there are in all. */
  async pageRejected(batchId: string, limit: number, offset: number): Promise<{ items: RejectedRowView[]; total: number }> {
    const base = this.db.selectFrom('rejected_row').where('batch_id', '=', batchId);
    const [count, items] = await Promise.all([
      base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
      base.select(['row', 'column', 'value', 'reason', 'message']).orderBy('row').orderBy('column').limit(limit).offset(offset).execute(),
    ]);
    return { items: items.map((r) => ({ ...r, row: Number(r.row) })), total: Number(count.n) };
  }
}
