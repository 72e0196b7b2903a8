/**
 * Decisions on review items (who, when, how, why) and the pairs of persons kept apart, which
 * neither a re-import nor duplicate detection asks about again. No business logic.
 */
import type { Selectable } from 'kysely';
import type { ReviewItemTable } from './database.ts';
import './review-tables.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';

export type ReviewItemRow = Selectable<ReviewItemTable>;

export interface Decision {
  readonly decision: 'accepted' | 'rejected' | 'acknowledged';
  readonly decidedBy: string;
  readonly reason: string | null;
  readonly mergeId: string | null;
}

const CHUNK = 400;

/** The two ids of a pair in a fixed order. */
export function pairKey(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export class ReviewRepository {
  constructor(
    private readonly db: Db,
    private readonly district: string,
  ) {}

  async findItem(id: string): Promise<ReviewItemRow | undefined> {
    return this.db.selectFrom('review_item').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Items by kind, status, decision and person, newest first. */
  async list(q: { kind?: string | undefined; status?: string | undefined; decision?: string | undefined; personId?: string | undefined; limit: number; offset: number }): Promise<{ items: ReviewItemRow[]; total: number }> {
    let base = this.db.selectFrom('review_item');
    if (q.kind) base = base.where('kind', '=', q.kind);
    if (q.status) base = base.where('status', '=', q.status);
    if (q.decision) base = base.where('decision', '=', q.decision);
    if (q.personId) base = base.where('person_id', '=', q.personId);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    return { items, total: Number(total.n) };
  }

  async decide(id: string, d: Decision): Promise<void> {
    await this.db
      .updateTable('review_item')
      .set({ status: 'resolved', resolved_at: nowIso(), decision: d.decision, decided_by: d.decidedBy, decision_reason: d.reason, merge_id: d.mergeId })
      .where('id', '=', id)
      .execute();
  }

  /** An open item no longer asked (a rule change decided it away), with who and why. */
  async supersede(id: string, decidedBy: string, reason: string): Promise<void> {
    await this.db.updateTable('review_item').set({ status: 'superseded', resolved_at: nowIso(), decided_by: decidedBy, decision_reason: reason }).where('id', '=', id).execute();
  }

  /** Puts decided items back in the queue (an unmerge undoes the acceptance that merged). */
  async reopen(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.db
        .updateTable('review_item')
        .set({ status: 'open', resolved_at: null, decision: null, decided_by: null, decision_reason: null, merge_id: null })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute();
    }
  }

  async itemsOfMerge(mergeId: string): Promise<string[]> {
    return (await this.db.selectFrom('review_item').select('id').where('merge_id', '=', mergeId).execute()).map((r) => r.id);
  }

  async insertRejection(a: string, b: string, reviewItemId: string | null, decidedBy: string, reason: string | null): Promise<void> {
    const [x, y] = pairKey(a, b);
    await this.db
      .insertInto('match_rejection')
      .values({ person_a: x, person_b: y, district: this.district, review_item_id: reviewItemId, decided_by: decidedBy, reason, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['person_a', 'person_b']).doNothing())
      .execute();
  }

  /** The rejected pairs that involve any of these persons, as `a\u0000b` keys (a < b). */
  async rejectedAmong(personIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      const rows = await this.db
        .selectFrom('match_rejection')
        .select(['person_a', 'person_b'])
        .where((eb) => eb.or([eb('person_a', 'in', ids), eb('person_b', 'in', ids)]))
        .execute();
      for (const r of rows) out.add(`${r.person_a}\u0000${r.person_b}`);
    }
    return out;
  }

  /**
   * What matching compares besides current values, for these persons: a citizen ID number (or
   * HK/Macao/Taiwan permit), another document's number (as src/match/mapped-row-record.ts gives it), and the residence in force
   * (actual before registered) with its dwelling.
   */
  async matchFacts(personIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    const facts = (id: string): Record<string, string> => {
      let f = out.get(id);
      if (!f) out.set(id, (f = {}));
      return f;
    };
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      const identifiers = await this.db.selectFrom('identifier').select(['person_id', 'type', 'number', 'issuing_country']).where('person_id', 'in', ids).execute();
      for (const r of identifiers) {
        const f = facts(r.person_id);
        if (r.type === 'CN_ID' || r.type === 'HMT_RESIDENCE_PERMIT') f['citizenId'] ??= r.number;
        else f['document'] ??= r.number;
      }
      const residences = await this.db.selectFrom('residence').select(['person_id', 'kind', 'address_text', 'dwelling_id']).where('person_id', 'in', ids).where('valid_to', 'is', null).execute();
      for (const r of residences) {
        const f = facts(r.person_id);
        if (f['addressKind'] === 'actual' || (!r.address_text && !r.dwelling_id)) continue;
        f['addressKind'] = r.kind;
        if (r.address_text) f['address'] = r.address_text;
        else delete f['address'];
        if (r.dwelling_id) f['dwellingId'] = r.dwelling_id;
        else delete f['dwellingId'];
      }
    }
    for (const f of out.values()) delete f['addressKind'];
    return out;
  }

  async insertMatchLinks(rows: readonly { id: string; recordKey: string; personId: string; rule: string; detail: string }[]): Promise<void> {
    const now = nowIso();
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.db
        .insertInto('match_link')
        .values(rows.slice(i, i + CHUNK).map((r) => ({ id: r.id, district: this.district, record_key: r.recordKey, person_id: r.personId, rule: r.rule, detail: r.detail, created_at: now })))
        .execute();
    }
  }

  /** Scored links of the matcher still in force: the source record still links to that person by the matcher. */
  async matchLinksInForce(): Promise<{ id: string; sourceId: string; recordKey: string; personId: string; rule: string; detail: string }[]> {
    const rows = await this.db
      .selectFrom('match_link as m')
      .innerJoin('source_record as r', (j) => j.onRef('r.record_key', '=', 'm.record_key').onRef('r.person_id', '=', 'm.person_id'))
      .select(['m.id', 'r.source_id', 'm.record_key', 'm.person_id', 'm.rule', 'm.detail', 'r.link_rule'])
      .where('r.ended_at', 'is', null)
      .execute();
    return rows.filter((r) => r.link_rule === r.rule).map((r) => ({ id: r.id, sourceId: r.source_id, recordKey: r.record_key, personId: r.person_id, rule: r.rule, detail: r.detail }));
  }

  /** How many persons are not merged away: the population a record could be. */
  async activeCount(): Promise<number> {
    const r = await this.db.selectFrom('person').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'active').executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Ids of the persons not merged away, oldest first. */
  async activePersons(): Promise<string[]> {
    return (await this.db.selectFrom('person').select('id').where('status', '=', 'active').orderBy('created_at').orderBy('id').execute()).map((r) => r.id);
  }

  /** Every rejected pair (duplicate detection over the whole registry). */
  async allRejected(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('match_rejection').select(['person_a', 'person_b']).execute();
    return new Set(rows.map((r) => `${r.person_a}\u0000${r.person_b}`));
  }

  /** Open possible-match items as person pairs (`a\u0000b`), so a pair is not queued twice. */
  async openPossibleMatchPairs(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('review_item').select(['person_id', 'detail']).where('kind', '=', 'possible-match').where('status', '=', 'open').execute();
    const out = new Set<string>();
    for (const r of rows) {
      const candidate = (JSON.parse(r.detail) as { candidateId?: unknown }).candidateId;
      if (r.person_id && typeof candidate === 'string') out.add(pairKey(r.person_id, candidate).join('\u0000'));
    }
    return out;
  }
}
