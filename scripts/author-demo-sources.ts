/**
 * Writes data/demo/sources.json: the 27 demo department systems as Populus sources, each with the
 * elements it is authoritative for and its mapping profile. This is what a street's data office
 * would configure from each department's export documentation (its columns and code lists, which
 * the demo keeps in src/demo/systems.data.ts and code-lists.ts); it never reads the ground truth.
 * Run: node --import tsx scripts/author-demo-sources.ts
 */
import { writeFileSync } from 'node:fs';
import { SYSTEMS, type SystemSpec } from '../src/demo/systems.data.ts';
import { CODE_LISTS } from '../src/demo/code-lists.ts';
import type { CodeMap, ColumnMapping, MappingProfile } from '../src/domain/ingest/profile.ts';
import type { RentalPart } from '../src/domain/ingest/rental-target.ts';
import { loadElements } from '../src/reference/catalogue-loader.ts';
import { defaultDataDir } from '../src/reference/data-dir.ts';

const catalogue = new Map(loadElements(defaultDataDir()).map((e) => [e.id, e]));

/** Who is authoritative for what among the demo systems (唯一数据产生源). */
const OWNS: Readonly<Record<string, readonly string[]>> = {
  'police-household-register': ['person.name', 'person.sex', 'person.birthDate', 'person.ethnicGroup', 'person.householdRegistrationCategory'],
  'foreigners-register': ['person.nationality', 'person.latinName'],
  'labour-social-security': ['person.employmentStatus', 'person.occupation'],
  'party-members': ['person.politicalStatus', 'kind.partyMember'],
  'street-population-database': ['person.phone'],
  'low-income-housing': ['kind.lowRentHousing'],
  'wenchuan-arrivals': ['kind.wenchuanArrival'],
  'released-prisoners': ['kind.releasedPrisoner'],
  'community-correction': ['person.communityCorrection'],
  'elderly-living-alone': ['kind.elderlyLivingAlone'],
  'retired-cadres': ['kind.retiredCadre'],
  'united-front': ['kind.unitedFront'],
  'union-hardship': ['kind.unionHardship'],
  'youth-volunteers': ['kind.youthVolunteer'],
  militia: ['kind.militia'],
  'conscription-registration': ['kind.conscriptionRegistered'],
  'medical-insurance': ['kind.medicalInsured'],
};

/** Being listed is the fact: what every record of these systems asserts. */
const CONSTANTS: Readonly<Record<string, readonly { element: string; value: string }[]>> = {
  'low-income-housing': [{ element: 'kind.lowRentHousing', value: 'true' }],
  'wenchuan-arrivals': [{ element: 'kind.wenchuanArrival', value: 'true' }],
  'inland-returnees': [{ element: 'kind.inlandReturnee', value: 'true' }],
  'released-prisoners': [{ element: 'kind.releasedPrisoner', value: 'true' }],
  'community-correction': [{ element: 'person.communityCorrection', value: 'true' }],
  'elderly-living-alone': [{ element: 'kind.elderlyLivingAlone', value: 'true' }],
  'party-members': [{ element: 'kind.partyMember', value: 'true' }],
  'retired-cadres': [{ element: 'kind.retiredCadre', value: 'true' }],
  'united-front': [{ element: 'kind.unitedFront', value: 'true' }],
  'union-hardship': [{ element: 'kind.unionHardship', value: 'true' }],
  'youth-volunteers': [{ element: 'kind.youthVolunteer', value: 'true' }],
  militia: [{ element: 'kind.militia', value: 'true' }],
  'conscription-registration': [{ element: 'kind.conscriptionRegistered', value: 'true' }],
  'medical-insurance': [{ element: 'kind.medicalInsured', value: 'true' }],
};

/** Only these systems are trusted with where people are registered or actually live. */
const REGISTERED_FROM = new Set(['police-household-register', 'street-population-database', 'social-insurance-card-residence-permit']);
const ACTUAL_FROM = new Set(['actual-population', 'foreigners-register', 'street-population-database']);

/** The demo's rental columns (src/demo/elements.ts) as parts of the `rental` target. */
const RENTAL_PART: Readonly<Record<string, RentalPart>> = {
  'rental.registrationNumber': 'registrationNumber',
  'rental.landlordName': 'landlordName',
  'rental.startDate': 'startDate',
  'rental.endDate': 'endDate',
};

function profileOf(spec: SystemSpec): MappingProfile {
  const columns: ColumnMapping[] = [];
  const codeMaps: Record<string, CodeMap> = {};
  const useList = (id: string): string => {
    const list = CODE_LISTS.get(id);
    if (!list) throw new Error(`no code list ${id}`);
    const key = id.replace(/\./g, '-');
    codeMaps[key] = { table: list.table, map: Object.fromEntries(Object.entries(list.labels).map(([code, label]) => [label, code])) };
    return key;
  };
  const header = (element: string): string | undefined => spec.columns.find((c) => c.element === element)?.header;
  for (const c of spec.columns) {
    const e = c.element;
    if (e === 'person.citizenIdNumber') {
      columns.push({ column: c.header, target: { identifier: 'CN_ID' }, transforms: ['idNumber'] });
    } else if (e === 'person.identityDocumentNumber') {
      const typeColumn = header('person.identityDocumentType');
      const typeList = spec.columns.find((x) => x.element === 'person.identityDocumentType')?.codes;
      const countryColumn = header('person.nationality');
      const countryList = spec.columns.find((x) => x.element === 'person.nationality')?.codes;
      columns.push({
        column: c.header,
        target: {
          identifier: 'PASSPORT',
          ...(typeColumn ? { typeColumn } : {}),
          ...(typeList ? { typeCodeMap: useList(typeList) } : {}),
          ...(countryColumn ? { issuingCountryColumn: countryColumn } : {}),
          ...(countryList ? { issuingCountryCodeMap: useList(countryList) } : {}),
        },
        transforms: ['idNumber'],
      });
    } else if (e === 'person.hmtResidencePermitNumber') {
      columns.push({ column: c.header, target: { identifier: 'HMT_RESIDENCE_PERMIT' }, transforms: ['idNumber'] });
    } else if (e === 'person.registeredAddress' && REGISTERED_FROM.has(spec.id)) {
      columns.push({ column: c.header, target: { residence: 'registered', part: 'address' }, transforms: ['halfWidth'] });
    } else if (e === 'person.actualResidence' && ACTUAL_FROM.has(spec.id)) {
      columns.push({ column: c.header, target: { residence: 'actual', part: 'address' }, transforms: ['halfWidth'] });
    } else if (e.startsWith('rental.') && ACTUAL_FROM.has(spec.id) && RENTAL_PART[e]) {
      // The tenant's rental registration at the dwelling of the row's actual address (租赁登记).
      columns.push({ column: c.header, target: { rental: RENTAL_PART[e] }, ...(e.endsWith('Date') ? { transforms: ['date'] } : { transforms: ['halfWidth'] }) });
    } else if (e === 'household.number' && spec.id === 'police-household-register') {
      columns.push({ column: c.header, target: { household: 'number' } });
    } else if (e === 'person.relationshipToHead' && spec.id === 'police-household-register' && c.codes) {
      columns.push({ column: c.header, target: { household: 'relationship' }, codeMap: useList(c.codes) });
    } else if (catalogue.get(e)?.storage === 'value') {
      const element = catalogue.get(e);
      const transforms =
        element?.valueType === 'date' ? ['date'] : element?.valueType === 'phone' ? ['phone'] : element?.valueType === 'string' ? ['halfWidth', 'simplified', 'removeSpaces'] : ['halfWidth'];
      columns.push({ column: c.header, target: { element: e }, transforms: e === 'person.latinName' || e === 'person.occupation' ? ['collapseSpaces'] : transforms, ...(c.codes ? { codeMap: useList(c.codes) } : {}) });
    } else {
      columns.push({ column: c.header, target: { ignore: true } });
    }
  }
  const key = columns.find((c) => 'identifier' in c.target)?.column ?? columns[0]?.column ?? '';
  return {
    extract: 'full',
    recordKey: [key],
    columns,
    codeMaps,
    ...(CONSTANTS[spec.id] ? { constants: CONSTANTS[spec.id] } : {}),
  };
}

const sources = SYSTEMS.map((spec) => ({
  id: spec.id,
  departmentId: spec.departmentId,
  nameZh: spec.nameZh,
  nameEn: spec.nameEn,
  level: spec.level,
  owns: OWNS[spec.id] ?? [],
  file: `extracts/${spec.id}.${spec.format}`,
  snapshotDaysBack: spec.snapshotDaysBack ?? 0,
  profile: profileOf(spec),
}));

const out = new URL('../data/demo/sources.json', import.meta.url);
writeFileSync(
  out,
  `${JSON.stringify({ $comment: 'The demo street’s department systems as Populus sources: owned elements and mapping profiles, written by scripts/author-demo-sources.ts from each system’s export documentation (never from the ground truth).', sources }, null, 1)}\n`,
);
console.log(`wrote ${sources.length} sources to ${out.pathname}`);
