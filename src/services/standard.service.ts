/**
 * The data standard at run time: code tables and their entries, data elements, departments.
 * Users extend it (a local code value with an effective date, a new element) without a code
 * change or restart; values are checked against it.
 */
import { PopulusError } from '../domain/errors.ts';
import { checkValueShape, isIsoDate } from '../domain/standard/value.ts';
import {
  SENSITIVITIES,
  VALUE_TYPES,
  type CodeEntry,
  type CodeTable,
  type DataElement,
  type Department,
  type ElementStorage,
  type Sensitivity,
  type ValueType,
} from '../domain/standard/types.ts';
import type { DataAccess, Repositories } from '../store/repositories.ts';
import type { EntryQuery } from '../store/standard.repository.ts';

export interface NewCodeEntryInput {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn?: string | undefined;
  readonly parentCode?: string | undefined;
  readonly validFrom: string;
  readonly validTo?: string | undefined;
  readonly note?: string | undefined;
}

export interface NewElementInput {
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly definition: string;
  readonly valueType: ValueType;
  readonly codeTableId?: string | undefined;
  readonly sensitivity: Sensitivity;
  readonly ownerDepartmentId: string;
  readonly freshnessDays?: number | undefined;
  readonly validFrom?: string | undefined;
}

export class StandardService {
  constructor(private readonly data: DataAccess) {}

  listCodeTables(q?: string): Promise<CodeTable[]> {
    return this.data.repos.standard.listCodeTables(q);
  }

  async getCodeTable(id: string): Promise<CodeTable> {
    const t = await this.data.repos.standard.findCodeTable(id);
    if (!t) throw new PopulusError('CODE_TABLE_NOT_FOUND', `there is no code table "${id}"`, { codeTable: id });
    return t;
  }

  async listEntries(tableId: string, query: EntryQuery): Promise<{ items: CodeEntry[]; total: number }> {
    await this.getCodeTable(tableId);
    if (query.asOf !== undefined && !isIsoDate(query.asOf)) throw invalidDate('asOf', query.asOf);
    return this.data.repos.standard.listEntries(tableId, query);
  }

  async getEntry(tableId: string, code: string): Promise<CodeEntry> {
    const e = await this.data.repos.standard.findEntry(tableId, code);
    if (!e) throw unknownCode(tableId, code);
    return e;
  }

  /** Adds a local extension (status 'local') to a code table, effective from a date. */
  async addEntry(tableId: string, input: NewCodeEntryInput): Promise<CodeEntry> {
    await this.getCodeTable(tableId);
    const code = input.code.trim();
    const shape = checkValueShape('code', code);
    if (!shape.ok) throw new PopulusError('INVALID_VALUE', `the code "${code}" is not usable: ${shape.reason}`, { field: 'code' });
    if (!input.nameZh.trim()) throw new PopulusError('INVALID_VALUE', 'a code value needs a Chinese name', { field: 'nameZh' });
    if (!isIsoDate(input.validFrom)) throw invalidDate('validFrom', input.validFrom);
    if (input.validTo !== undefined && (!isIsoDate(input.validTo) || input.validTo <= input.validFrom)) {
      throw new PopulusError('INVALID_VALUE', 'validTo must be a date after validFrom', { field: 'validTo' });
    }
    return this.data.transaction(async (repos) => {
      const existing = await repos.standard.findEntry(tableId, code);
      if (existing) {
        throw new PopulusError('CODE_EXISTS', `code ${code} already exists in ${tableId} (${existing.nameZh})`, { codeTable: tableId, code });
      }
      if (input.parentCode !== undefined && !(await repos.standard.findEntry(tableId, input.parentCode))) {
        throw unknownCode(tableId, input.parentCode);
      }
      const entry: CodeEntry = {
        tableId,
        code,
        nameZh: input.nameZh.trim(),
        nameEn: input.nameEn?.trim() || null,
        parentCode: input.parentCode ?? null,
        status: 'local',
        validFrom: input.validFrom,
        validTo: input.validTo ?? null,
        replacedBy: null,
        note: input.note ?? null,
      };
      await repos.standard.insertEntry(entry);
      return entry;
    });
  }

  /** Ends an entry's validity (it stays readable for history), optionally naming its replacement. */
  async retireEntry(tableId: string, code: string, validTo: string, replacedBy?: string): Promise<CodeEntry> {
    if (!isIsoDate(validTo)) throw invalidDate('validTo', validTo);
    return this.data.transaction(async (repos) => {
      const entry = await repos.standard.findEntry(tableId, code);
      if (!entry) throw unknownCode(tableId, code);
      if (replacedBy !== undefined && !(await repos.standard.findEntry(tableId, replacedBy))) throw unknownCode(tableId, replacedBy);
      await repos.standard.updateEntryValidity(tableId, code, validTo, replacedBy ?? null);
      return { ...entry, validTo, replacedBy: replacedBy ?? null };
    });
  }

  listElements(q?: string): Promise<DataElement[]> {
    return this.data.repos.standard.listElements(q);
  }

  async getElement(id: string): Promise<DataElement> {
    const e = await this.data.repos.standard.findElement(id);
    if (!e) throw new PopulusError('ELEMENT_NOT_FOUND', `there is no data element "${id}"`, { element: id });
    return e;
  }

  /** Adds a local data element (stored as plain values). */
  async addElement(input: NewElementInput): Promise<DataElement> {
    if (!/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/.test(input.id)) {
      throw new PopulusError('INVALID_VALUE', `element id "${input.id}" must be objectClass.property in camelCase, e.g. person.retiredRehired`, { field: 'id' });
    }
    if (!VALUE_TYPES.includes(input.valueType)) throw new PopulusError('INVALID_VALUE', `valueType must be one of ${VALUE_TYPES.join(', ')}`, { field: 'valueType' });
    if (!SENSITIVITIES.includes(input.sensitivity)) throw new PopulusError('INVALID_VALUE', `sensitivity must be one of ${SENSITIVITIES.join(', ')}`, { field: 'sensitivity' });
    if ((input.valueType === 'code') !== (input.codeTableId !== undefined)) {
      throw new PopulusError('INVALID_VALUE', 'a coded element names its code table, and only a coded element does', { field: 'codeTableId' });
    }
    if (input.freshnessDays !== undefined && (!Number.isInteger(input.freshnessDays) || input.freshnessDays < 1)) {
      throw new PopulusError('INVALID_VALUE', 'freshnessDays is a whole number of days, at least 1', { field: 'freshnessDays' });
    }
    if (input.validFrom !== undefined && !isIsoDate(input.validFrom)) throw invalidDate('validFrom', input.validFrom);
    return this.data.transaction(async (repos) => {
      if (await repos.standard.findElement(input.id)) throw new PopulusError('ELEMENT_EXISTS', `data element ${input.id} already exists`, { element: input.id });
      if (input.codeTableId !== undefined && !(await repos.standard.findCodeTable(input.codeTableId))) {
        throw new PopulusError('CODE_TABLE_NOT_FOUND', `there is no code table "${input.codeTableId}"`, { codeTable: input.codeTableId });
      }
      if (!(await repos.standard.findDepartment(input.ownerDepartmentId))) {
        throw new PopulusError('INVALID_VALUE', `there is no department "${input.ownerDepartmentId}"`, { field: 'ownerDepartmentId' });
      }
      const storage: ElementStorage = 'value';
      const element: DataElement = {
        id: input.id,
        nameZh: input.nameZh.trim(),
        nameEn: input.nameEn.trim(),
        definition: input.definition.trim(),
        valueType: input.valueType,
        codeTableId: input.codeTableId ?? null,
        sensitivity: input.sensitivity,
        ownerDepartmentId: input.ownerDepartmentId,
        freshnessDays: input.freshnessDays ?? null,
        storage,
        status: 'local',
        validFrom: input.validFrom ?? null,
        validTo: null,
      };
      await repos.standard.insertElement(element);
      return element;
    });
  }

  listDepartments(): Promise<Department[]> {
    return this.data.repos.standard.listDepartments();
  }

  /** Throws UNKNOWN_CODE unless the code is in the table and valid on the date. */
  async requireCode(repos: Repositories, tableId: string, code: string, asOf: string): Promise<CodeEntry> {
    const entry = await repos.standard.findEntry(tableId, code);
    if (!entry) throw unknownCode(tableId, code);
    if ((entry.validFrom !== null && entry.validFrom > asOf) || (entry.validTo !== null && entry.validTo <= asOf)) {
      throw new PopulusError('UNKNOWN_CODE', `code ${code} of ${tableId} is not valid on ${asOf} (valid ${entry.validFrom ?? '…'} to ${entry.validTo ?? '…'})`, {
        codeTable: tableId,
        code,
        asOf,
        ...(entry.replacedBy ? { replacedBy: entry.replacedBy } : {}),
      });
    }
    return entry;
  }

  /** The canonical stored form of a value for an element, or INVALID_VALUE / UNKNOWN_CODE / UNKNOWN_ELEMENT. */
  async normaliseValue(repos: Repositories, elementId: string, raw: string, asOf: string): Promise<{ element: DataElement; value: string }> {
    const element = await repos.standard.findElement(elementId);
    if (!element) throw new PopulusError('UNKNOWN_ELEMENT', `there is no data element "${elementId}"`, { element: elementId });
    if (element.storage !== 'value') {
      throw new PopulusError('INVALID_VALUE', `${elementId} is not set as a plain value: use the ${element.storage} endpoints`, { element: elementId });
    }
    const shape = checkValueShape(element.valueType, raw);
    if (!shape.ok) throw new PopulusError('INVALID_VALUE', `${elementId}: ${shape.reason}`, { element: elementId });
    if (element.valueType === 'code' && element.codeTableId) await this.requireCode(repos, element.codeTableId, shape.value, asOf);
    return { element, value: shape.value };
  }
}

export function unknownCode(tableId: string, code: string): PopulusError {
  return new PopulusError('UNKNOWN_CODE', `code "${code}" is not in the code table ${tableId}`, { codeTable: tableId, code });
}

export function invalidDate(field: string, value: string): PopulusError {
  return new PopulusError('INVALID_VALUE', `${field} "${value}" is not a date in the form YYYY-MM-DD`, { field });
}
