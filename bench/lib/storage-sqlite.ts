/**
 * SQLite side of the storage benchmark: bulk insert through prepared statements on the raw
 * better-sqlite3 handle (one transaction per ~50k rows), and point reads by primary key, single
 * and batched.
 *
 * No ANALYZE after the load: better-sqlite3 builds SQLite with STAT4, and once sqlite_stat4 exists
 * every statement with a bound parameter in an indexed constraint is re-prepared on each run, which
 * made these point reads 3× slower here (≈80k/s → ≈27k/s at 100k persons).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { DISTRICT, RECORDED_AT, ROWS_PER_PERSON, VALUE_ELEMENTS, personValues, syntheticPerson, type SyntheticPerson } from './synthetic-person.ts';
import { generate, verify, verifyBatch, type Load, type PersonRead, type ReadPlan, type Timed } from './storage-reads.ts';

const READ_ONE = `SELECT p.id AS id, i.number AS number FROM person p JOIN identifier i ON i.person_id = p.id WHERE p.id = ? AND i.type = 'CN_ID'`;
/** CROSS JOIN fixes the join order: from the ids, not from every CN_ID identifier. */
const READ_MANY = `SELECT p.id AS id, i.number AS number FROM json_each(?) j CROSS JOIN person p ON p.id = j.value
  JOIN identifier i ON i.person_id = p.id WHERE i.type = 'CN_ID'`;

/**
 * Inserts persons [0, persons) with their identifiers, residences and values, generating each
 * transaction's persons first (untimed) and then writing them in one transaction.
 */
export function loadSqlite(raw: BetterSqlite3.Database, seed: number, persons: number, rowsPerTransaction = 50_000): Load {
  const person = raw.prepare(`INSERT INTO person (id, district, status, merged_into, created_at, updated_at) VALUES (?, ?, 'active', NULL, ?, ?)`);
  const identifier = raw.prepare(
    `INSERT INTO identifier (id, district, person_id, type, number, issuing_country, issuing_area, valid_from, valid_to, recorded_at)
     VALUES (?, ?, ?, 'CN_ID', ?, 'CHN', ?, NULL, NULL, ?)`,
  );
  const residence = raw.prepare(
    `INSERT INTO residence (id, district, person_id, kind, dwelling_id, area_code, address_text, valid_from, valid_to, recorded_at)
     VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, NULL, ?)`,
  );
  const value = raw.prepare(
    `INSERT INTO person_value (person_id, element_id, district, value, source_id, method, observed_at, recorded_at)
     VALUES (?, ?, ?, ?, NULL, 'import', NULL, ?)`,
  );
  const insertAll = raw.transaction((people: readonly SyntheticPerson[]) => {
    for (const p of people) {
      person.run(p.id, DISTRICT, RECORDED_AT, RECORDED_AT);
      identifier.run(p.identifierId, DISTRICT, p.id, p.idNumber, p.idNumber.slice(0, 6), RECORDED_AT);
      residence.run(p.registeredResidenceId, DISTRICT, p.id, 'registered', p.registeredArea, p.since, RECORDED_AT);
      residence.run(p.actualResidenceId, DISTRICT, p.id, 'actual', p.actualArea, p.since, RECORDED_AT);
      const values = personValues(p);
      for (let v = 0; v < VALUE_ELEMENTS.length; v++) value.run(p.id, VALUE_ELEMENTS[v], DISTRICT, values[v], RECORDED_AT);
    }
  });
  const perTransaction = Math.max(1, Math.floor(rowsPerTransaction / ROWS_PER_PERSON));
  const start = performance.now();
  let generating = 0;
  for (let from = 0; from < persons; from += perTransaction) {
    const chunk = generate(from, Math.min(persons, from + perTransaction), (i) => syntheticPerson(seed, i));
    generating += chunk.seconds;
    insertAll(chunk.items);
  }
  const wallSeconds = (performance.now() - start) / 1000;
  return { count: persons * ROWS_PER_PERSON, seconds: wallSeconds - generating, wallSeconds };
}

/** One prepared-statement read per id. */
export function sqlitePkReads(raw: BetterSqlite3.Database, plan: ReadPlan): Timed {
  const read = raw.prepare<[string], PersonRead>(READ_ONE);
  const start = performance.now();
  for (let k = 0; k < plan.ids.length; k++) verify(plan, k, read.get(plan.ids[k] ?? ''));
  return { count: plan.ids.length, seconds: (performance.now() - start) / 1000 };
}

/** `batch` ids per query, passed as one JSON array. */
export function sqliteBatchedReads(raw: BetterSqlite3.Database, plan: ReadPlan, batch: number): Timed {
  const read = raw.prepare<[string], PersonRead>(READ_MANY);
  const start = performance.now();
  for (let from = 0; from < plan.ids.length; from += batch) {
    const to = Math.min(plan.ids.length, from + batch);
    verifyBatch(plan, from, to, read.all(JSON.stringify(plan.ids.slice(from, to))));
  }
  return { count: plan.ids.length, seconds: (performance.now() - start) / 1000 };
}
