/**
 * What the import pipeline reads and writes in bulk: batches, rejected rows, source records,
 * observations, current values and review items. One query per batch of rows, never per row.
 */
import type { Selectable } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Reported } from '../domain/survivorship.ts';
import type { ImportBatchTable, SourceRecordTable } from './database.ts';
import type { Db } from './store.ts';
import { nowIso } from './clock.ts';

export type BatchRow = Selectable<ImportBatchTable>;
export type SourceRecordRow = Selectable<SourceRecordTable>;

export interface ObservationWrite {
  readonly personId: string;
  readonly elementId: string;
  readonly value: string | null;
  readonly sourceId: string;
  readonly method: string;
  readonly observedAt: string | null;
  readonly batchId: string | null;
}

export interface CurrentWrite {
  readonly personId: string;
  readonly elementId: string;
  readonly value: string;
  readonly sourceId: string;
  readonly observedAt: string | null;
  readonly recordedAt: string;
  readonly status: string;
}

export type Counters = Pick<BatchRow, 'rows_read' | 'rows_rejected' | 'rows_unchanged' | 'persons_created' | 'persons_linked' | 'records_ended' | 'conflicts'>;

const CHUNK = 400;

/** How a current value arrived, from its source: entered by hand, derived (from an ID number), or imported. */
function methodOf(sourceId: string): string {
  if (sourceId === 'manual') return 'api';
  if (sourceId === 'id-number') return 'derived';
  return 'import';
}

async function chunked<T>(rows: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

export class IngestRepository {
  private statements: { observation: BetterSqlite3.Statement; current: BetterSqlite3.Statement } | undefined;

  /**
   * @param raw on SQLite, the connection itself: the hottest writes (observations, current values)
   *   run as prepared statements on it, inside the same transaction as everything else.
   */
  constructor(
    private readonly db: Db,
    private readonly district: string,
    private readonly raw?: BetterSqlite3.Database,
  ) {}

  private fast(): { observation: BetterSqlite3.Statement; current: BetterSqlite3.Statement } | undefined {
    if (!this.raw) return undefined;
    this.statements ??= {
      observation: this.raw.prepare(
        `INSERT INTO observation (district, person_id, element_id, value, source_id, method, observed_at, recorded_at, batch_id, collector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      ),
      current: this.raw.prepare(
        `INSERT INTO person_value (person_id, element_id, district, value, source_id, method, observed_at, recorded_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id, element_id) DO UPDATE SET value = excluded.value, source_id = excluded.source_id, method = excluded.method,
         observed_at = excluded.observed_at, recorded_at = excluded.recorded_at, status = excluded.status`,
      ),
    };
    return this.statements;
  }

  /** The distribution key written on new rows. */
  get districtCode(): string {
    return this.district;
  }

  async insertBatch(b: BatchRow): Promise<void> {
    await this.db.insertInto('import_batch').values(b).execute();
  }

  async findBatch(id: string): Promise<BatchRow | undefined> {
    return this.db.selectFrom('import_batch').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listBatches(sourceId: string | undefined, limit: number): Promise<BatchRow[]> {
    let q = this.db.selectFrom('import_batch').selectAll();
    if (sourceId) q = q.where('source_id', '=', sourceId);
    return q.orderBy('started_at', 'desc').limit(limit).execute();
  }

  async updateBatch(id: string, patch: Partial<Omit<BatchRow, 'id'>>): Promise<void> {
    await this.db.updateTable('import_batch').set(patch).where('id', '=', id).execute();
  }

  /** The last batch of the source that committed with the same file content, if any. */
  async committedWithHash(sourceId: string, sha256: string): Promise<BatchRow | undefined> {
    return this.db.selectFrom('import_batch').selectAll().where('source_id', '=', sourceId).where('file_sha256', '=', sha256).where('status', '=', 'committed').executeTakeFirst();
  }

  async insertRejected(rows: readonly { batchId: string; row: number; column: string | null; value: string | null; reason: string; message: string }[]): Promise<void> {
    await chunked(rows, (c) =>
      this.db
        .insertInto('rejected_row')
        .values(c.map((r) => ({ batch_id: r.batchId, row: r.row, column: r.column, value: r.value, reason: r.reason, message: r.message })))
        .execute(),
    );
  }

  async listRejected(batchId: string): Promise<{ row: number; column: string | null; value: string | null; reason: string; message: string }[]> {
    return this.db.selectFrom('rejected_row').select(['row', 'column', 'value', 'reason', 'message']).where('batch_id', '=', batchId).orderBy('row').execute();
  }

  async sourceRecords(sourceId: string, keys: readonly string[]): Promise<Map<string, SourceRecordRow>> {
    const out = new Map<string, SourceRecordRow>();
    if (keys.length === 0) return out;
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await this.db.selectFrom('source_record').selectAll().where('source_id', '=', sourceId).where('record_key', 'in', keys.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.record_key, r);
    }
    return out;
  }

  async upsertSourceRecords(rows: readonly SourceRecordRow[]): Promise<void> {
    await chunked(rows, (c) =>
      this.db
        .insertInto('source_record')
        .values(c)
        .onConflict((oc) =>
          oc.columns(['source_id', 'record_key']).doUpdateSet((eb) => ({
            person_id: eb.ref('excluded.person_id'),
            link_rule: eb.ref('excluded.link_rule'),
            row_hash: eb.ref('excluded.row_hash'),
            last_batch_id: eb.ref('excluded.last_batch_id'),
            ended_at: eb.ref('excluded.ended_at'),
          })),
        )
        .execute(),
    );
  }

  async touchSourceRecords(sourceId: string, keys: readonly string[], batchId: string): Promise<void> {
    for (let i = 0; i < keys.length; i += CHUNK) {
      await this.db.updateTable('source_record').set({ last_batch_id: batchId }).where('source_id', '=', sourceId).where('record_key', 'in', keys.slice(i, i + CHUNK)).execute();
    }
  }

  /** Live records of the source that the given batch did not see (a full extract no longer lists them). */
  async unseenRecords(sourceId: string, batchId: string, limit: number): Promise<SourceRecordRow[]> {
    return this.db
      .selectFrom('source_record')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('last_batch_id', '<>', batchId)
      .where('ended_at', 'is', null)
      .limit(limit)
      .execute();
  }

  /** Of these persons, those the given batch saw under some record of the source. */
  async liveRecordPersons(sourceId: string, personIds: readonly string[], batchId: string): Promise<(string | null)[]> {
    const out: (string | null)[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('source_record')
        .select('person_id')
        .where('source_id', '=', sourceId)
        .where('last_batch_id', '=', batchId)
        .where('person_id', 'in', personIds.slice(i, i + CHUNK))
        .execute();
      out.push(...rows.map((r) => r.person_id));
    }
    return out;
  }

  async endSourceRecords(sourceId: string, keys: readonly string[], at: string, batchId: string): Promise<void> {
    for (let i = 0; i < keys.length; i += CHUNK) {
      await this.db.updateTable('source_record').set({ ended_at: at, ended_batch_id: batchId }).where('source_id', '=', sourceId).where('record_key', 'in', keys.slice(i, i + CHUNK)).execute();
    }
  }

  /** Persons holding these identifier numbers of one type. */
  async personsByIdentifier(type: string, numbers: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < numbers.length; i += CHUNK) {
      const rows = await this.db.selectFrom('identifier').select(['number', 'person_id']).where('type', '=', type).where('number', 'in', numbers.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.number, r.person_id);
    }
    return out;
  }

  async insertObservations(rows: readonly ObservationWrite[]): Promise<void> {
    const now = nowIso();
    const fast = this.fast();
    if (fast) {
      for (const o of rows) fast.observation.run(this.district, o.personId, o.elementId, o.value, o.sourceId, o.method, o.observedAt, now, o.batchId);
      return;
    }
    await chunked(rows, (c) =>
      this.db
        .insertInto('observation')
        .values(
          c.map((o) => ({
            district: this.district,
            person_id: o.personId,
            element_id: o.elementId,
            value: o.value,
            source_id: o.sourceId,
            method: o.method,
            observed_at: o.observedAt,
            recorded_at: now,
            batch_id: o.batchId,
            collector: null,
          })),
        )
        .execute(),
    );
  }

  /** Every observation of the persons for the elements, as survivorship reads them. */
  async reports(personIds: readonly string[], elementIds?: readonly string[]): Promise<(Reported & { personId: string; elementId: string })[]> {
    const out: (Reported & { personId: string; elementId: string })[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      let q = this.db
        .selectFrom('observation')
        .select(['id', 'person_id', 'element_id', 'value', 'source_id', 'observed_at', 'recorded_at'])
        .where('person_id', 'in', personIds.slice(i, i + CHUNK));
      if (elementIds) q = q.where('element_id', 'in', [...elementIds]);
      for (const r of await q.execute()) {
        out.push({ personId: r.person_id, elementId: r.element_id, sourceId: r.source_id ?? 'unknown', value: r.value, observedAt: r.observed_at, recordedAt: r.recorded_at, seq: Number(r.id) });
      }
    }
    return out;
  }

  /** Sets the current values (upsert) and removes those of `cleared` pairs, which no longer have one. */
  async replaceCurrent(cleared: readonly { personId: string; elementId: string }[], writes: readonly CurrentWrite[]): Promise<void> {
    const byPerson = new Map<string, string[]>();
    for (const p of cleared) {
      const list = byPerson.get(p.personId) ?? [];
      list.push(p.elementId);
      byPerson.set(p.personId, list);
    }
    for (const [personId, elements] of byPerson) {
      await this.db.deleteFrom('person_value').where('person_id', '=', personId).where('element_id', 'in', elements).execute();
    }
    const fast = this.fast();
    if (fast) {
      for (const w of writes) fast.current.run(w.personId, w.elementId, this.district, w.value, w.sourceId, methodOf(w.sourceId), w.observedAt, w.recordedAt, w.status);
      return;
    }
    await chunked(writes, (c) =>
      this.db
        .insertInto('person_value')
        .values(
          c.map((w) => ({
            person_id: w.personId,
            element_id: w.elementId,
            district: this.district,
            value: w.value,
            source_id: w.sourceId,
            method: methodOf(w.sourceId),
            observed_at: w.observedAt,
            recorded_at: w.recordedAt,
            status: w.status,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['person_id', 'element_id']).doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            source_id: eb.ref('excluded.source_id'),
            method: eb.ref('excluded.method'),
            observed_at: eb.ref('excluded.observed_at'),
            recorded_at: eb.ref('excluded.recorded_at'),
            status: eb.ref('excluded.status'),
          })),
        )
        .execute(),
    );
  }

  async openConflicts(personIds: readonly string[]): Promise<{ id: string; personId: string; elementId: string; sourceId: string; detail: string }[]> {
    const out: { id: string; personId: string; elementId: string; sourceId: string; detail: string }[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('review_item')
        .select(['id', 'person_id', 'element_id', 'source_id', 'detail'])
        .where('kind', '=', 'conflict')
        .where('status', '=', 'open')
        .where('person_id', 'in', personIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.push({ id: r.id, personId: r.person_id ?? '', elementId: r.element_id ?? '', sourceId: r.source_id ?? '', detail: r.detail });
    }
    return out;
  }

  async insertReviewItems(items: readonly { id: string; kind: string; personId: string | null; elementId: string | null; sourceId: string | null; detail: string; batchId: string | null }[]): Promise<void> {
    const now = nowIso();
    await chunked(items, (c) =>
      this.db
        .insertInto('review_item')
        .values(
          c.map((r) => ({
            id: r.id,
            district: this.district,
            kind: r.kind,
            status: 'open',
            person_id: r.personId,
            element_id: r.elementId,
            source_id: r.sourceId,
            detail: r.detail,
            batch_id: r.batchId,
            created_at: now,
            resolved_at: null,
          })),
        )
        .execute(),
    );
  }

  async resolveReviewItems(ids: readonly string[], status: 'resolved' | 'superseded'): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.db.updateTable('review_item').set({ status, resolved_at: nowIso() }).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
    }
  }

  /** The source's own latest report for each person and element (null where it withdrew the value). */
  async latestFromSource(personIds: readonly string[], sourceId: string): Promise<Map<string, Map<string, string | null>>> {
    const out = new Map<string, Map<string, string | null>>();
    const seqs = new Map<string, number>();
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('observation')
        .select(['id', 'person_id', 'element_id', 'value'])
        .where('source_id', '=', sourceId)
        .where('person_id', 'in', personIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) {
        const k = `${r.person_id}\u0000${r.element_id}`;
        const id = Number(r.id);
        if ((seqs.get(k) ?? -1) > id) continue;
        seqs.set(k, id);
        let m = out.get(r.person_id);
        if (!m) out.set(r.person_id, (m = new Map()));
        m.set(r.element_id, r.value);
      }
    }
    return out;
  }

  async insertPersons(ids: readonly string[], batchId: string): Promise<void> {
    const now = nowIso();
    await chunked(ids, (c) =>
      this.db
        .insertInto('person')
        .values(c.map((id) => ({ id, district: this.district, status: 'active', merged_into: null, created_at: now, updated_at: now, batch_id: batchId })))
        .execute(),
    );
  }

  async insertIdentifiers(
    rows: readonly { id: string; personId: string; type: string; number: string; issuingCountry: string; issuingArea: string | null }[],
    batchId: string,
  ): Promise<void> {
    const now = nowIso();
    await chunked(rows, (c) =>
      this.db
        .insertInto('identifier')
        .values(
          c.map((r) => ({
            id: r.id,
            district: this.district,
            person_id: r.personId,
            type: r.type,
            number: r.number,
            issuing_country: r.issuingCountry,
            issuing_area: r.issuingArea,
            valid_from: null,
            valid_to: null,
            recorded_at: now,
            batch_id: batchId,
          })),
        )
        .execute(),
    );
  }

  /** Holders of these numbers, whatever the type: number → [{ personId, type, issuingCountry }]. */
  async identifierHolders(numbers: readonly string[]): Promise<Map<string, { personId: string; type: string; issuingCountry: string }[]>> {
    const out = new Map<string, { personId: string; type: string; issuingCountry: string }[]>();
    for (let i = 0; i < numbers.length; i += CHUNK) {
      const rows = await this.db.selectFrom('identifier').select(['number', 'person_id', 'type', 'issuing_country']).where('number', 'in', numbers.slice(i, i + CHUNK)).execute();
      for (const r of rows) {
        const list = out.get(r.number) ?? [];
        list.push({ personId: r.person_id, type: r.type, issuingCountry: r.issuing_country });
        out.set(r.number, list);
      }
    }
    return out;
  }

  /** Residences in force that the source reported, by person. */
  async openResidencesFrom(personIds: readonly string[], sourceId: string): Promise<{ id: string; personId: string; kind: string; areaCode: string; address: string | null }[]> {
    const out: { id: string; personId: string; kind: string; areaCode: string; address: string | null }[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('residence')
        .select(['id', 'person_id', 'kind', 'area_code', 'address_text'])
        .where('source_id', '=', sourceId)
        .where('valid_to', 'is', null)
        .where('person_id', 'in', personIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.push({ id: r.id, personId: r.person_id, kind: r.kind, areaCode: r.area_code, address: r.address_text });
    }
    return out;
  }

  async insertResidences(
    rows: readonly { id: string; personId: string; kind: string; areaCode: string; address: string | null; dwellingId: string | null; validFrom: string | null }[],
    sourceId: string,
    batchId: string,
  ): Promise<void> {
    const now = nowIso();
    await chunked(rows, (c) =>
      this.db
        .insertInto('residence')
        .values(
          c.map((r) => ({
            id: r.id,
            district: this.district,
            person_id: r.personId,
            kind: r.kind,
            dwelling_id: r.dwellingId,
            area_code: r.areaCode,
            address_text: r.address,
            valid_from: r.validFrom,
            valid_to: null,
            recorded_at: now,
            source_id: sourceId,
            batch_id: batchId,
          })),
        )
        .execute(),
    );
  }

  async endResidences(ids: readonly string[], validTo: string, batchId: string): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.db.updateTable('residence').set({ valid_to: validTo, ended_batch_id: batchId }).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
    }
  }

  /** Undoes what one batch wrote (see src/ingest/rollback.ts); returns the persons whose values must be recomputed. */
  async undoBatch(batchId: string): Promise<{ personIds: string[]; elementPairs: { personId: string; elementId: string }[] }> {
    const touched = await this.db.selectFrom('observation').select(['person_id', 'element_id']).distinct().where('batch_id', '=', batchId).execute();
    await this.db.deleteFrom('observation').where('batch_id', '=', batchId).execute();
    await this.db.deleteFrom('rejected_row').where('batch_id', '=', batchId).execute();
    await this.db.deleteFrom('review_item').where('batch_id', '=', batchId).execute();
    await this.db.deleteFrom('residence').where('batch_id', '=', batchId).execute();
    await this.db.updateTable('residence').set({ valid_to: null, ended_batch_id: null }).where('ended_batch_id', '=', batchId).execute();
    await this.db.deleteFrom('identifier').where('batch_id', '=', batchId).execute();
    await this.db.deleteFrom('household_member').where('batch_id', '=', batchId).execute();
    await this.db.updateTable('household_member').set({ valid_to: null, ended_batch_id: null }).where('ended_batch_id', '=', batchId).execute();
    const households = (await this.db.selectFrom('household').select('id').where('batch_id', '=', batchId).execute()).map((r) => r.id);
    for (let i = 0; i < households.length; i += CHUNK) {
      const ids = households.slice(i, i + CHUNK);
      const used = new Set((await this.db.selectFrom('household_member').select('household_id').where('household_id', 'in', ids).execute()).map((r) => r.household_id));
      const unused = ids.filter((id) => !used.has(id));
      if (unused.length > 0) await this.db.deleteFrom('household').where('id', 'in', unused).execute();
    }
    await this.db.deleteFrom('source_record').where('first_batch_id', '=', batchId).execute();
    await this.db.updateTable('source_record').set({ ended_at: null, ended_batch_id: null }).where('ended_batch_id', '=', batchId).execute();
    // Records this batch only updated are re-read in full next time.
    await this.db.updateTable('source_record').set({ row_hash: '' }).where('last_batch_id', '=', batchId).execute();
    // Persons the batch created and nothing else refers to any more.
    const created = (await this.db.selectFrom('person').select('id').where('batch_id', '=', batchId).execute()).map((r) => r.id);
    const orphans: string[] = [];
    for (let i = 0; i < created.length; i += CHUNK) {
      const ids = created.slice(i, i + CHUNK);
      const referenced = new Set<string>();
      for (const table of ['observation', 'identifier', 'residence', 'source_record', 'household_member'] as const) {
        const rows = await this.db.selectFrom(table).select('person_id').where('person_id', 'in', ids).execute();
        for (const r of rows) if (r.person_id) referenced.add(r.person_id);
      }
      orphans.push(...ids.filter((id) => !referenced.has(id)));
    }
    for (let i = 0; i < orphans.length; i += CHUNK) {
      const ids = orphans.slice(i, i + CHUNK);
      await this.db.deleteFrom('person_value').where('person_id', 'in', ids).execute();
      await this.db.deleteFrom('review_item').where('person_id', 'in', ids).execute();
      await this.db.deleteFrom('person').where('id', 'in', ids).execute();
    }
    const gone = new Set(orphans);
    const pairs = touched.filter((t) => !gone.has(t.person_id)).map((t) => ({ personId: t.person_id, elementId: t.element_id }));
    return { personIds: [...new Set(pairs.map((p) => p.personId))], elementPairs: pairs };
  }

  async householdsByNumber(numbers: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < numbers.length; i += CHUNK) {
      const rows = await this.db.selectFrom('household').select(['id', 'household_no']).where('household_no', 'in', numbers.slice(i, i + CHUNK)).execute();
      for (const r of rows) if (r.household_no) out.set(r.household_no, r.id);
    }
    return out;
  }

  async insertHouseholds(rows: readonly { id: string; householdNo: string; type: string; areaCode: string }[], batchId: string): Promise<void> {
    const now = nowIso();
    await chunked(rows, (c) =>
      this.db
        .insertInto('household')
        .values(
          c.map((h) => ({
            id: h.id,
            district: this.district,
            household_no: h.householdNo,
            type: h.type,
            area_code: h.areaCode,
            dwelling_id: null,
            address_text: null,
            registration_category: null,
            created_at: now,
            updated_at: now,
            batch_id: batchId,
          })),
        )
        .execute(),
    );
  }

  /** Memberships in force that the source reported, by person. */
  async openMembershipsFrom(personIds: readonly string[], sourceId: string): Promise<{ id: string; personId: string; householdId: string; relationship: string }[]> {
    const out: { id: string; personId: string; householdId: string; relationship: string }[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('household_member')
        .select(['id', 'person_id', 'household_id', 'relationship'])
        .where('source_id', '=', sourceId)
        .where('valid_to', 'is', null)
        .where('person_id', 'in', personIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.push({ id: r.id, personId: r.person_id, householdId: r.household_id, relationship: r.relationship });
    }
    return out;
  }

  async insertMemberships(rows: readonly { id: string; householdId: string; personId: string; relationship: string; validFrom: string }[], sourceId: string, batchId: string): Promise<void> {
    const now = nowIso();
    await chunked(rows, (c) =>
      this.db
        .insertInto('household_member')
        .values(
          c.map((m) => ({
            id: m.id,
            district: this.district,
            household_id: m.householdId,
            person_id: m.personId,
            relationship: m.relationship,
            valid_from: m.validFrom,
            valid_to: null,
            created_at: now,
            source_id: sourceId,
            batch_id: batchId,
          })),
        )
        .execute(),
    );
  }

  async endMemberships(ids: readonly string[], validTo: string, batchId: string): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.db.updateTable('household_member').set({ valid_to: validTo, ended_batch_id: batchId }).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
    }
  }

  async listReviewItems(q: { kind?: string | undefined; status?: string | undefined; personId?: string | undefined; limit: number; offset: number }): Promise<{
    items: { id: string; kind: string; status: string; personId: string | null; elementId: string | null; sourceId: string | null; detail: string; batchId: string | null; createdAt: string; resolvedAt: string | null }[];
    total: number;
  }> {
    let base = this.db.selectFrom('review_item');
    if (q.kind) base = base.where('kind', '=', q.kind);
    if (q.status) base = base.where('status', '=', q.status);
    if (q.personId) base = base.where('person_id', '=', q.personId);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    return {
      total: Number(total.n),
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        status: r.status,
        personId: r.person_id,
        elementId: r.element_id,
        sourceId: r.source_id,
        detail: r.detail,
        batchId: r.batch_id,
        createdAt: r.created_at,
        resolvedAt: r.resolved_at,
      })),
    };
  }

  async countReview(kind: string, status = 'open'): Promise<number> {
    const r = await this.db.selectFrom('review_item').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).where('status', '=', status).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
