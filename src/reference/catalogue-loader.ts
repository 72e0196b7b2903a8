/**
 * Loads the data-element catalogue (data/catalogue/elements.json) and the departments that own the
 * elements (data/catalogue/departments.json). Field types are checked here; cross-references are
 * checked by checkCatalogue (catalogue-check.ts).
 */
import { ELEMENT_STORAGES, SENSITIVITIES, VALUE_TYPES } from '../domain/standard/types.ts';
import type { DataElement, Department } from '../domain/standard/types.ts';
import { nullableIsoDate, nullablePositiveInt, nullableStr, oneOf, readJsonList, str } from './json-reader.ts';
import type { JsonEntry } from './json-reader.ts';
import { ReferenceDataError } from './reference-data-error.ts';

export const ELEMENTS_FILE = 'catalogue/elements.json';
export const DEPARTMENTS_FILE = 'catalogue/departments.json';

const ELEMENT_ID = /^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/;
const DEPARTMENT_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const DEPARTMENT_LEVELS = ['city', 'district', 'street'] as const;

/** Reads data/catalogue/departments.json. */
export function loadDepartments(dataDir: string): Department[] {
  const seen = new Set<string>();
  return readJsonList(dataDir, DEPARTMENTS_FILE, 'departments').map((e) => ({
    id: uniqueId(e, seen, DEPARTMENT_ID, 'a kebab-case id'),
    nameZh: str(e, 'nameZh'),
    nameEn: str(e, 'nameEn'),
    level: oneOf(e, 'level', DEPARTMENT_LEVELS),
  }));
}

/** Reads data/catalogue/elements.json. */
export function loadElements(dataDir: string): DataElement[] {
  const seen = new Set<string>();
  return readJsonList(dataDir, ELEMENTS_FILE, 'elements').map((e) => ({
    id: uniqueId(e, seen, ELEMENT_ID, 'an object.property id such as person.maritalStatus'),
    nameZh: str(e, 'nameZh'),
    nameEn: str(e, 'nameEn'),
    definition: str(e, 'definition'),
    valueType: oneOf(e, 'valueType', VALUE_TYPES),
    codeTableId: nullableStr(e, 'codeTableId'),
    sensitivity: oneOf(e, 'sensitivity', SENSITIVITIES),
    ownerDepartmentId: str(e, 'ownerDepartmentId'),
    freshnessDays: nullablePositiveInt(e, 'freshnessDays'),
    storage: oneOf(e, 'storage', ELEMENT_STORAGES),
    status: oneOf(e, 'status', ['standard', 'local'] as const),
    validFrom: nullableIsoDate(e, 'validFrom'),
    validTo: nullableIsoDate(e, 'validTo'),
  }));
}

function uniqueId(e: JsonEntry, seen: Set<string>, pattern: RegExp, what: string): string {
  const id = str(e, 'id');
  if (!pattern.test(id)) throw new ReferenceDataError(e.file, { entry: e.index }, 'id', `"${id}" is not ${what}`);
  if (seen.has(id)) throw new ReferenceDataError(e.file, { entry: e.index }, 'id', `duplicate id "${id}"`);
  seen.add(id);
  return id;
}
