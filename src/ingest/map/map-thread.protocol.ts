/**
 * Messages between the import (main thread) and the mapping thread. A job is one file: the thread
 * checks it (pass 1), reports `checked`, then maps it (pass 2) and sends chunks while it has credit;
 * the import gives one credit back for each chunk it has written, so at most a few chunks wait in
 * memory. Errors travel as data and are rebuilt on the main thread as the same errors.
 */
import { PopulusError, type ErrorCode, type ErrorDetails } from '../../domain/errors.ts';
import { IngestFileError, isIngestFileError, type IngestFileErrorCode } from '../read/record-reader.ts';
import type { MapFileRequest, MappedChunk } from './mapped-file.ts';
import type { MappingSpec } from './mapping-spec.ts';

export type ToThread =
  | { readonly type: 'start'; readonly job: number; readonly req: MapFileRequest; readonly spec: MappingSpec; readonly credit: number }
  | { readonly type: 'credit'; readonly job: number }
  | { readonly type: 'cancel'; readonly job: number };

export type FromThread =
  | { readonly type: 'progress'; readonly job: number; readonly rows: number; readonly bytes: number; readonly total: number }
  | { readonly type: 'checked'; readonly job: number; readonly rows: number; readonly size: number }
  | { readonly type: 'chunk'; readonly job: number; readonly chunk: MappedChunk }
  | { readonly type: 'done'; readonly job: number }
  | { readonly type: 'error'; readonly job: number; readonly error: ThreadError };

export type ThreadError =
  | { readonly kind: 'populus'; readonly code: ErrorCode; readonly message: string; readonly details: ErrorDetails }
  | { readonly kind: 'file'; readonly code: IngestFileErrorCode; readonly file: string; readonly message: string; readonly messageZh: string; readonly details: Readonly<Record<string, unknown>> }
  | { readonly kind: 'other'; readonly message: string; readonly stack?: string };

export function toThreadError(e: unknown): ThreadError {
  if (e instanceof PopulusError) return { kind: 'populus', code: e.code, message: e.message, details: e.details };
  if (isIngestFileError(e)) return { kind: 'file', code: e.code, file: e.file, message: e.message, messageZh: e.messageZh, details: e.details };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'other', message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
}

export function fromThreadError(e: ThreadError): Error {
  switch (e.kind) {
    case 'populus':
      return new PopulusError(e.code, e.message, e.details);
    case 'file':
      return new IngestFileError(e.code, e.file, e.message, e.messageZh, e.details);
    case 'other': {
      const err = new Error(`mapping thread: ${e.message}`);
      if (e.stack !== undefined) err.stack = e.stack;
      return err;
    }
  }
}
