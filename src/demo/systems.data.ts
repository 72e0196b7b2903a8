/**
 * The department systems of the field study (25) plus the two authoritative identity sources, as
 * data: who owns each, its level, what it exports (format, encoding, date style, local code lists,
 * Chinese headers), whom it covers and which changes it reports. Adding a system is adding a row.
 */
import type { DateStyle } from './calendar.ts';
import type { ElementId } from './elements.ts';
import type { PopulationId } from './populations.ts';

export type AddressStyle = 'full' | 'district' | 'road';
export type Encoding = 'utf8' | 'utf8-bom' | 'gbk' | 'gb18030';
export type ChangeKind = 'move-in' | 'move-out' | 'birth' | 'death' | 'marriage' | 'relief-start' | 'relief-end' | 'permit-expiry';

export interface ColumnSpec {
  readonly header: string;
  readonly element: ElementId;
  /** Local code list id (code-lists.ts) for code elements. */
  readonly codes?: string;
  readonly date?: DateStyle;
}

export interface SystemSpec {
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Department id of data/catalogue/departments.json. */
  readonly departmentId: string;
  readonly level: 'city' | 'district' | 'street';
  readonly format: 'csv' | 'xlsx';
  /** CSV only; XLSX is always UTF-8 inside. */
  readonly encoding: Encoding;
  readonly lineEnding: 'lf' | 'crlf';
  readonly dateStyle: DateStyle;
  readonly addressStyle: AddressStyle;
  /** XLSX: a title row merged across all columns ({street} is replaced), and an optional second line. */
  readonly title?: string;
  readonly subtitle?: boolean;
  readonly population: PopulationId;
  readonly populationZh: string;
  /** Authoritative identity sources carry little noise and no departed people. */
  readonly authoritative?: boolean;
  /** Single-PC systems export an older snapshot, this many days before the export date. */
  readonly snapshotDaysBack?: number;
  /** Multiplies every noise rate for this system. */
  readonly noiseFactor: number;
  readonly changes: readonly ChangeKind[];
  readonly columns: readonly ColumnSpec[];
}

const c = (header: string, element: ElementId, codes?: string, date?: DateStyle): ColumnSpec => ({
  header,
  element,
  ...(codes ? { codes } : {}),
  ...(date ? { date } : {}),
});

const NAME = c('姓名', 'person.name');
const ID = c('身份证号码', 'person.citizenIdNumber');
const BIRTH = c('出生日期', 'person.birthDate');
const PHONE = c('联系电话', 'person.phone');
const REGISTERED = c('户籍地址', 'person.registeredAddress');
const LIVING = c('居住地址', 'person.actualResidence');

// prettier-ignore
export const SYSTEMS: readonly SystemSpec[] = [
  {
    id: 'police-household-register', nameZh: '公安常住人口信息系统', nameEn: 'Police household register', departmentId: 'police-household', level: 'city',
    format: 'csv', encoding: 'gb18030', lineEnding: 'crlf', dateStyle: 'compact', addressStyle: 'full', population: 'registered', populationZh: '户籍在本街道的全部人员',
    authoritative: true, noiseFactor: 0.2, changes: ['birth', 'death', 'move-in', 'move-out', 'marriage'],
    columns: [c('户号', 'household.number'), NAME, c('性别', 'person.sex', 'sex.zh'), c('民族', 'person.ethnicGroup', 'ethnic.zh'), BIRTH, c('公民身份号码', 'person.citizenIdNumber'),
      c('与户主关系', 'person.relationshipToHead', 'relationship.zh'), c('户籍地址', 'person.registeredAddress'), c('户口类别', 'person.householdRegistrationCategory', 'hukou.zh'),
      c('文化程度', 'person.education', 'education.long'), c('婚姻状况', 'person.maritalStatus', 'marital.zh'), c('宗教信仰', 'person.religion', 'religion.zh'),
      c('服务处所', 'person.employer'), c('职业', 'person.occupation'), c('迁入本址日期', 'person.registeredSince')],
  },
  {
    id: 'foreigners-register', nameZh: '境外人员住宿登记系统', nameEn: 'Foreigners and HK/Macao/Taiwan residents register', departmentId: 'exit-entry', level: 'city',
    format: 'csv', encoding: 'utf8-bom', lineEnding: 'crlf', dateStyle: 'iso', addressStyle: 'full', population: 'abroad', populationZh: '在本街道居住的境外人员',
    authoritative: true, noiseFactor: 0.3, changes: ['move-in', 'move-out', 'permit-expiry'],
    columns: [c('姓名', 'person.name'), c('性别', 'person.sex', 'sex.mf'), BIRTH, c('国籍或地区', 'person.nationality', 'country.zh'), c('证件种类', 'person.identityDocumentType', 'idtype.zh'),
      c('证件号码', 'person.identityDocumentNumber'), c('港澳台居民居住证号码', 'person.hmtResidencePermitNumber'), LIVING, c('入住日期', 'person.actualResidenceSince'),
      c('居留有效期至', 'residencePermit.validTo'), PHONE, c('职业', 'person.occupation'), c('工作单位', 'person.employer')],
  },
  {
    id: 'labour-social-security', nameZh: '劳动保障信息系统', nameEn: 'Labour and social security', departmentId: 'human-resources-social-security', level: 'city',
    format: 'csv', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'iso', addressStyle: 'full', population: 'labour', populationZh: '16至64岁本市户籍人员',
    noiseFactor: 1, changes: ['move-in', 'move-out', 'death'],
    columns: [NAME, c('公民身份号码', 'person.citizenIdNumber'), c('性别', 'person.sex', 'sex.zh'), BIRTH, c('文化程度', 'person.education', 'education.alt'),
      c('就业状况', 'person.employmentStatus', 'employment.zh'), c('职业', 'person.occupation'), c('工作单位', 'person.employer'), REGISTERED, LIVING, PHONE,
      c('社保卡号', 'socialInsurance.cardNumber')],
  },
  {
    id: 'civil-affairs-relief', nameZh: '民政救助管理系统', nameEn: 'Civil-affairs relief', departmentId: 'civil-affairs', level: 'city',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'zh', addressStyle: 'district', title: '{street}社会救助对象花名册', subtitle: true,
    population: 'relief', populationZh: '低保、低收入、特困对象及其家庭成员', noiseFactor: 1, changes: ['relief-start', 'relief-end', 'death'],
    columns: [c('户主姓名', 'household.headName'), NAME, c('与户主关系', 'person.relationshipToHead', 'relationship.zh'), c('身份证号', 'person.citizenIdNumber'),
      c('性别', 'person.sex', 'sex.zh'), BIRTH, c('救助类别', 'relief.programme', 'relief.zh'), c('享受起始日期', 'relief.since'), c('家庭人口', 'relief.householdSize'),
      c('月救助金额(元)', 'relief.monthlyAmount'), c('残疾类别', 'person.disabilityCategory', 'disability.zh'), c('残疾等级', 'person.disabilityGrade', 'grade.zh'), REGISTERED, LIVING, PHONE],
  },
  {
    id: 'inland-returnees', nameZh: '支内回沪人员管理系统', nameEn: 'Returnees from inland support', departmentId: 'civil-affairs', level: 'city',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'slash', addressStyle: 'full', title: '{street}支内回沪人员名册',
    population: 'inland-returnee', populationZh: '支援内地建设后回沪定居人员', noiseFactor: 1.2, changes: ['death'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, ID, c('原支内地区', 'inland.region'), c('回沪日期', 'inland.returnDate'), REGISTERED, PHONE,
      c('婚姻状况', 'person.maritalStatus', 'marital.zh')],
  },
  {
    id: 'low-income-housing', nameZh: '廉租住房管理系统', nameEn: 'Low-income and low-rent housing', departmentId: 'housing', level: 'city',
    format: 'csv', encoding: 'gbk', lineEnding: 'crlf', dateStyle: 'compact', addressStyle: 'district', population: 'low-rent-housing', populationZh: '廉租住房保障家庭（申请人）',
    noiseFactor: 1, changes: [],
    columns: [c('申请人姓名', 'person.name'), c('身份证号', 'person.citizenIdNumber'), c('家庭人口', 'relief.householdSize'), c('保障方式', 'lowRent.mode', 'lowRent.zh'),
      c('保障起始日期', 'lowRent.since'), c('住房地址', 'person.actualResidence'), c('房屋性质', 'dwelling.housingUse', 'housing.zh'), PHONE],
  },
  {
    id: 'disaster-donations', nameZh: '救灾捐赠管理系统', nameEn: 'Disaster donations', departmentId: 'civil-affairs', level: 'city',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'serial', addressStyle: 'district', title: '{street}救灾捐赠登记表',
    population: 'disaster-donor', populationZh: '救灾捐赠人', noiseFactor: 1.5, changes: [],
    columns: [c('捐赠人', 'person.name'), ID, c('捐赠金额(元)', 'donation.amount'), c('捐赠日期', 'donation.date'), PHONE, c('工作单位', 'person.employer')],
  },
  {
    id: 'wenchuan-arrivals', nameZh: '汶川地震来沪人员登记系统', nameEn: 'Wenchuan-earthquake arrivals', departmentId: 'civil-affairs', level: 'city',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'zh', addressStyle: 'district', title: '汶川地震灾区来沪人员登记表（{street}）',
    population: 'wenchuan', populationZh: '汶川地震后从灾区来沪人员', noiseFactor: 1.5, changes: ['move-out'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, ID, c('原籍县代码', 'wenchuan.originCounty'), c('来沪日期', 'wenchuan.arrivalDate'), c('现住址', 'person.actualResidence'),
      PHONE, c('文化程度', 'person.education', 'education.short'), c('就业情况', 'person.employmentStatus', 'employment.alt')],
  },
  {
    id: 'one-window-relief', nameZh: '社会救助“一口上下”系统', nameEn: 'One-window social relief', departmentId: 'civil-affairs', level: 'city',
    format: 'csv', encoding: 'utf8-bom', lineEnding: 'crlf', dateStyle: 'iso', addressStyle: 'road', population: 'social-relief', populationZh: '各类社会救助对象',
    noiseFactor: 1, changes: ['relief-start', 'relief-end'],
    columns: [NAME, ID, c('性别', 'person.sex', 'sex.zh'), c('救助类别', 'relief.programme', 'relief.num'), c('是否低保', 'person.subsistenceAllowance', 'bool.zh'),
      c('享受日期', 'relief.since'), c('月救助金', 'relief.monthlyAmount'), c('残疾类别', 'person.disabilityCategory', 'disability.gb'), LIVING, c('所属居委', 'person.actualCommittee')],
  },
  {
    id: 'social-insurance-card-residence-permit', nameZh: '社保卡及居住证管理系统', nameEn: 'Social-insurance card and residence permit', departmentId: 'human-resources-social-security',
    level: 'city', format: 'csv', encoding: 'gb18030', lineEnding: 'crlf', dateStyle: 'compact', addressStyle: 'full', population: 'migrant-permit', populationZh: '16岁以上来沪人员',
    noiseFactor: 1, changes: ['move-in', 'move-out', 'permit-expiry'],
    columns: [NAME, c('证件号码', 'person.citizenIdNumber'), c('性别', 'person.sex', 'sex.gb'), BIRTH, c('户籍所在地', 'person.registeredAddress'), LIVING,
      c('来沪日期', 'person.actualResidenceSince'), c('居住证有效期至', 'residencePermit.validTo'), c('社保卡号', 'socialInsurance.cardNumber'),
      c('文化程度', 'person.education', 'education.num'), c('就业状况', 'person.employmentStatus', 'employment.num'), c('工作单位', 'person.employer'), PHONE],
  },
  {
    id: 'medical-insurance', nameZh: '医疗保险信息系统', nameEn: 'Medical insurance', departmentId: 'medical-insurance', level: 'city',
    format: 'csv', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'iso', addressStyle: 'full', population: 'medical-insured', populationZh: '在本街道的医保参保人员',
    noiseFactor: 1, changes: ['birth', 'death', 'move-in', 'move-out'],
    columns: [c('参保人姓名', 'person.name'), c('公民身份号码', 'person.citizenIdNumber'), c('性别', 'person.sex', 'sex.gb'), BIRTH, c('参保类型', 'medicalInsurance.type', 'medical.zh'),
      c('医保卡号', 'socialInsurance.cardNumber'), c('户口性质', 'person.householdRegistrationCategory', 'hukou.short'), LIVING, PHONE],
  },
  {
    id: 'one-stop-community-service', nameZh: '社区事务受理“一门式”系统', nameEn: 'One-stop community service', departmentId: 'street-population-office', level: 'district',
    format: 'csv', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'slash', addressStyle: 'district', population: 'one-stop-applicant', populationZh: '近一年办理业务的申请人',
    noiseFactor: 1, changes: [],
    columns: [c('申请人', 'person.name'), c('证件类型', 'person.identityDocumentType', 'idtype.zh'), c('证件号码', 'person.identityDocumentNumber'), c('性别', 'person.sex', 'sex.zh'), BIRTH,
      c('受理事项', 'oneStop.service', 'oneStop.zh'), c('受理日期', 'oneStop.date'), PHONE, LIVING],
  },
  {
    id: 'actual-population', nameZh: '实有人口管理系统（综治办）', nameEn: 'Actual-population management', departmentId: 'street-population-office', level: 'district',
    format: 'csv', encoding: 'gbk', lineEnding: 'crlf', dateStyle: 'dot', addressStyle: 'district', population: 'actual', populationZh: '在本街道实际居住的全部人员',
    noiseFactor: 1, changes: ['move-in', 'move-out', 'birth', 'death'],
    columns: [NAME, c('性别', 'person.sex', 'sex.gb'), c('证件号码', 'person.identityDocumentNumber'), c('出生年月日', 'person.birthDate'), c('人员类别', 'person.populationCategory', 'population.num'),
      LIVING, c('房屋用途', 'dwelling.housingUse', 'housing.zh'), c('房东姓名', 'rental.landlordName'), c('租赁登记号', 'rental.registrationNumber'), c('租赁起始日期', 'rental.startDate'),
      c('租赁截止日期', 'rental.endDate'), c('来沪（入住）日期', 'person.actualResidenceSince'), c('户籍地', 'person.registeredAddress'), PHONE],
  },
  {
    id: 'released-prisoners', nameZh: '刑释解教人员管理系统', nameEn: 'Released prisoners', departmentId: 'judicial', level: 'city',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'compact', addressStyle: 'full', title: '{street}刑满释放人员信息表', subtitle: true,
    population: 'released-prisoner', populationZh: '五年内刑满释放人员', noiseFactor: 1, changes: ['move-out'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, ID, c('文化程度', 'person.education', 'education.long'), c('婚姻状况', 'person.maritalStatus', 'marital.zh'),
      c('释放日期', 'release.date'), c('原判刑期(月)', 'release.sentenceMonths'), REGISTERED, LIVING, c('就业状况', 'person.employmentStatus', 'employment.zh'), PHONE],
  },
  {
    id: 'community-correction', nameZh: '社区矫正管理系统', nameEn: 'Community correction', departmentId: 'judicial', level: 'city',
    format: 'csv', encoding: 'gbk', lineEnding: 'crlf', dateStyle: 'iso', addressStyle: 'full', population: 'community-correction', populationZh: '在册社区矫正对象',
    noiseFactor: 0.8, changes: ['move-out'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), c('身份证号', 'person.citizenIdNumber'), BIRTH, c('矫正类别', 'correction.type', 'correction.zh'),
      c('矫正起始日期', 'correction.start'), c('矫正终止日期', 'correction.end'), REGISTERED, LIVING, PHONE],
  },
  {
    id: 'elderly-living-alone', nameZh: '独居老人信息系统', nameEn: 'Elderly living alone', departmentId: 'civil-affairs', level: 'district',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'slash', addressStyle: 'road', title: '{street}独居老人信息登记表',
    population: 'elderly-living-alone', populationZh: '60岁以上独居老人', noiseFactor: 1.2, changes: ['death', 'move-out'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, c('年龄', 'person.age'), ID, c('婚姻状况', 'person.maritalStatus', 'marital.alt'),
      c('健康状况', 'person.healthStatus', 'health.zh'), LIVING, c('所属居委', 'person.actualCommittee'), PHONE, c('房屋性质', 'dwelling.housingUse', 'housing.zh')],
  },
  {
    id: 'party-members', nameZh: '党员信息管理系统', nameEn: 'Party members and organisations', departmentId: 'party-organisation', level: 'city',
    format: 'csv', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'iso', addressStyle: 'full', population: 'party-member-here', populationZh: '组织关系在本街道的党员',
    noiseFactor: 1, changes: ['death', 'move-out'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), c('民族', 'person.ethnicGroup', 'ethnic.zh'), BIRTH, c('公民身份号码', 'person.citizenIdNumber'),
      c('学历', 'person.education', 'education.long'), c('入党日期', 'party.joinDate'), c('党员类别', 'person.politicalStatus', 'political.short'), c('所在党支部', 'party.branch'),
      c('工作单位', 'person.employer'), PHONE, c('家庭住址', 'person.actualResidence')],
  },
  {
    id: 'ccp-basic-information', nameZh: '党员基本信息库（单机版）', nameEn: 'CCP basic information (single-PC)', departmentId: 'party-organisation', level: 'city',
    format: 'csv', encoding: 'gbk', lineEnding: 'crlf', dateStyle: 'serial', addressStyle: 'full', population: 'party-member-here', populationZh: '组织关系在本街道的党员（旧快照）',
    snapshotDaysBack: 730, noiseFactor: 2, changes: [],
    columns: [NAME, c('性别', 'person.sex', 'sex.gb'), c('出生年月', 'person.birthDate'), c('身份证号', 'person.citizenIdNumber'), c('文化程度', 'person.education', 'education.num'),
      c('入党时间', 'party.joinDate'), c('政治面貌', 'person.politicalStatus', 'political.num'), c('支部名称', 'party.branch'), PHONE],
  },
  {
    id: 'party-member-platform', nameZh: '街道党员服务平台', nameEn: 'Party-member platform (street)', departmentId: 'party-organisation', level: 'street',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'iso', addressStyle: 'road', title: '{street}党员信息汇总表',
    population: 'party-member', populationZh: '本街道党员及在职党员报到', noiseFactor: 1, changes: ['move-in', 'move-out', 'death'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, c('身份证号', 'person.citizenIdNumber'), c('组织关系是否在本街道', 'party.organisationHere', 'bool.zh'),
      c('所在支部', 'party.branch'), c('入党日期', 'party.joinDate'), LIVING, c('所属居委', 'person.actualCommittee'), PHONE],
  },
  {
    id: 'retired-cadres', nameZh: '离退休干部管理系统', nameEn: 'Retired cadres', departmentId: 'retired-cadres', level: 'city',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'zh', addressStyle: 'full', title: '{street}离退休干部名册',
    population: 'retired-cadre', populationZh: '离休、退休干部', noiseFactor: 1, changes: ['death'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, ID, c('离退休类别', 'retiredCadre.type', 'cadre.zh'), c('原工作单位', 'retiredCadre.formerEmployer'),
      c('原职级', 'retiredCadre.rank', 'rank.zh'), c('政治面貌', 'person.politicalStatus', 'political.full'), c('健康状况', 'person.healthStatus', 'health.zh'), c('家庭住址', 'person.actualResidence'), PHONE],
  },
  {
    id: 'family-planning', nameZh: '人口计生信息系统', nameEn: 'Family planning', departmentId: 'health-family-planning', level: 'city',
    format: 'csv', encoding: 'gb18030', lineEnding: 'crlf', dateStyle: 'compact', addressStyle: 'full', population: 'family-planning', populationZh: '15至49岁妇女及其未成年子女',
    noiseFactor: 1, changes: ['birth', 'marriage', 'move-in', 'move-out'],
    columns: [NAME, c('性别', 'person.sex', 'sex.gb'), BIRTH, ID, c('婚姻状况', 'person.maritalStatus', 'marital.num'), c('母亲身份证号', 'person.motherIdNumber'),
      c('现有子女数', 'familyPlanning.childrenCount'), REGISTERED, c('现居住地址', 'person.actualResidence'), c('人口类别', 'person.populationCategory', 'population.zh'),
      c('文化程度', 'person.education', 'education.gb'), PHONE],
  },
  {
    id: 'united-front', nameZh: '统战人士信息库', nameEn: 'United front', departmentId: 'united-front', level: 'district',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'slash', addressStyle: 'district', title: '{street}统战对象名册',
    population: 'united-front', populationZh: '民主党派、无党派、宗教界等统战对象', noiseFactor: 1, changes: [],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), c('民族', 'person.ethnicGroup', 'ethnic.zh'), BIRTH, ID, c('统战类别', 'unitedFront.type', 'unitedFront.zh'),
      c('政治面貌', 'person.politicalStatus', 'political.full'), c('宗教信仰', 'person.religion', 'religion.zh'), c('学历', 'person.education', 'education.long'),
      c('工作单位', 'person.employer'), PHONE, c('住址', 'person.actualResidence')],
  },
  {
    id: 'union-hardship', nameZh: '工会困难职工帮扶系统', nameEn: 'Union hardship aid', departmentId: 'trade-union', level: 'city',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'iso', addressStyle: 'district', title: '{street}困难职工档案', subtitle: true,
    population: 'union-hardship', populationZh: '建档困难职工', noiseFactor: 1, changes: [],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), c('身份证号', 'person.citizenIdNumber'), BIRTH, c('工作单位', 'unionHardship.employer'), c('困难类型', 'unionHardship.reason', 'hardship.zh'),
      c('家庭人口', 'household.size'), c('是否低保', 'person.subsistenceAllowance', 'bool.num'), c('住址', 'person.actualResidence'), PHONE],
  },
  {
    id: 'youth-volunteers', nameZh: '青年志愿者管理系统', nameEn: 'Youth league volunteers', departmentId: 'youth-league', level: 'city',
    format: 'csv', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'iso', addressStyle: 'road', population: 'youth-volunteer', populationZh: '14至35岁注册志愿者',
    noiseFactor: 1.2, changes: [],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, c('证件号码', 'person.identityDocumentNumber'), c('政治面貌', 'person.politicalStatus', 'political.short'),
      c('学历', 'person.education', 'education.short'), c('注册日期', 'volunteer.registeredOn'), c('服务时长(小时)', 'volunteer.hours'), PHONE, c('所在社区', 'person.actualCommittee')],
  },
  {
    id: 'militia', nameZh: '民兵信息管理系统', nameEn: 'Militia', departmentId: 'armed-forces', level: 'district',
    format: 'xlsx', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'compact', addressStyle: 'full', title: '{street}民兵组织花名册',
    population: 'militia', populationZh: '18至35岁民兵', noiseFactor: 1, changes: ['move-out'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, ID, c('民兵类别', 'militia.type', 'militia.zh'), c('所在分队', 'militia.unit'),
      c('政治面貌', 'person.politicalStatus', 'political.short'), c('文化程度', 'person.education', 'education.short'), c('职业', 'person.occupation'), PHONE, REGISTERED],
  },
  {
    id: 'conscription-registration', nameZh: '兵役登记系统（单机版）', nameEn: 'Conscription registration (single-PC)', departmentId: 'armed-forces', level: 'city',
    format: 'csv', encoding: 'gbk', lineEnding: 'crlf', dateStyle: 'dot', addressStyle: 'full', population: 'conscription', populationZh: '18至22岁户籍男性（旧快照）',
    snapshotDaysBack: 365, noiseFactor: 2, changes: [],
    columns: [NAME, ID, BIRTH, c('文化程度', 'person.education', 'education.alt'), c('登记日期', 'conscription.registeredOn'), REGISTERED, PHONE],
  },
  {
    id: 'street-population-database', nameZh: '街道实有人口信息库', nameEn: 'Street population database', departmentId: 'street-population-office', level: 'street',
    format: 'csv', encoding: 'utf8', lineEnding: 'lf', dateStyle: 'slash', addressStyle: 'road', population: 'everyone', populationZh: '本街道户籍人口和实有人口',
    noiseFactor: 1, changes: ['move-in', 'move-out', 'birth', 'death', 'marriage', 'relief-start', 'relief-end', 'permit-expiry'],
    columns: [NAME, c('性别', 'person.sex', 'sex.zh'), BIRTH, c('证件类型', 'person.identityDocumentType', 'idtype.short'), c('证件号码', 'person.identityDocumentNumber'),
      c('民族', 'person.ethnicGroup', 'ethnic.short'), c('国籍', 'person.nationality', 'country.zh'), c('人口类别', 'person.populationCategory', 'population.zh'), REGISTERED,
      c('现居住地址', 'person.actualResidence'), c('所属居委', 'person.actualCommittee'), c('房屋性质', 'dwelling.housingUse', 'housing.alt'),
      c('文化程度', 'person.education', 'education.short'), c('婚姻状况', 'person.maritalStatus', 'marital.alt'), c('政治面貌', 'person.politicalStatus', 'political.short'),
      c('就业状况', 'person.employmentStatus', 'employment.alt'), PHONE, c('居住日期', 'person.actualResidenceSince')],
  },
];

export function systemById(id: string): SystemSpec {
  const s = SYSTEMS.find((x) => x.id === id);
  if (!s) throw new Error(`unknown system ${id}`);
  return s;
}
