/**
 * Survivorship: which of the values reported for one person and one data element is current.
 *
 * The owner's value wins (唯一数据产生源): the element's authoritative source decides, and a
 * differing value from any other source is kept as a conflict for review, never overwriting it.
 * Where the owner has said nothing (or withdrew its value), the most recent non-owner value is
 * current and marked unconfirmed. A source's latest word counts: a later `null` from a source
 * (its record ended, the person left its extract) withdraws that source's value.
 *
 * Bitemporal: the same function answers "what was current on D, as we knew it at T" when given
 * only the observations valid by D and recorded by T.
 */

export interface Reported {
  readonly sourceId: string;
  /** null: the source withdrew its value (record ended, value cleared). */
  readonly value: string | null;
  /** Valid time: when the fact was true according to the source (YYYY-MM-DD), if known. */
  readonly observedAt: string | null;
  /** Transaction time: when Populus recorded it (ISO instant). Breaks ties and orders the same source's reports. */
  readonly recordedAt: string;
  /** Monotonic id of the observation: the final tie-breaker. */
  readonly seq: number;
}

export type CurrentStatus = 'owner' | 'unconfirmed';

export interface Survivor {
  readonly value: string;
  readonly sourceId: string;
  readonly observedAt: string | null;
  readonly recordedAt: string;
  readonly status: CurrentStatus;
}

export interface Disagreement {
  readonly sourceId: string;
  readonly value: string;
  readonly observedAt: string | null;
}

export interface SurvivorshipResult {
  readonly current: Survivor | undefined;
  /** Non-owner values that differ from the owner's current value. Empty when the owner is silent. */
  readonly conflicts: readonly Disagreement[];
}

/** Later report first: by valid time, then recorded time, then sequence. */
function newer(a: Reported, b: Reported): boolean {
  const av = a.observedAt ?? '';
  const bv = b.observedAt ?? '';
  if (av !== bv) return av > bv;
  if (a.recordedAt !== b.recordedAt) return a.recordedAt > b.recordedAt;
  return a.seq > b.seq;
}

/** Each source's latest report. A source's own reports are ordered by when we recorded them. */
export function latestPerSource(reports: readonly Reported[]): Map<string, Reported> {
  const out = new Map<string, Reported>();
  for (const r of reports) {
    const prev = out.get(r.sourceId);
    if (!prev || r.recordedAt > prev.recordedAt || (r.recordedAt === prev.recordedAt && r.seq > prev.seq)) out.set(r.sourceId, r);
  }
  return out;
}

/**
 * @param reports every report for one person and element (any order)
 * @param ownerSourceIds the sources authoritative for the element (usually one)
 */
export function survive(reports: readonly Reported[], ownerSourceIds: ReadonlySet<string>): SurvivorshipResult {
  const latest = [...latestPerSource(reports).values()].filter((r) => r.value !== null);
  let owner: Reported | undefined;
  let other: Reported | undefined;
  for (const r of latest) {
    if (ownerSourceIds.has(r.sourceId)) {
      if (!owner || newer(r, owner)) owner = r;
    } else if (!other || newer(r, other)) {
      other = r;
    }
  }
  const chosen = owner ?? other;
  if (!chosen || chosen.value === null) return { current: undefined, conflicts: [] };
  const current: Survivor = {
    value: chosen.value,
    sourceId: chosen.sourceId,
    observedAt: chosen.observedAt,
    recordedAt: chosen.recordedAt,
    status: owner ? 'owner' : 'unconfirmed',
  };
  const conflicts: Disagreement[] = owner
    ? latest
        .filter((r) => !ownerSourceIds.has(r.sourceId) && r.value !== owner.value)
        .map((r) => ({ sourceId: r.sourceId, value: r.value ?? '', observedAt: r.observedAt }))
        .sort((a, b) => a.sourceId.localeCompare(b.sourceId))
    : [];
  return { current, conflicts };
}

/** Only the reports that were valid by `validOn` and recorded by `knownAt` (either may be omitted). */
export function asOf<T extends Reported>(reports: readonly T[], validOn?: string, knownAt?: string): T[] {
  return reports.filter((r) => (validOn === undefined || r.observedAt === null || r.observedAt <= validOn) && (knownAt === undefined || r.recordedAt <= knownAt));
}
