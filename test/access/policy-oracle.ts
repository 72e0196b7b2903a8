/**
 * An independent statement of who may see what, written by hand for the tests from the intent of
 * catalogue/remits.json and the role rules of issue 6 — not derived from the resolver. When
 * remits.json changes, this table must change with it (deliberately: a widened remit is a
 * reviewed change). Later API matrix tests (every endpoint, export, the feed) reuse it.
 */
import type { Principal, Role } from '../../src/access/principal.ts';
import type { Subject, WriteMode } from '../../src/access/remit-policy.ts';
import type { DataElement } from '../../src/domain/standard/types.ts';

export const HOME = '310105004';
const DISTRICT = '310105';

const IDENTITY = ['person.name', 'person.sex', 'person.birthDate', 'person.citizenIdNumber', 'person.otherIdentityDocument', 'person.nationality', 'person.latinName'];
const RESIDENCE = ['person.registeredAddress', 'person.actualResidence', 'person.populationCategory', 'person.householdRegistrationCategory'];
const HOUSEHOLD = ['person.relationshipToHead', 'person.householdType'];
const DOCUMENTS = ['person.citizenIdNumber', 'person.otherIdentityDocument'];
const STATISTICS = ['person.sex', 'person.birthDate', 'person.ethnicGroup', 'person.nationality', 'person.maritalStatus', 'person.education', 'person.employmentStatus', 'person.populationCategory', 'person.householdRegistrationCategory', 'person.householdType', 'person.deathDate'];
const PHONE = 'person.phone';

interface Row {
  readonly purposes: readonly string[];
  /** Element ids, or a rule over the catalogue. */
  readonly elements: readonly string[] | ((e: DataElement) => boolean);
  /** Department rows: the area prefix; role rows: none. */
  readonly area?: string;
  readonly kinds?: readonly string[];
  readonly unmask?: readonly string[];
}

const dept = (purposes: string[], elements: string[], extra: Omit<Row, 'purposes' | 'elements'> = {}): Row => ({ purposes, elements, area: DISTRICT, ...extra });

export const DEPARTMENT_TABLE: Readonly<Record<string, readonly Row[]>> = {
  'police-household': [
    dept(['HOUSEHOLD_REGISTRATION'], [...IDENTITY, ...RESIDENCE, ...HOUSEHOLD, 'person.formerName', 'person.ethnicGroup', 'person.maritalStatus', 'person.deathDate', PHONE], { unmask: [...DOCUMENTS, PHONE] }),
    dept(['PUBLIC_SECURITY'], [...IDENTITY, ...RESIDENCE, 'person.formerName', PHONE, 'person.communityCorrection', 'kind.releasedPrisoner'], { unmask: [...DOCUMENTS, PHONE] }),
  ],
  'exit-entry': [dept(['EXIT_ENTRY_ADMINISTRATION'], [...IDENTITY, ...RESIDENCE, PHONE], { unmask: ['person.otherIdentityDocument'] })],
  'civil-affairs': [
    dept(
      ['RELIEF_ASSESSMENT'],
      [...IDENTITY, ...RESIDENCE, ...HOUSEHOLD, PHONE, 'person.maritalStatus', 'person.employmentStatus', 'person.healthStatus', 'person.disabilityCategory', 'person.disabilityGrade', 'person.subsistenceAllowance', 'person.reliefProgramme', 'kind.minimumIncome', 'kind.lowIncome', 'kind.extremePoverty', 'kind.disabled', 'kind.lowRentHousing', 'kind.unionHardship'],
      { unmask: ['person.citizenIdNumber'] },
    ),
    dept(['ELDERLY_CARE'], [...IDENTITY, ...RESIDENCE, ...HOUSEHOLD, PHONE, 'person.maritalStatus', 'person.healthStatus', 'kind.elderlyLivingAlone'], { kinds: ['elderly-60'], unmask: [PHONE] }),
    dept(['POPULATION_STATISTICS'], STATISTICS),
  ],
  'human-resources-social-security': [dept(['EMPLOYMENT_SERVICE'], [...IDENTITY, ...RESIDENCE, PHONE, 'person.education', 'person.employmentStatus', 'person.occupation', 'kind.inlandReturnee'], { unmask: ['person.citizenIdNumber'] })],
  'health-family-planning': [
    dept(['FAMILY_PLANNING_SERVICE'], [...IDENTITY, ...RESIDENCE, ...HOUSEHOLD, 'person.maritalStatus', PHONE], { kinds: ['women-15-49'], unmask: [PHONE] }),
    dept(['HEALTH_SERVICE'], [...IDENTITY, ...RESIDENCE, PHONE, 'person.healthStatus', 'person.disabilityCategory'], { unmask: [PHONE] }),
  ],
  'disabled-persons-federation': [
    dept(['DISABILITY_SERVICE'], [...IDENTITY, ...RESIDENCE, PHONE, 'person.healthStatus', 'person.employmentStatus', 'person.disabilityCategory', 'person.disabilityGrade', 'kind.disabled'], { kinds: ['disabled'], unmask: ['person.citizenIdNumber', PHONE] }),
  ],
  'party-organisation': [dept(['PARTY_AFFAIRS'], [...IDENTITY, ...RESIDENCE, PHONE, 'person.politicalStatus', 'person.education', 'person.occupation', 'kind.partyMember'], { kinds: ['party-member'] })],
  'street-population-office': [
    { purposes: ['POPULATION_SERVICE', 'DATA_COLLECTION'], elements: (e) => e.sensitivity === 'public' || e.sensitivity === 'internal' || DOCUMENTS.includes(e.id), area: HOME, unmask: [...DOCUMENTS, PHONE] },
    { purposes: ['POPULATION_STATISTICS'], elements: STATISTICS, area: HOME },
  ],
  housing: [dept(['HOUSING_ASSISTANCE'], [...IDENTITY, ...RESIDENCE, ...HOUSEHOLD, PHONE, 'kind.lowRentHousing', 'kind.minimumIncome', 'kind.lowIncome'], { unmask: ['person.citizenIdNumber'] })],
  education: [dept(['EDUCATION_SERVICE'], [...IDENTITY, ...RESIDENCE, ...HOUSEHOLD, 'person.education'], { kinds: ['child'] })],
  'united-front': [dept(['UNITED_FRONT'], [...IDENTITY, ...RESIDENCE, PHONE, 'person.ethnicGroup', 'person.religion', 'person.politicalStatus', 'person.education', 'person.occupation', 'kind.unitedFront'], { kinds: ['united-front'] })],
  'armed-forces': [
    { purposes: ['MILITIA_AFFAIRS'], elements: [...IDENTITY, ...RESIDENCE, PHONE, 'person.education', 'person.politicalStatus', 'kind.militia', 'kind.conscriptionRegistered'], area: HOME, kinds: ['militia-age', 'conscription-age', 'militia', 'conscription-registered'], unmask: ['person.citizenIdNumber'] },
  ],
  judicial: [dept(['COMMUNITY_CORRECTION'], [...IDENTITY, ...RESIDENCE, PHONE, 'person.employmentStatus', 'person.communityCorrection', 'kind.releasedPrisoner'], { kinds: ['community-correction', 'released-prisoner'], unmask: ['person.citizenIdNumber', PHONE] })],
  'trade-union': [dept(['UNION_ASSISTANCE'], [...IDENTITY, ...RESIDENCE, PHONE, 'person.employmentStatus', 'person.occupation', 'kind.unionHardship'], { kinds: ['union-hardship'] })],
  'youth-league': [dept(['YOUTH_SERVICE'], ['person.name', 'person.sex', 'person.birthDate', 'person.actualResidence', PHONE, 'kind.youthVolunteer'], { kinds: ['youth-volunteer'] })],
  'medical-insurance': [dept(['MEDICAL_INSURANCE'], [...IDENTITY, ...RESIDENCE, 'person.employmentStatus', 'kind.medicalInsured'], { unmask: ['person.citizenIdNumber'] })],
  'retired-cadres': [dept(['RETIRED_CADRE_SERVICE'], [...IDENTITY, ...RESIDENCE, PHONE, 'person.healthStatus', 'kind.retiredCadre'], { kinds: ['retired-cadre'], unmask: [PHONE] })],
};

const everything = (): boolean => true;
const upToSensitiveExcept = (e: DataElement): boolean =>
  e.sensitivity !== 'highly-sensitive' && !['person.religion', 'person.politicalStatus', 'kind.partyMember', 'kind.unitedFront'].includes(e.id);

export const ROLE_TABLE: Readonly<Record<Exclude<Role, 'department-officer'>, readonly Row[]>> = {
  'platform-admin': [{ purposes: ['PLATFORM_ADMINISTRATION', 'DATA_QUALITY'], elements: everything, unmask: [...DOCUMENTS, PHONE] }],
  'street-admin': [
    { purposes: ['POPULATION_SERVICE', 'DATA_QUALITY'], elements: everything, unmask: [...DOCUMENTS, PHONE] },
    { purposes: ['POPULATION_STATISTICS'], elements: STATISTICS },
  ],
  'committee-worker': [
    { purposes: ['POPULATION_SERVICE', 'DATA_COLLECTION'], elements: upToSensitiveExcept, unmask: [...DOCUMENTS, PHONE] },
    { purposes: ['POPULATION_STATISTICS'], elements: STATISTICS },
  ],
  collector: [
    {
      purposes: ['DATA_COLLECTION'],
      elements: (e) => e.sensitivity === 'public' || e.sensitivity === 'internal' || [...IDENTITY, ...RESIDENCE, ...HOUSEHOLD, 'person.healthStatus', 'person.disabilityCategory', 'person.disabilityGrade'].includes(e.id),
      unmask: [...DOCUMENTS, PHONE],
    },
  ],
  auditor: [{ purposes: ['AUDIT'], elements: [] }],
  resident: [{ purposes: ['SELF_SERVICE'], elements: everything, unmask: [...DOCUMENTS, PHONE] }],
};

/** Who writes whose elements authoritatively besides the owner. */
const DELEGATED: Readonly<Record<string, readonly string[]>> = { 'street-population-office': ['kind.elderlyLivingAlone'] };

export interface Expected {
  readonly purposeOk: boolean;
  readonly read: boolean;
  readonly unmask: boolean;
  readonly write: WriteMode;
}

export class PolicyOracle {
  private readonly byId: ReadonlyMap<string, DataElement>;

  constructor(private readonly catalogue: readonly DataElement[]) {
    this.byId = new Map(catalogue.map((e) => [e.id, e]));
  }

  private rows(p: Principal): readonly Row[] {
    if (p.role === 'department-officer') return p.departmentId === null ? [] : (DEPARTMENT_TABLE[p.departmentId] ?? []);
    if (p.actor.kind === 'token') return [];
    return ROLE_TABLE[p.role];
  }

  purposes(p: Principal): Set<string> {
    const out = new Set(this.rows(p).flatMap((r) => r.purposes));
    if (p.purposes !== null) for (const x of [...out]) if (!p.purposes.includes(x)) out.delete(x);
    return out;
  }

  private has(row: Row, elementId: string): boolean {
    const e = this.byId.get(elementId);
    if (!e) return false;
    return typeof row.elements === 'function' ? row.elements(e) : row.elements.includes(elementId);
  }

  private covers(p: Principal, row: Row, s: Subject): boolean {
    const inPrefixes = (prefixes: readonly string[]): boolean => s.areaCodes.some((a) => prefixes.some((x) => a.startsWith(x)));
    if (p.role === 'auditor') return false;
    if (row.area !== undefined && !inPrefixes([row.area])) return false;
    if (row.kinds !== undefined && !s.kinds.some((k) => row.kinds?.includes(k))) return false;
    if (p.role === 'resident') return p.personId !== null && s.personId === p.personId;
    if (p.role === 'collector' && !s.buildingIds.some((b) => p.buildingIds.includes(b))) return false;
    if ((p.role === 'committee-worker' || p.role === 'street-admin') && p.areaCodes.length === 0) return false;
    if (p.areaCodes.length > 0 && !inPrefixes(p.areaCodes)) return false;
    return true;
  }

  /**
   * The elements a department's remit gives for a purpose anywhere (what a subscription may ask
   * for); the areas and kinds of its rows; whether it may unmask anything.
   */
  departmentRemit(departmentId: string, purpose: string): { elements: Set<string>; areas: string[]; kinds: string[] | null; unmask: boolean } | undefined {
    const rows = (DEPARTMENT_TABLE[departmentId] ?? []).filter((r) => r.purposes.includes(purpose));
    if (rows.length === 0) return undefined;
    const elements = new Set(this.catalogue.filter((e) => rows.some((r) => this.has(r, e.id))).map((e) => e.id));
    const kinds = rows.some((r) => r.kinds === undefined) ? null : rows.flatMap((r) => r.kinds ?? []);
    return { elements, areas: rows.map((r) => r.area ?? ''), kinds, unmask: rows.some((r) => (r.unmask ?? []).length > 0) };
  }

  /** Who reads the pull feed (issue 7): departments — their officers and their systems' tokens. Nobody else. */
  mayReadFeed(p: Principal): boolean {
    return p.role === 'department-officer';
  }

  /** Who manages subscriptions: departments (their own) and platform administrators (any department's). */
  mayManageSubscriptions(p: Principal): boolean {
    return p.role === 'department-officer' || (p.role === 'platform-admin' && p.actor.kind === 'user');
  }

  expect(p: Principal, purpose: string | undefined, s: Subject, elementId: string): Expected {
    if (purpose === undefined || !this.purposes(p).has(purpose)) return { purposeOk: false, read: false, unmask: false, write: 'denied' };
    const rows = this.rows(p).filter((r) => r.purposes.includes(purpose) && this.covers(p, r, s));
    const read = rows.some((r) => this.has(r, elementId));
    const unmask = rows.some((r) => this.has(r, elementId) && (r.unmask ?? []).includes(elementId));
    const element = this.byId.get(elementId);
    let write: WriteMode = 'denied';
    if (element && rows.length > 0) {
      const owner = p.role !== 'resident' && p.departmentId !== null && (element.ownerDepartmentId === p.departmentId || (DELEGATED[p.departmentId] ?? []).includes(elementId));
      write = owner ? 'authoritative' : read ? 'observation' : 'denied';
    }
    return { purposeOk: true, read, unmask, write };
  }
}
