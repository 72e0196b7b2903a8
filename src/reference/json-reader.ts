/**
 * Reads the shipped catalogue JSON files: `{ "$comment": …, "<list>": [ {…}, … ] }`. Field readers
 * check types and name file, entry number (1-based) and field on failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReferenceDataError } from './reference-data-error.ts';

export interface JsonEntry {
  readonly file: string;
  /** 1-based position in the list. */
  readonly index: number;
  readonly value: Readonly<Record<string, unknown>>;
  /** Field-path prefix of a nested object ('columns.'), '' at the top. */
  readonly prefix: string;
  /** Entry id shown in messages, when it has one. */
  readonly label: string | null;
}

/** The entries of the list `listKey` in `dataDir/name`. */
export function readJsonList(dataDir: string, name: string, listKey: string): JsonEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(join(dataDir, name), 'utf8'));
  } catch (e) {
    throw new ReferenceDataError(name, null, null, `cannot read the file as JSON (${(e as Error).message})`);
  }
  const list = isRecord(doc) ? doc[listKey] : undefined;
  if (!Array.isArray(list)) throw new ReferenceDataError(name, null, listKey, 'expected a top-level object with this list');
  return list.map((value: unknown, i) => {
    if (!isRecord(value)) throw new ReferenceDataError(name, { entry: i + 1 }, null, 'entry is not an object');
    const label = typeof value['id'] === 'string' ? value['id'] : null;
    return { file: name, index: i + 1, value, prefix: '', label };
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function problem(entry: JsonEntry, field: string, message: string): ReferenceDataError {
  const id = entry.label === null ? '' : ` (entry ${entry.label})`;
  return new ReferenceDataError(entry.file, { entry: entry.index }, entry.prefix + field, `${message}${id}`);
}

/** A non-empty string field. */
export function str(entry: JsonEntry, field: string): string {
  const v = entry.value[field];
  if (typeof v !== 'string' || v.trim() === '') throw problem(entry, field, 'expected a non-empty string');
  return v;
}

/** A string field that may be null (or absent). */
export function nullableStr(entry: JsonEntry, field: string): string | null {
  const v = entry.value[field];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string' || v.trim() === '') throw problem(entry, field, 'expected a non-empty string or null');
  return v;
}

/** A field whose value is one of `allowed`. */
export function oneOf<T extends string>(entry: JsonEntry, field: string, allowed: readonly T[]): T {
  const v = entry.value[field];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw problem(entry, field, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

/** A positive integer field that may be null. */
export function nullablePositiveInt(entry: JsonEntry, field: string): number | null {
  const v = entry.value[field];
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw problem(entry, field, 'expected a positive integer or null');
  return v;
}

/** An ISO date (YYYY-MM-DD) field that may be null. */
export function nullableIsoDate(entry: JsonEntry, field: string): string | null {
  const v = entry.value[field];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw problem(entry, field, 'expected an ISO date YYYY-MM-DD or null');
  return v;
}

/** A nested object field. */
export function obj(entry: JsonEntry, field: string): JsonEntry {
  const v = entry.value[field];
  if (!isRecord(v)) throw problem(entry, field, 'expected an object');
  return { ...entry, value: v, prefix: `${entry.prefix}${field}.` };
}

/** A list-of-strings field (may be empty). */
export function strList(entry: JsonEntry, field: string): string[] {
  const v = entry.value[field];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw problem(entry, field, 'expected a list of non-empty strings');
  }
  return v as string[];
}
