/**
 * A department row, as the import pipeline maps it (MappedRow), in the shape matching reads: the
 * name (Chinese, or the latin name), birth date, sex, phone, the citizen ID number (an identifier or
 * the element), the actual residence (else the registered one) with its dwelling, and a passport or
 * other document as `document`. For the pipeline's PersonMatcher; pure.
 */
import type { MappedRow } from '../ingest/map/map-record.ts';
import type { MatchRecord } from './match-record.ts';
import { computeCheckChar } from '../domain/id-number.ts';

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

/**
 * An 18-character number with a valid GB 11643 check character is a citizen ID number (or
 * residence permit) whatever type a profile gave its column: no passport or other document looks
 * like one, and department files often keep every document in one column (证件号码).
 */
function looksLikeCitizenId(n: string): boolean {
  return /^\d{17}[\dX]$/.test(n) && computeCheckChar(n.slice(0, 17)) === n.charAt(17);
}

export function mappedRowRecord(row: MappedRow, id = `row-${row.row}`): MatchRecord {
  const fields: Record<string, string> = {};
  for (const v of row.values) {
    const field = ELEMENT_FIELDS[v.elementId];
    if (field !== undefined && v.value !== null && v.value !== '') fields[field] = v.value;
  }
  if (fields['name'] === undefined && fields['latinName'] !== undefined) fields['name'] = fields['latinName'];
  for (const i of row.identifiers) {
    if (CITIZEN_ID_TYPES.has(i.type) || looksLikeCitizenId(i.number)) fields['citizenId'] ??= i.number;
    // The number alone: profiles without an issuing-country column file every document under CHN.
    else fields['document'] ??= i.number;
  }
  const residence = row.residences.find((r) => r.kind === 'actual') ?? row.residences.find((r) => r.kind === 'registered');
  if (residence?.address) fields['address'] = residence.address;
  if (residence?.dwellingId) fields['dwellingId'] = residence.dwellingId;
  return { id, fields };
}
