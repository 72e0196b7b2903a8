/**
 * Bulk reads for the report engine (src/apps/reports/engine.ts): the persons who live or are
 * registered in an area on a date, in one query per table — their residences in force that day,
 * identifiers, household memberships and dwellings only when the report needs them, and only the
 * element values it reads. Values of a recent past date are today's current values (person_value)
 * except for the pairs of person and element that some observation valid only after the date
 * touches (found through the index on valid time, migration 0007): for those, every observation
 * valid by the date is read and the engine decides the value of that day by survivorship. A value
 * whose observations are all valid by the date survives the same way today and then, so history
 * is read only where it differs. Far back — more than MANY_LATER observations valid after the date —
 * the observations valid by the date are the fewer, and they are read instead. Merged-away persons
 * are left out. A whole street's residences come from the process's memory of them
 * (src/store/residence-memory.ts), kept current from the residence change log, when one is given.
 * Reads are narrow on purpose: at a street's scale, turning rows into JavaScript values is the cost.
 * No business rules here: which residence is in force, the category and the remit are decided
 * by the engine.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type ExpressionBuilder } from 'kysely';
import type { ResidenceTable } from './database.ts';
import type { Db } from './store.ts';
import { VERSIONED_TABLES, type VersionedTable } from './migrations/0013-transaction-time.ts';
import type { LogPosition, ResidenceLogReader, ResidenceMemory, StreetFacts } from './residence-memory.ts';

export interface ReportResidenceRow {
  readonly personId: string;
  readonly kind: string;
  readonly areaCode: string;
  readonly dwellingId: string | null;
  readonly addressText: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface ReportIdentifierRow {
  readonly personId: string;
  readonly type: string;
  readonly number: string;
  readonly issuingCountry: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface ReportMembershipRow {
  readonly personId: string;
  readonly householdId: string;
  readonly householdNo: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface ReportDwellingRow {
  readonly id: string;
  readonly housingUse: string | null;
  readonly buildingId: string;
  /** The area of the building (committee or grid). */
  readonly areaCode: string;
  readonly address: string;
}

export interface ReportValueRow {
  readonly personId: string;
  readonly elementId: string;
  readonly value: string;
}

export interface ReportObservationRow {
  readonly personId: string;
  readonly elementId: string;
  readonly sourceId: string;
  readonly value: string | null;
  readonly observedAt: string | null;
  readonly recordedAt: string;
  readonly seq: number;
}

export interface ReportRows {
  readonly personIds: readonly string[];
  readonly residences: readonly ReportResidenceRow[];
  /** The same residences by person, in the order of `personIds`, when the read gathered them so (the whole street). */
  readonly residencesByPerson?: readonly (readonly ReportResidenceRow[])[];
  readonly identifiers: readonly ReportIdentifierRow[];
  readonly memberships: readonly ReportMembershipRow[];
  readonly dwellings: readonly ReportDwellingRow[];
  /** Current values (when read current). */
  readonly values: readonly ReportValueRow[];
  /** Observations valid by the date (when read as of a date). */
  readonly observations: readonly ReportObservationRow[];
}

export interface ReportReadOptions {
  /** Persons with a residence in force on `asOf` whose area code (or, for a grid, whose dwelling's building's area code) starts with this. */
  readonly areaPrefix: string;
  /** These persons instead, wherever they live (`areaPrefix` is then not a filter): what a search screens. */
  readonly personIds?: readonly string[];
  /** Reference date YYYY-MM-DD: only residences and memberships in force that day are read. */
  readonly asOf: string;
  readonly elementIds: readonly string[];
  /** Current values, or the observations valid on or before `asOf`. */
  readonly values: 'current' | 'asOf';
  readonly memberships: boolean;
  readonly dwellings: boolean;
  /**
   * Transaction time (ISO instant): the record as it was known then — observations recorded by then,
   * residences, memberships, documents and dwellings in the version then in force (migration 0013),
   * merges done and not undone by then. Always read from the database, values by survivorship over
   * the observations (`values` must be 'asOf'). Absent: as known now.
   */
  readonly knownAt?: string | undefined;
}

type Row = unknown[];
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The tables a report reads that change in place; their version known at `@knownAt` when one is asked (see knownAs). */
type Versioned = 'residence' | 'household_member' | 'identifier' | 'observation' | 'dwelling';
type Tables = Readonly<Record<Versioned, string>>;

const NOW: Tables = { residence: 'residence', household_member: 'household_member', identifier: 'identifier', observation: 'observation', dwelling: 'dwelling' };

/**
 * The rows of a table as the record knew them at `@knownAt` (migration 0013), as a derived table
 * with the columns its past table keeps: each row recorded by then, in the earliest version
 * superseded after then (from `<table>_past`), or as it is now when no version was.
 */
function knownAs(t: VersionedTable): string {
  const cols = t.columns.map(([c]) => c);
  const of = (alias: string): string => cols.map((c) => `${alias}.${c}`).join(', ');
  return (
    `(select ${of('k')} from ${t.table} k where k.${t.recorded} <= @knownAt` +
    ` and not exists (select 1 from ${t.table}_past kp where kp.id = k.id and kp.superseded_at > @knownAt)` +
    ` union all select ${of('p')} from ${t.table}_past p where p.${t.recorded} <= @knownAt and p.superseded_at > @knownAt` +
    ` and not exists (select 1 from ${t.table}_past q where q.id = p.id and q.superseded_at > @knownAt and q.seq < p.seq))`
  );
}

const KNOWN: Tables = Object.fromEntries(VERSIONED_TABLES.map((t) => [t.table, knownAs(t)])) as unknown as Tables;

const tablesOf = (knownAt: string | undefined): Tables => (knownAt === undefined ? NOW : KNOWN);

/** The persons merged away at `@knownAt`: merges done by then and not undone by then. */
const MERGED_AT = 'select m.loser_id from person_merge m where m.created_at <= @knownAt and (m.undone_at is null or m.undone_at > @knownAt)';

/** A row of `t` in force on `@asOf` (valid from inclusive, valid to exclusive), as domain validOn decides. */
const inForce = (t: string): string => `(${t}.valid_from is null or ${t}.valid_from <= @asOf) and (${t}.valid_to is null or ${t}.valid_to > @asOf)`;

/** The SQL of each read; `@lo`/`@hi` bound the area code range, `@asOf` the date. The same text runs on both backends after renaming parameters. */
function statements(
  o: ReportReadOptions,
  /** The SQL of the list of person ids bound as `@ids` (used with `personIds`). */
  idList: string,
  /** For a past date: today's values corrected by the later observations, or every observation valid by the date. */
  pastFrom: 'current' | 'history' = 'current',
): Record<'persons' | 'residences' | 'identifiers' | 'memberships' | 'dwellings' | 'values' | 'later', string | null> {
  const grid = o.areaPrefix.length > 12;
  const t = tablesOf(o.knownAt);
  const area = o.personIds
    ? idList
    : grid
      ? `select ra.person_id from ${t.residence} ra where ${inForce('ra')} and ((ra.area_code >= @lo and ra.area_code < @hi) or ra.dwelling_id in (select da.id from ${t.dwelling} da join building ba on ba.id = da.building_id where ba.area_code >= @lo and ba.area_code < @hi))`
      : `select ra.person_id from ${t.residence} ra where ${inForce('ra')} and ra.area_code >= @lo and ra.area_code < @hi`;
  const marks = o.elementIds.map((_, i) => `@e${i}`).join(', ');
  // A whole street (or several committees): scanning the tables and keeping the area's persons in JavaScript beats
  // thousands of index look-ups; below it (committees, grids) the area's persons are looked up.
  const whole = o.areaPrefix.length < 12 && !o.personIds;
  const of = (column: string): string => (whole ? '' : ` and ${column} in (${area})`);
  return {
    // A whole street: the merged-away persons only (few), to leave out of those its residences name.
    // As known at an instant: merged away by the merges of then (the persons' rows say only how they are now).
    persons: whole
      ? o.knownAt === undefined
        ? `select p.id from person p where p.merged_into is not null`
        : MERGED_AT
      : o.knownAt === undefined
        ? `select p.id from person p where p.merged_into is null and p.id in (${area})`
        : `select p.id from person p where p.id in (${area}) and p.id not in (${MERGED_AT})`,
    // One row per distinct fact: several sources often report the same residence. Exactly the columns of the index
    // residence_facts (migration 0010), person first: read from the index alone, without a sort for DISTINCT, and
    // each person's rows together (the whole street orders them so on every backend; toRows relies on it there).
    // Without address texts (detailsOf reads them for the persons a roster shows).
    residences: `select distinct r.person_id, r.kind, r.area_code, r.dwelling_id, r.valid_from, r.valid_to from ${t.residence} r where ${inForce('r')}${of('r.person_id')}${whole ? ' order by r.person_id' : ''}`,
    // Only the documents of persons who hold one other than a citizen ID (enough to tell 境外 from the rest; numbers left out).
    identifiers: `select i.person_id, i.type, i.issuing_country, i.valid_from, i.valid_to, '' from ${t.identifier} i where i.person_id in (select x.person_id from ${t.identifier} x where x.type <> 'CN_ID'${of('x.person_id')})`,
    memberships: o.memberships
      ? `select m.person_id, m.household_id, h.household_no, m.valid_from, m.valid_to from ${t.household_member} m join household h on h.id = m.household_id where ${inForce('m')}${of('m.person_id')}`
      : null,
    dwellings: o.dwellings
      ? `${dwellingColumns(t)} where d.id in (select r.dwelling_id from ${t.residence} r where r.dwelling_id is not null and ${inForce('r')}${of('r.person_id')})`
      : null,
    values:
      o.elementIds.length === 0
        ? null
        : o.values === 'asOf' && pastFrom === 'history'
          ? `${history(t)} where ob.element_id in (${marks})${of('ob.person_id')} and (ob.observed_at is null or ob.observed_at <= @asOf)`
          : `select v.person_id, v.element_id, v.value from person_value v where v.element_id in (${marks})${of('v.person_id')}`,
    // Pairs whose value may differ on the date: an observation valid only after it, wherever the person lives (the
    // caller keeps the area's; repeated pairs are one). Neither DISTINCT nor a filter by person: either leads SQLite
    // to walk the observations person by person instead of seeking the few later ones through the valid-time index.
    later:
      o.elementIds.length === 0 || o.values === 'current' || pastFrom === 'history' ? null : `${LATER} and ob.element_id in (${marks})`,
  };
}

/** A dwelling as toRows reads it: id, housing use, building, the building's area and address parts. */
const dwellingColumns = (t: Tables): string =>
  `select d.id, d.housing_use, d.building_id, b.area_code, b.road, b.lane, b.number, d.unit, d.room from ${t.dwelling} d join building b on b.id = d.building_id`;

/** The person and element of every observation valid only after `@asOf` (callers add the elements). */
const LATER = 'select ob.person_id, ob.element_id from observation ob where ob.observed_at > @asOf';

/** Every observation's columns as `toObservations` reads them. */
const history = (t: Tables): string =>
  `select ob.id, ob.person_id, ob.element_id, ob.value, ob.source_id, ob.observed_at, ob.recorded_at from ${t.observation} ob`;

/**
 * Past this many observations valid after a date, the date's values are read from the observations
 * valid by it (as far back, they are the fewer) rather than from today's values and those later.
 */
const MANY_LATER = 50_000;

/** Persons whose residences one statement reads again for the memory of the street's residences. */
const FACTS_OF_BATCH = 5_000;

function elementParams(elementIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(elementIds.map((e, i) => [`e${i}`, e]));
}

function parameters(o: ReportReadOptions): Record<string, string> {
  return { lo: o.areaPrefix, hi: `${o.areaPrefix}~`, asOf: o.asOf, ...elementParams(o.elementIds), ...(o.knownAt === undefined ? {} : { knownAt: o.knownAt }) };
}

const residenceOf = (r: Row): ReportResidenceRow => ({
  personId: str(r[0]),
  kind: str(r[1]),
  areaCode: str(r[2]),
  dwellingId: strOrNull(r[3]),
  addressText: strOrNull(r[4]),
  validFrom: strOrNull(r[5]),
  validTo: strOrNull(r[6]),
});

const identifierOf = (r: Row): ReportIdentifierRow => ({
  personId: str(r[0]),
  type: str(r[1]),
  issuingCountry: str(r[2]),
  validFrom: strOrNull(r[3]),
  validTo: strOrNull(r[4]),
  number: str(r[5] ?? ''),
});

/** A residence row of the area read (the columns of `residences` in statements: no address text). */
const factOf = (r: Row): ReportResidenceRow => ({
  personId: str(r[0]),
  kind: str(r[1]),
  areaCode: str(r[2]),
  dwellingId: strOrNull(r[3]),
  addressText: null,
  validFrom: strOrNull(r[4]),
  validTo: strOrNull(r[5]),
});

/**
 * The persons of a whole-street read and their residences, in one pass over rows that come each
 * person's together (ordered by person), fed one at a time (`add`) so that no row outlives its
 * turn: a person is of the area when one of their residences in force is, unless merged away.
 */
class StreetResidences {
  readonly personIds: string[] = [];
  readonly residences: ReportResidenceRow[] = [];
  readonly residencesByPerson: ReportResidenceRow[][] = [];
  private person: string | undefined;
  private rows: ReportResidenceRow[] = [];
  private here = false;

  constructor(
    private readonly areaPrefix: string,
    private readonly merged: ReadonlySet<string>,
  ) {}

  add(r: Row): void {
    const fact = factOf(r);
    if (fact.personId !== this.person) {
      this.close();
      this.person = fact.personId;
    }
    this.rows.push(fact);
    if (!this.here && fact.areaCode.startsWith(this.areaPrefix)) this.here = true;
  }

  /** Ends the rows of the person read last. */
  close(): void {
    if (this.person !== undefined && this.here && !this.merged.has(this.person)) {
      this.personIds.push(this.person);
      this.residencesByPerson.push(this.rows);
      for (const f of this.rows) this.residences.push(f);
    }
    this.person = undefined;
    this.rows = [];
    this.here = false;
  }
}

/** Rows (arrays, in the column order of the statements) into the shapes the engine reads. */
function toRows(
  o: ReportReadOptions,
  get: (name: keyof ReturnType<typeof statements>) => Row[],
  historyRead = false,
  /** A whole-street read: its persons and residences, gathered as the rows were read. */
  street?: StreetFacts,
): ReportRows {
  let personIds: readonly string[] = get('persons').map((r) => str(r[0]));
  let residences: readonly ReportResidenceRow[];
  if (street) ({ personIds, residences } = street);
  else {
    const chosen = new Set(personIds);
    residences = get('residences')
      .filter((r) => chosen.has(str(r[0])))
      .map(factOf);
  }
  const known = new Set(personIds);
  const mine = (r: Row, i = 0): boolean => known.has(str(r[i]));
  const identifiers = get('identifiers')
    .filter((r) => mine(r))
    .map(identifierOf);
  const memberships = get('memberships')
    .filter((r) => mine(r))
    .map((r) => ({
      personId: str(r[0]),
      householdId: str(r[1]),
      householdNo: strOrNull(r[2]),
      validFrom: strOrNull(r[3]),
      validTo: strOrNull(r[4]),
    }));
  const dwellingRows = get('dwellings');
  // The dwellings the persons' residences name (only when dwellings were read: a street's residences are many).
  const dwellingIds = new Set<string>();
  if (dwellingRows.length > 0) for (const r of residences) if (r.dwellingId) dwellingIds.add(r.dwellingId);
  const dwellings = dwellingRows
    .filter((r) => dwellingIds.has(str(r[0])))
    .map((r) => ({
      id: str(r[0]),
      housingUse: strOrNull(r[1]),
      buildingId: str(r[2]),
      areaCode: str(r[3]),
      address: `${str(r[4])}${str(r[5])}${str(r[6])}${str(r[7])}${str(r[8])}`,
    }));
  const history = o.values === 'asOf' && historyRead;
  const values: ReportValueRow[] = history
    ? []
    : get('values')
        .filter((r) => mine(r))
        .map((r) => ({ personId: str(r[0]), elementId: str(r[1]), value: str(r[2]) }));
  const observations = history ? toObservations(get('values').filter((r) => mine(r, 1))) : [];
  return {
    personIds,
    residences,
    ...(street ? { residencesByPerson: street.residencesByPerson } : {}),
    identifiers,
    memberships,
    dwellings,
    values,
    observations,
  };
}

const pairKey = (personId: string, elementId: string): string => `${personId}\u0000${elementId}`;

/** Observation rows (id, person, element, value, source, valid from, recorded) as the engine reads them. */
function toObservations(rows: readonly Row[]): ReportObservationRow[] {
  return rows.map((r) => ({
    personId: str(r[1]),
    elementId: str(r[2]),
    value: strOrNull(r[3]),
    sourceId: strOrNull(r[4]) ?? 'unknown',
    observedAt: strOrNull(r[5]),
    recordedAt: str(r[6]),
    seq: Number(r[0]),
  }));
}

/** An actual residence (`r`) in the area that began or ended between `from` and `to` (inclusive): a move in or out. */
function movedWithin(eb: ExpressionBuilder<{ r: ResidenceTable }, 'r'>, areaPrefix: string, from: string, to: string) {
  return eb.and([
    eb('r.kind', '<>', 'registered'),
    eb('r.area_code', '>=', areaPrefix),
    eb('r.area_code', '<', `${areaPrefix}~`),
    eb.or([
      eb.and([eb('r.valid_from', '>=', from), eb('r.valid_from', '<=', to)]),
      eb.and([eb('r.valid_to', '>=', from), eb('r.valid_to', '<=', to)]),
    ]),
  ]);
}

/**
 * Whether a person's residences in force meet every group of conditions: for one condition of each
 * group at least, a residence of that kind ('any': any kind) whose area code starts with that area.
 */
function livesAs(
  rows: readonly ReportResidenceRow[],
  groups: readonly (readonly { readonly kind: string; readonly area: string }[])[],
): boolean {
  return groups.every((g) => g.some((c) => rows.some((r) => (c.kind === 'any' || r.kind === c.kind) && r.areaCode.startsWith(c.area))));
}

/** The columns of a residence fact, in the order ResidenceLogReader reads them (then the address text). */
const FACT_COLUMNS = 'r.person_id, r.kind, r.area_code, r.dwelling_id, r.valid_from, r.valid_to';

export class ReportRepository implements ResidenceLogReader {
  /**
   * @param raw the SQLite connection under `db`, for the hot read (prepared statements returning
   *   arrays; DESIGN.md allows it behind the repository); PostgreSQL runs the same SQL through Kysely.
   * @param memory the process's memory of the street's residences (shared by every repository of
   *   one store); whole-street reads outside a transaction take their residences from it.
   */
  constructor(
    private readonly db: Db,
    private readonly raw?: BetterSqlite3.Database,
    /** See MANY_LATER (tests lower it to read both ways). */
    private readonly manyLaterThan = MANY_LATER,
    private readonly memory?: ResidenceMemory,
  ) {}

  async read(o: ReportReadOptions): Promise<ReportRows> {
    if (o.knownAt !== undefined && o.values !== 'asOf') throw new Error('a read as known at an instant reads values as of its date');
    const history = o.values === 'asOf' && o.elementIds.length > 0 && (o.knownAt !== undefined || (await this.manyLater(o.asOf)));
    const sqls = statements(o, this.idList(), history ? 'history' : 'current');
    const params: Record<string, unknown> = parameters(o);
    const results = new Map<string, Row[]>();
    // A whole street scans every residence in force: the persons with one in the area, but the merged-away.
    const whole = o.areaPrefix.length < 12 && !o.personIds;
    const remembered = whole && this.memory !== undefined && !this.db.isTransaction && o.knownAt === undefined;
    for (const [name, text] of Object.entries(sqls))
      if (text !== null && !(whole && name === 'residences') && !(remembered && name === 'dwellings'))
        results.set(name, await this.query(text, params, o.personIds));
    let street: StreetFacts | undefined;
    if (whole && sqls.residences !== null) {
      const merged = new Set((results.get('persons') ?? []).map((r) => str(r[0])));
      if (remembered && this.memory) {
        street = await this.memory.inForce(this, o.areaPrefix, o.asOf, merged);
        // The dwellings the residences in force name, by id (finding them through the residence table costs more).
        if (o.dwellings) {
          const ids = new Set<string>();
          for (const r of street.residences) if (r.dwellingId !== null) ids.add(r.dwellingId);
          results.set('dwellings', await this.query(`${dwellingColumns(NOW)} where d.id in (${this.idList()})`, {}, [...ids]));
        }
      } else {
        const s = new StreetResidences(o.areaPrefix, merged);
        await this.each(sqls.residences, params, (r) => s.add(r));
        s.close();
        street = s;
      }
    }
    const rows = toRows(o, (name) => results.get(name) ?? [], history, street);
    if (o.values === 'current' || history) return rows;
    const known = new Set(rows.personIds);
    const later = (results.get('later') ?? []).filter((r) => known.has(str(r[0])));
    return { ...rows, ...(await this.asOf(rows.values, later, o.elementIds, o.asOf)) };
  }

  /**
   * Values of a past date from today's current values: the pairs touched by an observation valid
   * only after the date lose their current value and get every observation valid by the date instead.
   */
  private async asOf(
    current: readonly ReportValueRow[],
    later: readonly Row[],
    elementIds: readonly string[],
    asOf: string,
  ): Promise<Pick<ReportRows, 'values' | 'observations'>> {
    if (later.length === 0) return { values: current, observations: [] };
    const changed = new Set(later.map((r) => pairKey(str(r[0]), str(r[1]))));
    const persons = [...new Set(later.map((r) => str(r[0])))];
    const marks = elementIds.map((_, i) => `@e${i}`).join(', ');
    const text = `${history(NOW)} where ob.element_id in (${marks}) and ob.person_id in (${this.idList()}) and (ob.observed_at is null or ob.observed_at <= @asOf)`;
    const observations = toObservations(await this.query(text, { asOf, ...elementParams(elementIds) }, persons)).filter((ob) =>
      changed.has(pairKey(ob.personId, ob.elementId)),
    );
    return { values: current.filter((v) => !changed.has(pairKey(v.personId, v.elementId))), observations };
  }

  /** Whether more than `manyLaterThan` observations are valid only after the date (an index range, counted no further). */
  private async manyLater(asOf: string): Promise<boolean> {
    const rows = await this.query(
      `select ob.id from observation ob where ob.observed_at > @asOf order by ob.observed_at limit 1 offset ${MANY_LATER}`,
      { asOf },
    );
    return rows.length > 0;
  }

  /**
   * Every row of a statement (no `@ids`) handed to `onRow` as it is read: on SQLite one row at a
   * time, so that rows turned into other shapes die young instead of being held as a whole result.
   */
  private async each(text: string, params: Readonly<Record<string, unknown>>, onRow: (row: Row) => void): Promise<void> {
    const raw = this.raw;
    if (raw && !this.db.isTransaction) {
      return this.db.connection().execute(() => {
        for (const r of raw.prepare(text).raw(true).iterate(params)) onRow(r as Row);
        return Promise.resolve();
      });
    }
    for (const r of await this.query(text, params)) onRow(r);
  }

  /**
   * Persons (not merged away) meeting every group of conditions — a residence in force on `asOf`
   * of that kind ('any': any kind) whose area code starts with that area, for one condition of the
   * group at least — with, when `nonCitizenDocument`, some identity document other than a citizen
   * ID; in id order. From the memory of the street's residences: undefined when it cannot answer
   * (no memory, inside a transaction, a condition's area outside `street`, no condition at all).
   * What a person search asks of where people live (PersonRepository.search's `within`,
   * `withinAny`, `residingAs`, `nonCitizenDocument`), answered without scanning the residences.
   */
  async residing(
    street: string,
    asOf: string,
    groups: readonly (readonly { readonly kind: string; readonly area: string }[])[],
    nonCitizenDocument = false,
  ): Promise<string[] | undefined> {
    if (!this.memory || this.db.isTransaction || groups.length === 0) return undefined;
    if (groups.some((g) => g.some((c) => !c.area.startsWith(street)))) return undefined;
    const merged = new Set((await this.query('select p.id from person p where p.merged_into is not null', {})).map((r) => str(r[0])));
    const documented = nonCitizenDocument
      ? new Set((await this.query("select distinct i.person_id from identifier i where i.type <> 'CN_ID'", {})).map((r) => str(r[0])))
      : undefined;
    const facts = await this.memory.inForce(this, street, asOf, merged);
    const out: string[] = [];
    facts.personIds.forEach((id, i) => {
      if (documented && !documented.has(id)) return;
      const rows = facts.residencesByPerson?.[i] ?? [];
      if (livesAs(rows, groups)) out.push(id);
    });
    return out;
  }

  /**
   * Of these persons (found by other conditions), those meeting every group of conditions as
   * `residing` decides, in the order given; from the memory of residences (every person's, not only
   * the street's), or undefined when there is none or the read is inside a transaction.
   */
  async residingAmong(
    personIds: readonly string[],
    asOf: string,
    groups: readonly (readonly { readonly kind: string; readonly area: string }[])[],
  ): Promise<string[] | undefined> {
    if (!this.memory || this.db.isTransaction) return undefined;
    const held = new Map<string, ReportResidenceRow[]>();
    for (const r of await this.memory.ofPersons(this, personIds, asOf)) {
      const list = held.get(r.personId);
      if (list) list.push(r);
      else held.set(r.personId, [r]);
    }
    return personIds.filter((id) => {
      const rows = held.get(id) ?? [];
      return livesAs(rows, groups);
    });
  }

  /** Loads the memory of the street's residences now (a server after its start), rather than on the first read. */
  async warm(): Promise<void> {
    if (this.memory && !this.db.isTransaction) await this.memory.refresh(this);
  }

  // The residence change log and the facts it names, for the memory of the street's residences.

  async logPosition(): Promise<LogPosition> {
    if (this.raw) {
      const [row] = await this.query('select coalesce(max(seq), 0) from residence_change', {});
      return { seq: Number(row?.[0] ?? 0) };
    }
    const [row] = await this.query('select pg_snapshot_xmin(pg_current_snapshot())::text', {});
    return { xmin: str(row?.[0]) };
  }

  async allFacts(onRow: (row: readonly unknown[]) => void): Promise<void> {
    // The table in its own order (the memory groups the rows): an index's order would fetch each row's address apart.
    await this.each(`select ${FACT_COLUMNS}, r.address_text from residence r`, {}, onRow);
  }

  async changedSince(position: LogPosition): Promise<{ persons: string[]; position: LogPosition }> {
    if ('seq' in position) {
      const rows = await this.query('select seq, person_id from residence_change where seq > @seq order by seq', { seq: position.seq });
      const last = rows.length > 0 ? Number(rows[rows.length - 1]?.[0]) : position.seq;
      return { persons: [...new Set(rows.map((r) => str(r[1])))], position: { seq: last } };
    }
    // The horizon first: every transaction not visible to the read below has an id at or above it.
    const next = await this.logPosition();
    const rows = await this.query('select distinct person_id from residence_change where xid >= @xmin::xid8', { xmin: position.xmin });
    return { persons: rows.map((r) => str(r[0])), position: next };
  }

  async factsOf(personIds: readonly string[], onRow: (row: readonly unknown[]) => void): Promise<void> {
    for (let i = 0; i < personIds.length; i += FACTS_OF_BATCH) {
      const ids = personIds.slice(i, i + FACTS_OF_BATCH);
      const rows = await this.query(
        `select ${FACT_COLUMNS}, r.address_text from residence r where r.person_id in (${this.idList()})`,
        {},
        ids,
      );
      for (const r of rows) onRow(r);
    }
  }

  /** A list of person ids bound as `@ids`: JSON on SQLite, an array on PostgreSQL. */
  private idList(): string {
    return this.raw ? 'select value from json_each(@ids)' : 'select unnest(@ids::uuid[])';
  }

  /**
   * One statement with named parameters (`@name`; `@ids` a list of person ids): a prepared statement
   * returning arrays on SQLite, Kysely's raw SQL with positional parameters on PostgreSQL.
   */
  private async query(text: string, params: Readonly<Record<string, unknown>>, ids?: readonly string[]): Promise<Row[]> {
    const raw = this.raw;
    if (raw && !this.db.isTransaction) {
      const bound = ids ? { ...params, ids: JSON.stringify(ids) } : params;
      return this.db.connection().execute(() => Promise.resolve(raw.prepare(text).raw(true).all(bound) as Row[]));
    }
    const values: unknown[] = [];
    const positional = text.replace(/@([a-zA-Z0-9]+)/g, (_, key: string) => {
      const v = key === 'ids' ? (raw ? JSON.stringify(ids ?? []) : [...(ids ?? [])]) : params[key];
      if (v === undefined) throw new Error(`report read: no value for @${key}`);
      values.push(v);
      return raw ? '?' : `$${values.length}`;
    });
    const out = await this.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(positional, values));
    return out.rows.map((row) => Object.values(row));
  }

  /**
   * Actual residences in the area that began or ended between `from` and `to` (inclusive, YYYY-MM-DD):
   * the moves in and out the dashboard shows by month (src/apps/dashboard). One row per distinct
   * residence fact; merged-away persons are left out.
   */
  async residenceMoves(
    areaPrefix: string,
    from: string,
    to: string,
  ): Promise<{ personId: string; areaCode: string; validFrom: string | null; validTo: string | null }[]> {
    const rows = await this.db
      .selectFrom('residence as r')
      .innerJoin('person as p', 'p.id', 'r.person_id')
      .select(['r.person_id', 'r.area_code', 'r.valid_from', 'r.valid_to'])
      .distinct()
      .where('p.merged_into', 'is', null)
      .where((eb) => movedWithin(eb, areaPrefix, from, to))
      .execute();
    return rows.map((r) => ({ personId: r.person_id, areaCode: r.area_code, validFrom: r.valid_from, validTo: r.valid_to }));
  }

  /**
   * Where the residences `residenceMoves` reads were, for some persons only (the page of a list of
   * moves): the same rows (actual residences in the area beginning or ending between `from` and
   * `to`) with their address text and their dwelling's address parts. A fact reported by several
   * sources comes once per source: callers keep the first address they find.
   */
  async residenceMoveAddresses(
    personIds: readonly string[],
    areaPrefix: string,
    from: string,
    to: string,
  ): Promise<
    {
      personId: string;
      areaCode: string;
      validFrom: string | null;
      validTo: string | null;
      addressText: string | null;
      dwelling: { road: string; lane: string; number: string; unit: string; room: string } | null;
    }[]
  > {
    if (personIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('residence as r')
      .leftJoin('dwelling as d', 'd.id', 'r.dwelling_id')
      .leftJoin('building as b', 'b.id', 'd.building_id')
      .select([
        'r.person_id',
        'r.area_code',
        'r.valid_from',
        'r.valid_to',
        'r.address_text',
        'b.road',
        'b.lane',
        'b.number',
        'd.unit',
        'd.room',
      ])
      .where('r.person_id', 'in', [...personIds])
      .where((eb) => movedWithin(eb, areaPrefix, from, to))
      .execute();
    return rows.map((r) => ({
      personId: r.person_id,
      areaCode: r.area_code,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      addressText: r.address_text,
      dwelling:
        r.road === null ? null : { road: r.road, lane: r.lane ?? '', number: r.number ?? '', unit: r.unit ?? '', room: r.room ?? '' },
    }));
  }

  /**
   * The residences in force on `asOf` with their address text and every identity document with
   * its number, of some persons only: what a roster shows of the persons it has chosen (the read of
   * the whole area leaves both out — at a street's scale they are most of the bytes).
   */
  async detailsOf(
    personIds: readonly string[],
    asOf: string,
    /** As known at this instant (see ReportReadOptions.knownAt). */
    knownAt?: string,
  ): Promise<Pick<ReportRows, 'residences' | 'identifiers'>> {
    if (personIds.length === 0) return { residences: [], identifiers: [] };
    const t = tablesOf(knownAt);
    const at = knownAt === undefined ? {} : { knownAt };
    const identifiers = await this.query(
      `select i.person_id, i.type, i.issuing_country, i.valid_from, i.valid_to, i.number from ${t.identifier} i where i.person_id in (${this.idList()})`,
      at,
      personIds,
    );
    // From memory once it is loaded (a committee's roster in a fresh process does not load the street for it); each
    // fact there carries the smallest of the address texts reported with it: what the engine would pick.
    if (this.memory?.loaded && !this.db.isTransaction && knownAt === undefined)
      return { residences: await this.memory.ofPersons(this, personIds, asOf), identifiers: identifiers.map(identifierOf) };
    const residences = await this.query(
      `select distinct r.person_id, r.kind, r.area_code, r.dwelling_id, r.address_text, r.valid_from, r.valid_to from ${t.residence} r where ${inForce('r')} and r.person_id in (${this.idList()})`,
      { asOf, ...at },
      personIds,
    );
    return { residences: residences.map(residenceOf), identifiers: identifiers.map(identifierOf) };
  }

  /**
   * Element values of some persons only (a roster's columns, read after the report has chosen its
   * persons): current values, or the values of `asOf` (current values corrected as in `read`).
   */
  async valuesOf(
    personIds: readonly string[],
    elementIds: readonly string[],
    values: 'current' | 'asOf',
    asOf: string,
    /** As known at this instant (see ReportReadOptions.knownAt; values must then be 'asOf'). */
    knownAt?: string,
  ): Promise<Pick<ReportRows, 'values' | 'observations'>> {
    if (personIds.length === 0 || elementIds.length === 0) return { values: [], observations: [] };
    const marks = elementIds.map((_, i) => `@e${i}`).join(', ');
    const params = { asOf, ...elementParams(elementIds) };
    if (knownAt !== undefined) {
      const rows = await this.query(
        `${history(KNOWN)} where ob.element_id in (${marks}) and ob.person_id in (${this.idList()}) and (ob.observed_at is null or ob.observed_at <= @asOf)`,
        { ...params, knownAt },
        personIds,
      );
      return { values: [], observations: toObservations(rows) };
    }
    // The persons drive the read (one look-up by person and element each): left to itself, SQLite walks the
    // element index over the whole street and keeps the persons asked about — for each committee of a run.
    const text = this.raw
      ? `select v.person_id, v.element_id, v.value from json_each(@ids) ids cross join person_value v where v.person_id = ids.value and v.element_id in (${marks})`
      : `select v.person_id, v.element_id, v.value from person_value v where v.element_id in (${marks}) and v.person_id in (${this.idList()})`;
    const current = (await this.query(text, params, [...new Set(personIds)])).map((r) => ({
      personId: str(r[0]),
      elementId: str(r[1]),
      value: str(r[2]),
    }));
    if (values === 'current') return { values: current, observations: [] };
    if (await this.manyLater(asOf)) {
      const rows = await this.query(
        `${history(NOW)} where ob.element_id in (${marks}) and ob.person_id in (${this.idList()}) and (ob.observed_at is null or ob.observed_at <= @asOf)`,
        params,
        personIds,
      );
      return { values: [], observations: toObservations(rows) };
    }
    // The later observations of any person (see `later` in statements), kept for the persons asked about.
    const chosen = new Set(personIds);
    const later = (await this.query(`${LATER} and ob.element_id in (${marks})`, params)).filter((r) => chosen.has(str(r[0])));
    return this.asOf(current, later, elementIds, asOf);
  }
}
