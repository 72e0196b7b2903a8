/**
 * Writes one chunk of mapped rows, inside one transaction: recognise unchanged records, link each
 * changed record to a person (its earlier link, then its citizen ID number, then the matcher, else
 * a new person), add identity documents, record the values the source now reports as
 * observations (only what changed), move residences the source reports, and let survivorship
 * recompute the current values. One query per step for the whole chunk.
 */
import type { Repositories } from '../store/repositories.ts';
import type { ObservationWrite, SourceRecordRow } from '../store/ingest.repository.ts';
import { newId, nowIso } from '../store/clock.ts';
import { birthDateAndSex } from '../domain/id-number.ts';
import { recomputeCurrent } from '../services/current-values.ts';
import type { MappedRow } from './map/map-record.ts';
import type { MatchOutcome, PersonMatcher } from './person-matcher.ts';
import type { ChangeCause } from '../domain/feed/change-event.ts';
import { identifierElement } from '../domain/registry/element-ids.ts';
import { ChangeEvents } from '../services/change-events.ts';
import { byPerson } from '../domain/by-person.ts';
import { applyRentals } from './rentals.ts';

export interface ChunkContext {
  readonly sourceId: string;
  readonly batchId: string;
  /** Valid time of what the file says (its extract date), YYYY-MM-DD. */
  readonly observedAt: string;
  readonly matcher: PersonMatcher;
  /** The node's street, where a household of unknown registration is placed. */
  readonly homeArea: string;
  /** What the change events of the chunk name as their cause; default the import of batchId. */
  readonly cause?: ChangeCause;
  /**
   * The persons not merged away, kept across the chunks of one import: counted by the matcher at
   * the import's first match, then raised by the persons each chunk creates (nothing else of the
   * import adds or merges persons), so the registry is counted once per import, not once per call.
   * Absent: the matcher counts on each call.
   */
  readonly population?: { active?: number };
}

export interface ChunkOutcome {
  /** Rows whose key an earlier row of the same import already had: not applied, to be rejected. */
  duplicates: MappedRow[];
  unchanged: number;
  created: number;
  linked: number;
  conflicts: number;
  /** Review items for identifiers already held by another person. */
  identifierClashes: number;
  /** Possible matches sent to review. */
  reviews: number;
}

export async function applyChunk(repos: Repositories, rows: readonly MappedRow[], ctx: ChunkContext): Promise<ChunkOutcome> {
  const outcome: ChunkOutcome = { duplicates: [], unchanged: 0, created: 0, linked: 0, conflicts: 0, identifierClashes: 0, reviews: 0 };
  if (rows.length === 0) return outcome;
  await repos.ingest.planAsChunk();
  const existing = await repos.ingest.sourceRecords(ctx.sourceId, rows.map((r) => r.key));
  // A key seen earlier in this import (an earlier chunk stamped it with this batch, or an earlier row of this chunk) is a duplicate.
  const seenHere = new Set<string>();
  const unique: MappedRow[] = [];
  for (const row of rows) {
    if (existing.get(row.key)?.last_batch_id === ctx.batchId || seenHere.has(row.key)) outcome.duplicates.push(row);
    else {
      seenHere.add(row.key);
      unique.push(row);
    }
  }
  rows = unique;

  const unchangedKeys: string[] = [];
  const changed: { row: MappedRow; record: SourceRecordRow | undefined }[] = [];
  for (const row of rows) {
    const record = existing.get(row.key);
    if (record && record.row_hash === row.hash && record.ended_at === null && record.person_id !== null) unchangedKeys.push(row.key);
    else changed.push({ row, record });
  }
  outcome.unchanged = unchangedKeys.length;
  if (unchangedKeys.length > 0) await repos.ingest.touchSourceRecords(ctx.sourceId, unchangedKeys, ctx.batchId);
  if (changed.length === 0) return outcome;

  // Link: earlier link of the record, then any identifier number it carries, then the matcher.
  const numbers = [...new Set(changed.flatMap((c) => c.row.identifiers.map((i) => i.number)))];
  const holders = await repos.ingest.identifierHolders(numbers);
  const personOf = new Map<MappedRow, { personId: string; rule: string }>();
  const unlinked: MappedRow[] = [];
  const newByNumber = new Map<string, string>();
  for (const { row, record } of changed) {
    if (record?.person_id) {
      personOf.set(row, { personId: record.person_id, rule: record.link_rule ?? 'record' });
      continue;
    }
    const held = row.identifiers
      .map((i) => holders.get(i.number)?.find((h) => h.type === i.type && h.issuingCountry === i.issuingCountry)?.personId)
      .find((p) => p !== undefined);
    if (held) personOf.set(row, { personId: held, rule: 'identifier' });
    else unlinked.push(row);
  }
  const outcomeOfMatcher = await matchInParts(repos, ctx, unlinked);
  const matched = outcomeOfMatcher?.links ?? new Map<MappedRow, { personId: string; rule: string }>();
  const created: string[] = [];
  for (const row of unlinked) {
    const m = matched.get(row);
    if (m) {
      personOf.set(row, m);
      continue;
    }
    // Two new records of one file carrying the same number, or found the same person by the matcher, are one new person.
    const sameNumber = row.identifiers.map((i) => newByNumber.get(`${i.type}|${i.issuingCountry}|${i.number}`)).find((p) => p !== undefined);
    const same = outcomeOfMatcher?.sameAs?.get(row);
    const sameRecord = same ? personOf.get(same.row)?.personId : undefined;
    const personId = sameNumber ?? sameRecord ?? newId();
    if (!sameNumber && !sameRecord) created.push(personId);
    for (const i of row.identifiers) newByNumber.set(`${i.type}|${i.issuingCountry}|${i.number}`, personId);
    personOf.set(row, { personId, rule: sameNumber ? 'identifier' : sameRecord && same ? same.rule : 'new' });
  }
  outcome.created = created.length;
  if (ctx.population?.active !== undefined) ctx.population.active += created.length;
  const possible = [...(outcomeOfMatcher?.reviews ?? new Map<MappedRow, { candidateId: string; detail: string }>())].flatMap(([row, r]) => {
    const personId = personOf.get(row)?.personId;
    return personId ? [{ id: newId(), kind: 'possible-match', personId, elementId: null, sourceId: ctx.sourceId, detail: JSON.stringify({ candidateId: r.candidateId, row: row.row, explanation: r.detail }), batchId: ctx.batchId }] : [];
  });
  outcome.linked = [...personOf.values()].filter((p) => p.rule !== 'new').length;
  await repos.ingest.insertPersons(created, ctx.batchId);
  const events = new ChangeEvents(ctx.cause ?? { kind: 'import', batchId: ctx.batchId, sourceId: ctx.sourceId });
  events.personsCreated(created);
  // A record newly linked to a person who existed before it (a new person's created event names its source already).
  const createdHere = new Set(created);
  for (const { row, record } of changed) {
    const p = personOf.get(row);
    if (p && record?.person_id !== p.personId && !createdHere.has(p.personId)) events.linked(p.personId, ctx.sourceId, p.rule);
  }
  if (possible.length > 0) await repos.ingest.insertReviewItems(possible);
  outcome.reviews = possible.length;

  // Identity documents the person does not hold yet; a number held by someone else is a review item.
  const identifierRows: { id: string; personId: string; type: string; number: string; issuingCountry: string; issuingArea: string | null }[] = [];
  const clashes: { id: string; kind: string; personId: string; elementId: null; sourceId: string; detail: string; batchId: string }[] = [];
  const seen = new Set<string>();
  for (const { row } of changed) {
    const personId = personOf.get(row)?.personId;
    if (!personId) continue;
    for (const i of row.identifiers) {
      const key = `${i.type}|${i.issuingCountry}|${i.number}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const holder = holders.get(i.number)?.find((h) => h.type === i.type && h.issuingCountry === i.issuingCountry);
      if (holder?.personId === personId) continue;
      if (holder) {
        clashes.push({ id: newId(), kind: 'identifier-clash', personId, elementId: null, sourceId: ctx.sourceId, detail: JSON.stringify({ type: i.type, heldBy: holder.personId, row: row.row }), batchId: ctx.batchId });
        continue;
      }
      identifierRows.push({ id: newId(), personId, ...i });
    }
  }
  await repos.ingest.insertIdentifiers(identifierRows, ctx.batchId);
  for (const i of identifierRows) events.element(i.personId, { element: identifierElement(i.type), old: null, new: i.number, source: ctx.sourceId });
  if (clashes.length > 0) await repos.ingest.insertReviewItems(clashes);
  outcome.identifierClashes = clashes.length;

  // Observations: only what differs from the source's own latest word. Persons created in this
  // chunk have nothing stored: nothing is read for them.
  const newPersons = new Set(created);
  const personIds = [...new Set([...personOf.values()].map((p) => p.personId))];
  const storedPersons = personIds.filter((p) => !newPersons.has(p));
  const latest = await repos.ingest.latestFromSource(storedPersons, ctx.sourceId);
  const recordedAt = nowIso();
  const observations: (ObservationWrite & { readonly recordedAt: string })[] = [];
  for (const { row } of changed) {
    const personId = personOf.get(row)?.personId;
    if (!personId) continue;
    const before = latest.get(personId);
    for (const v of row.values) {
      const previous = before?.get(v.elementId);
      if (previous === v.value || (previous === undefined && v.value === null)) continue;
      observations.push({ personId, elementId: v.elementId, value: v.value, sourceId: ctx.sourceId, method: 'import', observedAt: ctx.observedAt, batchId: ctx.batchId, recordedAt });
      let m = latest.get(personId);
      if (!m) latest.set(personId, (m = new Map()));
      m.set(v.elementId, v.value);
    }
  }
  // Birth date and sex written in a newly recorded citizen number are derived facts of the person.
  for (const i of identifierRows) {
    if (i.type !== 'CN_ID' && i.type !== 'HMT_RESIDENCE_PERMIT') continue;
    const f = birthDateAndSex(i.number);
    observations.push(
      { personId: i.personId, elementId: 'person.birthDate', value: f.birthDate, sourceId: 'id-number', method: 'derived', observedAt: null, batchId: ctx.batchId, recordedAt },
      { personId: i.personId, elementId: 'person.sex', value: f.sex, sourceId: 'id-number', method: 'derived', observedAt: null, batchId: ctx.batchId, recordedAt },
    );
  }
  // Current values first, from what is stored plus this chunk's observations, then the observations themselves.
  outcome.conflicts = (await recomputeCurrent(repos, observations, ctx.batchId, { pending: observations, newPersons, events })).conflictsOpened;
  await repos.ingest.insertObservations(observations);

  // Residences the source reports: a different place ends the source's earlier one on the extract date.
  // Every source's residences in force: the source's own are what it moves; a place another source reports already is no move of the person.
  const openAll = byPerson(await repos.ingest.openResidencesFrom(storedPersons, null));
  const open = new Map([...openAll].map(([p, list]) => [p, list.filter((r) => r.sourceId === ctx.sourceId)]));
  const toEnd: string[] = [];
  const toInsert: { id: string; personId: string; kind: string; areaCode: string; address: string | null; dwellingId: string | null; validFrom: string | null }[] = [];
  for (const { row } of changed) {
    const personId = personOf.get(row)?.personId;
    if (!personId) continue;
    for (const r of row.residences) {
      const mine = open.get(personId) ?? [];
      const current = mine.filter((o) => o.kind === r.kind);
      if (current.some((o) => o.areaCode === r.areaCode && o.address === r.address)) continue;
      toEnd.push(...current.map((o) => o.id));
      const id = newId();
      toInsert.push({ id, personId, kind: r.kind, areaCode: r.areaCode, address: r.address, dwellingId: r.dwellingId, validFrom: ctx.observedAt });
      const left = current[0];
      const knownElsewhere = (openAll.get(personId) ?? []).some((o) => o.sourceId !== ctx.sourceId && o.kind === r.kind && o.areaCode === r.areaCode);
      if (!knownElsewhere) events.moved(personId, {
        kind: r.kind,
        from: left ? { areaCode: left.areaCode, address: left.address, dwellingId: null } : null,
        to: { areaCode: r.areaCode, address: r.address, dwellingId: r.dwellingId },
        sourceId: ctx.sourceId,
      });
      open.set(personId, [...mine, { id, personId, kind: r.kind, areaCode: r.areaCode, address: r.address, sourceId: ctx.sourceId }]);
    }
  }
  await repos.ingest.endResidences(toEnd, ctx.observedAt, ctx.batchId);
  await repos.ingest.insertResidences(toInsert, ctx.sourceId, ctx.batchId);

  await applyHouseholds(repos, changed.map((c) => c.row), personOf, newPersons, ctx, events);
  await applyRentals(repos, changed.map((c) => c.row), personOf, newPersons, ctx, events);
  await events.flush(repos);

  await repos.ingest.upsertSourceRecords(
    changed.map(({ row, record }) => ({
      source_id: ctx.sourceId,
      record_key: row.key,
      district: repos.ingest.districtCode,
      person_id: personOf.get(row)?.personId ?? null,
      link_rule: personOf.get(row)?.rule ?? null,
      row_hash: row.hash,
      first_batch_id: record?.first_batch_id ?? ctx.batchId,
      last_batch_id: ctx.batchId,
      ended_at: null,
      ended_batch_id: null,
    })),
  );
  return outcome;
}

/** Rows the matcher is given at once: its candidate look-up per call is capped, so a big chunk is matched in parts. */
const MATCH_PART = 2000;

async function matchInParts(repos: Repositories, ctx: ChunkContext, rows: readonly MappedRow[]): Promise<MatchOutcome | undefined> {
  if (rows.length === 0) return undefined;
  const matcher: PersonMatcher = ctx.matcher;
  // The population is the same for every part of a chunk (its new persons are inserted after matching).
  const held = ctx.population;
  if (matcher.population && (held || rows.length > MATCH_PART)) {
    const population = held?.active ?? (await matcher.population(repos));
    if (held) held.active = population;
    if (rows.length <= MATCH_PART) return matcher.match(repos, rows, { population });
    return matchParts(repos, matcher, rows, population);
  }
  if (rows.length <= MATCH_PART) return matcher.match(repos, rows);
  return matchParts(repos, matcher, rows, undefined);
}

async function matchParts(repos: Repositories, matcher: PersonMatcher, rows: readonly MappedRow[], population: number | undefined): Promise<MatchOutcome> {
  const out: MatchOutcome = { links: new Map(), reviews: new Map(), sameAs: new Map() };
  for (let i = 0; i < rows.length; i += MATCH_PART) {
    const part = await matcher.match(repos, rows.slice(i, i + MATCH_PART), population === undefined ? {} : { population });
    for (const [row, link] of part.links) out.links.set(row, link);
    for (const [row, review] of part.reviews) out.reviews.set(row, review);
    for (const [row, same] of part.sameAs ?? []) out.sameAs?.set(row, same);
  }
  return out;
}


/** Household membership the source reports: the household by its number (created when new), the member's relationship; a move ends the earlier membership. */
async function applyHouseholds(
  repos: Repositories,
  rows: readonly MappedRow[],
  personOf: ReadonlyMap<MappedRow, { personId: string }>,
  newPersons: ReadonlySet<string>,
  ctx: ChunkContext,
  events: ChangeEvents,
): Promise<void> {
  const withHousehold = rows.filter((r) => r.household !== null && personOf.has(r));
  if (withHousehold.length === 0) return;
  const numbers = [...new Set(withHousehold.map((r) => r.household?.number ?? ''))];
  const known = await repos.ingest.householdsByNumber(numbers);
  const newHouseholds: { id: string; householdNo: string; type: string; areaCode: string }[] = [];
  for (const r of withHousehold) {
    const h = r.household;
    if (!h || known.has(h.number)) continue;
    const id = newId();
    known.set(h.number, id);
    const area = r.residences.find((x) => x.kind === 'registered')?.areaCode ?? ctx.homeArea;
    newHouseholds.push({ id, householdNo: h.number, type: h.type ?? 'FAMILY', areaCode: area });
  }
  await repos.ingest.insertHouseholds(newHouseholds, ctx.batchId);
  const personIds = [...new Set(withHousehold.map((r) => personOf.get(r)?.personId ?? ''))].filter((p) => !newPersons.has(p));
  const open = byPerson(await repos.ingest.openMembershipsFrom(personIds, ctx.sourceId));
  const toEnd: string[] = [];
  const toInsert: { id: string; householdId: string; personId: string; relationship: string; validFrom: string }[] = [];
  for (const r of withHousehold) {
    const personId = personOf.get(r)?.personId ?? '';
    const householdId = known.get(r.household?.number ?? '') ?? '';
    const relationship = r.household?.relationship ?? '99';
    const current = open.get(personId) ?? [];
    if (current.some((m) => m.householdId === householdId && m.relationship === relationship)) continue;
    toEnd.push(...current.map((m) => m.id));
    const id = newId();
    toInsert.push({ id, householdId, personId, relationship, validFrom: ctx.observedAt });
    events.household(personId, { householdId, relationship, fromHouseholdId: current.find((m) => m.householdId !== householdId)?.householdId ?? null, sourceId: ctx.sourceId });
    open.set(personId, [{ id, personId, householdId, relationship }]);
  }
  await repos.ingest.endMemberships(toEnd, ctx.observedAt, ctx.batchId);
  await repos.ingest.insertMemberships(toInsert, ctx.sourceId, ctx.batchId);
}
