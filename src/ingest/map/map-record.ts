/**
 * One record of a department's file, mapped to the standard through the source's profile: element
 * values (transformed, local codes translated and checked), identity documents (GB 11643 checked),
 * residences. A row that cannot be mapped is a list of rejections with stable reason codes, never
 * an exception; what the row says is hashed so an unchanged row is recognised on re-import.
 */
import { hash as digestOf } from 'node:crypto';
import type { IdNumberVerdict } from '../../domain/id-number.ts';
import { maskIdNumber } from '../../domain/id-number.ts';
import type { CodeMap, ColumnMapping, MappingProfile } from '../../domain/ingest/profile.ts';
import type { DataElement } from '../../domain/standard/types.ts';
import { checkValueShape } from '../../domain/standard/value.ts';
import type { ResolvedAddress } from '../address-resolver.ts';
import type { SourceRecord } from '../read/record-reader.ts';
import { mapsRentals } from '../../domain/ingest/rental-target.ts';
import { RentalCells, type MappedRental } from './map-rental.ts';

export type TransformResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly code: string; readonly reason: string };

export interface MappingContext {
  readonly profile: MappingProfile;
  /** The compiled transforms of each mapped column (trim first), by column header. */
  readonly transforms: ReadonlyMap<string, (value: string) => TransformResult>;
  /** Elements the profile maps, by id. */
  readonly elements: ReadonlyMap<string, DataElement>;
  /** Whether a code is in a table and valid today. */
  isCode(tableId: string, code: string): boolean;
  checkIdNumber(number: string): IdNumberVerdict;
  /** Whether an area code exists. */
  isArea(code: string): boolean;
  /** The standard address behind an address text: area code, and building/dwelling when known. */
  resolveAddress(text: string): ResolvedAddress | undefined;
}

export interface MappedIdentifier {
  readonly type: string;
  readonly number: string;
  readonly issuingCountry: string;
  readonly issuingArea: string | null;
}

export interface MappedResidence {
  readonly kind: 'registered' | 'actual';
  readonly areaCode: string;
  readonly address: string | null;
  readonly dwellingId: string | null;
}

export interface MappedHousehold {
  readonly number: string;
  readonly relationship: string | null;
  readonly type: string | null;
}

export interface MappedRow {
  readonly row: number;
  readonly key: string;
  readonly hash: string;
  /** Every element the profile maps: null where the row is empty. */
  readonly values: readonly { readonly elementId: string; readonly value: string | null }[];
  readonly identifiers: readonly MappedIdentifier[];
  readonly residences: readonly MappedResidence[];
  readonly household: MappedHousehold | null;
  /** The rental registration the row states (null: none); absent when the profile maps no rental. */
  readonly rental?: MappedRental | null;
}

export interface Rejection {
  readonly row: number;
  readonly column: string | null;
  /** The offending value, masked when it is an identity number. */
  readonly value: string | null;
  readonly reason: string;
  readonly message: string;
}

export type MapResult = { readonly ok: true; readonly row: MappedRow } | { readonly ok: false; readonly rejections: readonly Rejection[] };

const GB11643 = new Set(['CN_ID', 'HMT_RESIDENCE_PERMIT']);
/** 15 digits, or 17 digits and a check character. */
const GB11643_SHAPE = /^(\d{15}|\d{17}[\dXx])$/;

function isIdentifierColumn(c: ColumnMapping): boolean {
  return 'identifier' in c.target;
}

/** What mapping needs of one column, looked up once per mapping context instead of once per row. */
interface ColumnPlan {
  readonly c: ColumnMapping;
  readonly transform: ((value: string) => TransformResult) | undefined;
  /** The column's code map, when it names one (undefined also when the profile lacks it). */
  readonly codeMap: CodeMap | undefined;
  /** The element an element column maps to (undefined: unknown to the context). */
  readonly element: DataElement | undefined;
  /** Positions of this column in the record key. */
  readonly keyAt: readonly number[];
  readonly identifier: boolean;
}

interface Plan {
  readonly columns: readonly ColumnPlan[];
  readonly keySize: number;
  readonly rentals: boolean;
}

const plans = new WeakMap<MappingContext, Plan>();

function planOf(ctx: MappingContext): Plan {
  let plan = plans.get(ctx);
  if (plan) return plan;
  const key = ctx.profile.recordKey;
  plan = {
    columns: ctx.profile.columns.map((c) => ({
      c,
      transform: ctx.transforms.get(c.column),
      codeMap: c.codeMap !== undefined ? ctx.profile.codeMaps?.[c.codeMap] : undefined,
      element: 'element' in c.target ? ctx.elements.get(c.target.element) : undefined,
      keyAt: key.flatMap((k, i) => (k === c.column ? [i] : [])),
      identifier: isIdentifierColumn(c),
    })),
    keySize: key.length,
    rentals: mapsRentals(ctx.profile.columns),
  };
  plans.set(ctx, plan);
  return plan;
}

function rejectCell(rejections: Rejection[], row: number, col: ColumnPlan, value: string | null, reason: string, message: string): void {
  const shown = value !== null && col.identifier ? maskIdNumber(value) : value;
  rejections.push({ row, column: col.c.column, value: shown, reason, message });
}

export function mapRecord(record: SourceRecord, ctx: MappingContext): MapResult {
  const plan = planOf(ctx);
  const rejections: Rejection[] = [];
  const row = record.row;
  for (const p of record.problems ?? []) {
    rejections.push({ row, column: p.column ?? null, value: null, reason: p.code, message: p.message });
  }

  const values: { elementId: string; value: string | null }[] = [];
  const identifiers: MappedIdentifier[] = [];
  const residenceParts = new Map<'registered' | 'actual', { areaCode?: string; address?: string; fallbackArea?: string }>();
  // The record key's values by position (a column set twice keeps its last value, as a map by column did).
  const keyValues: string[] = new Array<string>(plan.keySize).fill('');
  const household: { number?: string; relationship?: string; type?: string } = {};
  const rentalCells = plan.rentals ? new RentalCells() : undefined;
  const cells = record.cells;

  for (const col of plan.columns) {
    const c = col.c;
    const raw = cells[c.column] ?? '';
    const t = col.transform ? col.transform(raw) : { ok: true as const, value: raw.trim() };
    if (!t.ok) {
      rejectCell(rejections, row, col, raw, t.code, `${c.column}: ${t.reason}`);
      continue;
    }
    let value = t.value;
    const target = c.target;
    if (value === '') {
      if (c.required) rejectCell(rejections, row, col, null, 'MISSING_VALUE', `${c.column} is required`);
      if ('element' in target) values.push({ elementId: target.element, value: null });
      continue;
    }
    if (c.codeMap !== undefined) {
      const map = col.codeMap;
      // The transformed cell first; then the cell as written, for a map whose keys keep what a transform changes (full-width brackets, traditional characters).
      const mapped = map?.map[value] ?? map?.map[raw.trim()] ?? (map?.passThrough ? value : undefined);
      if (mapped === undefined || !map || !ctx.isCode(map.table, mapped)) {
        rejectCell(rejections, row, col, value, 'UNKNOWN_LOCAL_CODE', `${c.column}: "${value}" is not a known code of ${c.codeMap}`);
        continue;
      }
      value = mapped;
    }
    for (const i of col.keyAt) keyValues[i] = value;
    if ('element' in target) {
      const element = col.element;
      if (!element) {
        rejectCell(rejections, row, col, value, 'UNKNOWN_ELEMENT', `${c.column}: the profile names an unknown element ${target.element}`);
        continue;
      }
      const shape = checkValueShape(element.valueType, value);
      if (!shape.ok) {
        rejectCell(rejections, row, col, value, element.valueType === 'date' ? 'BAD_DATE' : 'BAD_VALUE', `${c.column}: ${shape.reason}`);
        continue;
      }
      if (element.valueType === 'code' && element.codeTableId && !ctx.isCode(element.codeTableId, shape.value)) {
        rejectCell(rejections, row, col, value, 'UNKNOWN_CODE', `${c.column}: "${shape.value}" is not in ${element.codeTableId}`);
        continue;
      }
      values.push({ elementId: element.id, value: shape.value });
    } else if ('identifier' in target) {
      let type = target.identifier;
      if (target.typeColumn !== undefined) {
        const rawType = (cells[target.typeColumn] ?? '').trim();
        if (rawType !== '') {
          const typeMap = target.typeCodeMap !== undefined ? ctx.profile.codeMaps?.[target.typeCodeMap] : undefined;
          const mappedType = typeMap ? (typeMap.map[rawType] ?? (typeMap.passThrough ? rawType : undefined)) : rawType;
          if (mappedType === undefined || !ctx.isCode('identifier-type', mappedType)) {
            rejectCell(rejections, row, col, null, 'UNKNOWN_LOCAL_CODE', `${target.typeColumn}: "${rawType}" is not a known document type`);
            continue;
          }
          type = mappedType;
        }
      }
      // A document column that does not say the type (no type column) yet holds a valid GB 11643
      // number: it is a citizen ID (or a Hong Kong/Macao/Taiwan residence permit), linked as one.
      let checked: IdNumberVerdict | undefined;
      if (!GB11643.has(type) && target.typeColumn === undefined && GB11643_SHAPE.test(value)) {
        checked = ctx.checkIdNumber(value);
        if (checked.valid) type = checked.facts.kind === 'citizen' ? 'CN_ID' : 'HMT_RESIDENCE_PERMIT';
      }
      if (GB11643.has(type)) {
        // The verdict of the untyped column's check when there was one (the same number, checked once).
        const verdict = checked ?? ctx.checkIdNumber(value);
        if (!verdict.valid) {
          rejectCell(rejections, row, col, value, 'INVALID_ID_NUMBER', `${c.column}: ${verdict.message}`);
          continue;
        }
        identifiers.push({ type, number: verdict.facts.number, issuingCountry: 'CHN', issuingArea: verdict.facts.addressCode });
        for (const i of col.keyAt) keyValues[i] = verdict.facts.number;
      } else {
        const rawCountry = target.issuingCountryColumn ? (cells[target.issuingCountryColumn] ?? '').trim() : 'CHN';
        const countryMap = target.issuingCountryCodeMap !== undefined ? ctx.profile.codeMaps?.[target.issuingCountryCodeMap] : undefined;
        const country = (countryMap?.map[rawCountry] ?? rawCountry).toUpperCase();
        if (!ctx.isCode('country', country)) {
          rejectCell(rejections, row, col, value, 'UNKNOWN_CODE', `${target.issuingCountryColumn ?? c.column}: "${country}" is not a GB/T 2659 country code`);
          continue;
        }
        identifiers.push({ type, number: value.replace(/\s+/g, '').toUpperCase(), issuingCountry: country, issuingArea: null });
      }
    } else if ('residence' in target) {
      const part = residenceParts.get(target.residence) ?? {};
      if (target.part === 'areaCode') {
        if (!ctx.isArea(value)) {
          rejectCell(rejections, row, col, value, 'UNKNOWN_AREA', `${c.column}: "${value}" is not an area code`);
          continue;
        }
        part.areaCode = value;
      } else {
        part.address = value;
        if (target.areaCode !== undefined) part.fallbackArea = target.areaCode;
      }
      residenceParts.set(target.residence, part);
    } else if ('household' in target) {
      const table = target.household === 'relationship' ? 'family-relationship' : target.household === 'type' ? 'household-type' : undefined;
      if (table && !ctx.isCode(table, value)) {
        rejectCell(rejections, row, col, value, 'UNKNOWN_CODE', `${c.column}: "${value}" is not in ${table}`);
        continue;
      }
      household[target.household] = value;
    } else if ('rental' in target) {
      rentalCells?.set(target.rental, c.column, value);
    }
  }
  if ((household.relationship !== undefined || household.type !== undefined) && household.number === undefined) {
    rejections.push({ row: record.row, column: null, value: null, reason: 'MISSING_VALUE', message: 'a relationship to the head needs the household number (户号)' });
  }

  for (const c of ctx.profile.constants ?? []) values.push({ elementId: c.element, value: c.value });
  if (keyValues.every((v) => v === '') && rejections.length === 0) {
    rejections.push({ row: record.row, column: ctx.profile.recordKey.join('+'), value: null, reason: 'MISSING_KEY', message: `the record key (${ctx.profile.recordKey.join(', ')}) is empty` });
  }
  const residences: MappedResidence[] = [];
  for (const [kind, part] of residenceParts) {
    const resolved = part.address !== undefined ? ctx.resolveAddress(part.address) : undefined;
    // An area-code column wins; else what the address itself names; else the profile's assumed area.
    const areaCode = part.areaCode ?? resolved?.areaCode ?? part.fallbackArea;
    if (areaCode === undefined) {
      rejections.push({ row: record.row, column: null, value: part.address ?? null, reason: 'UNRESOLVED_ADDRESS', message: `the ${kind} address names no known area` });
      continue;
    }
    const dwellingId = resolved && (part.areaCode === undefined || resolved.areaCode.startsWith(part.areaCode)) ? resolved.dwellingId : null;
    residences.push({ kind, areaCode, address: part.address ?? null, dwellingId });
  }
  let rental: MappedRental | null | undefined;
  if (rentalCells) {
    const r = rentalCells.facts(ctx.profile.columns, record.cells, residences.find((x) => x.kind === 'actual')?.dwellingId ?? null);
    if (r.ok) rental = r.rental;
    else for (const x of r.rejections) rejections.push({ row: record.row, ...x });
  }
  if (rejections.length > 0) return { ok: false, rejections };

  // A profile without rental columns hashes its rows as before (an unchanged row stays recognised).
  // One call, no Hash object per row (the same SHA-1, base64).
  const hash = digestOf('sha1', JSON.stringify(rental === undefined ? [values, identifiers, residences, household] : [values, identifiers, residences, household, rental]), 'base64');
  const mappedHousehold = household.number === undefined ? null : { number: household.number, relationship: household.relationship ?? null, type: household.type ?? null };
  return { ok: true, row: { row: record.row, key: keyValues.join('\u001f'), hash, values, identifiers, residences, household: mappedHousehold, ...(rental === undefined ? {} : { rental }) } };
}

