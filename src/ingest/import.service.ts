/**
 * The import pipeline: a department's file → its source's mapping profile → validated rows →
 * linked persons → observations → current values by authority.
 *
 * Two passes over the file, streaming, in bounded memory. The first reads the whole file without
 * mapping or writing anything, so a broken file (bad encoding, not a spreadsheet, cut short, columns
 * missing) is refused before anything is stored and the row count is known for progress. The
 * second maps and writes in chunks, each chunk one transaction together with its rejected rows and
 * the batch's progress (a key the import already wrote is a DUPLICATE_KEY rejection), so a crash
 * leaves whole chunks only: the batch can be resumed after its last committed row, or rolled back.
 * Re-importing the file that was imported last changes nothing.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PopulusError } from '../domain/errors.ts';
import { todayIso, isIsoDate } from '../domain/dates.ts';
import type { AreaCodeHistory } from '../domain/id-number.ts';
import type { MappingProfile } from '../domain/ingest/profile.ts';
import { profileElements } from '../domain/ingest/profile.ts';
import type { DataAccess, Repositories } from '../store/repositories.ts';
import type { BatchRow } from '../store/ingest.repository.ts';
import type { BatchPageQuery, RejectedRowView } from '../store/import-read.repository.ts';
import { newId, nowIso } from '../store/clock.ts';
import type { SourceService } from '../services/source.service.ts';
import { openSourceFile, isIngestFileError, sampleRecords, type HeaderInfo, type SourceRecord } from './read/record-reader.ts';
import { mapRecord, type MapResult, type MappingContext, type MappedRow, type Rejection, type TransformResult } from './map/map-record.ts';
import { fileError, importReadError, mapFileInline, type MapFileRequest, type MappedFileJob } from './map/mapped-file.ts';
import { mappingContextOf, type MappingSpec } from './map/mapping-spec.ts';
import type { MapThread } from './map/map-thread.ts';
import type { TransformStep } from './transform/transform-registry.ts';
import { applyChunk, type ChunkContext, type ChunkOutcome } from './apply-chunk.ts';
import { endUnseenRecords } from './end-records.ts';
import { NO_MATCHER, type PersonMatcher } from './person-matcher.ts';
import { rollbackBatch } from './rollback.ts';
import { importHousingRegister, type HousingImportReport } from './housing-import.ts';
import { draftProfile, type ProfileDraft } from './draft/draft-profile.ts';
import type { Area, CodeEntry } from '../domain/standard/types.ts';

export type ImportPhase = 'checking' | 'importing' | 'ending' | 'done';

export interface ImportProgress {
  readonly batchId: string | null;
  readonly phase: ImportPhase;
  readonly rowsDone: number;
  readonly rowsTotal: number | null;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly startedAt: number;
}

export interface ImportOptions {
  /** The file name shown in messages and kept on the batch; default the path's base name. */
  readonly displayName?: string;
  /** The date the extract describes (valid time of its facts); default today. */
  readonly observedAt?: string;
  /** Continue an interrupted batch of the same source and file after its last committed row. */
  readonly resume?: string;
  readonly onProgress?: (p: ImportProgress) => void;
  /** Rows per transaction. */
  readonly chunkSize?: number;
  /** The id the batch will have (known to the caller before the file is checked). */
  readonly batchId?: string;
}

/** What an import did, row by row and person by person. */
export interface ImportCounts {
  readonly rowsRead: number;
  readonly rowsRejected: number;
  readonly rowsUnchanged: number;
  readonly personsCreated: number;
  readonly personsLinked: number;
  readonly recordsEnded: number;
  readonly conflicts: number;
}

/** An import as the API shows it, whether still being checked, running, done or failed. */
export interface ImportView extends ImportCounts {
  readonly id: string;
  readonly sourceId: string;
  readonly profileVersion: number;
  readonly fileName: string;
  readonly extract: string;
  readonly status: string;
  readonly rowsTotal: number | null;
  readonly observedAt: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

export interface ImportReport extends ImportCounts {
  readonly batchId: string;
  readonly status: string;
  /** Set when the file is identical to the source's last committed import: nothing was done. */
  readonly identicalTo: string | null;
}

function countsOf(b: BatchRow): ImportCounts {
  return {
    rowsRead: b.rows_read,
    rowsRejected: b.rows_rejected,
    rowsUnchanged: b.rows_unchanged,
    personsCreated: b.persons_created,
    personsLinked: b.persons_linked,
    recordsEnded: b.records_ended,
    conflicts: b.conflicts,
  };
}

/** Compiles a column's transform steps into one function (throws on an unknown id). */
export type CompileTransforms = (steps: readonly TransformStep[]) => (value: string) => TransformResult;

export interface ImportDeps {
  readonly data: DataAccess;
  readonly sources: SourceService;
  readonly areaHistory: AreaCodeHistory;
  readonly compileTransforms: CompileTransforms;
  readonly matcher?: PersonMatcher;
  /** The node's street (9 digits). */
  readonly homeArea: string;
  /**
   * Where files are read and mapped: a thread of their own (the second core maps while this one
   * writes), or, without it, inline. The thread uses the default area code history and transforms.
   */
  readonly mapThread?: MapThread;
}

/** Rows per transaction: each commit waits for the disk (synchronous=FULL), so thousands of rows go in one. */
const DEFAULT_CHUNK = 5000;
/** Code maps may translate into yes/no values ('是' → 'true') through this built-in table. */
export const BOOLEAN_TABLE = 'boolean';

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function toReport(b: BatchRow, identicalTo: string | null = null): ImportReport {
  return { batchId: b.id, status: b.status, identicalTo, ...countsOf(b) };
}

/** A new import batch's row: running, every counter at zero (a file import or a push). */
export function runningBatch(b: {
  readonly id: string;
  readonly sourceId: string;
  readonly profileVersion: number;
  readonly fileName: string;
  readonly sha256: string;
  readonly extract: string;
  readonly observedAt: string;
  readonly startedAt: string;
}): Parameters<Repositories['ingest']['insertBatch']>[0] {
  return {
    id: b.id,
    source_id: b.sourceId,
    profile_version: b.profileVersion,
    file_name: b.fileName,
    file_sha256: b.sha256,
    extract: b.extract,
    status: 'running',
    rows_read: 0,
    rows_rejected: 0,
    rows_unchanged: 0,
    persons_created: 0,
    persons_linked: 0,
    records_ended: 0,
    conflicts: 0,
    observed_at: b.observedAt,
    last_row: 0,
    started_at: b.startedAt,
    finished_at: null,
    error: null,
  };
}

export class ImportService {
  /** Imports running in this process, for progress and for telling a crashed batch from a live one. */
  private readonly live = new Map<string, ImportProgress>();
  /** Background imports that ended before their batch was written (refused file), or that repeated the last file. */
  private readonly outcomes = new Map<string, { view?: ImportView; aliasOf?: string }>();
  /** The area tree (reference data, loaded at migration), read once for the imports that resolve addresses. */
  private areaList: Promise<Area[]> | undefined;

  constructor(private readonly deps: ImportDeps) {}

  progress(batchId: string): ImportProgress | undefined {
    return this.live.get(batchId);
  }

  async importFile(sourceId: string, path: string, options: ImportOptions = {}): Promise<ImportReport> {
    const { data } = this.deps;
    const observedAt = options.observedAt ?? todayIso();
    if (!isIsoDate(observedAt)) throw new PopulusError('INVALID_VALUE', `observedAt "${observedAt}" is not a date YYYY-MM-DD`, { field: 'observedAt' });
    const source = await this.deps.sources.get(sourceId);
    const resumed = options.resume ? await this.resumable(options.resume, sourceId) : undefined;
    const { version, profile } = resumed ? await this.deps.sources.profile(sourceId, resumed.profile_version) : await this.deps.sources.profile(sourceId);
    const sha256 = await fileSha256(path);
    const file = options.displayName ?? path.split(/[\\/]/).pop() ?? path;
    if (resumed && resumed.file_sha256 !== sha256) {
      throw new PopulusError('IMPORT_NOT_RESUMABLE', `batch ${resumed.id} was importing a different file; import this one anew`, { batchId: resumed.id, status: resumed.status });
    }
    await this.markStale(sourceId);
    if (!resumed) {
      const last = (await data.repos.ingest.listBatches(sourceId, 1))[0];
      const lastCommitted = last?.status === 'committed' ? last : undefined;
      if (lastCommitted && lastCommitted.file_sha256 === sha256) return toReport(lastCommitted, lastCommitted.id);
    }

    const spec = await this.mappingSpec(profile);
    const started = Date.now();
    const batchId = resumed?.id ?? options.batchId ?? newId();
    const report = (p: Omit<ImportProgress, 'startedAt'>): void => {
      const full = { ...p, startedAt: started };
      if (p.batchId) this.live.set(p.batchId, full);
      options.onProgress?.(full);
    };

    // Pass 1: read everything, map and write nothing.
    const request: MapFileRequest = { path, displayName: file, read: readOptions(profile), skipThrough: resumed?.last_row ?? 0, chunkSize: options.chunkSize ?? DEFAULT_CHUNK };
    const job: MappedFileJob = this.deps.mapThread ? this.deps.mapThread.start(request, spec) : mapFileInline(request, mappingContextOf(spec, this.deps));
    let check: { rows: number; size: number };
    try {
      check = await job.check((rows, bytes, total) => report({ batchId, phase: 'checking', rowsDone: rows, rowsTotal: null, bytesRead: bytes, totalBytes: total }));
    } catch (e) {
      job.cancel();
      throw importReadError(e);
    } finally {
      this.live.delete(batchId);
    }
    if (!resumed) {
      await data.repos.ingest.insertBatch({
        ...runningBatch({ id: batchId, sourceId: source.id, profileVersion: version, fileName: file, sha256, extract: profile.extract, observedAt, startedAt: nowIso() }),
      });
    } else {
      await data.repos.ingest.updateBatch(batchId, { status: 'running', error: null });
    }

    try {
      // Pass 2: write chunk by chunk.
      const counters = { rows_read: resumed?.rows_read ?? 0, rows_rejected: resumed?.rows_rejected ?? 0, rows_unchanged: resumed?.rows_unchanged ?? 0, persons_created: resumed?.persons_created ?? 0, persons_linked: resumed?.persons_linked ?? 0, conflicts: resumed?.conflicts ?? 0 };
      const chunkSize = request.chunkSize;
      // The matcher's population, counted once for the import and raised by the persons each chunk creates.
      const population: { active?: number } = {};
      const flush = async (rows: readonly MappedRow[], rejections: Rejection[], lastRow: number): Promise<void> => {
        if (rows.length === 0 && rejections.length === 0) return;
        await data.transaction(async (repos) => {
          const outcome = await applyChunk(repos, rows, { sourceId, batchId, observedAt, matcher: this.deps.matcher ?? NO_MATCHER, homeArea: this.deps.homeArea, population });
          for (const d of outcome.duplicates) {
            rejections.push({ row: d.row, column: profile.recordKey.join('+'), value: null, reason: 'DUPLICATE_KEY', message: 'the same record key as an earlier row of this file' });
          }
          await repos.ingest.insertRejected(rejections.map((r) => ({ batchId, ...r })));
          counters.rows_read += rows.length - outcome.duplicates.length + new Set(rejections.map((r) => r.row)).size;
          counters.rows_rejected += new Set(rejections.map((r) => r.row)).size;
          counters.rows_unchanged += outcome.unchanged;
          counters.persons_created += outcome.created;
          counters.persons_linked += outcome.linked;
          counters.conflicts += outcome.conflicts;
          await repos.ingest.updateBatch(batchId, { ...counters, last_row: lastRow });
        });
        // Between chunks, so that the next chunk's reads are planned for the tables as they now are.
        await data.repos.ingest.refreshStatistics();
        report({ batchId, phase: 'importing', rowsDone: counters.rows_read, rowsTotal: check.rows, bytesRead: 0, totalBytes: check.size });
      };

      for await (const chunk of job.chunks()) await flush(chunk.mapped, chunk.rejected, chunk.lastRow);

      let ended = resumed?.records_ended ?? 0;
      if (profile.extract === 'full') {
        for (;;) {
          const n = await data.transaction(async (repos) => {
            const count = await endUnseenRecords(repos, { sourceId, batchId, observedAt }, chunkSize);
            if (count > 0) await repos.ingest.updateBatch(batchId, { records_ended: ended + count });
            return count;
          });
          if (n === 0) break;
          ended += n;
          report({ batchId, phase: 'ending', rowsDone: counters.rows_read, rowsTotal: check.rows, bytesRead: check.size, totalBytes: check.size });
        }
      }
      await data.repos.ingest.updateBatch(batchId, { status: 'committed', finished_at: nowIso() });
      report({ batchId, phase: 'done', rowsDone: counters.rows_read, rowsTotal: check.rows, bytesRead: check.size, totalBytes: check.size });
    } catch (e) {
      job.cancel();
      await data.repos.ingest.updateBatch(batchId, { status: 'interrupted', error: (e as Error).message.slice(0, 500) }).catch(() => undefined);
      throw importReadError(e);
    } finally {
      this.live.delete(batchId);
    }
    const done = await data.repos.ingest.findBatch(batchId);
    if (!done) throw new Error('import batch vanished');
    return toReport(done);
  }

  /**
   * The pipeline for records that arrive other than in a file (changes pushed by a department
   * system, src/ingest/push-changes.ts): `map` maps one record with the profile, `apply` writes
   * mapped rows as one chunk in the caller's transaction — the steps, matcher and home area of a file import.
   */
  async pipelineFor(profile: MappingProfile): Promise<{
    map(record: SourceRecord): MapResult;
    apply(repos: Repositories, rows: readonly MappedRow[], chunk: Omit<ChunkContext, 'matcher' | 'homeArea'>): Promise<ChunkOutcome>;
  }> {
    const ctx = await this.mappingContext(profile);
    return {
      map: (record) => mapRecord(record, ctx),
      apply: (repos, rows, chunk) => applyChunk(repos, rows, { ...chunk, matcher: this.deps.matcher ?? NO_MATCHER, homeArea: this.deps.homeArea }),
    };
  }

  /** Loads the standard address database (committee, address, housing use per dwelling). */
  housingRegister(path: string, onProgress?: (rows: number) => void): Promise<HousingImportReport> {
    return importHousingRegister(this.deps.data, this.deps.homeArea, path, onProgress);
  }

  /** Reads a file's header and a sample and proposes a mapping profile for it (nothing is stored). */
  async draft(path: string, displayName?: string, sampleSize = 200): Promise<ProfileDraft & { header: HeaderInfo }> {
    let header: HeaderInfo;
    let samples: SourceRecord[];
    try {
      const opened = await openSourceFile(path, displayName ? { displayName } : {});
      header = opened.header;
      await opened.close();
      samples = await sampleRecords(path, sampleSize, displayName ? { displayName } : {});
    } catch (e) {
      throw isIngestFileError(e) ? fileError(e) : e;
    }
    const repos = this.deps.data.repos;
    const elements = await repos.standard.listElements();
    const codes = new Map<string, CodeEntry[]>();
    for (const table of new Set(elements.flatMap((e) => (e.codeTableId ? [e.codeTableId] : [])))) {
      codes.set(table, (await repos.standard.listEntries(table, { asOf: todayIso(), limit: 10_000, offset: 0 })).items);
    }
    const draft = draftProfile({ headers: header.headers, samples: samples.map((r) => r.cells), elements, codes, homeArea: this.deps.homeArea });
    return { ...draft, header };
  }

  /** Runs an import without waiting for it; its state is read with status(id). Never rejects. */
  startInBackground(id: string, sourceId: string, path: string, options: ImportOptions, cleanup: () => Promise<unknown>): void {
    const startedAt = nowIso();
    this.live.set(id, { batchId: id, phase: 'checking', rowsDone: 0, rowsTotal: null, bytesRead: 0, totalBytes: 0, startedAt: Date.now() });
    void this.importFile(sourceId, path, { ...options, batchId: id })
      .then((r) => {
        if (r.batchId !== id) this.outcomes.set(id, { aliasOf: r.batchId });
      })
      .catch((e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        this.outcomes.set(id, {
          view: { ...emptyView(id, sourceId, options.displayName ?? 'upload', startedAt), status: 'failed', error: message, finishedAt: nowIso() },
        });
      })
      .finally(() => {
        this.live.delete(id);
        void cleanup();
      });
  }

  /** The import as it stands: live progress while it runs, then its batch. */
  async status(id: string): Promise<ImportView> {
    const outcome = this.outcomes.get(id);
    if (outcome?.view) return outcome.view;
    const batch = await this.deps.data.repos.ingest.findBatch(outcome?.aliasOf ?? id);
    const progress = this.live.get(id);
    if (batch) {
      const v = this.view(batch);
      return progress ? { ...v, rowsRead: Math.max(v.rowsRead, progress.rowsDone), rowsTotal: progress.rowsTotal } : v;
    }
    if (progress) return { ...emptyView(id, '', '', new Date(progress.startedAt).toISOString()), status: 'checking', rowsRead: progress.rowsDone };
    throw new PopulusError('IMPORT_NOT_FOUND', `there is no import ${id}`, { batchId: id });
  }

  view(b: BatchRow): ImportView {
    return {
      id: b.id,
      sourceId: b.source_id,
      profileVersion: b.profile_version,
      fileName: b.file_name,
      extract: b.extract,
      status: b.status,
      ...countsOf(b),
      rowsTotal: this.live.get(b.id)?.rowsTotal ?? (b.status === 'committed' ? b.rows_read : null),
      observedAt: b.observed_at,
      startedAt: b.started_at,
      finishedAt: b.finished_at,
      error: b.error,
    };
  }

  /** Undoes an interrupted or finished batch: its observations, persons, identifiers, residences and record changes. */
  async rollback(batchId: string): Promise<ImportReport> {
    const batch = await this.deps.data.repos.ingest.findBatch(batchId);
    if (!batch) throw new PopulusError('IMPORT_NOT_FOUND', `there is no import batch ${batchId}`, { batchId });
    if (this.live.has(batchId)) throw new PopulusError('IMPORT_NOT_RESUMABLE', 'the import is still running', { batchId, status: batch.status });
    if (batch.status === 'rolled_back') return toReport(batch);
    await this.deps.data.transaction((repos) => rollbackBatch(repos, batchId));
    const after = await this.deps.data.repos.ingest.findBatch(batchId);
    if (!after) throw new Error('import batch vanished');
    return toReport(after);
  }

  async batch(batchId: string): Promise<BatchRow> {
    const b = await this.deps.data.repos.ingest.findBatch(batchId);
    if (!b) throw new PopulusError('IMPORT_NOT_FOUND', `there is no import batch ${batchId}`, { batchId });
    return b;
  }

  async rejected(batchId: string): Promise<{ row: number; column: string | null; value: string | null; reason: string; message: string }[]> {
    await this.batch(batchId);
    return this.deps.data.repos.ingest.listRejected(batchId);
  }

  listBatches(sourceId: string | undefined, limit = 50): Promise<BatchRow[]> {
    return this.deps.data.repos.ingest.listBatches(sourceId, limit);
  }

  /** A page of imports, newest first, with how many match in all (GET /imports). */
  async pageBatches(query: BatchPageQuery): Promise<{ items: ImportView[]; total: number }> {
    const page = await this.deps.data.repos.importReads.pageBatches(query);
    return { items: page.items.map((b) => this.view(b)), total: page.total };
  }

  /** A page of an import's rejected rows in file order, with how many there are in all. */
  async rejectedPage(batchId: string, limit: number, offset: number): Promise<{ items: RejectedRowView[]; total: number }> {
    await this.batch(batchId);
    return this.deps.data.repos.importReads.pageRejected(batchId, limit, offset);
  }

  private async mappingContext(profile: MappingProfile): Promise<MappingContext> {
    return mappingContextOf(await this.mappingSpec(profile), this.deps);
  }

  /** What mapping a file with this profile needs to know, read from the store as plain data. */
  private async mappingSpec(profile: MappingProfile): Promise<MappingSpec> {
    const repos = this.deps.data.repos;
    const today = todayIso();
    const elements = await repos.standard.findElements(profileElements(profile));
    const tables = new Set<string>(['country', 'identifier-type', 'family-relationship', 'household-type']);
    for (const e of elements) if (e.codeTableId) tables.add(e.codeTableId);
    for (const m of Object.values(profile.codeMaps ?? {})) tables.add(m.table);
    const codes: Record<string, string[]> = {};
    for (const t of tables) {
      if (t === BOOLEAN_TABLE) continue;
      const { items } = await repos.standard.listEntries(t, { asOf: today, limit: 100_000, offset: 0 });
      codes[t] = items.map((i) => i.code);
    }
    codes[BOOLEAN_TABLE] = ['true', 'false'];
    let areaCodes: string[] | null = null;
    let addresses: MappingSpec['addresses'] = null;
    if (profile.columns.some((c) => 'residence' in c.target)) {
      const all = await (this.areaList ??= repos.areas.all().catch((e: unknown) => {
        this.areaList = undefined;
        throw e;
      }));
      areaCodes = all.map((a) => a.code);
      if (profile.columns.some((c) => 'residence' in c.target && c.target.part === 'address')) {
        const registry = await repos.housing.registryOf(this.deps.homeArea.slice(0, 6));
        addresses = { areas: all, buildings: registry.buildings, dwellings: registry.dwellings };
      }
    }
    return { profile, elements, codes, areaCodes, addresses, homeArea: this.deps.homeArea, today };
  }

  private async resumable(batchId: string, sourceId: string): Promise<BatchRow> {
    const b = await this.deps.data.repos.ingest.findBatch(batchId);
    if (!b || b.source_id !== sourceId) throw new PopulusError('IMPORT_NOT_FOUND', `source ${sourceId} has no import batch ${batchId}`, { batchId });
    if ((b.status !== 'running' && b.status !== 'interrupted') || this.live.has(batchId)) {
      throw new PopulusError('IMPORT_NOT_RESUMABLE', `batch ${batchId} is ${b.status}; only an interrupted import can be resumed`, { batchId, status: b.status });
    }
    return b;
  }

  /** A batch left 'running' by a process that is gone was interrupted. */
  private async markStale(sourceId: string): Promise<void> {
    for (const b of await this.deps.data.repos.ingest.listBatches(sourceId, 20)) {
      if (b.status === 'running' && !this.live.has(b.id)) await this.deps.data.repos.ingest.updateBatch(b.id, { status: 'interrupted', error: 'the importing process stopped' });
    }
  }
}

function emptyView(id: string, sourceId: string, fileName: string, startedAt: string): ImportView {
  return {
    id,
    sourceId,
    profileVersion: 0,
    fileName,
    extract: '',
    status: 'checking',
    rowsRead: 0,
    rowsTotal: null,
    rowsRejected: 0,
    rowsUnchanged: 0,
    personsCreated: 0,
    personsLinked: 0,
    recordsEnded: 0,
    conflicts: 0,
    observedAt: null,
    startedAt,
    finishedAt: null,
    error: null,
  };
}

function readOptions(profile: MappingProfile): { sheet?: string; encoding?: string } {
  return { ...(profile.read?.sheet !== undefined ? { sheet: profile.read.sheet } : {}), ...(profile.read?.encoding !== undefined ? { encoding: profile.read.encoding } : {}) };
}
