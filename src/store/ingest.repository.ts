/**
 * What the import pipeline reads and writes in bulk: batches, rejected rows, source records,
 * observations, current values and review items. One query per chunk of rows, never per row: a
 * list is bound as one parameter (`json_each(?)` on SQLite, `= ANY($1)` on PostgreSQL). Inside a
 * transaction on SQLite the reads and writes run as prepared statements on the raw connection (no
 * query building, no async hop); on PostgreSQL the big writes are one `INSERT … SELECT FROM unnest($1, $2, …)`.
 */
import { sql, type Expression, type Selectable, type SqlBool } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
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
  /** When it is recorded; default now. */
  readonly recordedAt?: string;
}

export interface CurrentWrite {
  readonly personId: string;
  readonly elementId: string;
  readonly value: string;
  readonly sourceId: string;
  readonly observedAt: string | null;
  readonly recordedAt: string;
  readonly status: string;
  /** The stored current value is this same value: only where it came from changes (its look-up index entry stays). */
  readonly keepsValue?: boolean;
}

/** A current value as stored. */
export interface StoredCurrent {
  readonly personId: string;
  readonly elementId: string;
  readonly value: string;
  readonly sourceId: string | null;
  readonly observedAt: string | null;
  readonly recordedAt: string;
  readonly status: string;
}

export type Counters = Pick<BatchRow, 'rows_read' | 'rows_rejected' | 'rows_unchanged' | 'persons_created' | 'persons_linked' | 'records_ended' | 'conflicts'>;

/** Ids bound as one list parameter per query. */
const LIST = 20_000;
/** Bound parameters per multi-row INSERT on PostgreSQL (its limit is 65,535). */
const PARAMS = 30_000;

/** How a current value arrived, from its source: entered by hand, derived (from an ID number), or imported. */
function methodOf(sourceId: string): string {
  if (sourceId === 'manual') return 'api';
  if (sourceId === 'id-number') return 'derived';
  return 'import';
}

async function chunked<T>(rows: readonly T[], size: number, write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/** The tables an import grows and reads back while it runs (the matcher's candidates, survivorship's inputs). */
const IMPORT_READ_TABLES = ['person', 'person_value', 'observation', 'identifier', 'residence', 'household', 'household_member', 'source_record', 'review_item', 'rental_registration'];

/** Rows per multi-row INSERT of `columns` columns. */
const rowsPer = (columns: number): number => Math.max(1, Math.floor(PARAMS / columns));

type Statement = BetterSqlite3.Statement;

/** A residence a rollback removed (in force until then) or reopened. */
export interface UndoneResidence {
  readonly id: string;
  readonly personId: string;
  readonly kind: string;
  readonly areaCode: string;
  readonly address: string | null;
  readonly dwellingId: string | null;
  readonly sourceId: string | null;
}

/** A household membership a rollback removed (in force until then) or reopened. */
export interface UndoneMembership {
  readonly personId: string;
  readonly householdId: string;
  readonly relationship: string;
  readonly sourceId: string | null;
}

/** What rolling back a batch changed, beyond the rows it deleted that were no longer in force. */
export interface UndoneBatch {
  /** Persons with observations left whose current values are to be recomputed, and the pairs. */
  readonly personIds: string[];
  readonly elementPairs: { personId: string; elementId: string }[];
  /** Persons the batch created that nothing refers to any more: deleted, with their current values. */
  readonly personsRemoved: string[];
  readonly valuesRemoved: { personId: string; elementId: string; value: string }[];
  readonly identifiersRemoved: { personId: string; type: string; number: string }[];
  readonly residencesRemoved: UndoneResidence[];
  readonly residencesReopened: UndoneResidence[];
  readonly membershipsRemoved: UndoneMembership[];
  readonly membershipsReopened: UndoneMembership[];
}

export class IngestRepository {
  private readonly statements = new Map<string, Statement>();

  /**
   * @param raw on SQLite, the connection itself: inside a transaction the writes run as prepared
   *   statements on it, in the same transaction as everything else.
   */
  constructor(
    private readonly db: Db,
    private readonly district: string,
    private readonly raw?: BetterSqlite3.Database,
  ) {}

  /**
   * PostgreSQL plans from the statistics ANALYZE leaves, which autovacuum refreshes when it gets round
   * to it (and never where it is off). An import grows its tables many times over in minutes, and a
   * plan made for a near-empty table reads whole indexes: the matcher's read of 400 candidates' values
   * took 109 ms a call at the street's scale, through the (element, value) index, instead of the
   * primary key. Analyzes each import table that has more than doubled on disk since it was last
   * analyzed (by size, which is known at once, not by the activity counters, which a backend reports
   * up to a second late); returns the tables analyzed. SQLite: none (its planner goes by the schema).
   */
  async refreshStatistics(): Promise<string[]> {
    if (this.raw) return [];
    const grown = await sql<{ relname: string }>`select c.relname from pg_class c
        where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' and c.relname in (${sql.join(IMPORT_READ_TABLES)})
          and pg_relation_size(c.oid) / current_setting('block_size')::int > 2 * greatest(c.relpages, 0) + 8`.execute(this.db);
    for (const t of grown.rows) await sql`analyze ${sql.table(t.relname)}`.execute(this.db);
    return grown.rows.map((t) => t.relname);
  }

  /**
   * Statement planning for the rest of an import chunk's transaction (PostgreSQL): no just-in-time
   * compilation. A chunk's statements are short, but their estimated costs (tens of thousands of
   * rows each) pass the JIT thresholds, and compiling costs 16 ms to a few hundred per statement —
   * more than the statement. `set local` ends with the transaction. SQLite: nothing to set.
   */
  async planAsChunk(): Promise<void> {
    if (this.raw) return;
    await sql`set local jit = off`.execute(this.db);
  }

  /** The raw connection when this repository works inside a SQLite transaction (never outside one: another unit of work may hold the connection). */
  private get sqlite(): BetterSqlite3.Database | undefined {
    return this.raw && this.db.isTransaction ? this.raw : undefined;
  }

  private prepared(raw: BetterSqlite3.Database, text: string): Statement {
    let s = this.statements.get(text);
    if (!s) this.statements.set(text, (s = raw.prepare(text)));
    return s;
  }

  /**
   * On SQLite inside a transaction, `text` run as a prepared statement on the connection over the
   * values in lists of at most LIST, each list one JSON parameter (`json_each(?)`) placed by
   * `params`; undefined elsewhere (the caller takes its Kysely path). A chunk's reads skip Kysely's
   * query building and async layer this way, as its writes do. The values go in sorted: a join
   * from `json_each` probes the index in the list's order, and in key order neighbouring probes
   * share pages (at street scale most probes would otherwise miss the page cache).
   */
  private readList<T>(text: string, values: readonly string[], params: (list: string) => unknown[]): T[] | undefined {
    const raw = this.sqlite;
    if (!raw) return undefined;
    const s = this.prepared(raw, text);
    const sorted = [...values].sort();
    const out: T[] = [];
    for (let i = 0; i < sorted.length; i += LIST) for (const r of s.all(...params(JSON.stringify(sorted.slice(i, i + LIST)))) as T[]) out.push(r);
    return out;
  }

  /** The same for a write: true when it ran on the connection. */
  private writeList(text: string, values: readonly string[], params: (list: string) => unknown[]): boolean {
    const raw = this.sqlite;
    if (!raw) return false;
    const s = this.prepared(raw, text);
    for (let i = 0; i < values.length; i += LIST) s.run(...params(JSON.stringify(values.slice(i, i + LIST))));
    return true;
  }

  /** `column IN list`, the list bound as one parameter. */
  private inList(column: string, values: readonly string[]): Expression<SqlBool> {
    return this.raw ? sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))` : sql<SqlBool>`${sql.ref(column)} = any(${sql.val([...values])})`;
  }

  /**
   * Rows of `table` for exact (person, element) pairs, one index probe per pair: the pairs are
   * one JSON parameter on SQLite (`json_each`, joined first), two arrays on PostgreSQL (`unnest`).
   */
  private async byPairs<T>(table: 'person_value' | 'observation', columns: string, pairs: readonly { personId: string; elementId: string }[]): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < pairs.length; i += LIST) {
      const part = pairs.slice(i, i + LIST);
      const query = this.raw
        ? sql<T>`select ${sql.raw(columns)} from json_each(${JSON.stringify(part.map((p) => [p.personId, p.elementId]))}) j cross join ${sql.table(table)} t on t.person_id = j.value ->> 0 and t.element_id = j.value ->> 1`
        : // A lateral subquery that cannot be pulled up (offset 0): one probe of the (person, element) index per
          // pair whatever the statistics say. As a plain join the planner, counting the two conditions as
          // independent, expects few rows and hashes the whole table: 840 ms instead of 177 for 20,000 pairs
          // against the street's 2.4 M current values.
          sql<T>`select ${sql.raw(columns)} from unnest(${sql.val(part.map((p) => p.personId))}::uuid[], ${sql.val(part.map((p) => p.elementId))}::text[]) as j(p, e)
            cross join lateral (select * from ${sql.table(table)} t where t.person_id = j.p and t.element_id = j.e offset 0) t`;
      for (const r of (await query.execute(this.db)).rows) out.push(r);
    }
    return out;
  }

  /**
   * The same on SQLite inside a transaction, as a prepared statement on the connection, the rows
   * named by `columns` as the caller returns them (no copy), the pairs in key order; undefined elsewhere.
   */
  private readPairs<T>(table: 'person_value' | 'observation', columns: string, pairs: readonly { personId: string; elementId: string }[]): T[] | undefined {
    const raw = this.sqlite;
    if (!raw) return undefined;
    const s = this.prepared(raw, `SELECT ${columns} FROM json_each(?) j CROSS JOIN ${table} t ON t.person_id = j.value ->> 0 AND t.element_id = j.value ->> 1`);
    const sorted = pairs.map((p) => [p.personId, p.elementId] as const).sort(([p, e], [q, f]) => (p < q ? -1 : p > q ? 1 : e < f ? -1 : e > f ? 1 : 0));
    const out: T[] = [];
    for (let i = 0; i < sorted.length; i += LIST) for (const r of s.all(JSON.stringify(sorted.slice(i, i + LIST))) as T[]) out.push(r);
    return out;
  }

  /** Runs `read` over the values in lists of at most LIST. */
  private async byList<T>(values: readonly string[], read: (list: readonly string[]) => Promise<T[]>): Promise<T[]> {
    if (values.length === 0) return [];
    if (values.length <= LIST) return read(values);
    const out: T[] = [];
    for (let i = 0; i < values.length; i += LIST) out.push(...(await read(values.slice(i, i + LIST))));
    return out;
  }

  /** The distribution key written on new rows. */
  get districtCode(): string {
    return this.district;
  }

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
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(raw, 'INSERT INTO rejected_row (batch_id, row, "column", value, reason, message) VALUES (?, ?, ?, ?, ?, ?)');
      for (const r of rows) s.run(r.batchId, r.row, r.column, r.value, r.reason, r.message);
      return;
    }
    await chunked(rows, rowsPer(6), (c) =>
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
    const rows =
      this.readList<SourceRecordRow>('SELECT * FROM source_record WHERE source_id = ? AND record_key IN (SELECT value FROM json_each(?))', keys, (list) => [sourceId, list]) ??
      (await this.byList(keys, (list) => this.db.selectFrom('source_record').selectAll().where('source_id', '=', sourceId).where(this.inList('record_key', list)).execute()));
    return new Map(rows.map((r) => [r.record_key, r]));
  }

  async upsertSourceRecords(rows: readonly SourceRecordRow[]): Promise<void> {
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(
        raw,
        `INSERT INTO source_record (source_id, record_key, district, person_id, link_rule, row_hash, first_batch_id, last_batch_id, ended_at, ended_batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (source_id, record_key) DO UPDATE SET person_id = excluded.person_id, link_rule = excluded.link_rule, row_hash = excluded.row_hash,
         last_batch_id = excluded.last_batch_id, ended_at = excluded.ended_at`,
      );
      for (const r of rows) s.run(r.source_id, r.record_key, r.district, r.person_id, r.link_rule, r.row_hash, r.first_batch_id, r.last_batch_id, r.ended_at, r.ended_batch_id);
      return;
    }
    await chunked(rows, rowsPer(10), (c) =>
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
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(raw, 'UPDATE source_record SET last_batch_id = ? WHERE source_id = ? AND record_key = ?');
      for (const k of keys) s.run(batchId, sourceId, k);
      return;
    }
    await this.byList(keys, async (list) => {
      await this.db.updateTable('source_record').set({ last_batch_id: batchId }).where('source_id', '=', sourceId).where(this.inList('record_key', list)).execute();
      return [];
    });
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

  /** Of these persons, those the given batch saw under some record of the source. */
  async liveRecordPersons(sourceId: string, personIds: readonly string[], batchId: string): Promise<(string | null)[]> {
    const rows = await this.byList(personIds, (list) =>
      this.db.selectFrom('source_record').select('person_id').where('source_id', '=', sourceId).where('last_batch_id', '=', batchId).where(this.inList('person_id', list)).execute(),
    );
    return rows.map((r) => r.person_id);
  }

  async endSourceRecords(sourceId: string, keys: readonly string[], at: string, batchId: string): Promise<void> {
    await this.byList(keys, async (list) => {
      await this.db.updateTable('source_record').set({ ended_at: at, ended_batch_id: batchId }).where('source_id', '=', sourceId).where(this.inList('record_key', list)).execute();
      return [];
    });
  }

  /** Persons holding these identifier numbers of one type. */
  async personsByIdentifier(type: string, numbers: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.byList(numbers, (list) => this.db.selectFrom('identifier').select(['number', 'person_id']).where('type', '=', type).where(this.inList('number', list)).execute());
    return new Map(rows.map((r) => [r.number, r.person_id]));
  }

  async insertObservations(rows: readonly ObservationWrite[]): Promise<void> {
    if (rows.length === 0) return;
    const now = nowIso();
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(
        raw,
        'INSERT INTO observation (district, person_id, element_id, value, source_id, method, observed_at, recorded_at, batch_id, collector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)',
      );
      for (const o of rows) s.run(this.district, o.personId, o.elementId, o.value, o.sourceId, o.method, o.observedAt, o.recordedAt ?? now, o.batchId);
      return;
    }
    if (this.raw) {
      // SQLite outside a transaction: one statement per chunk through Kysely.
      await chunked(rows, rowsPer(10), (c) =>
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
              recorded_at: o.recordedAt ?? now,
              batch_id: o.batchId,
              collector: null,
            })),
          )
          .execute(),
      );
      return;
    }
    await chunked(rows, 50_000, (c) =>
      sql`insert into observation (district, person_id, element_id, value, source_id, method, observed_at, recorded_at, batch_id)
          select ${this.district}, * from unnest(${sql.val(c.map((o) => o.personId))}::uuid[], ${sql.val(c.map((o) => o.elementId))}::text[], ${sql.val(c.map((o) => o.value))}::text[],
            ${sql.val(c.map((o) => o.sourceId))}::text[], ${sql.val(c.map((o) => o.method))}::text[], ${sql.val(c.map((o) => o.observedAt))}::date[],
            ${sql.val(c.map((o) => o.recordedAt ?? now))}::timestamptz[], ${sql.val(c.map((o) => o.batchId))}::text[])`.execute(this.db),
    );
  }

  /** Every observation of the persons for the elements, as survivorship reads them. */
  async reports(personIds: readonly string[], elementIds?: readonly string[]): Promise<(Reported & { personId: string; elementId: string })[]> {
    const rows = await this.byList(personIds, (list) => {
      let q = this.db.selectFrom('observation').select(['id', 'person_id', 'element_id', 'value', 'source_id', 'observed_at', 'recorded_at']).where(this.inList('person_id', list));
      if (elementIds) q = q.where(this.inList('element_id', elementIds));
      return q.execute();
    });
    return rows.map((r) => ({ personId: r.person_id, elementId: r.element_id, sourceId: r.source_id ?? 'unknown', value: r.value, observedAt: r.observed_at, recordedAt: r.recorded_at, seq: Number(r.id) }));
  }

  /** Every observation of these (person, element) pairs, as survivorship reads them. */
  async reportsOf(pairs: readonly { personId: string; elementId: string }[]): Promise<(Reported & { personId: string; elementId: string })[]> {
    const direct = this.readPairs<Reported & { personId: string; elementId: string }>(
      'observation',
      "t.person_id AS personId, t.element_id AS elementId, coalesce(t.source_id, 'unknown') AS sourceId, t.value AS value, t.observed_at AS observedAt, t.recorded_at AS recordedAt, t.id AS seq",
      pairs,
    );
    if (direct) return direct;
    const rows = await this.byPairs<{ id: number | string; person_id: string; element_id: string; value: string | null; source_id: string | null; observed_at: string | null; recorded_at: string }>(
      'observation',
      't.id, t.person_id, t.element_id, t.value, t.source_id, t.observed_at, t.recorded_at',
      pairs,
    );
    return rows.map((r) => ({ personId: r.person_id, elementId: r.element_id, sourceId: r.source_id ?? 'unknown', value: r.value, observedAt: r.observed_at, recordedAt: r.recorded_at, seq: Number(r.id) }));
  }

  /** The stored current values of these (person, element) pairs. */
  async currentValues(pairs: readonly { personId: string; elementId: string }[]): Promise<StoredCurrent[]> {
    const direct = this.readPairs<StoredCurrent>(
      'person_value',
      't.person_id AS personId, t.element_id AS elementId, t.value AS value, t.source_id AS sourceId, t.observed_at AS observedAt, t.recorded_at AS recordedAt, t.status AS status',
      pairs,
    );
    if (direct) return direct;
    const rows = await this.byPairs<{ person_id: string; element_id: string; value: string; source_id: string | null; observed_at: string | null; recorded_at: string; status: string }>(
      'person_value',
      't.person_id, t.element_id, t.value, t.source_id, t.observed_at, t.recorded_at, t.status',
      pairs,
    );
    return rows.map((r) => ({ personId: r.person_id, elementId: r.element_id, value: r.value, sourceId: r.source_id, observedAt: r.observed_at, recordedAt: r.recorded_at, status: r.status }));
  }

  /** Sets the current values (upsert) and removes those of `cleared` pairs, which no longer have one. */
  async replaceCurrent(cleared: readonly { personId: string; elementId: string }[], writes: readonly CurrentWrite[]): Promise<void> {
    const raw = this.sqlite;
    if (raw) {
      const del = this.prepared(raw, 'DELETE FROM person_value WHERE person_id = ? AND element_id = ?');
      for (const p of cleared) del.run(p.personId, p.elementId);
      const s = this.prepared(
        raw,
        `INSERT INTO person_value (person_id, element_id, district, value, source_id, method, observed_at, recorded_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id, element_id) DO UPDATE SET value = excluded.value, source_id = excluded.source_id, method = excluded.method,
         observed_at = excluded.observed_at, recorded_at = excluded.recorded_at, status = excluded.status`,
      );
      // A write that keeps the value sets the other columns only, so the (element, value, person) index
      // is not touched: an upsert sets the value too, and SQLite rewrites every index holding a column it sets.
      const keep = this.prepared(raw, 'UPDATE person_value SET source_id = ?, method = ?, observed_at = ?, recorded_at = ?, status = ? WHERE person_id = ? AND element_id = ?');
      for (const w of writes) {
        if (w.keepsValue) keep.run(w.sourceId, methodOf(w.sourceId), w.observedAt, w.recordedAt, w.status, w.personId, w.elementId);
        else s.run(w.personId, w.elementId, this.district, w.value, w.sourceId, methodOf(w.sourceId), w.observedAt, w.recordedAt, w.status);
      }
      return;
    }
    const byPerson = new Map<string, string[]>();
    for (const p of cleared) {
      const list = byPerson.get(p.personId) ?? [];
      list.push(p.elementId);
      byPerson.set(p.personId, list);
    }
    for (const [personId, elements] of byPerson) {
      await this.db.deleteFrom('person_value').where('person_id', '=', personId).where('element_id', 'in', elements).execute();
    }
    if (writes.length === 0) return;
    if (this.raw) {
      await chunked(writes, rowsPer(9), (c) =>
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
          .onConflict((oc) =>
            oc.columns(['person_id', 'element_id']).doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              source_id: eb.ref('excluded.source_id'),
              method: eb.ref('excluded.method'),
              observed_at: eb.ref('excluded.observed_at'),
              recorded_at: eb.ref('excluded.recorded_at'),
              status: eb.ref('excluded.status'),
            })),
          )
          .execute(),
      );
      return;
    }
    await chunked(writes, 50_000, (c) =>
      sql`insert into person_value (person_id, element_id, district, value, source_id, method, observed_at, recorded_at, status)
          select p, e, ${this.district}, v, s, m, o, r, st from unnest(${sql.val(c.map((w) => w.personId))}::uuid[], ${sql.val(c.map((w) => w.elementId))}::text[],
            ${sql.val(c.map((w) => w.value))}::text[], ${sql.val(c.map((w) => w.sourceId))}::text[], ${sql.val(c.map((w) => methodOf(w.sourceId)))}::text[],
            ${sql.val(c.map((w) => w.observedAt))}::date[], ${sql.val(c.map((w) => w.recordedAt))}::timestamptz[], ${sql.val(c.map((w) => w.status))}::text[]) as u(p, e, v, s, m, o, r, st)
          on conflict (person_id, element_id) do update set value = excluded.value, source_id = excluded.source_id, method = excluded.method,
            observed_at = excluded.observed_at, recorded_at = excluded.recorded_at, status = excluded.status`.execute(this.db),
    );
  }

  async openConflicts(personIds: readonly string[]): Promise<{ id: string; personId: string; elementId: string; sourceId: string; detail: string }[]> {
    // On SQLite by person (the unary + keeps the planner off the (status, kind) index, which would read every open conflict).
    const direct = this.readList<{ id: string; person_id: string | null; element_id: string | null; source_id: string | null; detail: string }>(
      `SELECT r.id, r.person_id, r.element_id, r.source_id, r.detail FROM json_each(?) j CROSS JOIN review_item r ON r.person_id = j.value WHERE +r.kind = 'conflict' AND +r.status = 'open'`,
      personIds,
      (list) => [list],
    );
    const rows = direct ?? await this.byList(personIds, async (list) =>
      this.raw
        ? (
            await sql<{ id: string; person_id: string | null; element_id: string | null; source_id: string | null; detail: string }>`select r.id, r.person_id, r.element_id, r.source_id, r.detail
              from json_each(${JSON.stringify(list)}) j cross join review_item r on r.person_id = j.value where +r.kind = 'conflict' and +r.status = 'open'`.execute(this.db)
          ).rows
        : this.db.selectFrom('review_item').select(['id', 'person_id', 'element_id', 'source_id', 'detail']).where('kind', '=', 'conflict').where('status', '=', 'open').where(this.inList('person_id', list)).execute(),
    );
    return rows.map((r) => ({ id: r.id, personId: r.person_id ?? '', elementId: r.element_id ?? '', sourceId: r.source_id ?? '', detail: r.detail }));
  }

  async insertReviewItems(items: readonly { id: string; kind: string; personId: string | null; elementId: string | null; sourceId: string | null; detail: string; batchId: string | null }[]): Promise<void> {
    const now = nowIso();
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(
        raw,
        `INSERT INTO review_item (id, district, kind, status, person_id, element_id, source_id, detail, batch_id, created_at, resolved_at) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, NULL)`,
      );
      for (const r of items) s.run(r.id, this.district, r.kind, r.personId, r.elementId, r.sourceId, r.detail, r.batchId, now);
      return;
    }
    await chunked(items, rowsPer(11), (c) =>
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
    const now = nowIso();
    if (this.writeList('UPDATE review_item SET status = ?, resolved_at = ? WHERE id IN (SELECT value FROM json_each(?))', ids, (list) => [status, now, list])) return;
    await this.byList(ids, async (list) => {
      await this.db.updateTable('review_item').set({ status, resolved_at: now }).where(this.inList('id', list)).execute();
      return [];
    });
  }

  /** The source's own latest report for each person and element (null where it withdrew the value). */
  async latestFromSource(personIds: readonly string[], sourceId: string): Promise<Map<string, Map<string, string | null>>> {
    const out = new Map<string, Map<string, string | null>>();
    const seqs = new Map<string, number>();
    // A source has reported on a person only through a record of it linked to that person (merges
    // move both): the observations are read only for those (few, on a first import none).
    const direct = this.readList<{ person_id: string | null }>(
      'SELECT DISTINCT r.person_id FROM json_each(?) j CROSS JOIN source_record r ON r.person_id = j.value WHERE r.source_id = ?',
      personIds,
      (list) => [list, sourceId],
    );
    const reported = direct ?? await this.byList(personIds, async (list) =>
      this.raw
        ? (await sql<{ person_id: string }>`select distinct r.person_id from json_each(${JSON.stringify(list)}) j cross join source_record r on r.person_id = j.value where r.source_id = ${sourceId}`.execute(this.db)).rows
        : this.db.selectFrom('source_record').select('person_id').distinct().where('source_id', '=', sourceId).where(this.inList('person_id', list)).execute(),
    );
    const reporters = reported.flatMap((r) => (r.person_id ? [r.person_id] : []));
    const observed = this.readList<{ id: number | string; person_id: string; element_id: string; value: string | null }>(
      'SELECT id, person_id, element_id, value FROM observation WHERE source_id = ? AND person_id IN (SELECT value FROM json_each(?))',
      reporters,
      (list) => [sourceId, list],
    );
    const rows = observed ?? await this.byList(
      reporters,
      (list) =>
        this.db.selectFrom('observation').select(['id', 'person_id', 'element_id', 'value']).where('source_id', '=', sourceId).where(this.inList('person_id', list)).execute(),
    );
    for (const r of rows) {
      const k = `${r.person_id}\u0000${r.element_id}`;
      const id = Number(r.id);
      if ((seqs.get(k) ?? -1) > id) continue;
      seqs.set(k, id);
      let m = out.get(r.person_id);
      if (!m) out.set(r.person_id, (m = new Map()));
      m.set(r.element_id, r.value);
    }
    return out;
  }

  async insertPersons(ids: readonly string[], batchId: string): Promise<void> {
    const now = nowIso();
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(raw, `INSERT INTO person (id, district, status, merged_into, created_at, updated_at, batch_id) VALUES (?, ?, 'active', NULL, ?, ?, ?)`);
      for (const id of ids) s.run(id, this.district, now, now, batchId);
      return;
    }
    await chunked(ids, rowsPer(7), (c) =>
      this.db
        .insertInto('person')
        .values(c.map((id) => ({ id, district: this.district, status: 'active', merged_into: null, created_at: now, updated_at: now, batch_id: batchId })))
        .execute(),
    );
  }

  async insertIdentifiers(
    rows: readonly { id: string; personId: string; type: string; number: string; issuingCountry: string; issuingArea: string | null }[],
    batchId: string,
  ): Promise<void> {
    const now = nowIso();
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(
        raw,
        'INSERT INTO identifier (id, district, person_id, type, number, issuing_country, issuing_area, valid_from, valid_to, recorded_at, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)',
      );
      for (const r of rows) s.run(r.id, this.district, r.personId, r.type, r.number, r.issuingCountry, r.issuingArea, now, batchId);
      return;
    }
    await chunked(rows, rowsPer(11), (c) =>
      this.db
        .insertInto('identifier')
        .values(
          c.map((r) => ({
            id: r.id,
            district: this.district,
            person_id: r.personId,
            type: r.type,
            number: r.number,
            issuing_country: r.issuingCountry,
            issuing_area: r.issuingArea,
            valid_from: null,
            valid_to: null,
            recorded_at: now,
            batch_id: batchId,
          })),
        )
        .execute(),
    );
  }

  /** Holders of these numbers, whatever the type: number → [{ personId, type, issuingCountry }]. */
  async identifierHolders(numbers: readonly string[]): Promise<Map<string, { personId: string; type: string; issuingCountry: string }[]>> {
    const out = new Map<string, { personId: string; type: string; issuingCountry: string }[]>();
    const rows =
      this.readList<{ number: string; person_id: string; type: string; issuing_country: string }>(
        'SELECT number, person_id, type, issuing_country FROM identifier WHERE number IN (SELECT value FROM json_each(?))',
        numbers,
        (list) => [list],
      ) ?? (await this.byList(numbers, (list) => this.db.selectFrom('identifier').select(['number', 'person_id', 'type', 'issuing_country']).where(this.inList('number', list)).execute()));
    for (const r of rows) {
      const list = out.get(r.number) ?? [];
      list.push({ personId: r.person_id, type: r.type, issuingCountry: r.issuing_country });
      out.set(r.number, list);
    }
    return out;
  }

  /** Residences in force (not ended) of the persons: of one source, or of every source (with the source of each). */
  async openResidencesFrom(personIds: readonly string[], sourceId: string | null): Promise<{ id: string; personId: string; kind: string; areaCode: string; address: string | null; sourceId: string | null }[]> {
    type Row = { id: string; person_id: string; kind: string; area_code: string; address_text: string | null; source_id: string | null };
    const text = 'SELECT id, person_id, kind, area_code, address_text, source_id FROM residence WHERE valid_to IS NULL AND person_id IN (SELECT value FROM json_each(?))';
    const direct = sourceId === null ? this.readList<Row>(text, personIds, (list) => [list]) : this.readList<Row>(`${text} AND source_id = ?`, personIds, (list) => [list, sourceId]);
    const rows = direct ?? await this.byList(personIds, (list) => {
      let q = this.db.selectFrom('residence').select(['id', 'person_id', 'kind', 'area_code', 'address_text', 'source_id']).where('valid_to', 'is', null).where(this.inList('person_id', list));
      if (sourceId !== null) q = q.where('source_id', '=', sourceId);
      return q.execute();
    });
    return rows.map((r) => ({ id: r.id, personId: r.person_id, kind: r.kind, areaCode: r.area_code, address: r.address_text, sourceId: r.source_id }));
  }

  async insertResidences(
    rows: readonly { id: string; personId: string; kind: string; areaCode: string; address: string | null; dwellingId: string | null; validFrom: string | null }[],
    sourceId: string,
    batchId: string,
  ): Promise<void> {
    const now = nowIso();
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(
        raw,
        'INSERT INTO residence (id, district, person_id, kind, dwelling_id, area_code, address_text, valid_from, valid_to, recorded_at, source_id, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)',
      );
      for (const r of rows) s.run(r.id, this.district, r.personId, r.kind, r.dwellingId, r.areaCode, r.address, r.validFrom, now, sourceId, batchId);
      return;
    }
    await chunked(rows, rowsPer(12), (c) =>
      this.db
        .insertInto('residence')
        .values(
          c.map((r) => ({
            id: r.id,
            district: this.district,
            person_id: r.personId,
            kind: r.kind,
            dwelling_id: r.dwellingId,
            area_code: r.areaCode,
            address_text: r.address,
            valid_from: r.validFrom,
            valid_to: null,
            recorded_at: now,
            source_id: sourceId,
            batch_id: batchId,
          })),
        )
        .execute(),
    );
  }

  async endResidences(ids: readonly string[], validTo: string, batchId: string): Promise<void> {
    if (this.writeList('UPDATE residence SET valid_to = ?, ended_batch_id = ? WHERE id IN (SELECT value FROM json_each(?))', ids, (list) => [validTo, batchId, list])) return;
    await this.byList(ids, async (list) => {
      await this.db.updateTable('residence').set({ valid_to: validTo, ended_batch_id: batchId }).where(this.inList('id', list)).execute();
      return [];
    });
  }

  /** Undoes what one batch wrote (see src/ingest/rollback.ts); returns the persons whose values must be recomputed. */
  async undoBatch(batchId: string): Promise<UndoneBatch> {
    const touched = await this.db.selectFrom('observation').select(['person_id', 'element_id']).distinct().where('batch_id', '=', batchId).execute();
    await this.db.deleteFrom('observation').where('batch_id', '=', batchId).execute();
    await this.db.deleteFrom('rejected_row').where('batch_id', '=', batchId).execute();
    await this.db.deleteFrom('review_item').where('batch_id', '=', batchId).execute();
    // What was in force and goes, and what comes back, for the rollback's change events.
    const residenceColumns = ['id', 'person_id', 'kind', 'area_code', 'address_text', 'dwelling_id', 'source_id'] as const;
    const toPlace = (r: { id: string; person_id: string; kind: string; area_code: string; address_text: string | null; dwelling_id: string | null; source_id: string | null }): UndoneResidence => ({
      id: r.id,
      personId: r.person_id,
      kind: r.kind,
      areaCode: r.area_code,
      address: r.address_text,
      dwellingId: r.dwelling_id,
      sourceId: r.source_id,
    });
    const residencesRemoved = (await this.db.selectFrom('residence').select(residenceColumns).where('batch_id', '=', batchId).where('valid_to', 'is', null).execute()).map(toPlace);
    await this.db.deleteFrom('residence').where('batch_id', '=', batchId).execute();
    const residencesReopened = (await this.db.selectFrom('residence').select(residenceColumns).where('ended_batch_id', '=', batchId).execute()).map(toPlace);
    await this.db.updateTable('residence').set({ valid_to: null, ended_batch_id: null }).where('ended_batch_id', '=', batchId).execute();
    const identifiersRemoved = (await this.db.selectFrom('identifier').select(['person_id', 'type', 'number']).where('batch_id', '=', batchId).execute()).map((r) => ({ personId: r.person_id, type: r.type, number: r.number }));
    await this.db.deleteFrom('identifier').where('batch_id', '=', batchId).execute();
    const memberColumns = ['person_id', 'household_id', 'relationship', 'source_id'] as const;
    const toMember = (r: { person_id: string; household_id: string; relationship: string; source_id: string | null }): UndoneMembership => ({ personId: r.person_id, householdId: r.household_id, relationship: r.relationship, sourceId: r.source_id });
    const membershipsRemoved = (await this.db.selectFrom('household_member').select(memberColumns).where('batch_id', '=', batchId).where('valid_to', 'is', null).execute()).map(toMember);
    await this.db.deleteFrom('household_member').where('batch_id', '=', batchId).execute();
    const membershipsReopened = (await this.db.selectFrom('household_member').select(memberColumns).where('ended_batch_id', '=', batchId).execute()).map(toMember);
    await this.db.updateTable('household_member').set({ valid_to: null, ended_batch_id: null }).where('ended_batch_id', '=', batchId).execute();
    const households = (await this.db.selectFrom('household').select('id').where('batch_id', '=', batchId).execute()).map((r) => r.id);
    await this.byList(households, async (ids) => {
      const used = new Set((await this.db.selectFrom('household_member').select('household_id').where(this.inList('household_id', ids)).execute()).map((r) => r.household_id));
      const unused = ids.filter((id) => !used.has(id));
      if (unused.length > 0) await this.db.deleteFrom('household').where(this.inList('id', unused)).execute();
      return [];
    });
    await this.db.deleteFrom('source_record').where('first_batch_id', '=', batchId).execute();
    await this.db.updateTable('source_record').set({ ended_at: null, ended_batch_id: null }).where('ended_batch_id', '=', batchId).execute();
    // Records this batch only updated are re-read in full next time.
    await this.db.updateTable('source_record').set({ row_hash: '' }).where('last_batch_id', '=', batchId).execute();
    // Persons the batch created and nothing else refers to any more.
    const created = (await this.db.selectFrom('person').select('id').where('batch_id', '=', batchId).execute()).map((r) => r.id);
    const orphans = await this.byList(created, async (ids) => {
      const referenced = new Set<string>();
      for (const table of ['observation', 'identifier', 'residence', 'source_record', 'household_member', 'rental_registration'] as const) {
        const rows = await this.db.selectFrom(table).select('person_id').where(this.inList('person_id', ids)).execute();
        for (const r of rows) if (r.person_id) referenced.add(r.person_id);
      }
      return ids.filter((id) => !referenced.has(id));
    });
    const valuesRemoved = await this.byList(orphans, async (ids) => {
      const values = await this.db.selectFrom('person_value').select(['person_id', 'element_id', 'value']).where(this.inList('person_id', ids)).execute();
      await this.db.deleteFrom('person_value').where(this.inList('person_id', ids)).execute();
      await this.db.deleteFrom('review_item').where(this.inList('person_id', ids)).execute();
      await this.db.deleteFrom('person').where(this.inList('id', ids)).execute();
      return values.map((v) => ({ personId: v.person_id, elementId: v.element_id, value: v.value }));
    });
    const gone = new Set(orphans);
    const pairs = touched.filter((t) => !gone.has(t.person_id)).map((t) => ({ personId: t.person_id, elementId: t.element_id }));
    return {
      personIds: [...new Set(pairs.map((p) => p.personId))],
      elementPairs: pairs,
      personsRemoved: orphans,
      valuesRemoved,
      identifiersRemoved,
      residencesRemoved,
      residencesReopened,
      membershipsRemoved,
      membershipsReopened,
    };
  }

  async householdsByNumber(numbers: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const rows =
      this.readList<{ id: string; household_no: string | null }>('SELECT id, household_no FROM household WHERE household_no IN (SELECT value FROM json_each(?))', numbers, (list) => [list]) ??
      (await this.byList(numbers, (list) => this.db.selectFrom('household').select(['id', 'household_no']).where(this.inList('household_no', list)).execute()));
    for (const r of rows) if (r.household_no) out.set(r.household_no, r.id);
    return out;
  }

  async insertHouseholds(rows: readonly { id: string; householdNo: string; type: string; areaCode: string }[], batchId: string): Promise<void> {
    const now = nowIso();
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(
        raw,
        'INSERT INTO household (id, district, household_no, type, area_code, dwelling_id, address_text, registration_category, created_at, updated_at, batch_id) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?)',
      );
      for (const h of rows) s.run(h.id, this.district, h.householdNo, h.type, h.areaCode, now, now, batchId);
      return;
    }
    await chunked(rows, rowsPer(11), (c) =>
      this.db
        .insertInto('household')
        .values(
          c.map((h) => ({
            id: h.id,
            district: this.district,
            household_no: h.householdNo,
            type: h.type,
            area_code: h.areaCode,
            dwelling_id: null,
            address_text: null,
            registration_category: null,
            created_at: now,
            updated_at: now,
            batch_id: batchId,
          })),
        )
        .execute(),
    );
  }

  /** Memberships in force that the source reported, by person. */
  async openMembershipsFrom(personIds: readonly string[], sourceId: string): Promise<{ id: string; personId: string; householdId: string; relationship: string }[]> {
    const direct = this.readList<{ id: string; person_id: string; household_id: string; relationship: string }>(
      'SELECT id, person_id, household_id, relationship FROM household_member WHERE source_id = ? AND valid_to IS NULL AND person_id IN (SELECT value FROM json_each(?))',
      personIds,
      (list) => [sourceId, list],
    );
    const rows = direct ?? await this.byList(personIds, (list) =>
      this.db
        .selectFrom('household_member')
        .select(['id', 'person_id', 'household_id', 'relationship'])
        .where('source_id', '=', sourceId)
        .where('valid_to', 'is', null)
        .where(this.inList('person_id', list))
        .execute(),
    );
    return rows.map((r) => ({ id: r.id, personId: r.person_id, householdId: r.household_id, relationship: r.relationship }));
  }

  async insertMemberships(rows: readonly { id: string; householdId: string; personId: string; relationship: string; validFrom: string }[], sourceId: string, batchId: string): Promise<void> {
    const now = nowIso();
    const raw = this.sqlite;
    if (raw) {
      const s = this.prepared(
        raw,
        'INSERT INTO household_member (id, district, household_id, person_id, relationship, valid_from, valid_to, created_at, source_id, batch_id) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)',
      );
      for (const m of rows) s.run(m.id, this.district, m.householdId, m.personId, m.relationship, m.validFrom, now, sourceId, batchId);
      return;
    }
    await chunked(rows, rowsPer(10), (c) =>
      this.db
        .insertInto('household_member')
        .values(
          c.map((m) => ({
            id: m.id,
            district: this.district,
            household_id: m.householdId,
            person_id: m.personId,
            relationship: m.relationship,
            valid_from: m.validFrom,
            valid_to: null,
            created_at: now,
            source_id: sourceId,
            batch_id: batchId,
          })),
        )
        .execute(),
    );
  }

  async endMemberships(ids: readonly string[], validTo: string, batchId: string): Promise<void> {
    if (this.writeList('UPDATE household_member SET valid_to = ?, ended_batch_id = ? WHERE id IN (SELECT value FROM json_each(?))', ids, (list) => [validTo, batchId, list])) return;
    await this.byList(ids, async (list) => {
      await this.db.updateTable('household_member').set({ valid_to: validTo, ended_batch_id: batchId }).where(this.inList('id', list)).execute();
      return [];
    });
  }

  async listReviewItems(q: { kind?: string | undefined; status?: string | undefined; personId?: string | undefined; limit: number; offset: number }): Promise<{
    items: { id: string; kind: string; status: string; personId: string | null; elementId: string | null; sourceId: string | null; detail: string; batchId: string | null; createdAt: string; resolvedAt: string | null }[];
    total: number;
  }> {
    let base = this.db.selectFrom('review_item');
    if (q.kind) base = base.where('kind', '=', q.kind);
    if (q.status) base = base.where('status', '=', q.status);
    if (q.personId) base = base.where('person_id', '=', q.personId);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    return {
      total: Number(total.n),
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        status: r.status,
        personId: r.person_id,
        elementId: r.element_id,
        sourceId: r.source_id,
        detail: r.detail,
        batchId: r.batch_id,
        createdAt: r.created_at,
        resolvedAt: r.resolved_at,
      })),
    };
  }

  async countReview(kind: string, status = 'open'): Promise<number> {
    const r = await this.db.selectFrom('review_item').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).where('status', '=', status).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
