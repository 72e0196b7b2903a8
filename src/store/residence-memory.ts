/**
 * The street's residences held in memory by a process, kept current from the residence change log
 * (migration 0011). Reports, the dashboard and search read every residence in force in the street
 * on a date; read from the database each time, turning 200,000 rows into JavaScript values costs
 * most of a report. Here every distinct residence fact (person, kind, area, dwelling, validity) is
 * loaded once, as shared frozen rows grouped by person (each with the smallest of the address
 * texts its sources reported, as the report engine picks), and before each read the persons whose
 * residences changed since the last look are read again — whoever wrote them (any process, any
 * code path: the log is written by triggers). A read inside a transaction does not come here (it
 * must see its own uncommitted writes).
 *
 * Where a reader stands in the log:
 * - SQLite: the highest number seen (one writer at a time commits the numbers in order);
 * - PostgreSQL: the xmin of a snapshot taken before the last look — every transaction not visible
 *   then has an id at or above it, so reading the rows of those transactions again misses nothing
 *   (persons seen twice are simply read twice).
 * Memory: about 100 bytes a fact with the strings shared (measured for the street in the README).
 */
import { validOn } from '../domain/population-category.ts';
import type { ReportResidenceRow } from './report.repository.ts';

/** A position in the residence change log. */
export type LogPosition = { readonly seq: number } | { readonly xmin: string };

/** The reads the memory needs, in SQL (src/store/report.repository.ts provides them on both backends). */
export interface ResidenceLogReader {
  /** The position a full read taken after this call reflects at least. */
  logPosition(): Promise<LogPosition>;
  /** Every residence row as [person, kind, area, dwelling, validFrom, validTo, addressText], in any order. */
  allFacts(onRow: (row: readonly unknown[]) => void): Promise<void>;
  /** The persons of the log rows after the position, and the position after them. */
  changedSince(position: LogPosition): Promise<{ readonly persons: readonly string[]; readonly position: LogPosition }>;
  /** The same rows for these persons. */
  factsOf(personIds: readonly string[], onRow: (row: readonly unknown[]) => void): Promise<void>;
}

/** The persons of a whole-street read with their residences in force: the shape StreetResidences gave. Never changed once made. */
export interface StreetFacts {
  readonly personIds: readonly string[];
  readonly residences: readonly ReportResidenceRow[];
  readonly residencesByPerson: readonly (readonly ReportResidenceRow[])[];
}

/** What the last refresh did (for tests and the benchmark's notes). */
export interface MemoryStats {
  readonly loads: number;
  readonly persons: number;
  readonly facts: number;
  /** Persons read again by the last refresh (0 when nothing changed). */
  readonly lastReread: number;
}

const none: readonly ReportResidenceRow[] = Object.freeze([]);

export class ResidenceMemory {
  private facts = new Map<string, readonly ReportResidenceRow[]>();
  /** Person ids in ascending order, made again when persons were added. */
  private order: string[] | undefined;
  private position: LogPosition | undefined;
  private readonly strings = new Map<string, string>();
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  /** Bumped whenever the facts change: a view made at another version is stale. */
  private version = 0;
  /** The last whole-street view made (reports of one date, the dashboard of today, ask for the same one again). */
  private view: { readonly key: string; readonly facts: StreetFacts } | undefined;
  private loads = 0;
  private lastReread = 0;
  private factCount = 0;

  /** Whether the facts have been loaded (a read for a few persons need not load them all). */
  get loaded(): boolean {
    return this.position !== undefined;
  }

  stats(): MemoryStats {
    return { loads: this.loads, persons: this.facts.size, facts: this.factCount, lastReread: this.lastReread };
  }

  /**
   * The persons with a residence in force on `asOf` in an area beginning with `areaPrefix`, but the
   * merged-away, in ascending id order, each with every residence in force that day (wherever it is).
   */
  async inForce(reader: ResidenceLogReader, areaPrefix: string, asOf: string, merged: ReadonlySet<string>): Promise<StreetFacts> {
    await this.refresh(reader);
    const key = [this.version, areaPrefix, asOf, ...[...merged].sort()].join('\u0000');
    if (this.view?.key === key) return this.view.facts;
    const personIds: string[] = [];
    const residences: ReportResidenceRow[] = [];
    const residencesByPerson: ReportResidenceRow[][] = [];
    this.order ??= [...this.facts.keys()].sort();
    for (const id of this.order) {
      const all = this.facts.get(id);
      if (!all || merged.has(id)) continue;
      let rows: ReportResidenceRow[] | undefined;
      let here = false;
      for (const f of all) {
        if (!validOn(f, asOf)) continue;
        (rows ??= []).push(f);
        if (!here && f.areaCode.startsWith(areaPrefix)) here = true;
      }
      if (!rows || !here) continue;
      personIds.push(id);
      residencesByPerson.push(rows);
      for (const f of rows) residences.push(f);
    }
    const facts: StreetFacts = Object.freeze({
      personIds: Object.freeze(personIds),
      residences: Object.freeze(residences),
      residencesByPerson: Object.freeze(residencesByPerson),
    });
    this.view = { key, facts };
    return facts;
  }

  /** The residences in force on `asOf` of these persons (any area), with their address texts. */
  async ofPersons(reader: ResidenceLogReader, personIds: readonly string[], asOf: string): Promise<ReportResidenceRow[]> {
    await this.refresh(reader);
    const out: ReportResidenceRow[] = [];
    for (const id of personIds)
      for (const f of this.facts.get(id) ?? none)
        if (validOn(f, asOf)) out.push(f);
    return out;
  }

  /** Brings the memory up to the log; a caller arriving during a refresh waits for one that starts after it. */
  refresh(reader: ResidenceLogReader): Promise<void> {
    if (!this.running) return this.start(reader);
    this.next ??= this.running.then(
      () => {
        this.next = undefined;
        return this.start(reader);
      },
      () => {
        this.next = undefined;
        return this.start(reader);
      },
    );
    return this.next;
  }

  private start(reader: ResidenceLogReader): Promise<void> {
    const run = this.run(reader).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async run(reader: ResidenceLogReader): Promise<void> {
    try {
      if (this.position === undefined) await this.load(reader);
      else await this.catchUp(reader, this.position);
    } catch (e) {
      // Whatever was half-read is dropped: the next read loads afresh.
      this.position = undefined;
      this.version++;
      this.facts = new Map();
      this.order = undefined;
      this.factCount = 0;
      throw e;
    }
  }

  private async load(reader: ResidenceLogReader): Promise<void> {
    const position = await reader.logPosition();
    const facts = new Map<string, ReportResidenceRow[]>();
    let count = 0;
    await reader.allFacts((r) => {
      if (add(facts, this.fact(r))) count++;
    });
    this.facts = facts;
    this.factCount = count;
    this.order = undefined;
    this.position = position;
    this.version++;
    this.loads++;
    this.lastReread = facts.size;
  }

  private async catchUp(reader: ResidenceLogReader, from: LogPosition): Promise<void> {
    const { persons, position } = await reader.changedSince(from);
    this.lastReread = persons.length;
    if (persons.length > 0) {
      this.version++;
      const fresh = new Map<string, ReportResidenceRow[]>();
      await reader.factsOf(persons, (r) => void add(fresh, this.fact(r)));
      for (const id of persons) {
        const before = this.facts.get(id) ?? none;
        const after = fresh.get(id);
        this.factCount += (after?.length ?? 0) - before.length;
        if (after) {
          if (!this.facts.has(id)) this.order = undefined;
          this.facts.set(id, after);
        } else if (this.facts.delete(id)) this.order = undefined;
      }
    }
    this.position = position;
  }

  /** One fact from a row, its strings shared with every other fact holding the same. */
  private fact(r: readonly unknown[]): ReportResidenceRow {
    return Object.freeze({
      personId: String(r[0]),
      kind: this.shared(r[1]) ?? '',
      areaCode: this.shared(r[2]) ?? '',
      dwellingId: this.shared(r[3]),
      addressText: this.shared(r[6]),
      validFrom: this.shared(r[4]),
      validTo: this.shared(r[5]),
    });
  }

  private shared(v: unknown): string | null {
    if (v === null || v === undefined) return null;
    const s = String(v);
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }
}

/**
 * Adds a fact to its person's list (a person has a few); the same fact again keeps the smaller
 * address text, an absent one last. Whether the fact was new.
 */
function add(facts: Map<string, ReportResidenceRow[]>, f: ReportResidenceRow): boolean {
  const list = facts.get(f.personId);
  if (!list) {
    facts.set(f.personId, [f]);
    return true;
  }
  for (let i = 0; i < list.length; i++) {
    const known = list[i];
    if (known === undefined || !sameFact(known, f)) continue;
    if ((f.addressText ?? '\uffff') < (known.addressText ?? '\uffff')) list[i] = f;
    return false;
  }
  list.push(f);
  return true;
}

function sameFact(a: ReportResidenceRow, b: ReportResidenceRow): boolean {
  return (
    a.kind === b.kind &&
    a.areaCode === b.areaCode &&
    a.dwellingId === b.dwellingId &&
    a.validFrom === b.validFrom &&
    a.validTo === b.validTo
  );
}
