/**
 * PostgreSQL side of the storage benchmark: a throw-away database, bulk loads by COPY and by
 * multi-row INSERT (unnest of arrays, one statement per table per chunk), and point reads single
 * (named prepared statement on one connection) and batched with `= ANY($1)`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { copyFrom, copyValue } from './pg-copy.ts';
import { DISTRICT, RECORDED_AT, ROWS_PER_PERSON, VALUE_ELEMENTS, personValues, syntheticPerson, type SyntheticPerson } from './synthetic-person.ts';
import { generate, verify, verifyBatch, type Load, type PersonRead, type ReadPlan, type Timed } from './storage-reads.ts';

const READ_ONE = `SELECT p.id::text AS id, i.number FROM person p JOIN identifier i ON i.person_id = p.id WHERE p.id = $1 AND i.type = 'CN_ID'`;
const READ_MANY = `SELECT p.id::text AS id, i.number FROM person p JOIN identifier i ON i.person_id = p.id WHERE p.id = ANY($1::uuid[]) AND i.type = 'CN_ID'`;
const PERSON_TABLES = ['person_value', 'residence', 'identifier', 'person'] as const;

export interface ThrowawayDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database (terminating its connections); safe to call twice. */
  drop(): Promise<void>;
}

const guarded = new WeakSet<pg.PoolClient>();

/**
 * A pooled client that does not crash the process when its connection drops while checked out
 * (as when ^C drops the database under it); the failure still rejects the query in flight.
 */
async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  if (!guarded.has(client)) {
    client.on('error', () => undefined);
    guarded.add(client);
  }
  return client;
}

/** Creates `populus_bench_<random>` on the server of `adminUrl`. */
export async function createThrowawayDatabase(adminUrl: string): Promise<ThrowawayDatabase> {
  const name = `populus_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        dropped = true;
      } finally {
        await c.end();
      }
    },
  };
}

/** Loads persons [0, persons) with COPY (persons generated untimed per chunk, COPY text built timed), four COPY statements per transaction of `chunk` persons. */
export async function loadPostgresCopy(pool: pg.Pool, seed: number, persons: number, chunk = 20_000): Promise<Load> {
  const client = await connect(pool);
  try {
    const start = performance.now();
    let generating = 0;
    for (let from = 0; from < persons; from += chunk) {
      const generated = generate(from, Math.min(persons, from + chunk), (i) => syntheticPerson(seed, i));
      generating += generated.seconds;
      const people = generated.items;
      await client.query('BEGIN');
      await copyFrom(client, 'COPY person (id, district, status, created_at, updated_at) FROM STDIN', lines(people, (p) => [[p.id, DISTRICT, 'active', RECORDED_AT, RECORDED_AT]]));
      await copyFrom(
        client,
        'COPY identifier (id, district, person_id, type, number, issuing_country, issuing_area, recorded_at) FROM STDIN',
        lines(people, (p) => [[p.identifierId, DISTRICT, p.id, 'CN_ID', p.idNumber, 'CHN', p.idNumber.slice(0, 6), RECORDED_AT]]),
      );
      await copyFrom(
        client,
        'COPY residence (id, district, person_id, kind, area_code, valid_from, recorded_at) FROM STDIN',
        lines(people, (p) => [
          [p.registeredResidenceId, DISTRICT, p.id, 'registered', p.registeredArea, p.since, RECORDED_AT],
          [p.actualResidenceId, DISTRICT, p.id, 'actual', p.actualArea, p.since, RECORDED_AT],
        ]),
      );
      await copyFrom(
        client,
        'COPY person_value (person_id, element_id, district, value, method, recorded_at) FROM STDIN',
        lines(people, (p) => personValues(p).map((v, k) => [p.id, VALUE_ELEMENTS[k] ?? '', DISTRICT, v, 'import', RECORDED_AT])),
      );
      await client.query('COMMIT');
    }
    const wallSeconds = (performance.now() - start) / 1000;
    return { count: persons * ROWS_PER_PERSON, seconds: wallSeconds - generating, wallSeconds };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** COPY text for the rows of each person, in pieces of about 1 MB. */
function* lines(people: readonly SyntheticPerson[], rows: (p: SyntheticPerson) => readonly (readonly (string | null)[])[]): Generator<string> {
  let piece = '';
  for (const p of people) {
    for (const row of rows(p)) piece += `${row.map(copyValue).join('\t')}\n`;
    if (piece.length > 1_000_000) {
      yield piece;
      piece = '';
    }
  }
  if (piece.length > 0) yield piece;
}

/** Loads persons [0, persons) with one INSERT … SELECT FROM unnest(arrays) per table per transaction of `chunk` persons. */
export async function loadPostgresInsert(pool: pg.Pool, seed: number, persons: number, chunk = 10_000): Promise<Load> {
  const client = await connect(pool);
  try {
    const start = performance.now();
    let generating = 0;
    for (let from = 0; from < persons; from += chunk) {
      const generated = generate(from, Math.min(persons, from + chunk), (i) => syntheticPerson(seed, i));
      generating += generated.seconds;
      const people = generated.items;
      const ids = people.map((p) => p.id);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO person (id, district, status, created_at, updated_at)
         SELECT id, $2, 'active', $3, $3 FROM unnest($1::uuid[]) AS t(id)`,
        [ids, DISTRICT, RECORDED_AT],
      );
      await client.query(
        `INSERT INTO identifier (id, district, person_id, type, number, issuing_country, issuing_area, recorded_at)
         SELECT id, $4, person_id, 'CN_ID', number, 'CHN', left(number, 6), $5 FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(id, person_id, number)`,
        [people.map((p) => p.identifierId), ids, people.map((p) => p.idNumber), DISTRICT, RECORDED_AT],
      );
      await client.query(
        `INSERT INTO residence (id, district, person_id, kind, area_code, valid_from, recorded_at)
         SELECT id, $6, person_id, kind, area_code, valid_from, $7 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::date[]) AS t(id, person_id, kind, area_code, valid_from)`,
        [
          people.flatMap((p) => [p.registeredResidenceId, p.actualResidenceId]),
          people.flatMap((p) => [p.id, p.id]),
          people.flatMap(() => ['registered', 'actual']),
          people.flatMap((p) => [p.registeredArea, p.actualArea]),
          people.flatMap((p) => [p.since, p.since]),
          DISTRICT,
          RECORDED_AT,
        ],
      );
      await client.query(
        `INSERT INTO person_value (person_id, element_id, district, value, method, recorded_at)
         SELECT person_id, element_id, $4, value, 'import', $5 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(person_id, element_id, value)`,
        [people.flatMap((p) => VALUE_ELEMENTS.map(() => p.id)), people.flatMap(() => [...VALUE_ELEMENTS]), people.flatMap((p) => [...personValues(p)]), DISTRICT, RECORDED_AT],
      );
      await client.query('COMMIT');
    }
    const wallSeconds = (performance.now() - start) / 1000;
    return { count: persons * ROWS_PER_PERSON, seconds: wallSeconds - generating, wallSeconds };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

export async function truncatePersons(pool: pg.Pool): Promise<void> {
  await pool.query(`TRUNCATE ${PERSON_TABLES.join(', ')} CASCADE`);
}

export async function vacuumAnalyze(pool: pg.Pool): Promise<void> {
  for (const t of PERSON_TABLES) await pool.query(`VACUUM ANALYZE ${t}`);
}

export async function databaseMB(pool: pg.Pool): Promise<number> {
  const r = await pool.query<{ bytes: string | number }>('SELECT pg_database_size(current_database()) AS bytes');
  return Math.round(Number(r.rows[0]?.bytes ?? 0) / 2 ** 20);
}

/** One named prepared statement, one id per round trip, on one connection. */
export async function postgresPkReads(pool: pg.Pool, plan: ReadPlan): Promise<Timed> {
  const client = await connect(pool);
  try {
    const start = performance.now();
    for (let k = 0; k < plan.ids.length; k++) {
      const r = await client.query<PersonRead>({ name: 'bench-read-one', text: READ_ONE, values: [plan.ids[k]] });
      verify(plan, k, r.rows[0]);
    }
    return { count: plan.ids.length, seconds: (performance.now() - start) / 1000 };
  } finally {
    client.release();
  }
}

/** `batch` ids per round trip with `= ANY($1)`, on one connection. */
export async function postgresBatchedReads(pool: pg.Pool, plan: ReadPlan, batch: number): Promise<Timed> {
  const client = await connect(pool);
  try {
    const start = performance.now();
    for (let from = 0; from < plan.ids.length; from += batch) {
      const to = Math.min(plan.ids.length, from + batch);
      const r = await client.query<PersonRead>({ name: 'bench-read-many', text: READ_MANY, values: [plan.ids.slice(from, to)] });
      verifyBatch(plan, from, to, r.rows);
    }
    return { count: plan.ids.length, seconds: (performance.now() - start) / 1000 };
  } finally {
    client.release();
  }
}
