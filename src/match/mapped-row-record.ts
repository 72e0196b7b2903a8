/**
 * A department row, as the import pipeline maps it (MappedRow), in the shape matching reads: the
 * name (Chinese, or the latin name), birth date, sex, phone, the citizen ID number (an identifier or
 * the element), the actual residence (else the registered one) with its dwelling, and a passport or
 * other document as `document`. For the pipeline's PersonMatcher; pure.
 */
import type { MappedRow } from '../ingest/map/map-record.ts';
import type { MatchRecord } from './match-record.ts';

const ELEMENT_FIELDS: Readonly<Record<string, string>> = {
  'person.name': 'name',
  'person.latinName': 'latinName',
  'person.sex': 'sex',
  'person.birthDate': 'birthDate',
  'person.phone': 'phone',
  'person.citizenIdNumber': 'citizenId',
  'person.nationality': 'nationality',
};

const CITIZEN_ID_TYPES = new Set(['CN_ID', 'HMT_RESIDENCE_PERMIT']);

export function mappedRowRecord(row: MappedRow, id = `row-${row.row}`): MatchRecord {
  const fields: Record<string, string> = {};
  for (const v of row.values) {
    const field = ELEMENT_FIELDS[v.elementId];
    if (field !== undefined && v.value !== null && v.value !== '') fields[field] = v.value;
  }
  if (fields['name'] === undefined && fields['latinName'] !== undefined) fields['name'] = fields['latinName'];
  for (const i of row.identifiers) {
    if (CITIZEN_ID_TYPES.has(i.type)) fields['citizenId'] ??= i.number;
    else fields['document'] ??= `${i.issuingCountry}:${i.number}`;
  }
  const residence = row.residences.find((r) => r.kind === 'actual') ?? row.residences.find((r) => r.kind === 'registered');
  if (residence?.address) fields['address'] = residence.address;
  if (residence?.dwellingId) fields['dwellingId'] = residence.dwellingId;
  return { id, fields };
}
