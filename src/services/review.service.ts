/**
 * Review items: what the pipeline could not decide alone — conflicts between an owner's value and
 * another source's (conflict), records that may be an existing person (possible-match), identity
 * numbers already held by someone else (identifier-clash) — and the decisions people make on them.
 *
 * - accept: a possible match (or identifier clash) is the same person: the item's person is merged
 *   into the candidate (src/services/merge.service.ts); a conflict is acknowledged.
 * - reject: the two are different people; the pair is remembered (match_rejection) so that neither a
 *   re-import nor duplicate detection asks again.
 * - acknowledge: a value conflict was seen; the owner's value stands.
 *
 * Decided items keep who (`actor`), when and why; they leave the open queue (status `resolved`,
 * with `decision`). An unmerge puts the item that made the merge back in the queue.
 */
import { PopulusError } from '../domain/errors.ts';
import { maskPhone } from '../domain/standard/value.ts';
import type { DataAccess, Repositories } from '../store/repositories.ts';
import type { ReviewItemRow } from '../store/review.repository.ts';
import { checkActor, type MergeService } from './merge.service.ts';

export const REVIEW_KINDS = ['conflict', 'possible-match', 'identifier-clash'] as const;
export const REVIEW_STATUSES = ['open', 'resolved', 'superseded'] as const;
export const REVIEW_DECISIONS = ['accepted', 'rejected', 'acknowledged'] as const;

export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export interface ReviewItem {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly personId: string | null;
  readonly elementId: string | null;
  readonly sourceId: string | null;
  /** What the item is about; values of phone elements masked. */
  readonly detail: Record<string, unknown>;
  readonly batchId: string | null;
  readonly createdAt: string;
  readonly resolvedAt: string | null;
  /** Once decided: how, by whom, why, and the merge an acceptance made. */
  readonly decision: string | null;
  readonly decidedBy: string | null;
  readonly decisionReason: string | null;
  readonly mergeId: string | null;
}

export interface DecisionResult {
  readonly item: ReviewItem;
  /** The merge an acceptance made (possible match, identifier clash). */
  readonly mergeId: string | null;
  /** The person the item's person is now (the candidate after a merge). */
  readonly personId: string | null;
}

export class ReviewService {
  constructor(
    private readonly data: DataAccess,
    private readonly merges: MergeService,
  ) {}

  async list(q: { kind?: string | undefined; status?: string | undefined; decision?: string | undefined; personId?: string | undefined; limit: number; offset: number }): Promise<{ items: ReviewItem[]; total: number }> {
    const { items, total } = await this.data.repos.reviews.list(q);
    return { total, items: await this.present(items) };
  }

  async get(id: string): Promise<ReviewItem> {
    const row = await this.data.repos.reviews.findItem(id);
    if (!row) throw notFound(id);
    const [item] = await this.present([row]);
    if (!item) throw notFound(id);
    return item;
  }

  /** The item's person and the candidate are one: merge (possible match, identifier clash), or acknowledge (conflict). */
  async accept(id: string, actor: string, reason?: string, within?: (repos: Repositories) => Promise<void>): Promise<DecisionResult> {
    checkActor(actor);
    const done = await this.data.transaction(async (repos) => {
      await within?.(repos);
      const row = await openItem(repos, id);
      if (row.kind === 'conflict') {
        await repos.reviews.decide(id, { decision: 'acknowledged', decidedBy: actor, reason: reason ?? null, mergeId: null });
        return { mergeId: null, personId: row.person_id };
      }
      const other = otherPerson(row);
      if (!row.person_id || !other) throw new PopulusError('INVALID_VALUE', `review item ${id} names no pair of persons`, { reviewItemId: id });
      // Either side may have been merged since: decide on the persons they are now.
      const survivor = await this.merges.resolve(other, repos);
      const loser = await this.merges.resolve(row.person_id, repos);
      const mergeId = survivor === loser ? null : await this.merges.mergeIn(repos, survivor, loser, actor, { reason, reviewItemId: id });
      await repos.reviews.decide(id, { decision: 'accepted', decidedBy: actor, reason: reason ?? null, mergeId });
      return { mergeId, personId: survivor };
    });
    return { item: await this.get(id), ...done };
  }

  /** The two are different people: keep them apart, and never ask about this pair again. */
  async reject(id: string, actor: string, reason?: string, within?: (repos: Repositories) => Promise<void>): Promise<DecisionResult> {
    checkActor(actor);
    await this.data.transaction(async (repos) => {
      await within?.(repos);
      const row = await openItem(repos, id);
      const other = otherPerson(row);
      if (row.kind !== 'conflict' && row.person_id && other) await repos.reviews.insertRejection(row.person_id, other, id, actor, reason ?? null);
      await repos.reviews.decide(id, { decision: 'rejected', decidedBy: actor, reason: reason ?? null, mergeId: null });
    });
    const item = await this.get(id);
    return { item, mergeId: null, personId: item.personId };
  }

  /** A conflict (or clash) seen and left as it is: the owner's value stands. */
  async acknowledge(id: string, actor: string, reason?: string, within?: (repos: Repositories) => Promise<void>): Promise<DecisionResult> {
    checkActor(actor);
    await this.data.transaction(async (repos) => {
      await within?.(repos);
      const row = await openItem(repos, id);
      if (row.kind === 'possible-match') throw new PopulusError('INVALID_VALUE', 'a possible match is accepted or rejected, not acknowledged', { field: 'decision' });
      await repos.reviews.decide(id, { decision: 'acknowledged', decidedBy: actor, reason: reason ?? null, mergeId: null });
    });
    const item = await this.get(id);
    return { item, mergeId: null, personId: item.personId };
  }

  private async present(items: readonly ReviewItemRow[]): Promise<ReviewItem[]> {
    const elements = [...new Set(items.map((i) => i.element_id).filter((e): e is string => e !== null))];
    const phones = new Set((await this.data.repos.standard.findElements(elements)).filter((e) => e.valueType === 'phone').map((e) => e.id));
    return items.map((i) => {
      const detail = JSON.parse(i.detail) as Record<string, unknown>;
      if (i.element_id && phones.has(i.element_id)) {
        for (const k of ['value', 'ownerValue']) if (typeof detail[k] === 'string') detail[k] = maskPhone(detail[k]);
      }
      return {
        id: i.id,
        kind: i.kind,
        status: i.status,
        personId: i.person_id,
        elementId: i.element_id,
        sourceId: i.source_id,
        detail,
        batchId: i.batch_id,
        createdAt: i.created_at,
        resolvedAt: i.resolved_at,
        decision: i.decision,
        decidedBy: i.decided_by,
        decisionReason: i.decision_reason,
        mergeId: i.merge_id,
      };
    });
  }
}

async function openItem(repos: Repositories, id: string): Promise<ReviewItemRow> {
  const row = await repos.reviews.findItem(id);
  if (!row) throw notFound(id);
  if (row.status !== 'open') throw new PopulusError('ALREADY_DECIDED', `review item ${id} is ${row.decision ?? row.status} already`, { reviewItemId: id, status: row.status });
  return row;
}

/** The other person of a pair item: the candidate of a possible match, the holder of a clashing number. */
function otherPerson(row: ReviewItemRow): string | undefined {
  const detail = JSON.parse(row.detail) as { candidateId?: unknown; heldBy?: unknown };
  const other = row.kind === 'possible-match' ? detail.candidateId : row.kind === 'identifier-clash' ? detail.heldBy : undefined;
  return typeof other === 'string' ? other : undefined;
}

function notFound(id: string): PopulusError {
  return new PopulusError('REVIEW_ITEM_NOT_FOUND', `there is no review item ${id}`, { reviewItemId: id });
}
