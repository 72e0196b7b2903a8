/**
 * Duplicate detection across the registry: two persons who are one. The registry's active persons
 * (current values, citizen ID and other documents, residence in force) are deduplicated with the
 * pipeline's rules (blocked, never the full cross product). Pairs between the thresholds become
 * possible-match review items; pairs above the upper threshold are likely duplicates — reported,
 * and queued for review too unless `merge` is asked for, which merges them (the older person
 * survives). Pairs a person rejected, and pairs already queued, are skipped. Without `apply`
 * nothing is written: the report says what would be.
 */
import { deduplicate } from '../match/linker.ts';
import type { MatchRules } from '../match/match-rules.ts';
import { registryRecords } from '../ingest/registry-matcher.ts';
import { pairKey } from '../store/review.repository.ts';
import type { DataAccess } from '../store/repositories.ts';
import { newId } from '../store/clock.ts';
import { isPopulusError } from '../domain/errors.ts';
import type { Explanation } from '../match/fellegi-sunter.ts';
import { checkActor, type MergeService } from './merge.service.ts';

export interface DuplicateOptions {
  /** Write review items (and merges with `merge`); otherwise only report. */
  readonly apply?: boolean;
  /** Merge pairs above the link threshold instead of queueing them (the older person survives). */
  readonly merge?: boolean;
  /** How many pairs of each kind to list in the report. */
  readonly listLimit?: number;
}

export interface DuplicatePair {
  readonly personId: string;
  readonly candidateId: string;
  readonly decision: 'link' | 'review';
  readonly probability: number;
  readonly weight: number;
}

export interface DuplicateReport {
  readonly rules: { readonly id: string; readonly version: number };
  readonly persons: number;
  readonly pairsCompared: number;
  readonly likelyDuplicates: number;
  readonly possibleMatches: number;
  readonly skippedRejected: number;
  readonly skippedQueued: number;
  readonly itemsCreated: number;
  readonly merged: number;
  readonly applied: boolean;
  /** The first pairs found (ids, decision, score), strongest first. */
  readonly pairs: readonly DuplicatePair[];
}

export class DuplicatesService {
  constructor(
    private readonly data: DataAccess,
    private readonly merges: MergeService,
    private readonly rules: MatchRules,
  ) {}

  async detect(actor: string, options: DuplicateOptions = {}): Promise<DuplicateReport> {
    checkActor(actor);
    const repos = this.data.repos;
    const persons = await repos.reviews.activePersons();
    const order = new Map(persons.map((p, i) => [p, i]));
    const records = await registryRecords(repos, persons);
    const result = deduplicate(this.rules, records, { estimate: false });
    const [rejected, queued] = await Promise.all([repos.reviews.allRejected(), repos.reviews.openPossibleMatchPairs()]);
    const found: (DuplicatePair & { k: number })[] = [];
    let skippedRejected = 0;
    let skippedQueued = 0;
    for (let k = 0; k < result.count; k++) {
      const p = result.pair(k);
      if (p.decision === 'new') continue;
      const a = records[p.left]?.id;
      const b = records[p.right]?.id;
      if (!a || !b) continue;
      const key = pairKey(a, b).join('\u0000');
      if (rejected.has(key)) {
        skippedRejected++;
        continue;
      }
      if (queued.has(key)) {
        skippedQueued++;
        continue;
      }
      // The person created later is the one to merge away.
      const [older, newer] = (order.get(a) ?? 0) <= (order.get(b) ?? 0) ? [a, b] : [b, a];
      found.push({ k, personId: newer, candidateId: older, decision: p.decision, probability: p.probability, weight: p.weight });
    }
    found.sort((x, y) => y.weight - x.weight);
    let itemsCreated = 0;
    let merged = 0;
    if (options.apply) {
      const items = found
        .filter((f) => !(options.merge && f.decision === 'link'))
        .map((f) => itemOf(f, result.explain(f.k)));
      if (items.length > 0) await this.data.transaction((tx) => tx.ingest.insertReviewItems(items));
      itemsCreated = items.length;
      if (options.merge) {
        for (const f of found.filter((x) => x.decision === 'link')) {
          try {
            await this.data.transaction(async (tx) => {
              const survivor = await this.merges.resolve(f.candidateId, tx);
              const loser = await this.merges.resolve(f.personId, tx);
              if (survivor === loser) return;
              await this.merges.mergeIn(tx, survivor, loser, actor, { reason: `duplicate detection, ${this.rules.id}@${this.rules.version}, p=${f.probability.toFixed(4)}` });
              merged++;
            });
          } catch (e) {
            // Two different citizen ID numbers: a person decides, not the score.
            if (!isPopulusError(e) || e.code !== 'MERGE_REFUSED') throw e;
            await this.data.transaction((tx) => tx.ingest.insertReviewItems([itemOf(f, result.explain(f.k))]));
            itemsCreated++;
          }
        }
      }
    }
    return {
      rules: { id: this.rules.id, version: this.rules.version },
      persons: persons.length,
      pairsCompared: result.count,
      likelyDuplicates: found.filter((f) => f.decision === 'link').length,
      possibleMatches: found.filter((f) => f.decision === 'review').length,
      skippedRejected,
      skippedQueued,
      itemsCreated,
      merged,
      applied: options.apply === true,
      pairs: found.slice(0, options.listLimit ?? 50).map(({ k: _k, ...rest }) => rest),
    };
  }
}

function itemOf(f: DuplicatePair, explanation: Explanation): { id: string; kind: string; personId: string; elementId: null; sourceId: null; detail: string; batchId: null } {
  return {
    id: newId(),
    kind: 'possible-match',
    personId: f.personId,
    elementId: null,
    sourceId: null,
    detail: JSON.stringify({ candidateId: f.candidateId, foundBy: 'duplicate-detection', likelyDuplicate: f.decision === 'link', explanation: JSON.stringify(explanation) }),
    batchId: null,
  };
}
