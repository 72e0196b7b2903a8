/**
 * Changes pushed by a department system (POST /api/v1/sources/{id}/changes): instead of a whole
 * file, a few records — each row the record as the source now holds it, keyed by the profile's
 * column headers — go through the import pipeline as one small delta batch: mapped with the
 * source's current profile, linked, observed, recomputed and published (change events whose cause
 * is the push), all in one transaction with the batch, its rejected rows and the idempotency key.
 *
 * - A row must name every column the profile maps (null or '' for an empty value, which clears the
 *   source's value as an empty cell of a file would), except columns it ignores that are not part
 *   of the record key; a column the profile does not know rejects the row (UNKNOWN_COLUMN, or
 *   MISSING_COLUMN). Rejected rows are reported by their index in `rows` and not applied; the
 *   others are. The batch's rejected rows (GET /imports/{batchId}/rejected) number rows from 1.
 * - The idempotency key is required. The same key again with the same request (rows and
 *   observedAt, key order within a row not counting) returns the stored result and applies
 *   nothing; with a different request it is refused. Two requests racing with one key: the one
 *   that commits second rolls back and answers as a repeat.
 * - A push never ends records: that is what full extracts (files) do.
 */
import { createHash } from 'node:crypto';
import { todayIso, isIsoDate } from '../domain/dates.ts';
import { PopulusError } from '../domain/errors.ts';
import type { MappingProfile } from '../domain/ingest/profile.ts';
import type { SourceService } from '../services/source.service.ts';
import { newId, nowIso } from '../store/clock.ts';
import type { DataAccess } from '../store/repositories.ts';
import { runningBatch, type ImportService } from './import.service.ts';
import type { MappedRow } from './map/map-record.ts';
import type { SourceRecord } from './read/record-reader.ts';

/** Rows per push: more is a file import. */
export const MAX_PUSH_ROWS = 1000;
/** Idempotency keys: 1–255 visible ASCII characters (a UUID is typical). */
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

export type PushedCell = string | number | boolean | null;

export interface PushRequest {
  readonly sourceId: string;
  /** The Idempotency-Key header; required (undefined is refused). */
  readonly idempotencyKey: string | undefined;
  readonly rows: readonly Readonly<Record<string, PushedCell>>[];
  /** The date the rows describe (valid time); default today. */
  readonly observedAt?: string;
}

export interface PushRejection {
  /** The row's index in `rows` (from 0). */
  readonly index: number;
  readonly column: string | null;
  /** The offending value (identity numbers masked), if one. */
  readonly value: string | null;
  readonly reason: string;
  readonly message: string;
}

export interface PushResult {
  /** The import batch the push was applied as (GET /imports/{batchId}, and rollback). */
  readonly batchId: string;
  readonly sourceId: string;
  readonly profileVersion: number;
  readonly observedAt: string;
  readonly rowsReceived: number;
  /** Rows applied: changed records and unchanged ones. */
  readonly rowsApplied: number;
  readonly rowsUnchanged: number;
  readonly rowsRejected: number;
  readonly personsCreated: number;
  readonly personsLinked: number;
  readonly conflicts: number;
  readonly rejected: readonly PushRejection[];
}

export interface PushOutcome {
  readonly result: PushResult;
  /** True when the key was seen before with the same request: the stored result, nothing applied. */
  readonly replayed: boolean;
}

export interface PushDeps {
  readonly data: DataAccess;
  readonly sources: Pick<SourceService, 'profile'>;
  readonly imports: Pick<ImportService, 'pipelineFor'>;
}

/** The request's fingerprint: rows with their keys sorted, and observedAt as given (null when not). */
export function requestSha256(rows: PushRequest['rows'], observedAt: string | undefined): string {
  const canonical = rows.map((r) => Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k] ?? null])));
  return createHash('sha256').update(JSON.stringify({ observedAt: observedAt ?? null, rows: canonical })).digest('hex');
}

function cellText(v: PushedCell | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

/** Columns a row may name, and those it must name. */
function columnsOf(profile: MappingProfile): { known: Set<string>; required: string[] } {
  const known = new Set<string>();
  const required: string[] = [];
  for (const c of profile.columns) {
    known.add(c.column);
    if (!('ignore' in c.target) || profile.recordKey.includes(c.column)) required.push(c.column);
    if ('identifier' in c.target) {
      if (c.target.typeColumn !== undefined) known.add(c.target.typeColumn);
      if (c.target.issuingCountryColumn !== undefined) known.add(c.target.issuingCountryColumn);
    }
  }
  return { known, required };
}

function validate(req: PushRequest): string {
  const key = req.idempotencyKey;
  if (key === undefined || key === '') {
    throw new PopulusError('IDEMPOTENCY_KEY_REQUIRED', 'send an Idempotency-Key header (e.g. a UUID) with every push, and the same key when you retry it', { header: 'Idempotency-Key' });
  }
  if (!KEY_SHAPE.test(key)) throw new PopulusError('VALIDATION_FAILED', 'the Idempotency-Key is 1–255 visible ASCII characters', { header: 'Idempotency-Key' });
  if (req.rows.length === 0) throw new PopulusError('VALIDATION_FAILED', 'push at least one row', { field: 'rows' });
  if (req.rows.length > MAX_PUSH_ROWS) throw new PopulusError('PAYLOAD_TOO_LARGE', `push at most ${MAX_PUSH_ROWS} rows at once; import a file for more`, { field: 'rows', max: MAX_PUSH_ROWS });
  if (req.observedAt !== undefined && !isIsoDate(req.observedAt)) throw new PopulusError('INVALID_VALUE', `observedAt "${req.observedAt}" is not a date YYYY-MM-DD`, { field: 'observedAt' });
  return key;
}

/** The stored answer to a key, or the refusal of a key reused for another request. */
function repeat(stored: { requestSha256: string; response: string }, sha: string, key: string): PushOutcome {
  if (stored.requestSha256 !== sha) {
    throw new PopulusError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request; use a new key for new changes', { header: 'Idempotency-Key', key });
  }
  return { result: JSON.parse(stored.response) as PushResult, replayed: true };
}

/** What the API calls (built with the other services: `new PushService({ data, sources, imports })`). */
export class PushService {
  constructor(private readonly deps: PushDeps) {}

  push(req: PushRequest): Promise<PushOutcome> {
    return pushChanges(this.deps, req);
  }
}

export async function pushChanges(deps: PushDeps, req: PushRequest): Promise<PushOutcome> {
  const key = validate(req);
  const sha = requestSha256(req.rows, req.observedAt);
  const earlier = await deps.data.repos.subscriptions.inbound(req.sourceId, key);
  if (earlier) return repeat(earlier, sha, key);

  const { version, profile } = await deps.sources.profile(req.sourceId);
  const pipeline = await deps.imports.pipelineFor(profile);
  const observedAt = req.observedAt ?? todayIso();
  const { known, required } = columnsOf(profile);

  const rejected: PushRejection[] = [];
  const mapped: MappedRow[] = [];
  for (const [index, row] of req.rows.entries()) {
    const problems: PushRejection[] = [];
    for (const column of Object.keys(row)) {
      if (!known.has(column)) problems.push({ index, column, value: null, reason: 'UNKNOWN_COLUMN', message: `the profile of ${req.sourceId} maps no column "${column}"` });
    }
    for (const column of required) {
      if (!Object.hasOwn(row, column)) problems.push({ index, column, value: null, reason: 'MISSING_COLUMN', message: `the row lacks column "${column}" (send null for an empty value)` });
    }
    if (problems.length > 0) {
      rejected.push(...problems);
      continue;
    }
    const record: SourceRecord = { file: 'push', row: index + 1, cells: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, cellText(v)])) };
    const result = pipeline.map(record);
    if (result.ok) mapped.push(result.row);
    else rejected.push(...result.rejections.map((r) => ({ index: r.row - 1, column: r.column, value: r.value, reason: r.reason, message: r.message })));
  }

  const batchId = newId();
  try {
    return await deps.data.transaction(async (repos) => {
      const startedAt = nowIso();
      await repos.ingest.insertBatch(
        runningBatch({ id: batchId, sourceId: req.sourceId, profileVersion: version, fileName: `push ${key}`.slice(0, 200), sha256: sha, extract: 'delta', observedAt, startedAt }),
      );
      const outcome = await pipeline.apply(repos, mapped, { sourceId: req.sourceId, batchId, observedAt, cause: { kind: 'push', sourceId: req.sourceId, batchId } });
      for (const d of outcome.duplicates) {
        rejected.push({ index: d.row - 1, column: profile.recordKey.join('+'), value: null, reason: 'DUPLICATE_KEY', message: 'the same record key as an earlier row of this push' });
      }
      rejected.sort((a, b) => a.index - b.index);
      await repos.ingest.insertRejected(rejected.map((r) => ({ batchId, row: r.index + 1, column: r.column, value: r.value, reason: r.reason, message: r.message })));
      const rowsRejected = new Set(rejected.map((r) => r.index)).size;
      const result: PushResult = {
        batchId,
        sourceId: req.sourceId,
        profileVersion: version,
        observedAt,
        rowsReceived: req.rows.length,
        rowsApplied: req.rows.length - rowsRejected,
        rowsUnchanged: outcome.unchanged,
        rowsRejected,
        personsCreated: outcome.created,
        personsLinked: outcome.linked,
        conflicts: outcome.conflicts,
        rejected,
      };
      await repos.ingest.updateBatch(batchId, {
        status: 'committed',
        rows_read: req.rows.length,
        rows_rejected: rowsRejected,
        rows_unchanged: outcome.unchanged,
        persons_created: outcome.created,
        persons_linked: outcome.linked,
        conflicts: outcome.conflicts,
        last_row: req.rows.length,
        finished_at: nowIso(),
      });
      await repos.subscriptions.recordInbound(req.sourceId, key, sha, JSON.stringify(result));
      return { result, replayed: false };
    });
  } catch (e) {
    // Another request with the same key committed first (its key row made ours fail): answer as a repeat.
    const winner = await deps.data.repos.subscriptions.inbound(req.sourceId, key).catch(() => undefined);
    if (winner) return repeat(winner, sha, key);
    throw e;
  }
}
