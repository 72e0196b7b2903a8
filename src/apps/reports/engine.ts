/**
 * The report engine (issue 8): evaluates a report definition for an area (street, committee or
 * grid) on a reference date. It reads the record in bulk (src/store/report.repository.ts) as it
 * stood on that date — residences, identifiers and households in force, values by survivorship
 * over the observations valid by then — derives each person's population category and kinds,
 * cuts the people to the caller's remit (src/access/remit-policy.ts: the purpose must match, the
 * elements read must be readable, persons outside the caller's scopes are neither counted nor
 * listed), and gives a ReportResult that every renderer lays out without looking anything up.
 */
import type { Access } from '../../access/remit-policy.ts';
import { todayIso, isIsoDate } from '../../domain/dates.ts';
import { PopulusError } from '../../domain/errors.ts';
import { elementsRead } from '../../domain/kinds.ts';
import type { DataElement } from '../../domain/standard/types.ts';
import { defaultDataDir } from '../../reference/data-dir.ts';
import { loadElements } from '../../reference/catalogue-loader.ts';
import type { DataAccess } from '../../store/repositories.ts';
import {
  elementsOf,
  loadDefinitionCatalogue,
  validateDefinition,
  type Condition,
  type DefinitionCatalogue,
  type FullReportDefinition,
} from './definition.ts';
import { resolveDimension, type DimensionContext } from './dimensions.ts';
import {
  categoryOf,
  withDetails,
  personFacts,
  residenceAreas,
  residencePermitOf,
  valuesByPerson,
  withValues,
  type PersonFacts,
} from './engine-facts.ts';
import { buildRoster } from './engine-roster.ts';
import { buildTable } from './engine-table.ts';
import type { EngineOutput, Label, ReportDefinition, ReportResult } from './types.ts';
import { ageOn } from '../../domain/dates.ts';

export interface RunOptions {
  /** 9-digit street, 12-digit committee, or a grid code below a committee. */
  readonly areaCode: string;
  /** Reference date YYYY-MM-DD: the record as it stood on that date. */
  readonly asOf: string;
  /** The caller's access for the definition's purpose (RemitPolicy.access(principal, def.purpose)). */
  readonly access: Access;
  /** Show ID numbers and phones unmasked where the remit allows it (the caller audits the unmasking). */
  readonly unmask?: boolean;
  /** Production time (ISO); default now. */
  readonly generatedAt?: string;
  /**
   * Transaction time (ISO instant): the record as it was known then — what a report run at that
   * instant would have read (see ReportReadOptions.knownAt). Absent: as known now.
   */
  readonly knownAt?: string | undefined;
}

/**
 * A transaction time asked for, in the one form instants are stored in (UTC, milliseconds: they
 * compare as text on SQLite); refused when it is not an ISO date and time, or still to come.
 */
export function knownInstant(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value)))
    throw new PopulusError('VALIDATION_FAILED', `the instant known at must be an ISO date and time (e.g. 2026-11-01T00:00:00Z), not ${value}`, {
      field: 'knownAt',
      value,
    });
  const instant = new Date(value).toISOString();
  if (instant > new Date().toISOString())
    throw new PopulusError('VALIDATION_FAILED', `the instant known at (${instant}) is in the future: the record is known up to now`, {
      field: 'knownAt',
      value: instant,
    });
  return instant;
}

/** The four categories of the actual population (people living here): the default population of a report. */
export const LIVING_CATEGORIES = [
  'RESIDENT_REGISTERED',
  'RESIDENT_REGISTERED_ELSEWHERE_LOCAL',
  'FROM_OTHER_PROVINCE',
  'FROM_ABROAD',
] as const;

const AREA_CODE = /^\d{9}(\d{3}([0-9A-Za-z-]{1,20})?)?$/;

const NOTE_MASKED: Label = {
  zh: '身份证件号码和联系电话已按规定脱敏显示。',
  en: 'Identity document numbers and phone numbers are masked.',
};
const NOTE_UNDETERMINED = (n: number): Label => ({
  zh: `另有 ${n} 人因户籍或居住信息不全、人口类别无法确定，未计入。`,
  en: `${n} more persons are not counted: their registration or residence is incomplete, so their population category cannot be determined.`,
});

interface Catalogues {
  readonly definitions: DefinitionCatalogue;
  readonly elements: ReadonlyMap<string, DataElement>;
}

export class ReportEngine {
  private catalogues: Catalogues | undefined;

  constructor(
    private readonly data: DataAccess,
    private readonly homeArea: string,
    private readonly dataDir: string = defaultDataDir(),
  ) {}

  /** The catalogue definitions are checked against (loaded once). */
  catalogue(): DefinitionCatalogue {
    return this.loaded().definitions;
  }

  private loaded(): Catalogues {
    this.catalogues ??= {
      definitions: loadDefinitionCatalogue(this.dataDir),
      elements: new Map(loadElements(this.dataDir).map((e) => [e.id, e])),
    };
    return this.catalogues;
  }

  /** Runs one definition; throws REPORT_DEFINITION_INVALID, REPORT_OUTSIDE_REMIT, PURPOSE_NOT_ALLOWED, AREA_NOT_FOUND or VALIDATION_FAILED. */
  async run(definition: ReportDefinition, options: RunOptions): Promise<EngineOutput> {
    const [out] = await this.runAreas(definition, { ...options, areaCodes: [options.areaCode] });
    if (!out) throw new Error('runAreas gave no output');
    return out;
  }

  /**
   * Runs one definition for several areas of the street on the same date (a schedule's committees),
   * reading the record once for all of them; one output per area, in the order given.
   */
  async runAreas(
    definition: ReportDefinition,
    options: Omit<RunOptions, 'areaCode'> & { readonly areaCodes: readonly string[] },
  ): Promise<EngineOutput[]> {
    const { definitions: catalogue, elements } = this.loaded();
    const def = validateDefinition(definition, catalogue);
    const { areaCodes, asOf, access } = options;
    if (!isIsoDate(asOf))
      throw new PopulusError('VALIDATION_FAILED', `the reference date must be YYYY-MM-DD, not ${asOf}`, { field: 'asOf', value: asOf });
    const knownAt = options.knownAt === undefined ? undefined : knownInstant(options.knownAt);
    for (const areaCode of areaCodes) {
      if (!AREA_CODE.test(areaCode))
        throw new PopulusError(
          'VALIDATION_FAILED',
          `the area must be a 9-digit street, 12-digit committee or a grid code below one, not ${areaCode}`,
          { field: 'areaCode', value: areaCode },
        );
      if (!areaCode.startsWith(this.homeArea))
        throw new PopulusError('AREA_NOT_FOUND', `area ${areaCode} is not within this street (${this.homeArea})`, { code: areaCode });
    }
    if (access.purpose !== def.purpose) {
      throw new PopulusError('PURPOSE_NOT_ALLOWED', `report ${def.id} is produced for ${def.purpose}, not for ${access.purpose}`, {
        purpose: access.purpose,
        required: def.purpose,
      });
    }

    // The remit: every element the report reads must be readable for its purpose.
    const kinds = catalogue.kinds;
    const needed = elementsOf(def, kinds);
    const scopes = access.scopes();
    const readableAnywhere = new Set(scopes.flatMap((s) => [...s.elements]));
    const missing = needed.filter((e) => !readableAnywhere.has(e));
    if (missing.length > 0) {
      throw new PopulusError(
        'REPORT_OUTSIDE_REMIT',
        `report ${def.id} reads ${missing.join(', ')}, which your remit does not allow for ${def.purpose}`,
        { elements: missing, purpose: def.purpose },
      );
    }

    const repos = this.data.repos;
    const areas = new Map((await repos.areas.findAreas(areaCodes)).map((a) => [a.code, a]));
    for (const areaCode of areaCodes)
      if (!areas.has(areaCode) && areaCode.length <= 12)
        throw new PopulusError('AREA_NOT_FOUND', `area ${areaCode} is not known`, { code: areaCode });
    // One read covers every area asked for: the longest prefix they share (at least the street).
    let prefix = areaCodes[0] ?? this.homeArea;
    for (const a of areaCodes) while (!a.startsWith(prefix)) prefix = prefix.slice(0, -1);

    // Kinds restrict some grants: the persons' kinds must be known to decide their scope.
    const scopeKinds = new Set(scopes.flatMap((s) => (s.kinds ? [...s.kinds] : [])));
    // Only the kinds the report or the remit asks about are worked out for each person.
    const relevantKinds = kinds.filter((k) => scopeKinds.has(k.id) || usesKind(def, k.id));
    const kindRuleElements = relevantKinds.length > 0 ? elementsRead(relevantKinds) : [];
    // Elements only a roster shows are read later, for the persons chosen; the rest choose them.
    const choosing = new Set([...elementsOf({ ...def, roster: { columns: [] } }, kinds), ...kindRuleElements, 'person.deathDate']);
    const read = [...choosing].sort();
    const shownOnly = needed.filter((e) => !choosing.has(e));
    // As known at an instant, values are decided from the observations recorded by then, whatever the date.
    const current = asOf >= todayIso() && knownAt === undefined;
    const roster = def.roster?.columns ?? [];
    const fields = new Set(roster.flatMap((c) => ('field' in c ? [c.field] : [])));
    const dims = [...(def.table?.rows ?? []), ...(def.table?.columns ?? [])];
    const rows = await repos.reportReads.read({
      areaPrefix: prefix,
      asOf,
      elementIds: read,
      values: current ? 'current' : 'asOf',
      knownAt,
      memberships: fields.has('householdNo') || (def.table?.measures.includes('households') ?? false),
      dwellings:
        areaCodes.some((a) => a.length > 12) ||
        fields.has('housingUse') ||
        fields.has('address') ||
        (def.table?.measures.includes('dwellings') ?? false) ||
        dims.some((d) => d.by === 'housingUse') ||
        (def.population?.where?.some((c) => 'housingUse' in c) ?? false) ||
        scopes.some((s) => s.buildingIds !== null),
    });
    const details = fields.has('idNumber') || fields.has('otherDocument') || fields.has('address') || fields.has('registeredAddress');
    const owners = current ? new Map<string, Set<string>>() : await repos.sources.owners(read);
    const all = personFacts(rows, this.homeArea, asOf, relevantKinds, owners);
    const shownOwners = !current && shownOnly.length > 0 ? await repos.sources.owners(shownOnly) : new Map<string, Set<string>>();
    // Who the report is about, cut to the remit (once for every area).
    const categories = def.population?.categories ?? LIVING_CATEGORIES;
    const alive = (p: PersonFacts): boolean => {
      const death = p.values.get('person.deathDate');
      return death === undefined || death > asOf;
    };
    // Persons the report would take but whose category the record cannot decide: the note counts
    // these (the report's kinds and conditions, the remit), not every unplaced person of the area.
    const unplaced = all.filter(
      (p) => p.category.status === 'undetermined' && alive(p) && this.inRemit(access, p, needed) && selected(def, p, asOf),
    );
    const eligible = all.filter((p) => {
      const category = categoryOf(p);
      if (!category || !categories.includes(category) || p.placing === undefined) return false;
      return alive(p) && this.inRemit(access, p, needed) && selected(def, p, asOf);
    });
    // A stable order whatever the read's order: the same run gives the same output and audit entry.
    eligible.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const outputs: EngineOutput[] = [];
    for (const areaCode of areaCodes) {
      const area = areas.get(areaCode);

      // Who the report is about in this area.
      let undetermined = 0;
      for (const p of unplaced) if (p.actual?.areaCode.startsWith(areaCode) || p.registered?.areaCode.startsWith(areaCode)) undetermined++;
      const persons = eligible.filter(
        (p) => p.placing?.areaCode.startsWith(areaCode) || (p.dwelling?.areaCode.startsWith(areaCode) ?? false),
      );

      if (shownOnly.length > 0 && persons.length > 0) {
        const more = await repos.reportReads.valuesOf(
          persons.map((p) => p.id),
          shownOnly,
          current ? 'current' : 'asOf',
          asOf,
          knownAt,
        );
        const shown = withValues(persons, valuesByPerson(more, shownOwners));
        persons.splice(0, persons.length, ...shown);
      }
      if (details && persons.length > 0) {
        const more = await repos.reportReads.detailsOf(
          persons.map((p) => p.id),
          asOf,
          knownAt,
        );
        persons.splice(0, persons.length, ...withDetails(persons, more, asOf));
      }

      // Names of committees and provinces.
      const committees = await this.committeesOf(areaCode, area?.name);
      const provinceCodes = [...new Set(persons.flatMap((p) => (p.registered ? [`${p.registered.areaCode.slice(0, 2)}0000`] : [])))];
      const provinces = new Map((await repos.areas.findAreas(provinceCodes)).map((a) => [a.code, a.name]));

      const notes: Label[] = [];
      let result: Pick<ReportResult, 'header' | 'columns' | 'rows'>;
      let personIds: string[];
      if (def.kind === 'table' && def.table) {
        const ctx: DimensionContext = { catalogue, asOf, committees, provinces, categories };
        const rowDims = def.table.rows.map((d) => resolveDimension(d, ctx, persons));
        const colDims = def.table.columns.map((d) => resolveDimension(d, ctx, persons));
        const t = buildTable(def.table, rowDims, colDims, persons);
        result = t;
        personIds = t.personIds;
      } else if (def.roster) {
        const unmask = options.unmask === true;
        const r = buildRoster(def.roster, persons, {
          catalogue,
          elements,
          asOf,
          committeeNames: new Map(committees.map((c) => [c.code, c.name])),
          provinces,
          unmasked: (p) => (unmask ? access.unmaskable(this.subjectOf(p)) : new Set()),
        });
        if (r.masked.length > 0) notes.push(NOTE_MASKED);
        result = { header: [r.columns.map((c) => ({ label: c.label, colSpan: 1, rowSpan: 1 }))], columns: r.columns, rows: r.rows };
        personIds = persons.map((p) => p.id);
      } else {
        throw new PopulusError('REPORT_DEFINITION_INVALID', `report ${def.id} has neither a table nor a roster`, {
          problems: [{ path: '$', reason: 'no table or roster' }],
        });
      }
      if (undetermined > 0) notes.push(NOTE_UNDETERMINED(undetermined));

      outputs.push({
        result: {
          definitionId: def.id,
          definitionVersion: def.version,
          kind: def.kind,
          title: def.title,
          area: { code: areaCode, name: area?.name ?? areaCode },
          asOf,
          ...(knownAt === undefined ? {} : { knownAt }),
          generatedAt: options.generatedAt ?? new Date().toISOString(),
          departmentId: def.departmentId,
          purpose: def.purpose,
          header: result.header,
          columns: result.columns,
          rows: result.rows,
          personCount: personIds.length,
          notes,
        },
        personIds,
        elementIds: needed,
      });
    }
    return outputs;
  }

  private subjectOf(p: PersonFacts): { personId: string; areaCodes: string[]; buildingIds: string[]; kinds: readonly string[] } {
    return { personId: p.id, areaCodes: residenceAreas(p), buildingIds: p.dwelling ? [p.dwelling.buildingId] : [], kinds: p.kinds };
  }

  /** In the caller's scopes, with every element the report reads readable for this person. */
  private inRemit(access: Access, p: PersonFacts, needed: readonly string[]): boolean {
    const readable = access.readable(this.subjectOf(p));
    return readable.size > 0 && needed.every((e) => readable.has(e));
  }

  /** The committees a report of the area shows: the street's committees, or the committee itself. */
  private async committeesOf(areaCode: string, name: string | undefined): Promise<{ code: string; name: string }[]> {
    if (areaCode.length === 9)
      return (await this.data.repos.areas.listChildren(areaCode, false)).map((a) => ({ code: a.code, name: a.name }));
    const code = areaCode.slice(0, 12);
    const committee = areaCode.length === 12 ? name : (await this.data.repos.areas.findArea(code))?.name;
    return [{ code, name: committee ?? code }];
  }
}

function usesKind(def: FullReportDefinition, kind: string): boolean {
  if (def.population?.kinds?.includes(kind)) return true;
  if (def.population?.where?.some((c) => 'kindsAny' in c && c.kindsAny.includes(kind))) return true;
  return [...(def.table?.rows ?? []), ...(def.table?.columns ?? [])].some((d) => d.kinds?.includes(kind) ?? false);
}

function holds(c: Condition, p: PersonFacts, asOf: string): boolean {
  if ('element' in c) {
    const v = p.values.get(c.element);
    if ('equals' in c) return v === c.equals;
    if ('in' in c) return v !== undefined && c.in.includes(v);
    return (v !== undefined) === c.present;
  }
  if ('age' in c) {
    const b = p.values.get('person.birthDate');
    if (!b) return false;
    const age = ageOn(b, asOf);
    return (c.age.min === undefined || age >= c.age.min) && (c.age.max === undefined || age <= c.age.max);
  }
  if ('kindsAny' in c) return p.kinds.some((k) => c.kindsAny.includes(k));
  if ('housingUse' in c)
    return p.dwelling?.housingUse !== undefined && p.dwelling.housingUse !== null && c.housingUse.includes(p.dwelling.housingUse);
  return c.residencePermit.includes(residencePermitOf(p, asOf));
}

/** The definition's own selection: kinds (any of) and conditions (all). */
function selected(def: FullReportDefinition, p: PersonFacts, asOf: string): boolean {
  const kinds = def.population?.kinds;
  if (kinds && !p.kinds.some((k) => kinds.includes(k))) return false;
  return (def.population?.where ?? []).every((c) => holds(c, p, asOf));
}

/** The engine over a node's data access, for its home street (9 digits); catalogue from dataDir (default data/). */
export function createReportEngine(data: DataAccess, homeArea: string, dataDir?: string): ReportEngine {
  return new ReportEngine(data, homeArea, dataDir);
}
