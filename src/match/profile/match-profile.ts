/**
 * Column-mapping profiles of `populus match`: which column of a plain file feeds which match field,
 * and which rule file decides. A field lists alternatives, the first whose columns a file has wins,
 * so that one generic profile serves files that name their columns differently (given_name,
 * first_name, fname_c1…). An alternative is a column, a date made of year, month and day columns,
 * or columns joined with a space. Headers match without regard to case or surrounding spaces.
 */
import { PopulusError } from '../../domain/errors.ts';
import type { MatchRecord } from '../match-record.ts';
import { composeBirthDate } from '../normalise-fields.ts';

export type ColumnSource = string | { readonly date: readonly [string, string, string] } | { readonly join: readonly string[] };

export interface MatchProfile {
  readonly id: string;
  readonly description: string;
  /** The rule file, relative to the profile's folder. */
  readonly rules: string;
  /** Columns that may hold a record's id; the row number is used when none is present. */
  readonly idColumns: readonly string[];
  readonly fields: Readonly<Record<string, readonly ColumnSource[]>>;
}

function bad(message: string): never {
  throw new PopulusError('INVALID_PROFILE', `match profile: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseSource(raw: unknown, field: string): ColumnSource {
  if (typeof raw === 'string' && raw.trim() !== '') return raw;
  if (isObject(raw) && Array.isArray(raw['date']) && raw['date'].length === 3 && raw['date'].every((c) => typeof c === 'string')) {
    return { date: raw['date'] as [string, string, string] };
  }
  if (isObject(raw) && Array.isArray(raw['join']) && raw['join'].length > 0 && raw['join'].every((c) => typeof c === 'string')) {
    return { join: raw['join'] as string[] };
  }
  return bad(`field ${field}: each alternative is a column name, {"date": [year, month, day]} or {"join": [columns…]}`);
}

export function parseMatchProfile(raw: unknown): MatchProfile {
  if (!isObject(raw)) bad('must be a JSON object');
  const id = raw['id'];
  const rules = raw['rules'];
  if (typeof id !== 'string' || id === '') bad('"id" must be a non-empty string');
  if (typeof rules !== 'string' || rules === '') bad('"rules" must name a rule file');
  const idColumns = raw['idColumns'] ?? [];
  if (!Array.isArray(idColumns) || !idColumns.every((c) => typeof c === 'string')) bad('"idColumns" must be a list of column names');
  const fieldsRaw = raw['fields'];
  if (!isObject(fieldsRaw) || Object.keys(fieldsRaw).length === 0) bad('"fields" must map match fields to columns');
  const fields: Record<string, ColumnSource[]> = {};
  for (const [field, alternatives] of Object.entries(fieldsRaw)) {
    const list = Array.isArray(alternatives) ? alternatives : [alternatives];
    fields[field] = list.map((a) => parseSource(a, field));
  }
  return {
    id,
    description: typeof raw['description'] === 'string' ? raw['description'] : '',
    rules,
    idColumns: idColumns as string[],
    fields,
  };
}

export interface BoundProfile {
  /** Each mapped field and the columns it reads, as shown to the user. */
  readonly mapped: readonly { readonly field: string; readonly from: string }[];
  readonly idColumn: string | undefined;
  toRecord(cells: Readonly<Record<string, string>>, row: number): MatchRecord;
}

function describe(source: ColumnSource): string {
  if (typeof source === 'string') return source;
  if ('date' in source) return `date(${source.date.join(', ')})`;
  return `join(${source.join.join(', ')})`;
}

/** Binds a profile to a file's header; throws PROFILE_MISMATCH when it maps none of its columns. */
export function bindProfile(profile: MatchProfile, headers: readonly string[]): BoundProfile {
  const byName = new Map<string, string>();
  for (const h of headers) byName.set(h.trim().toLowerCase(), h);
  const column = (name: string): string | undefined => byName.get(name.trim().toLowerCase());
  const has = (s: ColumnSource): boolean =>
    typeof s === 'string'
      ? column(s) !== undefined
      : 'date' in s
        ? s.date.every((c) => column(c) !== undefined)
        : s.join.some((c) => column(c) !== undefined);
  const readers: { field: string; from: string; read: (cells: Readonly<Record<string, string>>) => string | undefined }[] = [];
  for (const [field, alternatives] of Object.entries(profile.fields)) {
    const source = alternatives.find(has);
    if (source === undefined) continue;
    const cell = (cells: Readonly<Record<string, string>>, name: string): string => {
      const h = column(name);
      return h === undefined ? '' : (cells[h] ?? '').trim();
    };
    let read: (cells: Readonly<Record<string, string>>) => string | undefined;
    if (typeof source === 'string') read = (cells) => cell(cells, source);
    else if ('date' in source)
      read = (cells) => composeBirthDate(cell(cells, source.date[0]), cell(cells, source.date[1]), cell(cells, source.date[2]));
    else
      read = (cells) =>
        source.join
          .map((c) => cell(cells, c))
          .filter((v) => v !== '')
          .join(' ');
    readers.push({ field, from: describe(source), read });
  }
  if (readers.length === 0) {
    throw new PopulusError('PROFILE_MISMATCH', `profile ${profile.id} maps none of the file's columns (${headers.join(', ')})`);
  }
  const idHeader = profile.idColumns.map(column).find((h) => h !== undefined);
  return {
    mapped: readers.map(({ field, from }) => ({ field, from })),
    idColumn: idHeader,
    toRecord(cells, row) {
      const fields: Record<string, string> = {};
      for (const r of readers) {
        const v = r.read(cells);
        if (v !== undefined && v !== '') fields[r.field] = v;
      }
      const id = idHeader === undefined ? '' : (cells[idHeader] ?? '').trim();
      return { id: id === '' ? `row-${row}` : id, fields };
    },
  };
}
