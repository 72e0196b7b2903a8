/**
 * A file read and mapped for the import, in the two passes the import needs: `check` reads the
 * whole file (header against the profile, every row readable, the row count) without mapping
 * anything; `chunks` then reads it again and hands the mapped rows and rejections over in chunks of
 * `chunkSize` rows. Two ways to run it with the same answers: inline on the calling thread
 * (`mapFileInline`), or in the mapping thread (map-thread.ts) so that reading, decoding and mapping
 * use the second core while this thread writes the chunks before.
 */
import { PopulusError } from '../../domain/errors.ts';
import type { MappingProfile } from '../../domain/ingest/profile.ts';
import { openSourceFile, isIngestFileError, type ReadOptions } from '../read/record-reader.ts';
import { mapRecord, type MappedRow, type MappingContext, type Rejection } from './map-record.ts';

export interface MappedChunk {
  readonly mapped: MappedRow[];
  readonly rejected: Rejection[];
  /** The last file row the chunk covers (resuming starts after it). */
  readonly lastRow: number;
}

export interface FileCheck {
  readonly rows: number;
  readonly size: number;
}

export type CheckProgress = (rows: number, bytes: number, total: number) => void;

export interface MapFileRequest {
  readonly path: string;
  readonly displayName: string;
  readonly read: Pick<ReadOptions, 'sheet' | 'encoding'>;
  /** Rows up to this one were imported before (a resumed batch): skipped. */
  readonly skipThrough: number;
  readonly chunkSize: number;
}

export interface MappedFileJob {
  /** Pass 1: the whole file reads, its header has the profile's columns. Throws the import's errors (PROFILE_MISMATCH, the reader's file errors). */
  check(onProgress: CheckProgress): Promise<FileCheck>;
  /** Pass 2, after `check`: mapped chunks in file order. */
  chunks(): AsyncIterable<MappedChunk>;
  /** Stops the job (the import failed or finished early); safe to call twice. */
  cancel(): void;
}

/** The header lacks columns the profile maps: nothing is imported. */
export function profileMismatch(file: string, profile: MappingProfile, headers: readonly string[]): PopulusError | undefined {
  const found = new Set(headers);
  const missing = profile.columns.map((c) => c.column).filter((c) => !found.has(c));
  if (missing.length === 0) return undefined;
  return new PopulusError('PROFILE_MISMATCH', `${file} lacks column(s) ${missing.join(', ')} that the profile maps; nothing was imported`, { file, missing, found: [...headers] });
}

/** Pass 1 over a file: the header fits the profile and every row reads. */
export async function checkFile(req: MapFileRequest, profile: MappingProfile, onProgress: CheckProgress): Promise<FileCheck> {
  let bytes = { b: 0, t: 0 };
  const sourceFile = await openSourceFile(req.path, { displayName: req.displayName, ...req.read, onProgress: (b, t) => (bytes = { b, t }) });
  bytes = { b: bytes.b, t: sourceFile.header.size };
  const mismatch = profileMismatch(req.displayName, profile, sourceFile.header.headers);
  if (mismatch) {
    await sourceFile.close();
    throw mismatch;
  }
  let rows = 0;
  for await (const record of sourceFile.records) {
    rows++;
    void record;
    if (rows % 5000 === 0) onProgress(rows, bytes.b, bytes.t);
  }
  onProgress(rows, bytes.t, bytes.t);
  return { rows, size: bytes.t };
}

/** Pass 2 over a file: its rows mapped, in chunks of `chunkSize` mapped rows and rejections. */
export async function* mapChunks(req: MapFileRequest, ctx: MappingContext): AsyncGenerator<MappedChunk> {
  const sourceFile = await openSourceFile(req.path, { displayName: req.displayName, ...req.read });
  let mapped: MappedRow[] = [];
  let rejected: Rejection[] = [];
  let lastRow = req.skipThrough;
  try {
    for await (const record of sourceFile.records) {
      if (record.row <= req.skipThrough) continue;
      lastRow = record.row;
      const result = mapRecord(record, ctx);
      if (result.ok) mapped.push(result.row);
      else rejected.push(...result.rejections);
      if (mapped.length + rejected.length >= req.chunkSize) {
        yield { mapped, rejected, lastRow };
        mapped = [];
        rejected = [];
      }
    }
  } finally {
    await sourceFile.close();
  }
  if (mapped.length > 0 || rejected.length > 0) yield { mapped, rejected, lastRow };
}

/** The file read and mapped on the calling thread. */
export function mapFileInline(req: MapFileRequest, ctx: MappingContext): MappedFileJob {
  let stopped = false;
  return {
    check: (onProgress) => checkFile(req, ctx.profile, onProgress),
    chunks: async function* () {
      for await (const c of mapChunks(req, ctx)) {
        if (stopped) return;
        yield c;
      }
    },
    cancel: () => {
      stopped = true;
    },
  };
}

/** A reader's file error, as the import reports it. */
export function fileError(e: { code: string; file: string; message: string; messageZh: string }): PopulusError {
  return new PopulusError('FILE_UNREADABLE', `${e.message}; nothing was imported`, { file: e.file, reason: e.code, messageZh: e.messageZh });
}

/** Any error of reading a file, as the import reports it. */
export function importReadError(e: unknown): unknown {
  return isIngestFileError(e) ? fileError(e) : e;
}
