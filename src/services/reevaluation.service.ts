/**
 * Re-evaluating past decisions under a new match rule file. The decisions the machine made by score
 * — links the import's matcher made (match_link) and possible matches still waiting in the review
 * queue — are decided again from their explanations (src/match/rule-preview.ts): the levels each
 * comparison reached stay, the new weights, prior and thresholds decide. The preview lists every
 * transition (link→review, review→new, …) without changing anything; `apply` makes them:
 *
 * - link → review / new: the record is split off the person it was linked to (a new person, with a
 *   possible-match item when the new decision is review);
 * - review → link: the item is accepted (the merge, by the rule);
 * - review → new: the item is superseded.
 *
 * What people decided (accepted, rejected, acknowledged items) stands: a rule change never undoes a
 * person's decision.
 */
import type { Decision, Explanation } from '../match/fellegi-sunter.ts';
import type { MatchRules } from '../match/match-rules.ts';
import { previewExplanations, type RuleChangePreview } from '../match/rule-preview.ts';
import type { DataAccess } from '../store/repositories.ts';
import { newId } from '../store/clock.ts';
import { checkActor, type MergeService } from './merge.service.ts';
import type { ReviewService } from './review.service.ts';

export interface PastDecision {
  readonly kind: 'match-link' | 'possible-match';
  /** The match link or review item. */
  readonly id: string;
  readonly personId: string;
  /** The other person of a possible match. */
  readonly candidateId: string | null;
  readonly sourceId: string | null;
  readonly recordKey: string | null;
  readonly before: Decision;
  readonly after: Decision;
  readonly probabilityBefore: number;
  readonly probabilityAfter: number;
}

/** The rule change preview (rule-preview.ts) of past decisions, and what applying it did. */
export interface ReevaluationReport extends Omit<RuleChangePreview, 'changed'> {
  readonly changed: readonly PastDecision[];
  readonly applied: boolean;
  readonly actions: { readonly split: number; readonly queued: number; readonly merged: number; readonly superseded: number };
}

interface Candidate {
  readonly kind: PastDecision['kind'];
  readonly id: string;
  readonly personId: string;
  readonly candidateId: string | null;
  readonly sourceId: string | null;
  readonly recordKey: string | null;
  readonly explanation: Explanation;
}

function parseExplanation(raw: unknown): Explanation | undefined {
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { comparisons?: unknown }).comparisons)) return undefined;
  return value as Explanation;
}

export class ReevaluationService {
  constructor(
    private readonly data: DataAccess,
    private readonly merges: MergeService,
    private readonly reviews: ReviewService,
    private readonly current: MatchRules,
  ) {}

  /** What `rules` would change; nothing is written. */
  async preview(rules: MatchRules): Promise<ReevaluationReport> {
    return (await this.evaluate(rules)).report;
  }

  /** Makes the changes the preview lists, as `actor` (e.g. 'rule:chinese-department@2' or 'user:<id>'). */
  async apply(rules: MatchRules, actor: string): Promise<ReevaluationReport> {
    checkActor(actor);
    const { report, candidates, after } = await this.evaluate(rules);
    const actions = { split: 0, queued: 0, merged: 0, superseded: 0 };
    const why = `rule change to ${rules.id}@${rules.version}`;
    for (const c of report.changed) {
      const past = candidates.get(c.id);
      if (!past) continue;
      if (past.kind === 'match-link' && c.after !== 'link' && past.sourceId && past.recordKey) {
        const sourceId = past.sourceId;
        const recordKey = past.recordKey;
        await this.data.transaction(async (repos) => {
          const split = await this.merges.splitIn(repos, past.personId, sourceId, recordKey, actor, why);
          await repos.merges.setLinkRule(sourceId, recordKey, `split:${rules.id}@${rules.version}`);
          actions.split++;
          if (c.after === 'review') {
            await repos.ingest.insertReviewItems([
              { id: newId(), kind: 'possible-match', personId: split, elementId: null, sourceId, detail: JSON.stringify({ candidateId: past.personId, foundBy: why, explanation: JSON.stringify(after.get(c.id)) }), batchId: null },
            ]);
            actions.queued++;
          }
        });
      } else if (past.kind === 'possible-match' && c.after === 'link') {
        await this.reviews.accept(past.id, actor, why);
        actions.merged++;
      } else if (past.kind === 'possible-match' && c.after === 'new') {
        await this.data.transaction((repos) => repos.reviews.supersede(past.id, actor, why));
        actions.superseded++;
      }
    }
    return { ...report, applied: true, actions };
  }

  private async evaluate(rules: MatchRules): Promise<{ report: ReevaluationReport; candidates: Map<string, Candidate>; after: Map<string, Explanation> }> {
    const repos = this.data.repos;
    const past: Candidate[] = [];
    for (const l of await repos.reviews.matchLinksInForce()) {
      const explanation = parseExplanation(l.detail);
      if (explanation) past.push({ kind: 'match-link', id: l.id, personId: l.personId, candidateId: null, sourceId: l.sourceId, recordKey: l.recordKey, explanation });
    }
    for (let offset = 0; ; offset += 500) {
      const page = await repos.reviews.list({ kind: 'possible-match', status: 'open', limit: 500, offset });
      for (const item of page.items) {
        const detail = JSON.parse(item.detail) as { candidateId?: unknown; explanation?: unknown };
        const explanation = parseExplanation(detail.explanation);
        if (!explanation || !item.person_id || typeof detail.candidateId !== 'string') continue;
        past.push({ kind: 'possible-match', id: item.id, personId: item.person_id, candidateId: detail.candidateId, sourceId: item.source_id, recordKey: null, explanation });
      }
      if (page.items.length < 500) break;
    }
    const persons = (await repos.reviews.activePersons()).length;
    const preview = previewExplanations(rules, past.map((p) => p.explanation), Math.max(1, persons));
    const changed = preview.changed.flatMap((c) => {
      const p = past[c.index];
      return p
        ? [{ kind: p.kind, id: p.id, personId: p.personId, candidateId: p.candidateId, sourceId: p.sourceId, recordKey: p.recordKey, before: c.before.decision, after: c.after.decision, probabilityBefore: c.before.probability, probabilityAfter: c.after.probability }]
        : [];
    });
    const report: ReevaluationReport = {
      before: { id: this.current.id, version: this.current.version },
      after: preview.after,
      pairs: preview.pairs,
      transitions: preview.transitions,
      changed,
      applied: false,
      actions: { split: 0, queued: 0, merged: 0, superseded: 0 },
    };
    const after = new Map(preview.changed.flatMap((c) => (past[c.index] ? [[past[c.index]?.id ?? '', c.after] as const] : [])));
    return { report, candidates: new Map(past.map((p) => [p.id, p])), after };
  }
}
