/**
 * The ground truth beside the extracts: every person with their true current values by element id,
 * households, dwellings, the true mapping of every local code list, and the systems' column
 * profiles. Tests and benchmarks score against it; the product's matching never reads it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_LISTS, reverse } from './code-lists.ts';
import type { WrittenFile } from './csv-writer.ts';
import { ELEMENTS, trueValues, trueValuesJson } from './elements.ts';
import type { Dwelling, Household, Person } from './model.ts';
import type { SystemSpec } from './systems.data.ts';
import type { CommitteeBuild } from './committee-builder.ts';
import { createHash } from 'node:crypto';

export interface PersonTruth {
  readonly id: string;
  readonly status: Person['status'];
  readonly statusDate?: string;
  readonly category: Person['category'];
  readonly householdId: string;
  readonly dwellingId?: string;
  readonly kinds: readonly string[];
  /** True current values by element id (codes in the standard, dates ISO, full addresses). */
  readonly values: Readonly<Record<string, string>>;
}

export function personTruth(p: Person, asOf: string): PersonTruth {
  return {
    id: p.id,
    status: p.status,
    ...(p.statusDate ? { statusDate: p.statusDate } : {}),
    category: p.category,
    householdId: p.household.id,
    ...(p.dwelling ? { dwellingId: p.dwelling.id } : {}),
    kinds: p.kinds,
    values: trueValues(p, asOf),
  };
}

/** The same as JSON.stringify(personTruth(p, asOf)), built without the intermediate objects. */
export function personTruthJson(p: Person, asOf: string): string {
  let json = `{"id":"${p.id}","status":"${p.status}"`;
  if (p.statusDate) json += `,"statusDate":"${p.statusDate}"`;
  json += `,"category":"${p.category}","householdId":"${p.household.id}"`;
  if (p.dwelling) json += `,"dwellingId":"${p.dwelling.id}"`;
  return `${json},"kinds":${JSON.stringify(p.kinds)},"values":${trueValuesJson(p, asOf)}}`;
}

function householdTruth(h: Household): unknown {
  return {
    id: h.id,
    number: h.number || undefined,
    category: h.category,
    type: h.type,
    registeredHere: h.registeredHere,
    dwellingId: h.dwelling?.id,
    headId: h.head.id,
    members: h.members.map((m) => ({ personId: m.id, relationship: m.relationship, category: m.category })),
  };
}

function dwellingTruth(d: Dwelling): unknown {
  return {
    id: d.id,
    streetCode: d.committee.street.code,
    committeeCode: d.committee.code,
    committeeName: d.committee.name,
    address: d.fullAddress,
    road: d.road,
    lane: d.lane,
    number: d.number,
    room: d.room,
    buildingType: d.buildingType,
    floorArea: d.floorArea,
    housingUse: d.housingUse,
    occupants: d.occupants,
    registeredHouseholds: d.registeredHouseholds,
    rental: d.rental ?? undefined,
  };
}

/** Where truth lines go (the output files). */
export interface TruthSink {
  personLine(json: string): void;
  householdLine(json: string): void;
  dwellingLine(json: string): void;
}

/** One committee's lines of truth/persons.jsonl, households.jsonl and dwellings.jsonl. */
export function writeTruth(
  build: CommitteeBuild,
  later: { persons: readonly Person[]; households: readonly Household[] },
  asOf: string,
  sink: TruthSink,
): void {
  for (const p of build.persons) sink.personLine(personTruthJson(p, asOf));
  for (const p of build.ghosts) sink.personLine(personTruthJson(p, asOf));
  for (const p of later.persons) sink.personLine(personTruthJson(p, asOf));
  for (const h of build.households) sink.householdLine(JSON.stringify(householdTruth(h)));
  for (const h of build.departedHouseholds) sink.householdLine(JSON.stringify(householdTruth(h)));
  for (const h of later.households) sink.householdLine(JSON.stringify(householdTruth(h)));
  for (const d of build.dwellings) sink.dwellingLine(JSON.stringify(dwellingTruth(d)));
}

export interface SystemProfile {
  readonly spec: SystemSpec;
  readonly headerRow: number;
  readonly snapshotDate: string;
}

/** truth/code-mappings.json and truth/systems.json, written once the extracts are known. */
export function writeSystemTruth(outDir: string, profiles: readonly SystemProfile[]): WrittenFile[] {
  const mappings: Record<string, Record<string, { table: string; codes: Record<string, string> }>> = {};
  const systems = profiles.map(({ spec, headerRow, snapshotDate }) => {
    const lists: Record<string, { table: string; codes: Record<string, string> }> = {};
    for (const col of spec.columns) {
      const list = col.codes ? CODE_LISTS.get(col.codes) : undefined;
      if (list) lists[list.id] = { table: list.table, codes: reverse(list) };
    }
    mappings[spec.id] = lists;
    return {
      id: spec.id,
      nameZh: spec.nameZh,
      nameEn: spec.nameEn,
      departmentId: spec.departmentId,
      level: spec.level,
      file: `extracts/${spec.id}.${spec.format}`,
      format: spec.format,
      encoding: spec.format === 'xlsx' ? 'utf8' : spec.encoding,
      lineEnding: spec.lineEnding,
      headerRow,
      dateStyle: spec.dateStyle,
      addressStyle: spec.addressStyle,
      population: spec.population,
      populationZh: spec.populationZh,
      snapshotDate,
      authoritative: spec.authoritative ?? false,
      changes: spec.changes,
      columns: spec.columns.map((c) => ({
        header: c.header,
        element: c.element,
        kind: ELEMENTS[c.element].kind,
        ...('table' in ELEMENTS[c.element] ? { table: (ELEMENTS[c.element] as { table?: string }).table } : {}),
        ...(c.codes ? { codeList: c.codes } : {}),
        ...(ELEMENTS[c.element].kind === 'date' ? { dateStyle: c.date ?? spec.dateStyle } : {}),
      })),
    };
  });
  return [writeJson(outDir, 'truth/code-mappings.json', mappings), writeJson(outDir, 'truth/systems.json', systems)];
}

export function writeJson(outDir: string, path: string, value: unknown): WrittenFile {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const bytes = Buffer.from(text, 'utf8');
  writeFileSync(join(outDir, path), bytes);
  return { path, rows: 0, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
