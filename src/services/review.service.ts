/**
 * Review items: what the pipeline could not decide alone — conflicts between an owner's value and
 * another source's (conflict), records that may be an existing person (possible-match), identity
 * numbers already held by someone else (identifier-clash). Read here; deciding them (accept, reject,
 * merge) comes with the review queue.
 */
import { maskPhone } from '../domain/standard/value.ts';
import type { DataAccess } from '../store/repositories.ts';

export const REVIEW_KINDS = ['conflict', 'possible-match', 'identifier-clash'] as const;
export const REVIEW_STATUSES = ['open', 'resolved', 'superseded'] as const;

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
}

export class ReviewService {
  constructor(private readonly data: DataAccess) {}

  async list(q: { kind?: string | undefined; status?: string | undefined; personId?: string | undefined; limit: number; offset: number }): Promise<{ items: ReviewItem[]; total: number }> {
    const { items, total } = await this.data.repos.ingest.listReviewItems(q);
    const elements = [...new Set(items.map((i) => i.elementId).filter((e): e is string => e !== null))];
    const phones = new Set((await this.data.repos.standard.findElements(elements)).filter((e) => e.valueType === 'phone').map((e) => e.id));
    return {
      total,
      items: items.map((i) => {
        const detail = JSON.parse(i.detail) as Record<string, unknown>;
        if (i.elementId && phones.has(i.elementId)) {
          for (const k of ['value', 'ownerValue']) if (typeof detail[k] === 'string') detail[k] = maskPhone(detail[k]);
        }
        return { ...i, detail };
      }),
    };
  }
}
