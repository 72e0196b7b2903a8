/**
 * Cross-reference checks over a loaded catalogue: every element's code table and owner exist, code
 * elements name a table and others do not, ids are unique, every entry belongs to a known table and
 * every table has entries. Returns the problems as values (empty = consistent); used by tests and by
 * the migration that stores the catalogue.
 */
import type { CodeEntry, CodeTable, DataElement, Department } from '../domain/standard/types.ts';

export interface CatalogueProblem {
  /** What the problem is about: 'element person.sex', 'code table sex', 'department civil-affairs'. */
  readonly subject: string;
  readonly message: string;
}

export interface CatalogueParts {
  readonly codeTables: readonly CodeTable[];
  readonly entries: readonly CodeEntry[];
  readonly elements: readonly DataElement[];
  readonly departments: readonly Department[];
}

export function checkCatalogue(data: CatalogueParts): CatalogueProblem[] {
  const problems: CatalogueProblem[] = [];
  const report = (subject: string, message: string): void => {
    problems.push({ subject, message });
  };
  const tableIds = uniqueIds(data.codeTables, 'code table', report);
  const departmentIds = uniqueIds(data.departments, 'department', report);
  uniqueIds(data.elements, 'element', report);

  const entryCount = new Map<string, number>();
  for (const entry of data.entries) {
    if (!tableIds.has(entry.tableId)) report(`code table ${entry.tableId}`, `entry ${entry.code} belongs to an unknown code table`);
    entryCount.set(entry.tableId, (entryCount.get(entry.tableId) ?? 0) + 1);
  }
  for (const table of data.codeTables) {
    if (!entryCount.has(table.id)) report(`code table ${table.id}`, 'the table has no entries');
  }

  for (const element of data.elements) {
    const subject = `element ${element.id}`;
    if (element.valueType === 'code' && element.codeTableId === null) report(subject, 'a code element must name its code table');
    if (element.valueType !== 'code' && element.codeTableId !== null) {
      report(subject, `only code elements have a code table (valueType is ${element.valueType})`);
    }
    if (element.codeTableId !== null && !tableIds.has(element.codeTableId)) report(subject, `unknown code table "${element.codeTableId}"`);
    if (!departmentIds.has(element.ownerDepartmentId)) report(subject, `unknown owner department "${element.ownerDepartmentId}"`);
    if (element.validFrom !== null && element.validTo !== null && element.validTo <= element.validFrom) {
      report(subject, `validTo ${element.validTo} is not after validFrom ${element.validFrom}`);
    }
  }
  return problems;
}

function uniqueIds(
  items: readonly { readonly id: string }[],
  kind: string,
  report: (subject: string, message: string) => void,
): Set<string> {
  const ids = new Set<string>();
  for (const { id } of items) {
    if (ids.has(id)) report(`${kind} ${id}`, `duplicate ${kind} id`);
    ids.add(id);
  }
  return ids;
}
