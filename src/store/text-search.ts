/**
 * Text search that behaves the same on both backends: the user's text is taken literally
 * (% and _ escaped, with an explicit ESCAPE since SQLite has no default) and case is ignored.
 */
import { sql, type Expression, type SqlBool } from 'kysely';

function escapeLike(q: string): string {
  return q.replace(/[\\%_]/g, '\\$&');
}

/** column contains q (case-insensitive). */
export function contains(column: string, q: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escapeLike(q.toLowerCase())}%`} escape '\\'`;
}

/** column starts with q (case-sensitive, so an index on the column can serve it). */
export function startsWith(column: string, q: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${`${escapeLike(q)}%`} escape '\\'`;
}
