/** Column types per backend, so one migration text serves SQLite and PostgreSQL alike. */
import { sql, type ColumnDataType, type Expression } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export type ColumnType = ColumnDataType | Expression<unknown>;

export interface ColumnTypes {
  /** Random (v7) UUIDs; text on SQLite. */
  readonly uuid: ColumnType;
  readonly text: ColumnType;
  readonly int: ColumnType;
  /** YYYY-MM-DD. */
  readonly date: ColumnType;
  /** An instant, returned as an ISO string on both backends. */
  readonly timestamp: ColumnType;
  /** A 64-bit auto-incrementing key type (pair with `autoIncrement()` on SQLite). */
  readonly serial: ColumnType;
}

export function columnTypes(dialect: Dialect): ColumnTypes {
  return dialect === 'postgres'
    ? { uuid: 'uuid', text: 'text', int: 'integer', date: 'date', timestamp: 'timestamptz', serial: sql`bigint generated always as identity` }
    : { uuid: 'text', text: 'text', int: 'integer', date: 'text', timestamp: 'text', serial: 'integer' };
}
