/**
 * Moves in and out of an area: the one rule the dashboard's bars (DashboardService.read) and the
 * list behind a bar (DashboardService.moves) share, so the two cannot drift. A move is an actual
 * residence in the area (one distinct fact, from ReportRepository.residenceMoves) that began (in)
 * or ended (out) within a window of dates; a residence beginning and ending in it is two moves.
 * Each person is cut to the remit by `person.actualResidence`: someone still living in the area
 * (on the dashboard's date) is judged as every figure judges them, by their facts of that date;
 * someone who has left is judged by the residence they left. Pure.
 */
import type { Access, Subject } from '../../access/remit-policy.ts';
import { residenceAreas, type PersonFacts } from '../reports/engine-facts.ts';

/** What the moves read of a person. */
export const MOVES_ELEMENT = 'person.actualResidence';

export type MoveDirection = 'in' | 'out';

/** One residence fact beginning or ending (as ReportRepository.residenceMoves reads them). */
export interface MoveRow {
  readonly personId: string;
  readonly areaCode: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface Move {
  readonly personId: string;
  readonly direction: MoveDirection;
  /** YYYY-MM-DD: the day the residence began (in) or ended (out). */
  readonly date: string;
  /** The residence's area (committee or grid). */
  readonly areaCode: string;
  /** The subject the remit judged (for what else may be shown of the person). */
  readonly subject: Subject;
}

/** What the remit is asked about a person: the areas, building and kinds of their facts on the date. */
export function subjectOfFacts(p: PersonFacts): Subject {
  return { personId: p.id, areaCodes: residenceAreas(p), buildingIds: p.dwelling ? [p.dwelling.buildingId] : [], kinds: p.kinds };
}

/**
 * The moves of `rows` dated from `from` to `to` (inclusive, YYYY-MM-DD) that the access may read, in
 * the order of the rows (ins of a row before its out).
 * @param present facts on the dashboard's date of the persons living or registered in the area then
 *   (at least those the rows name); a person not in it has left and is judged by the row's area.
 */
export function visibleMoves(
  rows: readonly MoveRow[],
  from: string,
  to: string,
  present: ReadonlyMap<string, PersonFacts>,
  access: Pick<Access, 'readable'>,
): Move[] {
  const judged = new Map<string, Subject | null>();
  const out: Move[] = [];
  for (const r of rows) {
    const key = `${r.personId}\u0000${r.areaCode}`;
    let subject = judged.get(key);
    if (subject === undefined) {
      const f = present.get(r.personId);
      const s: Subject = f ? subjectOfFacts(f) : { personId: r.personId, areaCodes: [r.areaCode], buildingIds: [], kinds: [] };
      subject = access.readable(s).has(MOVES_ELEMENT) ? s : null;
      judged.set(key, subject);
    }
    if (subject === null) continue;
    const base = { personId: r.personId, areaCode: r.areaCode, subject };
    if (r.validFrom !== null && r.validFrom >= from && r.validFrom <= to) out.push({ ...base, direction: 'in', date: r.validFrom });
    if (r.validTo !== null && r.validTo >= from && r.validTo <= to) out.push({ ...base, direction: 'out', date: r.validTo });
  }
  return out;
}

/** The last day of a month YYYY-MM. */
export function monthEnd(month: string): string {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0));
  return d.toISOString().slice(0, 10);
}
