/**
 * The audit log: every read and write of personal data is an entry, appended to a hash chain
 * (audit-chain.ts). `append` group-commits: concurrent callers share one transaction, and each
 * caller's promise resolves only once its entry is committed — answer a read only after that.
 * `appendWithin` appends inside the caller's own transaction, so a change and its audit entry
 * commit together (never call `append` while holding a transaction: on SQLite the flush would
 * wait for the connection the caller holds). `verify` walks the chain and names the first broken
 * link; `head` exports the chain head to anchor elsewhere; `prune` drops entries older than the
 * retention period, leaving a checkpoint that keeps the rest verifiable.
 */
import { PopulusError } from '../domain/errors.ts';
import { FOLD_ROWS, type AuditFilter, type AuditRepository, type AuditStore, type Checkpoint } from '../store/audit.repository.ts';
import {
  ChainVerifier,
  entryProblems,
  formatAnchor,
  GENESIS_HASH,
  pruneDetail,
  readPruneDetail,
  sealEntries,
  type AuditEntry,
  type AuditEntryInput,
  type AuditResult,
  type ChainBreak,
  type ChainHead,
} from './audit-chain.ts';
import { GroupCommit } from './group-commit.ts';
import type { AuditWriter } from './audit-writer.ts';
import type { WriterStats } from './audit-writer.thread.ts';
import { actorRef, auditScopeOf, type Principal } from './principal.ts';

export interface AuditSettings {
  /** Entries older than this many days may be pruned; at least 180 (the default). */
  readonly retentionDays: number;
  /** Group commit: how long a lone entry waits for company, in ms. */
  readonly windowMs: number;
  readonly maxBatch: number;
  /** Entries read per query while verifying. */
  readonly verifyPageSize: number;
  /** Index rows gathered in audit_person_recent before a group commit folds them into the person index. */
  readonly foldRows: number;
}

export const MIN_RETENTION_DAYS = 180;
export const DEFAULT_AUDIT_SETTINGS: AuditSettings = Object.freeze({ retentionDays: MIN_RETENTION_DAYS, windowMs: 1, maxBatch: 1000, verifyPageSize: 1000, foldRows: FOLD_ROWS });

/** One use of personal data, as a read or write path reports it. */
export interface DataUse {
  readonly action: string;
  readonly personIds: readonly string[];
  readonly elementIds: readonly string[];
  readonly result: AuditResult;
  readonly requestId: string | null;
  /** Elements shown unmasked. */
  readonly unmasked?: readonly string[];
  readonly at?: string;
}

/** The audit entry of a use by a principal for a purpose (an Access carries both). */
export function entryOf(who: { readonly principal: Principal; readonly purpose: string }, use: DataUse): AuditEntryInput {
  const p = who.principal;
  return {
    ...(use.at === undefined ? {} : { at: use.at }),
    actor: actorRef(p),
    departmentId: p.departmentId,
    role: p.role,
    purpose: who.purpose,
    action: use.action,
    personIds: use.personIds,
    elementIds: use.elementIds,
    result: use.result,
    requestId: use.requestId,
    detail: use.unmasked && use.unmasked.length > 0 ? JSON.stringify({ unmasked: [...use.unmasked].sort() }) : null,
  };
}

export interface VerifyReport {
  readonly intact: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The last good entry (or the checkpoint the walk started from). */
  readonly head: ChainHead;
  readonly checkpoint: Checkpoint | null;
  readonly firstBreak: ChainBreak | null;
  /** Whether the anchor passed in was found and matched (null when none was given, or it was pruned). */
  readonly anchorChecked: boolean | null;
}

/** One use of a person's data, as the resident's data tracker shows it. */
export interface TrackedUse {
  readonly at: string;
  readonly departmentId: string | null;
  readonly role: string | null;
  readonly purpose: string;
  readonly action: string;
  readonly elementIds: readonly string[];
}

export interface TrackerSummary {
  readonly departmentId: string | null;
  readonly purpose: string;
  readonly elementIds: readonly string[];
  readonly uses: number;
  readonly firstAt: string;
  readonly lastAt: string;
}

export interface AuditDeps {
  readonly store: AuditStore;
  /** Where group commits are written instead of the store's own connection (the writer thread, for SQLite files). */
  readonly writer?: AuditWriter;
  readonly settings?: Partial<AuditSettings>;
  readonly clock?: () => Date;
}

const CSV_COLUMNS = ['seq', 'at', 'actor', 'department', 'role', 'purpose', 'action', 'persons', 'elements', 'result', 'request_id', 'detail', 'prev_hash', 'hash'];

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsvLine(e: AuditEntry): string {
  return [e.seq, e.at, e.actor, e.departmentId, e.role, e.purpose, e.action, e.personIds.join(' '), e.elementIds.join(' '), e.result, e.requestId, e.detail, e.prevHash, e.hash].map(csvCell).join(',');
}

export class AuditService {
  private readonly store: AuditStore;
  readonly settings: AuditSettings;
  private readonly clock: () => Date;
  private readonly queue: GroupCommit<AuditEntryInput>;
  private readonly writer: AuditWriter | undefined;

  constructor(deps: AuditDeps) {
    this.store = deps.store;
    this.writer = deps.writer;
    this.settings = { ...DEFAULT_AUDIT_SETTINGS, ...deps.settings };
    if (!(this.settings.retentionDays >= MIN_RETENTION_DAYS)) {
      throw new PopulusError('CONFIG_INVALID', `audit retention must be at least ${MIN_RETENTION_DAYS} days (got ${this.settings.retentionDays})`, { variable: 'auditRetentionDays' });
    }
    this.clock = deps.clock ?? (() => new Date());
    this.queue = new GroupCommit((items) => this.flush(items), { windowMs: this.settings.windowMs, maxBatch: this.settings.maxBatch });
  }

  private nowIso(): string {
    return this.clock().toISOString();
  }

  private static check(entries: readonly AuditEntryInput[]): void {
    for (const e of entries) {
      const problems = entryProblems(e);
      if (problems.length > 0) throw new Error(`bad audit entry: ${problems.join('; ')}`);
    }
  }

  /** Appends entries with others' (group commit); resolves once they are durable. */
  append(entries: readonly AuditEntryInput[]): Promise<void> {
    AuditService.check(entries);
    // The writer thread groups entries itself (pipelined, audit-writer.ts); otherwise the queue does.
    return this.writer ? this.writer.write(entries, this.nowIso()) : this.queue.submit(entries);
  }

  /** Records one use for a principal and purpose; resolves once durable. */
  record(who: { readonly principal: Principal; readonly purpose: string }, use: DataUse): Promise<void> {
    return this.append([entryOf(who, use)]);
  }

  /** A group commit; the commit that brings the recent index rows to `foldRows` folds them too (it holds the head's lock). */
  private async flush(items: AuditEntryInput[]): Promise<void> {
    await this.store.transaction(async (repo) => {
      await this.appendWithin(repo, items);
      if ((await repo.unfolded()) >= this.settings.foldRows) await repo.fold();
    });
  }

  /** Appends inside the caller's transaction (pass the transaction's AuditRepository); the entries commit with the change. */
  async appendWithin(repo: AuditRepository, entries: readonly AuditEntryInput[]): Promise<AuditEntry[]> {
    if (entries.length === 0) return [];
    AuditService.check(entries);
    const now = this.nowIso();
    const head = await repo.lockHead();
    const sealed = sealEntries(entries, head, now);
    const indexRows = await repo.insertEntries(sealed);
    const last = sealed[sealed.length - 1] as AuditEntry;
    await repo.setHead({ seq: last.seq, hash: last.hash }, now, indexRows);
    return sealed;
  }

  /** Waits until every appended entry is written (at shutdown). */
  async drain(): Promise<void> {
    await this.queue.drain();
    await this.writer?.settled();
  }

  /** Drains, then stops the writer thread if there is one. */
  async close(): Promise<void> {
    await this.drain();
    await this.writer?.close();
  }

  /** Group-commit figures: writes made and entries written so far. */
  get commits(): { writes: number; entries: number } {
    return this.writer ? this.writer.commits : { writes: this.queue.writes, entries: this.queue.written };
  }

  /** The writer thread's figures (CPU time, time in commits), when there is one. */
  async writerStats(): Promise<WriterStats | undefined> {
    return this.writer?.stats?.();
  }

  async head(): Promise<ChainHead> {
    return this.store.repo.readHead();
  }

  /** The head as a line to keep elsewhere (`populus-audit-head:<seq>:<hash>`); `verify({ anchor })` checks it later. */
  async anchor(): Promise<string> {
    return formatAnchor(await this.head());
  }

  async verify(options: { readonly anchor?: ChainHead } = {}): Promise<VerifyReport> {
    const repo = this.store.repo;
    const checkpoint = (await repo.latestCheckpoint()) ?? null;
    const start: ChainHead = checkpoint ? { seq: checkpoint.throughSeq, hash: checkpoint.throughHash } : { seq: 0, hash: GENESIS_HASH };
    const verifier = new ChainVerifier(start);
    const anchor = options.anchor;
    let anchorChecked: boolean | null = anchor === undefined ? null : anchor.seq === start.seq && checkpoint !== null ? anchor.hash === start.hash : null;
    const broken = (b: ChainBreak): VerifyReport => ({ intact: false, entries: verifier.verified, head: verifier.head, checkpoint, firstBreak: b, anchorChecked });
    if (checkpoint) {
      const stray = await repo.firstAtOrBelow(checkpoint.throughSeq);
      if (stray !== undefined) return broken({ seq: stray, kind: 'inserted', message: `entry ${stray} lies in the range pruned up to ${checkpoint.throughSeq}` });
    }
    if (anchorChecked === false) return broken({ seq: start.seq, kind: 'anchor', message: `the anchored head ${start.seq} does not match the pruning checkpoint` });
    let pruneRecorded = checkpoint === null;
    // The entries up to the head as the walk begins are checked; others may be appended meanwhile
    // (the log is live), and are told from entries added behind the log's back by the head read last.
    const recorded = await repo.readHead();
    let after = start.seq;
    while (after < recorded.seq) {
      const page = (await repo.page(after, this.settings.verifyPageSize)).filter((e) => e.seq <= recorded.seq);
      if (page.length === 0) break;
      const first = page[0] as AuditEntry;
      const last = page[page.length - 1] as AuditEntry;
      const index = new Map<number, string[]>();
      for (const r of await repo.indexRows(first.seq, last.seq)) {
        const list = index.get(r.seq);
        if (list) list.push(r.personId);
        else index.set(r.seq, [r.personId]);
      }
      for (const e of page) {
        const b = verifier.next(e);
        if (b) return broken(b);
        const indexed = (index.get(e.seq) ?? []).sort();
        if (indexed.length !== e.personIds.length || indexed.some((p, i) => p !== e.personIds[i])) {
          return broken({ seq: e.seq, kind: 'index', message: `the person index of entry ${e.seq} disagrees with the entry (the data tracker would miss or invent a use)` });
        }
        if (checkpoint && e.action === 'audit.prune') {
          const d = readPruneDetail(e.detail);
          if (d && d.throughSeq === checkpoint.throughSeq && d.throughHash === checkpoint.throughHash) pruneRecorded = true;
        }
        if (anchor && e.seq === anchor.seq) {
          anchorChecked = e.hash === anchor.hash;
          if (!anchorChecked) return broken({ seq: e.seq, kind: 'anchor', message: `entry ${e.seq} does not match the anchored head` });
        }
      }
      after = last.seq;
    }
    const end = verifier.head;
    if (recorded.seq > end.seq) return broken({ seq: end.seq + 1, kind: 'truncated', message: `the chain ends at ${end.seq} but the recorded head is ${recorded.seq}: entries were removed from the end` });
    if (recorded.seq < end.seq) return broken({ seq: recorded.seq + 1, kind: 'inserted', message: `entries after ${recorded.seq} were added behind the log's back (the recorded head is ${recorded.seq})` });
    if (recorded.hash !== end.hash) return broken({ seq: end.seq, kind: 'link', message: `entry ${end.seq} does not match the recorded head` });
    // Read before the head: an entry (or index row) appended legitimately meanwhile committed with a head at least as far.
    const lastSeq = await repo.lastSeq();
    const strays = await repo.strayIndexRows(start.seq, end.seq);
    const now = await repo.readHead();
    if (lastSeq > now.seq) return broken({ seq: now.seq + 1, kind: 'inserted', message: `entries after ${now.seq} were added behind the log's back (the recorded head is ${now.seq})` });
    const stray = strays.find((s) => s <= start.seq || s > now.seq);
    if (stray !== undefined) return broken({ seq: stray, kind: 'index', message: `the person index names entry ${stray}, which is not in the chain` });
    if (!pruneRecorded && checkpoint) return broken({ seq: checkpoint.throughSeq + 1, kind: 'checkpoint', message: `the checkpoint at ${checkpoint.throughSeq} has no audit.prune entry in the chain` });
    if (anchor && anchor.seq > end.seq) return broken({ seq: end.seq + 1, kind: 'anchor', message: `the anchored head ${anchor.seq} is beyond the end of the chain (${end.seq})` });
    return { intact: true, entries: verifier.verified, head: end, checkpoint, firstBreak: null, anchorChecked };
  }

  /**
   * Removes entries older than the retention period. Refuses when the chain does not verify
   * (pruning must not destroy evidence). The pruning is itself an entry, naming the checkpoint.
   */
  async prune(): Promise<{ pruned: number; checkpoint: Checkpoint | null }> {
    await this.drain();
    const report = await this.verify();
    if (!report.intact && report.firstBreak) {
      throw new PopulusError('AUDIT_CHAIN_BROKEN', `the audit chain is broken at entry ${report.firstBreak.seq}; nothing was pruned`, { seq: report.firstBreak.seq, kind: report.firstBreak.kind });
    }
    const now = this.clock();
    const cutoff = new Date(now.getTime() - this.settings.retentionDays * 86_400_000).toISOString();
    return this.store.transaction(async (repo) => {
      const head = await repo.lockHead();
      const previous = (await repo.latestCheckpoint()) ?? null;
      const from = (previous?.throughSeq ?? 0) + 1;
      const through = ((await repo.firstSeqAtOrAfter(cutoff)) ?? head.seq + 1) - 1;
      if (through < from) return { pruned: 0, checkpoint: previous };
      const last = await repo.entry(through);
      if (!last) throw new PopulusError('AUDIT_CHAIN_BROKEN', `entry ${through} is missing; nothing was pruned`, { seq: through, kind: 'missing' });
      const span = await repo.span(from, through);
      const at = now.toISOString();
      const [entry] = sealEntries(
        [{ actor: 'system', departmentId: null, role: null, purpose: 'AUDIT', action: 'audit.prune', personIds: [], elementIds: [], result: 'ok', requestId: null, detail: pruneDetail({ throughSeq: through, throughHash: last.hash, entries: span.count }) }],
        head,
        at,
      );
      if (!entry) throw new Error('no prune entry');
      await repo.insertEntries([entry]);
      await repo.setHead({ seq: entry.seq, hash: entry.hash }, at);
      const checkpoint: Checkpoint = { throughSeq: through, throughHash: last.hash, entries: span.count, firstAt: span.firstAt, lastAt: span.lastAt, createdAt: at };
      await repo.insertCheckpoint(checkpoint);
      const pruned = await repo.deleteThrough(through);
      return { pruned, checkpoint };
    });
  }

  private requireAuditor(who: { readonly principal: Principal }): void {
    if (auditScopeOf(who.principal)?.kind !== 'all') {
      throw new PopulusError('NOT_ALLOWED', 'only auditors search and export the audit log', { operation: 'audit.search' });
    }
  }

  /** Auditors search the log (newest first); the search is itself an entry. */
  async search(who: { readonly principal: Principal; readonly purpose: string }, filter: AuditFilter, requestId: string | null = null): Promise<AuditEntry[]> {
    this.requireAuditor(who);
    const entries = await this.store.repo.search({ ...filter, limit: Math.min(Math.max(filter.limit, 1), 1000) });
    await this.record(who, { action: 'audit.search', personIds: filter.personId === undefined ? [] : [filter.personId], elementIds: [], result: 'ok', requestId });
    return entries;
  }

  /** Auditors export matching entries as CSV lines (header first), newest first, with hashes so a copy can be checked. */
  async *exportCsv(who: { readonly principal: Principal; readonly purpose: string }, filter: Omit<AuditFilter, 'limit' | 'beforeSeq'>, requestId: string | null = null): AsyncGenerator<string> {
    this.requireAuditor(who);
    await this.record(who, { action: 'audit.export', personIds: filter.personId === undefined ? [] : [filter.personId], elementIds: [], result: 'ok', requestId });
    yield CSV_COLUMNS.join(',');
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await this.store.repo.search({ ...filter, limit: 1000, ...(beforeSeq === undefined ? {} : { beforeSeq }) });
      for (const e of page) yield auditCsvLine(e);
      if (page.length < 1000) return;
      beforeSeq = (page[page.length - 1] as AuditEntry).seq;
    }
  }

  /**
   * The resident's data tracker: who used this person's data, which elements, when and for what
   * purpose (newest first), and a summary by department and purpose. The resident's own views are
   * left out. Auditors may ask for anyone; a resident only for themself — anyone else gets
   * PERSON_NOT_FOUND, as for a person who does not exist.
   */
  async tracker(
    who: { readonly principal: Principal; readonly purpose: string },
    personId: string,
    options: { readonly limit?: number; readonly beforeSeq?: number; readonly requestId?: string | null } = {},
  ): Promise<{ uses: TrackedUse[]; summary: TrackerSummary[]; nextBeforeSeq: number | null }> {
    const scope = auditScopeOf(who.principal);
    const mayRead = scope?.kind === 'all' || (scope?.kind === 'person' && scope.personId === personId);
    if (!mayRead) throw new PopulusError('PERSON_NOT_FOUND', 'no such person', { personId });
    const limit = Math.min(Math.max(options.limit ?? 200, 1), 1000);
    const entries = await this.store.repo.search({ personId, result: 'ok', limit, ...(options.beforeSeq === undefined ? {} : { beforeSeq: options.beforeSeq }) });
    const uses = entries
      .filter((e) => e.role !== 'resident')
      .map((e) => ({ at: e.at, departmentId: e.departmentId, role: e.role, purpose: e.purpose, action: e.action, elementIds: e.elementIds }));
    const groups = new Map<string, { departmentId: string | null; purpose: string; elements: Set<string>; uses: number; firstAt: string; lastAt: string }>();
    for (const u of uses) {
      const key = `${u.departmentId ?? ''}\u0000${u.purpose}`;
      const g = groups.get(key) ?? { departmentId: u.departmentId, purpose: u.purpose, elements: new Set<string>(), uses: 0, firstAt: u.at, lastAt: u.at };
      for (const e of u.elementIds) g.elements.add(e);
      g.uses += 1;
      if (u.at < g.firstAt) g.firstAt = u.at;
      if (u.at > g.lastAt) g.lastAt = u.at;
      groups.set(key, g);
    }
    const summary = [...groups.values()]
      .map((g) => ({ departmentId: g.departmentId, purpose: g.purpose, elementIds: [...g.elements].sort(), uses: g.uses, firstAt: g.firstAt, lastAt: g.lastAt }))
      .sort((a, b) => b.lastAt.localeCompare(a.lastAt));
    await this.record(who, { action: 'tracker.read', personIds: [personId], elementIds: [], result: 'ok', requestId: options.requestId ?? null });
    return { uses, summary, nextBeforeSeq: entries.length === limit ? (entries[entries.length - 1] as AuditEntry).seq : null };
  }
}
