/**
 * The kinds of people the services care about, assigned consistently with the rest of the truth:
 * relief goes to whole households (more often where someone is disabled or out of work), militia
 * to young adults, conscription registration to every registered man aged 18–22, party members
 * get a political status of 01/02, people in community correction are adults, and so on. Kind
 * attributes are stored on the person under element-style ids (relief.programme, party.joinDate).
 */
import { addDays, addYears, ageOn, randomDate } from './calendar.ts';
import { WENCHUAN_COUNTIES } from './id-issuer.ts';
import type { CommitteeBuild } from './committee-builder.ts';
import type { Household, Person } from './model.ts';
import type { Random } from './random.ts';
import { Weighted } from './random.ts';

/** Kind ids with their Chinese names. */
export const KINDS: Readonly<Record<string, string>> = {
  'elderly-60': '60岁以上老年人',
  'elderly-80': '80岁以上高龄老人',
  'elderly-living-alone': '独居老人',
  'women-15-49': '育龄妇女',
  child: '未成年人',
  disabled: '残疾人',
  'minimum-income': '最低生活保障对象',
  'low-income': '低收入困难家庭',
  'extreme-poverty': '特困人员',
  'low-rent-housing': '廉租住房保障对象',
  'union-hardship': '工会困难职工',
  'released-prisoner': '刑满释放人员',
  'community-correction': '社区矫正对象',
  'party-member': '党员',
  militia: '民兵',
  'conscription-registered': '兵役登记人员',
  'retired-cadre': '离退休干部',
  'united-front': '统战对象',
  'youth-volunteer': '青年志愿者',
  'inland-returnee': '支内回沪人员',
  'wenchuan-arrival': '汶川地震来沪人员',
  'disaster-donor': '救灾捐赠人',
  'one-stop-applicant': '一门式受理对象',
  'medical-insured': '医保参保人员',
};

const DISABILITY_CATEGORY = new Weighted([
  ['4', 35],
  ['1', 16],
  ['2', 15],
  ['6', 10],
  ['5', 8],
  ['3', 2],
  ['7', 14],
]);
const DISABILITY_GRADE = new Weighted([
  ['1', 12],
  ['2', 25],
  ['3', 30],
  ['4', 33],
]);
const INLAND_REGIONS = ['新疆', '云南', '贵州', '安徽', '江西', '黑龙江', '甘肃', '四川', '湖北', '宁夏'];
const ONE_STOP_SERVICES = [
  'RESIDENCE_PERMIT',
  'MEDICAL_INSURANCE',
  'SENIOR_ALLOWANCE',
  'FAMILY_PLANNING',
  'EMPLOYMENT',
  'DISABILITY_SUBSIDY',
  'SOCIAL_RELIEF',
];
const EMPLOYED = new Set(['11', '13', '17', '21', '24', '51', '54']);

function isLocal(p: Person): boolean {
  return p.category === 'RESIDENT_REGISTERED' || p.category === 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' || p.category === 'REGISTERED_ABSENT';
}

function isCitizen(p: Person): boolean {
  return p.idNumber !== '';
}

export function assignKinds(build: CommitteeBuild, asOf: string): void {
  const random = build.random.fork('kinds');
  const everyone = [...build.persons, ...build.ghosts];
  for (const p of everyone) personKinds(random, p, asOf, build);
  for (const h of build.households) if (h.category === 'RESIDENT_REGISTERED') reliefKinds(random, h, asOf);
  for (const p of everyone) afterRelief(random, p, asOf);
  for (const p of build.persons) {
    if (p.sex !== '2' || !p.hasKind('women-15-49')) continue;
    let children = 0;
    for (const q of p.household.members) if (q.mother === p) children++;
    p.attrs.set('familyPlanning.childrenCount', String(children));
  }
}

/** Kinds of people who arrive or are born during the year of changes, as of that day. */
export function kindsForLater(build: CommitteeBuild, persons: readonly Person[]): void {
  const random = build.random.fork('later-kinds');
  for (const p of persons) personKinds(random, p, p.statusDate, build);
}

function personKinds(r: Random, p: Person, asOf: string, build: CommitteeBuild): void {
  const age = ageOn(p.birthDate, asOf);
  const present = p.category !== 'REGISTERED_ABSENT';
  const local = isLocal(p);
  if (age >= 60) p.addKind('elderly-60');
  if (age >= 80) p.addKind('elderly-80');
  if (age >= 60 && present && p.status === 'present' && p.dwelling?.occupants === 1) p.addKind('elderly-living-alone');
  if (p.sex === '2' && age >= 15 && age <= 49) p.addKind('women-15-49');
  if (age < 18) p.addKind('child');

  if (isCitizen(p) && r.chance(age >= 80 ? 0.12 : age >= 60 ? 0.06 : age >= 6 ? 0.015 : 0.005)) {
    const category = DISABILITY_CATEGORY.draw(r);
    const grade = DISABILITY_GRADE.draw(r);
    p.addKind('disabled');
    p.attrs.set('person.disabilityCategory', category);
    p.attrs.set('person.disabilityGrade', grade);
    p.attrs.set('disability.certificateNumber', `${p.idNumber}${category}${grade}`);
    p.healthStatus = `6${category}`;
  }

  if (isCitizen(p) && age >= 18) {
    // Democratic parties and non-party figures first: they are united-front figures, not party members.
    if (local && ['11', '14', '21'].includes(p.education) && r.chance(0.02)) p.politicalStatus = String(r.int(4, 11)).padStart(2, '0');
    else if (local && r.chance(0.003)) p.politicalStatus = '12';
    else {
      const base = age < 35 ? 0.06 : age < 60 ? 0.09 : 0.14;
      const educated = ['11', '14', '21'].includes(p.education) ? 2 : 1;
      if (r.chance(base * educated * (p.category === 'FROM_OTHER_PROVINCE' ? 0.5 : 1))) partyMember(r, p, age, asOf, build);
    }
  }
  if (p.politicalStatus >= '04' && p.politicalStatus <= '12') unitedFront(p, p.politicalStatus === '12' ? 'NON_PARTY' : 'DEMOCRATIC_PARTY');
  else if (p.religion !== '00' && age >= 30 && r.chance(0.03)) unitedFront(p, 'RELIGIOUS');
  else if (local && age >= 60 && r.chance(0.003)) unitedFront(p, 'RETURNED_OVERSEAS');
  else if (['21', '51', '54'].includes(p.employmentStatus) && r.chance(0.004)) unitedFront(p, 'NEW_SOCIAL_STRATUM');

  if (local && isCitizen(p) && age >= 18 && age <= 35 && r.chance(p.sex === '1' ? 0.12 : 0.02)) {
    p.addKind('militia');
    p.attrs.set('militia.type', r.chance(0.4) ? 'BACKBONE' : 'ORDINARY');
    p.attrs.set('militia.unit', `${build.committee.street.name}${r.pick(['应急连', '防汛抢险排', '治安巡逻排', '民兵信息分队'])}`);
  }
  const birthYear = Number(p.birthDate.slice(0, 4));
  const year = Number(asOf.slice(0, 4));
  if (
    (p.category === 'RESIDENT_REGISTERED' || p.category === 'REGISTERED_ABSENT') &&
    p.sex === '1' &&
    year - birthYear >= 18 &&
    year - birthYear <= 22
  ) {
    p.addKind('conscription-registered');
    p.attrs.set('conscription.registeredOn', randomDate(r, `${birthYear + 18}-01-10`, `${birthYear + 18}-06-30`));
  }
  if (age >= 60 && p.employmentStatus === '80' && r.chance(['11', '14', '21', '31'].includes(p.education) ? 0.05 : 0.005)) {
    p.addKind('retired-cadre');
    p.attrs.set('retiredCadre.type', birthYear <= 1932 ? 'LIXIU' : 'RETIRED');
    p.attrs.set(
      'retiredCadre.formerEmployer',
      `${build.committee.street.districtName}${r.pick(['教育局', '卫生局', '财政局', '工商局', '人民法院', '区委办公室', '商业委员会'])}`,
    );
    p.attrs.set('retiredCadre.rank', r.pick(['SECTION', 'SECTION', 'DIVISION', 'BUREAU']));
  }
  if (age >= 14 && age <= 35 && p.category !== 'FROM_ABROAD' && r.chance(0.06)) {
    p.addKind('youth-volunteer');
    p.attrs.set(
      'volunteer.registeredOn',
      randomDate(r, addYears(p.birthDate, 14) > addYears(asOf, -8) ? addYears(p.birthDate, 14) : addYears(asOf, -8), addDays(asOf, -1)),
    );
    p.attrs.set('volunteer.hours', String(r.int(2, 400)));
  }
  if (p.category === 'RESIDENT_REGISTERED' && birthYear >= 1935 && birthYear <= 1958 && r.chance(0.04)) {
    p.addKind('inland-returnee');
    p.attrs.set('inland.region', r.pick(INLAND_REGIONS));
    p.attrs.set('inland.returnDate', randomDate(r, '1979-01-01', '2000-12-31'));
  }
  if (
    p.category === 'FROM_OTHER_PROVINCE' &&
    (WENCHUAN_COUNTIES as readonly string[]).includes(p.registeredAreaCode) &&
    p.actualSince >= '2008-05-12' &&
    p.actualSince <= '2009-12-31'
  ) {
    p.addKind('wenchuan-arrival');
    p.attrs.set('wenchuan.originCounty', p.registeredAreaCode);
    p.attrs.set('wenchuan.arrivalDate', p.actualSince);
  }
  if (age >= 18 && EMPLOYED.has(p.employmentStatus) && p.category !== 'FROM_ABROAD' && r.chance(0.04)) {
    p.addKind('disaster-donor');
    p.attrs.set('donation.amount', String(r.pick([50, 100, 100, 200, 200, 500, 1000, 2000])));
    p.attrs.set('donation.date', randomDate(r, addYears(asOf, -2), addDays(asOf, -1)));
  }
  if (present && p.status === 'present' && r.chance(0.12)) {
    p.addKind('one-stop-applicant');
    p.attrs.set('oneStop.service', r.pick(ONE_STOP_SERVICES));
    p.attrs.set('oneStop.date', randomDate(r, addYears(asOf, -1), addDays(asOf, -1)));
  }
  const employed = EMPLOYED.has(p.employmentStatus);
  if (local || (p.category === 'FROM_OTHER_PROVINCE' && (employed ? r.chance(0.55) : r.chance(0.15)))) {
    p.addKind('medical-insured');
    p.attrs.set('medicalInsurance.type', employed || p.employmentStatus === '80' ? 'EMPLOYEE' : 'RESIDENT');
    p.attrs.set('socialInsurance.cardNumber', r.digits(10));
  }
  if (isCitizen(p) && age >= 20 && age <= 70 && r.chance(0.002 * (p.sex === '1' ? 1.7 : 0.3))) {
    p.addKind('released-prisoner');
    p.attrs.set('release.date', randomDate(r, addYears(asOf, -5), addDays(asOf, -30)));
    p.attrs.set('release.sentenceMonths', String(r.pick([6, 8, 12, 18, 24, 36, 42, 60, 84, 120])));
  } else if (isCitizen(p) && age >= 18 && age <= 70 && r.chance(0.0008 * (p.sex === '1' ? 1.6 : 0.4))) {
    p.addKind('community-correction');
    const start = randomDate(r, addYears(asOf, -2), addDays(asOf, -15));
    p.attrs.set('correction.type', r.pick(['PROBATION', 'PROBATION', 'PROBATION', 'PAROLE', 'CONTROL', 'MEDICAL_PAROLE']));
    p.attrs.set('correction.start', start);
    p.attrs.set('correction.end', addDays(addYears(start, r.int(1, 3)), r.int(0, 180)));
    p.attrs.set('person.communityCorrection', 'true');
  }
}

function partyMember(r: Random, p: Person, age: number, asOf: string, build: CommitteeBuild): void {
  const joined = randomDate(r, addYears(p.birthDate, 18), age > 40 ? addYears(p.birthDate, 40) : addDays(asOf, -1));
  p.politicalStatus = joined > addYears(asOf, -1) ? '02' : '01';
  p.addKind('party-member');
  p.attrs.set('party.joinDate', joined);
  const registered = p.category === 'RESIDENT_REGISTERED' || p.category === 'REGISTERED_ABSENT';
  const here = registered ? r.chance(0.9) : p.category === 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' ? r.chance(0.3) : r.chance(0.1);
  p.attrs.set('party.organisationHere', here ? 'true' : 'false');
  p.attrs.set(
    'party.branch',
    here
      ? `${build.committee.name.replace('居委会', '')}居民区党总支第${r.int(1, 6)}支部`
      : `${r.pick(['上海', '江苏', '浙江', '安徽'])}${r.pick(['某公司', '某大学', '某街道'])}党支部`,
  );
}

function unitedFront(p: Person, type: string): void {
  p.addKind('united-front');
  p.attrs.set('unitedFront.type', type);
}

function reliefKinds(r: Random, h: Household, asOf: string): void {
  const members = h.members.filter((m) => m.category === 'RESIDENT_REGISTERED');
  if (members.length === 0) return;
  const hardship =
    members.some((m) => m.hasKind('disabled') || m.employmentStatus === '70') ||
    (members.length <= 2 && members.some((m) => m.relationship === '21' || m.relationship === '31') && members.length === 2);
  const alone = members.length === 1 && ageOn(members[0]?.birthDate ?? asOf, asOf) >= 60;
  let programme: string | undefined;
  if (alone && r.chance(0.012)) programme = 'EXTREME_POVERTY';
  else if (r.chance(hardship ? 0.06 : 0.009)) programme = 'MINIMUM_INCOME';
  else if (r.chance(hardship ? 0.03 : 0.006)) programme = 'LOW_INCOME';
  if (!programme) return;
  const since = randomDate(r, addYears(asOf, -8), addDays(asOf, -30));
  const perHead = programme === 'EXTREME_POVERTY' ? 1965 : programme === 'MINIMUM_INCOME' ? r.int(600, 1510) : r.int(200, 600);
  const lowRent =
    programme !== 'LOW_INCOME' &&
    (h.dwelling?.housingUse === 'PUBLIC_RENTAL' || h.dwelling?.housingUse === 'PRIVATE_RENTAL') &&
    r.chance(0.35);
  const lowRentSince = randomDate(r, since, addDays(asOf, -1));
  const lowRentMode = r.chance(0.7) ? 'RENT_SUBSIDY' : 'IN_KIND';
  for (const m of members) {
    m.addKind(programme === 'MINIMUM_INCOME' ? 'minimum-income' : programme === 'LOW_INCOME' ? 'low-income' : 'extreme-poverty');
    m.attrs.set('relief.programme', programme);
    m.attrs.set('relief.since', since);
    m.attrs.set('relief.monthlyAmount', String(perHead * members.length));
    m.attrs.set('relief.householdSize', String(members.length));
    if (programme === 'MINIMUM_INCOME') m.attrs.set('person.subsistenceAllowance', 'true');
    if (lowRent) {
      m.addKind('low-rent-housing');
      m.attrs.set('lowRent.mode', lowRentMode);
      m.attrs.set('lowRent.since', lowRentSince);
    }
  }
}

function afterRelief(r: Random, p: Person, asOf: string): void {
  const age = ageOn(p.birthDate, asOf);
  if (!['13', '17', '21', '24'].includes(p.employmentStatus) || age < 30 || age > 59) return;
  const poor = p.attrs.has('relief.programme');
  const familyDisabled = p.household.members.some((m) => m !== p && m.hasKind('disabled'));
  if (!(poor ? r.chance(0.5) : familyDisabled ? r.chance(0.05) : r.chance(0.002))) return;
  p.addKind('union-hardship');
  p.attrs.set(
    'unionHardship.reason',
    poor ? 'LOW_INCOME' : familyDisabled ? 'DISABILITY' : r.pick(['ILLNESS', 'SINGLE_PARENT', 'CHILD_EDUCATION']),
  );
  p.attrs.set('unionHardship.employer', p.employer || '上海某有限公司');
}
