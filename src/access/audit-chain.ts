/**
 * The audit log as a hash chain. Each entry's hash is SHA-256 (hex) over its canonical form:
 *
 *   JSON.stringify(["populus-audit-1", seq, at, actor, departmentId, role, purpose, action,
 *                   personIds, elementIds, result, requestId, detail, prevHash])
 *
 * with `at` an ISO-8601 UTC instant with milliseconds (`2026-11-03T08:15:00.000Z`), person and
 * element ids sorted and without duplicates, absent values as null, and `prevHash` the previous
 * entry's hash (64 zeros before the first). Changing, removing, inserting or reordering an entry
 * breaks the chain at that point; the verifier names the first broken link. Pure.
 */
import { hash as digest } from 'node:crypto';

export const AUDIT_RESULTS = ['ok', 'denied', 'not-found', 'error'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export const GENESIS_HASH = '0'.repeat(64);
const VERSION = 'populus-audit-1';

/** What a caller records; the log adds seq, prevHash and hash. */
export interface AuditEntryInput {
  /** When the use happened; defaults to the time of appending. */
  readonly at?: string;
  /** `user:<id>`, `token:<id>` or `system` (see actorRef). */
  readonly actor: string;
  readonly departmentId: string | null;
  readonly role: string | null;
  readonly purpose: string;
  /** What was done, e.g. person.read, person.search, person.export, person.write, feed.read, audit.export. */
  readonly action: string;
  readonly personIds: readonly string[];
  readonly elementIds: readonly string[];
  readonly result: AuditResult;
  readonly requestId: string | null;
  /** Extra facts without personal data (e.g. `{"unmasked":["person.phone"]}`), JSON. */
  readonly detail?: string | null;
}

/** An entry as stored: the input with its place in the chain. */
export interface AuditEntry extends Omit<AuditEntryInput, 'at' | 'detail'> {
  readonly seq: number;
  readonly at: string;
  readonly detail: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export function canonicalForm(e: Omit<AuditEntry, 'hash'>): string {
  return JSON.stringify([VERSION, e.seq, e.at, e.actor, e.departmentId, e.role, e.purpose, e.action, e.personIds, e.elementIds, e.result, e.requestId, e.detail, e.prevHash]);
}

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  // crypto.hash: one call, no Hash object (a quarter of createHash's cost for a string this short).
  return digest('sha256', canonicalForm(e), 'hex');
}

/** The ids sorted and without duplicates; a list already so (a read names one person, its elements in order) is taken as it is. */
function sortedUnique(xs: readonly string[]): readonly string[] {
  let ordered = true;
  for (let i = 1; i < xs.length && ordered; i++) ordered = (xs[i - 1] as string) < (xs[i] as string);
  return ordered ? xs : [...new Set(xs)].sort();
}

/** Problems with an entry before it is appended; empty = fine. */
export function entryProblems(e: AuditEntryInput): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/.test(e.action)) problems.push(`action "${e.action}" is not a dotted lower-case name`);
  if (!/^(user|token|subscription):[0-9a-f-]{1,64}$|^system$/.test(e.actor)) problems.push(`actor "${e.actor}" is not user:<id>, token:<id>, subscription:<id> or system`);
  if (e.purpose === '') problems.push('every entry has a purpose');
  if (e.at !== undefined && new Date(e.at).toISOString() !== e.at) problems.push(`at "${e.at}" is not an ISO instant with milliseconds`);
  if (e.detail != null) {
    try {
      JSON.parse(e.detail);
    } catch {
      problems.push('detail is JSON');
    }
  }
  return problems;
}

/** Numbers and hashes entries after `head`, in order. */
export function sealEntries(inputs: readonly AuditEntryInput[], head: ChainHead, now: string): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = head;
  for (const e of inputs) {
    const sealed = {
      seq: prev.seq + 1,
      at: e.at ?? now,
      actor: e.actor,
      departmentId: e.departmentId,
      role: e.role,
      purpose: e.purpose,
      action: e.action,
      personIds: sortedUnique(e.personIds),
      elementIds: sortedUnique(e.elementIds),
      result: e.result,
      requestId: e.requestId,
      detail: e.detail ?? null,
      prevHash: prev.hash,
      hash: '', // set below: the hash covers every field but itself
    };
    sealed.hash = entryHash(sealed);
    out.push(sealed);
    prev = sealed;
  }
  return out;
}

export type BreakKind =
  /** An entry is missing at this seq (removed). */
  | 'missing'
  /** The entry's prevHash is not the previous entry's hash (an entry before it was inserted, removed or changed with its hash recomputed). */
  | 'link'
  /** The entry's content does not match its hash (changed or reordered). */
  | 'altered'
  /** An entry sits where pruning left none (seq at or below the last checkpoint). */
  | 'inserted'
  /** The chain ends before the recorded head (entries removed from the end). */
  | 'truncated'
  /** The anchored head exported earlier is not in the chain. */
  | 'anchor'
  /** The per-person index disagrees with the entries. */
  | 'index'
  /** The pruning checkpoint is not recorded in the chain. */
  | 'checkpoint';

export interface ChainBreak {
  readonly seq: number;
  readonly kind: BreakKind;
  readonly message: string;
}

/** Walks entries in seq order; `next` returns the first problem with the entry, if any. */
export class ChainVerifier {
  private expectedSeq: number;
  private expectedPrev: string;
  private count = 0;

  constructor(start: ChainHead = { seq: 0, hash: GENESIS_HASH }) {
    this.expectedSeq = start.seq + 1;
    this.expectedPrev = start.hash;
  }

  next(e: AuditEntry): ChainBreak | undefined {
    if (e.seq !== this.expectedSeq) {
      return e.seq > this.expectedSeq
        ? { seq: this.expectedSeq, kind: 'missing', message: `entry ${this.expectedSeq} is missing (the next entry is ${e.seq})` }
        : { seq: e.seq, kind: 'inserted', message: `entry ${e.seq} is out of order` };
    }
    if (e.prevHash !== this.expectedPrev) {
      return { seq: e.seq, kind: 'link', message: `entry ${e.seq} does not follow from entry ${e.seq - 1}: its previous hash does not match (an entry was inserted, removed or changed before it)` };
    }
    const { hash, ...body } = e;
    if (entryHash(body) !== hash) return { seq: e.seq, kind: 'altered', message: `entry ${e.seq} was changed: its content does not match its hash` };
    this.expectedSeq = e.seq + 1;
    this.expectedPrev = hash;
    this.count += 1;
    return undefined;
  }

  /** The last verified entry (or the start). */
  get head(): ChainHead {
    return { seq: this.expectedSeq - 1, hash: this.expectedPrev };
  }

  get verified(): number {
    return this.count;
  }
}

/** The detail of an audit.prune entry, tying the chain to the checkpoint pruning left. */
export interface PruneDetail {
  readonly throughSeq: number;
  readonly throughHash: string;
  readonly entries: number;
}

export function pruneDetail(d: PruneDetail): string {
  return JSON.stringify({ throughSeq: d.throughSeq, throughHash: d.throughHash, entries: d.entries });
}

export function readPruneDetail(detail: string | null): PruneDetail | undefined {
  if (detail === null) return undefined;
  try {
    const o = JSON.parse(detail) as Partial<PruneDetail>;
    return typeof o.throughSeq === 'number' && typeof o.throughHash === 'string' && typeof o.entries === 'number' ? { throughSeq: o.throughSeq, throughHash: o.throughHash, entries: o.entries } : undefined;
  } catch {
    return undefined;
  }
}

/** The exported form of a chain head, to anchor elsewhere: `populus-audit-head:<seq>:<hash>`. */
export function formatAnchor(h: ChainHead): string {
  return `populus-audit-head:${h.seq}:${h.hash}`;
}

export function parseAnchor(s: string): ChainHead | undefined {
  const m = /^populus-audit-head:(\d+):([0-9a-f]{64})$/.exec(s.trim());
  return m ? { seq: Number(m[1]), hash: m[2] ?? '' } : undefined;
}
