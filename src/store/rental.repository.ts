/**
 * Rental registrations (migrations 0009, 0014): written by imports (src/ingest/rentals.ts) and by
 * hand (src/services/housing.service.ts, with who entered them), read by dwelling and by tenant.
 * Rows are never deleted but by the rollback of the batch that wrote them; a source that stops
 * reporting one ends it, and one entered by hand is ended by hand.
 */
import { sql, type Expression, type Selectable, type SqlBool } from 'kysely';
import type { RentalFacts, RentalMethod, RentalRegistration } from '../domain/registry/rental.ts';
import type { RentalRegistrationTable } from './rental-tables.ts';
import './rental-tables.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';

/** Values per list parameter of a read or write. */
const LIST = 1000;
/** Rows per multi-row INSERT (19 columns since migration 0014; SQLite binds at most 32,766 parameters, PostgreSQL 65,535). */
const INSERT_ROWS = 1000;

const toRental = (r: Selectable<RentalRegistrationTable>): RentalRegistration => ({
  id: r.id,
  dwellingId: r.dwelling_id,
  personId: r.person_id,
  registrationNumber: r.registration_number,
  landlordName: r.landlord_name,
  startDate: r.start_date,
  endDate: r.end_date,
  sourceId: r.source_id,
  batchId: r.batch_id,
  recordedAt: r.recorded_at,
  endedOn: r.ended_on,
  method: r.method === 'api' ? 'api' : 'import',
  recordedBy: r.recorded_by,
  departmentId: r.department_id,
  endedBy: r.ended_by,
});

export interface NewRental extends RentalFacts {
  readonly id: string;
  readonly personId: string;
}

/** Who entered a registration by hand, and as which source (observations' `manual`, or the owner's source). */
export interface RentalProvenance {
  readonly sourceId: string;
  readonly method: RentalMethod;
  readonly recordedBy: string;
  readonly departmentId: string | null;
}

export class RentalRepository {
  /**
   * @param sqlite whether the database is SQLite (lists bound as one JSON parameter) rather than
   *   PostgreSQL (one array parameter)
   */
  constructor(
    private readonly db: Db,
    private readonly district: string,
    private readonly sqlite: boolean,
  ) {}

  private inList(column: string, values: readonly string[]): Expression<SqlBool> {
    return this.sqlite ? sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))` : sql<SqlBool>`${sql.ref(column)} = any(${sql.val([...values])})`;
  }

  /** The registrations a source reports now (not ended) for these tenants. */
  async openFrom(personIds: readonly string[], sourceId: string): Promise<RentalRegistration[]> {
    const out: RentalRegistration[] = [];
    for (let i = 0; i < personIds.length; i += LIST) {
      const rows = await this.db
        .selectFrom('rental_registration')
        .selectAll()
        .where(this.inList('person_id', personIds.slice(i, i + LIST)))
        .where('source_id', '=', sourceId)
        .where('ended_on', 'is', null)
        .execute();
      for (const r of rows) out.push(toRental(r));
    }
    return out;
  }

  async insert(rows: readonly NewRental[], sourceId: string, batchId: string): Promise<void> {
    const recordedAt = nowIso();
    for (let i = 0; i < rows.length; i += INSERT_ROWS) {
      await this.db
        .insertInto('rental_registration')
        .values(
          rows.slice(i, i + INSERT_ROWS).map((r) => ({
            id: r.id,
            district: this.district,
            dwelling_id: r.dwellingId,
            person_id: r.personId,
            registration_number: r.registrationNumber,
            landlord_name: r.landlordName,
            start_date: r.startDate,
            end_date: r.endDate,
            source_id: sourceId,
            batch_id: batchId,
            recorded_at: recordedAt,
            ended_on: null,
            ended_batch_id: null,
            method: 'import',
            recorded_by: null,
            department_id: null,
            ended_by: null,
          })),
        )
        .execute();
    }
  }

  /** Ends registrations from an extract date on: their source no longer reports them. */
  async end(ids: readonly string[], endedOn: string, batchId: string): Promise<void> {
    for (let i = 0; i < ids.length; i += LIST) {
      await this.db
        .updateTable('rental_registration')
        .set({ ended_on: endedOn, ended_batch_id: batchId })
        .where(this.inList('id', ids.slice(i, i + LIST)))
        .execute();
    }
  }

  /** One registration entered by hand (no import batch). */
  async insertEntered(row: NewRental, by: RentalProvenance): Promise<RentalRegistration> {
    const values = {
      id: row.id,
      district: this.district,
      dwelling_id: row.dwellingId,
      person_id: row.personId,
      registration_number: row.registrationNumber,
      landlord_name: row.landlordName,
      start_date: row.startDate,
      end_date: row.endDate,
      source_id: by.sourceId,
      batch_id: null,
      recorded_at: nowIso(),
      ended_on: null,
      ended_batch_id: null,
      method: by.method,
      recorded_by: by.recordedBy,
      department_id: by.departmentId,
      ended_by: null,
    };
    await this.db.insertInto('rental_registration').values(values).execute();
    return toRental(values);
  }

  /** Ends one registration by hand from a date on (it stays, in the dwelling's past); false when it was already ended. */
  async endEntered(id: string, endedOn: string, endedBy: string): Promise<boolean> {
    const r = await this.db
      .updateTable('rental_registration')
      .set({ ended_on: endedOn, ended_by: endedBy })
      .where('id', '=', id)
      .where('ended_on', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async findRental(id: string): Promise<RentalRegistration | undefined> {
    const r = await this.db.selectFrom('rental_registration').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRental(r);
  }

  /** The registrations of a dwelling under a number that are not ended, from any source. */
  async openAt(dwellingId: string, registrationNumber: string): Promise<RentalRegistration[]> {
    const rows = await this.db
      .selectFrom('rental_registration')
      .selectAll()
      .where('dwelling_id', '=', dwellingId)
      .where('registration_number', '=', registrationNumber)
      .where('ended_on', 'is', null)
      .execute();
    return rows.map(toRental);
  }

  /** Every registration of a dwelling, the latest start first. */
  async listByDwelling(dwellingId: string): Promise<RentalRegistration[]> {
    const rows = await this.db.selectFrom('rental_registration').selectAll().where('dwelling_id', '=', dwellingId).orderBy('start_date', 'desc').orderBy('id').execute();
    return rows.map(toRental);
  }

  /** Every registration naming a person as tenant, the latest start first. */
  async listByPerson(personId: string): Promise<RentalRegistration[]> {
    const rows = await this.db.selectFrom('rental_registration').selectAll().where('person_id', '=', personId).orderBy('start_date', 'desc').orderBy('id').execute();
    return rows.map(toRental);
  }

  /**
   * Undoes what one import batch did (src/ingest/rollback.ts): its registrations removed, those it
   * ended reported again. Answers the registrations in force it removed and the ones it reopened
   * (as they are now), for the rollback's change events.
   */
  async undoBatch(batchId: string): Promise<{ removed: RentalRegistration[]; reopened: RentalRegistration[] }> {
    const removed = (await this.db.selectFrom('rental_registration').selectAll().where('batch_id', '=', batchId).where('ended_on', 'is', null).execute()).map(toRental);
    await this.db.deleteFrom('rental_registration').where('batch_id', '=', batchId).execute();
    const ended = await this.db.selectFrom('rental_registration').selectAll().where('ended_batch_id', '=', batchId).execute();
    await this.db.updateTable('rental_registration').set({ ended_on: null, ended_batch_id: null }).where('ended_batch_id', '=', batchId).execute();
    return { removed, reopened: ended.map((r) => ({ ...toRental(r), endedOn: null })) };
  }
}
