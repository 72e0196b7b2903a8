/**
 * What mapping a file needs to know, as plain data: the profile, the elements it maps, the valid
 * codes of the tables it uses, the area codes and the address registry. The import service reads
 * it from the store; `mappingContextOf` turns it into the functions `mapRecord` calls — on the
 * main thread or in the mapping thread (map-thread.ts), which gets the spec by structured clone.
 */
import { checkIdNumber, type AreaCodeHistory } from '../../domain/id-number.ts';
import type { MappingProfile } from '../../domain/ingest/profile.ts';
import type { Area, DataElement } from '../../domain/standard/types.ts';
import { AddressResolver, type BuildingEntry, type DwellingEntry } from '../address-resolver.ts';
import type { CompileTransforms } from '../import.service.ts';
import type { MappingContext } from './map-record.ts';

export interface MappingSpec {
  readonly profile: MappingProfile;
  readonly elements: readonly DataElement[];
  /** Code table id → the codes valid on `today`. */
  readonly codes: Readonly<Record<string, readonly string[]>>;
  /** Every area code, when the profile maps a residence. */
  readonly areaCodes: readonly string[] | null;
  /** The address registry, when the profile maps a residence address. */
  readonly addresses: { readonly areas: readonly Area[]; readonly buildings: readonly BuildingEntry[]; readonly dwellings: readonly DwellingEntry[] } | null;
  /** The node's street (9 digits). */
  readonly homeArea: string;
  /** The date codes and ID numbers are checked on, YYYY-MM-DD. */
  readonly today: string;
}

export function mappingContextOf(spec: MappingSpec, deps: { readonly compileTransforms: CompileTransforms; readonly areaHistory: AreaCodeHistory }): MappingContext {
  const codes = new Map(Object.entries(spec.codes).map(([t, list]) => [t, new Set(list)]));
  const areaCodes = new Set(spec.areaCodes ?? []);
  const resolver = spec.addresses ? new AddressResolver(spec.addresses.areas, spec.homeArea, spec.addresses.buildings, spec.addresses.dwellings) : undefined;
  const { areaHistory } = deps;
  return {
    profile: spec.profile,
    transforms: new Map(spec.profile.columns.map((c) => [c.column, deps.compileTransforms(['trim', ...(c.transforms ?? [])])])),
    elements: new Map(spec.elements.map((e) => [e.id, e])),
    isCode: (table, code) => codes.get(table)?.has(code) ?? false,
    checkIdNumber: (n) => checkIdNumber(n, { areas: areaHistory, today: spec.today }),
    isArea: (code) => areaCodes.has(code),
    resolveAddress: (text) => resolver?.resolve(text),
  };
}
