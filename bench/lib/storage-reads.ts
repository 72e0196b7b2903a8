/**
 * Point reads shared by both backends of the storage benchmark: the read that every backend serves
 * (a person by primary key, with its citizen ID number), timed and checked against the generator.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database.ts';
import { readOrder, syntheticPerson } from './synthetic-person.ts';

export interface Timed {
  readonly count: number;
  readonly seconds: number;
}

/** A bulk load: `seconds` spent in the database calls, `wallSeconds` including generating the persons. */
export interface Load extends Timed {
  readonly wallSeconds: number;
}

/** Generates persons [from, to) apart from the timed writes; returns them and the time it took. */
export function generate<T>(from: number, to: number, make: (i: number) => T): { readonly items: T[]; readonly seconds: number } {
  const start = performance.now();
  const items: T[] = [];
  for (let i = from; i < to; i++) items.push(make(i));
  return { items, seconds: (performance.now() - start) / 1000 };
}

export const perSecond = (t: Timed): number => Math.round(t.count / t.seconds);

/** A person read back: its id and the number of its CN_ID identifier. */
export interface PersonRead {
  readonly id: string;
  readonly number: string;
}

/** The ids to read, in order, and the number each must come back with. */
export interface ReadPlan {
  readonly ids: string[];
  readonly numbers: string[];
}

export function readPlan(seed: number, persons: number, reads: number): ReadPlan {
  const order = readOrder(seed, persons, reads);
  const ids: string[] = [];
  const numbers: string[] = [];
  for (const i of order) {
    const p = syntheticPerson(seed, i);
    ids.push(p.id);
    numbers.push(p.idNumber);
  }
  return { ids, numbers };
}

/** Throws when a read came back missing or wrong (the message names positions, never numbers). */
export function verify(plan: ReadPlan, k: number, row: PersonRead | undefined): void {
  if (row === undefined) throw new Error(`read ${k}: person not found`);
  if (row.id !== plan.ids[k] || row.number !== plan.numbers[k]) throw new Error(`read ${k}: wrong person or identifier returned`);
}

/** Checks a batch answered in any order: every id of plan[from, to) once, each with its number. */
export function verifyBatch(plan: ReadPlan, from: number, to: number, rows: readonly PersonRead[]): void {
  const byId = new Map(rows.map((r) => [r.id, r.number]));
  for (let k = from; k < to; k++) {
    const id = plan.ids[k] ?? '';
    if (!byId.has(id)) throw new Error(`batched read ${k}: person not found`);
    if (byId.get(id) !== plan.numbers[k]) throw new Error(`batched read ${k}: wrong identifier returned`);
  }
}

/** The same point read through Kysely (`store.db`), one awaited query at a time. */
export async function kyselyReads(db: Kysely<Database>, plan: ReadPlan, count: number): Promise<Timed> {
  const n = Math.min(count, plan.ids.length);
  const start = performance.now();
  for (let k = 0; k < n; k++) {
    const row = await db
      .selectFrom('person')
      .innerJoin('identifier', 'identifier.person_id', 'person.id')
      .select(['person.id as id', 'identifier.number as number'])
      .where('person.id', '=', plan.ids[k] ?? '')
      .where('identifier.type', '=', 'CN_ID')
      .executeTakeFirst();
    verify(plan, k, row);
  }
  return { count: n, seconds: (performance.now() - start) / 1000 };
}
