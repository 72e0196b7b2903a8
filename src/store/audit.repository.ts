/**
 * The audit log's storage: entries (append-only; triggers refuse changes), the per-person index
 * of the data tracker, the chain head and pruning checkpoints. The hashing and every decision
 * live in src/access (audit-chain.ts, audit.service.ts); this stores and reads in seq order.
 *
 * The per-person index has two parts (migration 0012): new rows are appended in seq order to
 * audit_person_recent, and `fold` moves them, sorted, into audit_person (person, seq) once
 * enough have gathered (the head row counts them). Reads by person look in both.
 */
import { sql, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './database.ts';
import type { Db, Store } from './store.ts';
import type { AuditEntry, AuditResult, ChainHead } from '../access/audit-chain.ts';
import type { AuditEntryTable } from './access-tables.ts';
import type { AuditPersonRecentTable } from './audit-recent-tables.ts';

export interface Checkpoint {
  readonly throughSeq: number;
  readonly throughHash: string;
  readonly entries: number;
  readonly firstAt: string | null;
  readonly lastAt: string | null;
  readonly createdAt: string;
}

export interface AuditFilter {
  readonly personId?: string;
  readonly actor?: string;
  readonly departmentId?: string;
  readonly action?: string;
  readonly purpose?: string;
  readonly result?: AuditResult;
  /** The request an entry was made for (the API's request id). */
  readonly requestId?: string;
  /** ISO instants, inclusive from, exclusive to. */
  readonly from?: string;
  readonly to?: string;
  /** Keyset paging: only entries with a smaller seq (newest first). */
  readonly beforeSeq?: number;
  readonly limit: number;
}

const list = (json: string): string[] => JSON.parse(json) as string[];
/** Timestamps come back as ISO strings with milliseconds on both backends; normalise anyway so hashes compare. */
const iso = (s: string): string => new Date(s).toISOString();

function toEntry(r: AuditEntryTable): AuditEntry {
  return {
    seq: Number(r.seq),
    at: iso(r.at),
    actor: r.actor,
    departmentId: r.department_id,
    role: r.role,
    purpose: r.purpose,
    action: r.action,
    personIds: list(r.person_ids),
    elementIds: list(r.element_ids),
    result: r.result as AuditResult,
    requestId: r.request_id,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

const CHUNK = 400;

/**
 * Above this many persons an entry's index rows are kept by entry (audit_bulk_person, appended in
 * one run) rather than by person (audit_person): a statistical report over a street names every
 * person it counted, and touching the person index once per person would cost a page each.
 */
export const BULK_PERSONS = 1000;

/**
 * Index rows gathered in audit_person_recent before they are folded into audit_person: a fold then
 * writes each page of the person index it touches once for all the entries it holds, and a read
 * by person scans at most about this many recent rows besides its own look-up.
 */
export const FOLD_ROWS = 4096;

interface SqliteStatements {
  readonly entry: BetterSqlite3.Statement;
  readonly person: BetterSqlite3.Statement;
  readonly bulkEntry: BetterSqlite3.Statement;
  readonly bulkPerson: BetterSqlite3.Statement;
}

/** Prepared once per SQLite connection: the hot path of group commits (~10x cheaper per entry than building SQL). */
const prepared = new WeakMap<BetterSqlite3.Database, SqliteStatements>();

/** The SQL of an append on SQLite, shared with the audit writer thread (src/access/audit-writer.thread.ts). */
export const AUDIT_SQLITE_SQL = {
  entry:
    'insert into audit_entry (seq, at, actor, department_id, role, purpose, action, person_ids, element_ids, result, request_id, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  /** Index rows are appended in seq order; `fold` moves them into audit_person. */
  person: 'insert into audit_person_recent (seq, person_id) values (?, ?)',
  bulkEntry: 'insert into audit_bulk_entry (seq, persons) values (?, ?)',
  bulkPerson: 'insert into audit_bulk_person (seq, person_id) values (?, ?)',
  head: 'select seq, hash, unfolded from audit_head where id = 1',
  /** The new head, and the index rows the commit added to audit_person_recent. */
  setHead: 'update audit_head set seq = ?, hash = ?, updated_at = ?, unfolded = unfolded + ? where id = 1',
  foldMove: 'insert into audit_person (person_id, seq) select person_id, seq from audit_person_recent order by person_id, seq',
  foldClear: 'delete from audit_person_recent',
  foldDone: 'update audit_head set unfolded = 0 where id = 1',
} as const;

/** The values of one audit_entry row, in the order of AUDIT_SQLITE_SQL.entry. */
export function auditEntryParams(e: AuditEntry): unknown[] {
  return [
    e.seq,
    e.at,
    e.actor,
    e.departmentId,
    e.role,
    e.purpose,
    e.action,
    JSON.stringify(e.personIds),
    JSON.stringify(e.elementIds),
    e.result,
    e.requestId,
    e.detail,
    e.prevHash,
    e.hash,
  ];
}

/**
 * Writes one sealed entry's index rows with prepared statements: by person (the recent part), or
 * by entry when it names many. Returns the rows added to audit_person_recent.
 */
export function indexEntrySqlite(
  st: Pick<SqliteStatements, 'person' | 'bulkEntry' | 'bulkPerson'>,
  e: Pick<AuditEntry, 'seq' | 'personIds'>,
): number {
  if (e.personIds.length > BULK_PERSONS) {
    st.bulkEntry.run(e.seq, e.personIds.length);
    for (const p of e.personIds) st.bulkPerson.run(e.seq, p);
    return 0;
  }
  for (const p of e.personIds) st.person.run(e.seq, p);
  return e.personIds.length;
}

function statementsOf(raw: BetterSqlite3.Database): SqliteStatements {
  let s = prepared.get(raw);
  if (!s) {
    s = {
      entry: raw.prepare(AUDIT_SQLITE_SQL.entry),
      person: raw.prepare(AUDIT_SQLITE_SQL.person),
      bulkEntry: raw.prepare(AUDIT_SQLITE_SQL.bulkEntry),
      bulkPerson: raw.prepare(AUDIT_SQLITE_SQL.bulkPerson),
    };
    prepared.set(raw, s);
  }
  return s;
}

export class AuditRepository {
  /**
   * @param raw the SQLite connection under `db`, for the fast insert path; used only while `db`
   *   is a transaction (statements on the raw handle then run inside it).
   */
  constructor(
    private readonly db: Db,
    private readonly raw?: BetterSqlite3.Database,
  ) {}

  /** Locks the head row until the transaction ends (a no-op update takes the row lock on PostgreSQL and the write lock on SQLite). */
  async lockHead(): Promise<ChainHead> {
    await this.db
      .updateTable('audit_head')
      .set((eb) => ({ seq: eb.ref('seq') }))
      .where('id', '=', 1)
      .execute();
    return this.readHead();
  }

  async readHead(): Promise<ChainHead> {
    const r = await this.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { seq: Number(r.seq), hash: r.hash };
  }

  /** Moves the head; `indexRows` is what the entries added to audit_person_recent (insertEntries' answer). */
  async setHead(head: ChainHead, at: string, indexRows = 0): Promise<void> {
    await this.db
      .updateTable('audit_head')
      .set((eb) => ({ seq: head.seq, hash: head.hash, updated_at: at, unfolded: eb('unfolded', '+', indexRows) }))
      .where('id', '=', 1)
      .execute();
  }

  /** Index rows waiting in audit_person_recent. */
  async unfolded(): Promise<number> {
    const r = await this.db.selectFrom('audit_head').select('unfolded').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(r.unfolded);
  }

  /**
   * Moves the recent index rows into audit_person, in (person, seq) order, and empties the recent
   * table. Call inside a transaction holding the head's lock (lockHead), so that no entry is added
   * meanwhile. Returns the rows moved.
   */
  async fold(): Promise<number> {
    const moved = await this.db
      .insertInto('audit_person')
      .columns(['person_id', 'seq'])
      .expression((eb) => eb.selectFrom('audit_person_recent').select(['person_id', 'seq']).orderBy('person_id').orderBy('seq'))
      .executeTakeFirst();
    await this.db.deleteFrom('audit_person_recent').execute();
    await this.db.updateTable('audit_head').set({ unfolded: 0 }).where('id', '=', 1).execute();
    return Number(moved.numInsertedOrUpdatedRows ?? 0);
  }

  /** Inserts sealed entries and their index rows; returns the rows added to audit_person_recent. */
  async insertEntries(entries: readonly AuditEntry[]): Promise<number> {
    if (this.raw && this.db.isTransaction) {
      const st = statementsOf(this.raw);
      let rows = 0;
      for (const e of entries) {
        st.entry.run(...auditEntryParams(e));
        rows += indexEntrySqlite(st, e);
      }
      return rows;
    }
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      await this.db
        .insertInto('audit_entry')
        .values(
          chunk.map((e) => ({
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            department_id: e.departmentId,
            role: e.role,
            purpose: e.purpose,
            action: e.action,
            person_ids: JSON.stringify(e.personIds),
            element_ids: JSON.stringify(e.elementIds),
            result: e.result,
            request_id: e.requestId,
            detail: e.detail,
            prev_hash: e.prevHash,
            hash: e.hash,
          })),
        )
        .execute();
    }
    const bulk = entries.filter((e) => e.personIds.length > BULK_PERSONS);
    const index: AuditPersonRecentTable[] = entries
      .filter((e) => e.personIds.length <= BULK_PERSONS)
      .flatMap((e) => e.personIds.map((p) => ({ seq: e.seq, person_id: p })));
    for (let i = 0; i < index.length; i += CHUNK * 4)
      await this.db
        .insertInto('audit_person_recent')
        .values(index.slice(i, i + CHUNK * 4))
        .execute();
    if (bulk.length > 0)
      await this.db
        .insertInto('audit_bulk_entry')
        .values(bulk.map((e) => ({ seq: e.seq, persons: e.personIds.length })))
        .execute();
    for (const e of bulk)
      for (let i = 0; i < e.personIds.length; i += CHUNK * 4)
        await this.db
          .insertInto('audit_bulk_person')
          .values(e.personIds.slice(i, i + CHUNK * 4).map((p) => ({ seq: e.seq, person_id: p })))
          .execute();
    return index.length;
  }

  /** Entries with seq > afterSeq, in seq order. */
  async page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('audit_entry').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map(toEntry);
  }

  async entry(seq: number): Promise<AuditEntry | undefined> {
    const r = await this.db.selectFrom('audit_entry').selectAll().where('seq', '=', seq).executeTakeFirst();
    return r && toEntry(r);
  }

  /** The per-person index rows for seq in [fromSeq, toSeq]: by person (folded and recent), and by entry for the entries listed as naming many. */
  async indexRows(fromSeq: number, toSeq: number): Promise<{ personId: string; seq: number }[]> {
    // One statement, so one snapshot: a fold committing meanwhile cannot hide a row moving from the recent part.
    const rows = await this.db
      .selectFrom('audit_person')
      .select(['person_id', 'seq'])
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .unionAll((eb) => eb.selectFrom('audit_person_recent').select(['person_id', 'seq']).where('seq', '>=', fromSeq).where('seq', '<=', toSeq))
      .unionAll((eb) =>
        eb
          .selectFrom('audit_bulk_person as b')
          .innerJoin('audit_bulk_entry as e', 'e.seq', 'b.seq')
          .select(['b.person_id', 'b.seq'])
          .where('b.seq', '>=', fromSeq)
          .where('b.seq', '<=', toSeq),
      )
      .execute();
    return rows.map((r) => ({ personId: r.person_id, seq: Number(r.seq) }));
  }

  /**
   * Index rows at or below a checkpoint (left after entries were removed), or past `lastSeq`: per
   * index table, the smallest seq at or below `throughSeq` and the largest above `lastSeq`, in order.
   * Rows past `lastSeq` may belong to entries appended since (the caller compares with the head read after).
   */
  async strayIndexRows(throughSeq: number, lastSeq: number): Promise<number[]> {
    const out: number[] = [];
    for (const table of ['audit_person', 'audit_person_recent', 'audit_bulk_person', 'audit_bulk_entry'] as const) {
      const r = await this.db
        .selectFrom(table)
        .select((eb) => [
          eb.fn.min(eb.case().when('seq', '<=', throughSeq).then(eb.ref('seq')).end()).as('below'),
          eb.fn.max(eb.case().when('seq', '>', lastSeq).then(eb.ref('seq')).end()).as('beyond'),
        ])
        .where((eb) => eb.or([eb('seq', '<=', throughSeq), eb('seq', '>', lastSeq)]))
        .executeTakeFirst();
      for (const v of [r?.below, r?.beyond]) if (v !== null && v !== undefined) out.push(Number(v));
    }
    return out.sort((a, b) => a - b);
  }

  /** The largest seq in the log (0 when empty). */
  async lastSeq(): Promise<number> {
    const r = await this.db
      .selectFrom('audit_entry')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return r?.seq === null || r?.seq === undefined ? 0 : Number(r.seq);
  }

  /** The smallest seq at or below `seq` (entries that pruning should have removed). */
  async firstAtOrBelow(seq: number): Promise<number | undefined> {
    const r = await this.db.selectFrom('audit_entry').select('seq').where('seq', '<=', seq).orderBy('seq').limit(1).executeTakeFirst();
    return r === undefined ? undefined : Number(r.seq);
  }

  /** The first seq whose time is at or after `at` (entries before it are older). */
  async firstSeqAtOrAfter(at: string): Promise<number | undefined> {
    const r = await this.db
      .selectFrom('audit_entry')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .where('at', '>=', at)
      .executeTakeFirst();
    return r?.seq === null || r?.seq === undefined ? undefined : Number(r.seq);
  }

  async span(fromSeq: number, toSeq: number): Promise<{ count: number; firstAt: string | null; lastAt: string | null }> {
    const r = await this.db
      .selectFrom('audit_entry')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('first'), eb.fn.max('at').as('last')])
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .executeTakeFirstOrThrow();
    return { count: Number(r.n), firstAt: r.first === null ? null : iso(r.first), lastAt: r.last === null ? null : iso(r.last) };
  }

  async latestCheckpoint(): Promise<Checkpoint | undefined> {
    const r = await this.db.selectFrom('audit_checkpoint').selectAll().orderBy('through_seq', 'desc').limit(1).executeTakeFirst();
    return (
      r && {
        throughSeq: Number(r.through_seq),
        throughHash: r.through_hash,
        entries: r.entries,
        firstAt: r.first_at === null ? null : iso(r.first_at),
        lastAt: r.last_at === null ? null : iso(r.last_at),
        createdAt: iso(r.created_at),
      }
    );
  }

  async insertCheckpoint(c: Checkpoint): Promise<void> {
    await this.db
      .insertInto('audit_checkpoint')
      .values({
        through_seq: c.throughSeq,
        through_hash: c.throughHash,
        entries: c.entries,
        first_at: c.firstAt,
        last_at: c.lastAt,
        created_at: c.createdAt,
      })
      .execute();
  }

  /**
   * Deletes entries with seq <= throughSeq and their index rows (folding the recent ones first);
   * opens the triggers' gate only for this. Call inside a transaction holding the head's lock.
   */
  async deleteThrough(throughSeq: number): Promise<number> {
    await this.fold();
    await this.db.insertInto('audit_prune_gate').values({ id: 1 }).execute();
    await this.db.deleteFrom('audit_person').where('seq', '<=', throughSeq).execute();
    await this.db.deleteFrom('audit_bulk_person').where('seq', '<=', throughSeq).execute();
    await this.db.deleteFrom('audit_bulk_entry').where('seq', '<=', throughSeq).execute();
    const r = await this.db.deleteFrom('audit_entry').where('seq', '<=', throughSeq).executeTakeFirst();
    await this.db.deleteFrom('audit_prune_gate').execute();
    return Number(r.numDeletedRows);
  }

  /** Entries matching the filter, newest first. */
  async search(f: AuditFilter): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_entry').selectAll('audit_entry');
    if (f.personId !== undefined) {
      const personId = f.personId;
      // Entries naming the person: through the person index (its folded part by person, and its recent
      // rows not yet folded — at most about a fold's worth), and in each entry that names many (one look-up each).
      q = q.where((eb) =>
        eb.or([
          eb('seq', 'in', eb.selectFrom('audit_person').select('audit_person.seq').where('audit_person.person_id', '=', personId)),
          eb('seq', 'in', eb.selectFrom('audit_person_recent').select('audit_person_recent.seq').where('audit_person_recent.person_id', '=', personId)),
          eb(
            'seq',
            'in',
            sql<number>`(select b.seq from audit_bulk_entry e cross join audit_bulk_person b where b.seq = e.seq and b.person_id = ${personId})`,
          ),
        ]),
      );
    }
    if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
    if (f.departmentId !== undefined) q = q.where('department_id', '=', f.departmentId);
    if (f.action !== undefined) q = q.where('action', '=', f.action);
    if (f.purpose !== undefined) q = q.where('purpose', '=', f.purpose);
    if (f.result !== undefined) q = q.where('result', '=', f.result);
    if (f.requestId !== undefined) q = q.where('request_id', '=', f.requestId);
    if (f.from !== undefined) q = q.where('at', '>=', f.from);
    if (f.to !== undefined) q = q.where('at', '<', f.to);
    if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq);
    const rows = await q.orderBy('seq', 'desc').limit(f.limit).execute();
    return rows.map(toEntry);
  }
}

/** The audit repository over a store, with its own transactions (the group commit's unit). */
export interface AuditStore {
  readonly repo: AuditRepository;
  transaction<T>(work: (repo: AuditRepository) => Promise<T>): Promise<T>;
}

export function createAuditStore(store: Pick<Store, 'db'> & Partial<Pick<Store, 'sqlite'>>): AuditStore {
  const db: Kysely<Database> = store.db;
  const raw = store.sqlite;
  return {
    repo: new AuditRepository(db),
    transaction: (work) => db.transaction().execute((tx) => work(new AuditRepository(tx, raw))),
  };
}
