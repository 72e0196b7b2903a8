/**
 * The change-event outbox: events appended in the transaction of the change they record, numbered
 * from a counter row that the transaction updates first — so on PostgreSQL too, where sequences
 * leave gaps and commit out of order, the numbers are gap-free and in commit order (a second
 * writer waits on the counter row until the first commits). Reads by sequence, for the pull feed
 * and the dispatchers.
 */
import type { Selectable } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { ChangeCause, ChangeEvent, NewChangeEvent } from '../domain/feed/change-event.ts';
import type { ChangeEventTable } from './feed-tables.ts';
import './feed-tables.ts';
import type { Db } from './store.ts';
import { newId, nowIso } from './clock.ts';

/** Rows per multi-row INSERT (9 columns, well under both backends' parameter limits). */
const ROWS_PER_INSERT = 500;

function fromRow(r: Selectable<ChangeEventTable>): ChangeEvent {
  return {
    seq: Number(r.seq),
    id: r.id,
    type: r.type,
    personId: r.person_id,
    district: r.district,
    time: r.time,
    data: JSON.parse(r.data) as never,
    cause: JSON.parse(r.cause) as ChangeCause,
    areas: JSON.parse(r.areas) as string[],
  } as ChangeEvent;
}

/**
 * Events already read, by sequence number, shared by every reader of one data access: events never
 * change once committed and the committed ones always form a gap-free prefix 1..head, so a run
 * of consecutive cached numbers is exactly what the database would answer. Many subscribers
 * reading the same stretch of the feed then read it from the database once. Filled only by reads
 * outside a transaction (an uncommitted event must never be remembered).
 */
export class EventCache {
  private readonly events = new Map<number, ChangeEvent>();

  constructor(private readonly capacity = 20_000) {}

  get(seq: number): ChangeEvent | undefined {
    return this.events.get(seq);
  }

  add(list: readonly ChangeEvent[]): void {
    for (const e of list) this.events.set(e.seq, e);
    if (this.events.size > this.capacity) {
      // The oldest inserted go first (readers move forward through the feed).
      let excess = this.events.size - this.capacity;
      for (const k of this.events.keys()) {
        if (excess-- <= 0) break;
        this.events.delete(k);
      }
    }
  }
}

export class FeedRepository {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  /**
   * @param raw on SQLite, the connection itself: inside a transaction the appends run as prepared
   *   statements on it (an import appends thousands of events a chunk).
   */
  constructor(
    private readonly db: Db,
    private readonly district: string,
    private readonly cache?: EventCache,
    private readonly raw?: BetterSqlite3.Database,
  ) {}

  private prepared(raw: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = raw.prepare(text)));
    return st;
  }

  /**
   * Appends events in the caller's transaction (or in one of its own), returning them numbered.
   * The counter row is taken first: concurrent writers are serialised on it until they commit.
   */
  async append(events: readonly NewChangeEvent[], time: string = nowIso()): Promise<ChangeEvent[]> {
    if (events.length === 0) return [];
    if (!this.db.isTransaction) return this.db.transaction().execute((tx) => new FeedRepository(tx, this.district, undefined, this.raw).append(events, time));
    const raw = this.raw;
    if (raw) {
      const last = (this.prepared(raw, "UPDATE feed_counter SET last_seq = last_seq + ? WHERE name = 'change_event' RETURNING last_seq").get(events.length) as { last_seq: number }).last_seq;
      const first = Number(last) - events.length + 1;
      const insert = this.prepared(raw, 'INSERT INTO change_event (seq, id, type, person_id, district, time, data, cause, areas) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const stored = events.map((e, i) => ({ ...e, seq: first + i, id: newId(), time, district: this.district }) as ChangeEvent);
      // A unit of work's events share one cause, and most name no area: each written once as text.
      let cause: ChangeCause | undefined;
      let causeText = '';
      for (const e of stored) {
        if (e.cause !== cause) causeText = JSON.stringify((cause = e.cause));
        insert.run(e.seq, e.id, e.type, e.personId, e.district, e.time, JSON.stringify(e.data), causeText, e.areas.length === 0 ? '[]' : JSON.stringify(e.areas));
      }
      return stored;
    }
    const counter = await this.db
      .updateTable('feed_counter')
      .set((eb) => ({ last_seq: eb('last_seq', '+', events.length) }))
      .where('name', '=', 'change_event')
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    const first = Number(counter.last_seq) - events.length + 1;
    const stored: ChangeEvent[] = events.map((e, i) => ({ ...e, seq: first + i, id: newId(), time, district: this.district }) as ChangeEvent);
    for (let i = 0; i < stored.length; i += ROWS_PER_INSERT) {
      await this.db
        .insertInto('change_event')
        .values(
          stored.slice(i, i + ROWS_PER_INSERT).map((e) => ({
            seq: e.seq,
            id: e.id,
            type: e.type,
            person_id: e.personId,
            district: e.district,
            time: e.time,
            data: JSON.stringify(e.data),
            cause: JSON.stringify(e.cause),
            areas: JSON.stringify(e.areas),
          })),
        )
        .execute();
    }
    return stored;
  }

  /** Events after a sequence number, in order; optionally only some types or persons. */
  async after(seq: number, limit: number, filter: { readonly types?: readonly string[]; readonly throughSeq?: number } = {}): Promise<ChangeEvent[]> {
    const cache = this.db.isTransaction || (filter.types && filter.types.length > 0) ? undefined : this.cache;
    if (cache) {
      const through = filter.throughSeq ?? Number.POSITIVE_INFINITY;
      const hit: ChangeEvent[] = [];
      for (let n = seq + 1; hit.length < limit && n <= through; n++) {
        const e = cache.get(n);
        if (!e) break;
        hit.push(e);
      }
      if (hit.length === limit || (hit.length > 0 && (hit[hit.length - 1]?.seq ?? 0) >= through)) return hit;
      const last = hit.length > 0 ? (hit[hit.length - 1]?.seq ?? seq) : seq;
      const rest = await this.query(last, limit - hit.length, filter);
      cache.add(rest);
      return [...hit, ...rest];
    }
    return this.query(seq, limit, filter);
  }

  private async query(seq: number, limit: number, filter: { readonly types?: readonly string[]; readonly throughSeq?: number }): Promise<ChangeEvent[]> {
    let q = this.db.selectFrom('change_event').selectAll().where('seq', '>', seq);
    if (filter.throughSeq !== undefined) q = q.where('seq', '<=', filter.throughSeq);
    if (filter.types && filter.types.length > 0) q = q.where('type', 'in', [...filter.types]);
    const rows = await q.orderBy('seq').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** Events from..through (inclusive), in order. */
  async range(fromSeq: number, throughSeq: number): Promise<ChangeEvent[]> {
    const rows = await this.db.selectFrom('change_event').selectAll().where('seq', '>=', fromSeq).where('seq', '<=', throughSeq).orderBy('seq').execute();
    return rows.map(fromRow);
  }

  /** A person's events, oldest first. */
  async ofPerson(personId: string, limit = 1000): Promise<ChangeEvent[]> {
    const rows = await this.db.selectFrom('change_event').selectAll().where('person_id', '=', personId).orderBy('seq').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** The last sequence number handed out (0 when none), and when that event was recorded. */
  async head(): Promise<{ seq: number; time: string | null }> {
    const c = await this.db.selectFrom('feed_counter').select('last_seq').where('name', '=', 'change_event').executeTakeFirst();
    const seq = Number(c?.last_seq ?? 0);
    if (seq === 0) return { seq, time: null };
    const e = await this.db.selectFrom('change_event').select('time').where('seq', '=', seq).executeTakeFirst();
    return { seq, time: e ? String(e.time) : null };
  }

  /** When the event with this sequence number was recorded (for lag in seconds). */
  async timeOf(seq: number): Promise<string | null> {
    const e = await this.db.selectFrom('change_event').select('time').where('seq', '=', seq).executeTakeFirst();
    return e ? String(e.time) : null;
  }
}
