/**
 * Education, employment, occupation, political status, religion, ethnic group, health and phone,
 * drawn by birth cohort and population category. Values are national codes (GB/T 4658, 2261.3,
 * 2261.4, 4762, GA 214.12, GB 3304) restricted to those every system's local code list can say, so
 * that a noise-free extract maps back to the truth exactly.
 */
import type { PopulationCategory } from '../domain/population-category.ts';
import type { Random } from './random.ts';
import { Weighted } from './random.ts';
import { ageOn } from './calendar.ts';
import type { Person } from './model.ts';

/** The education codes the demo uses: 博士 硕士 本科 专科 中专 高中 初中 小学 其他. */
export const EDUCATION_CODES = ['11', '14', '21', '31', '41', '61', '71', '81', '90'] as const;
export const EMPLOYMENT_CODES = ['11', '13', '17', '21', '24', '27', '31', '37', '51', '54', '70', '80', '90'] as const;

// prettier-ignore
const EDUCATION_BY_COHORT: readonly (readonly [number, Weighted<string>])[] = [
  [1950, new Weighted([['81', 30], ['71', 30], ['61', 20], ['41', 8], ['31', 5], ['21', 5], ['90', 2]])],
  [1970, new Weighted([['71', 35], ['61', 28], ['41', 12], ['31', 10], ['21', 10], ['81', 5]])],
  [1990, new Weighted([['61', 18], ['41', 12], ['31', 22], ['21', 30], ['14', 10], ['11', 2], ['71', 6]])],
  [9999, new Weighted([['21', 40], ['14', 18], ['11', 3], ['31', 20], ['61', 10], ['41', 9]])],
];
const YOUNG_ADULT_EDUCATION = new Weighted([
  ['61', 50],
  ['41', 10],
  ['31', 15],
  ['21', 25],
]);
const MIGRANT_EDUCATION = new Weighted([
  ['71', 34],
  ['61', 22],
  ['41', 14],
  ['31', 14],
  ['21', 12],
  ['14', 2],
  ['81', 2],
]);
const FOREIGN_EDUCATION = new Weighted([
  ['21', 45],
  ['14', 35],
  ['11', 8],
  ['31', 6],
  ['61', 6],
]);

const WORK_LOCAL = new Weighted([
  ['17', 25],
  ['13', 20],
  ['21', 8],
  ['24', 12],
  ['54', 6],
  ['51', 6],
  ['11', 3],
  ['70', 8],
  ['37', 0.5],
]);
const WORK_MIGRANT = new Weighted([
  ['24', 30],
  ['54', 15],
  ['17', 15],
  ['51', 10],
  ['13', 8],
  ['21', 4],
  ['70', 8],
  ['27', 2],
]);
const WORK_FOREIGN = new Weighted([
  ['21', 30],
  ['13', 35],
  ['17', 10],
  ['51', 5],
  ['90', 10],
]);

// prettier-ignore
const OCCUPATIONS: Readonly<Record<string, readonly string[]>> = {
  '11': ['公务员'],
  '13': ['教师', '工程师', '医生', '护士', '会计师', '律师', '设计师', '软件工程师'],
  '17': ['文员', '行政专员', '销售', '客服', '出纳'],
  '21': ['经理', '主管', '总监'],
  '24': ['司机', '保安', '厨师', '电工', '快递员', '装修工', '保洁员'],
  '27': ['农民'],
  '31': ['学生'],
  '37': ['军人'],
  '51': ['自由撰稿人', '摄影师', '网约车司机'],
  '54': ['个体经营', '餐饮店主', '便利店店主'],
  '70': [''],
  '80': ['退休'],
  '90': [''],
};
const COMPANY_A = ['申通', '华东', '长宁', '新华', '东方', '锦江', '联华', '申能', '浦江', '海通', '华谊', '光明', '百联', '虹桥', '天山'];
const COMPANY_B = ['实业', '贸易', '科技', '建设', '物业管理', '餐饮', '电子', '医药', '信息技术', '咨询', '物流'];

const MOBILE_PREFIXES = [
  '130',
  '131',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '158',
  '159',
  '177',
  '180',
  '186',
  '187',
  '188',
  '189',
  '199',
];

const ETHNIC = new Weighted([
  ['01', 987],
  ['03', 3],
  ['11', 3],
  ['02', 1.5],
  ['10', 1.5],
  ['08', 1],
  ['15', 1],
  ['06', 1],
  ['04', 0.5],
]);
const ETHNIC_MIGRANT = new Weighted([
  ['01', 975],
  ['03', 4],
  ['11', 3],
  ['02', 2],
  ['10', 2],
  ['08', 3],
  ['15', 3],
  ['06', 4],
  ['12', 2],
  ['13', 1],
]);
const RELIGION = new Weighted([
  ['00', 920],
  ['10', 40],
  ['50', 20],
  ['40', 7],
  ['30', 5],
  ['70', 3],
  ['99', 5],
]);
const CHRONIC = ['31', '32', '33', '34', '37', '49'];

export function educationFor(random: Random, birthYear: number, age: number, category: PopulationCategory): string {
  if (age < 7) return '90';
  if (age <= 12) return '81';
  if (age <= 15) return '71';
  if (age <= 18) return '61';
  if (age <= 22) return YOUNG_ADULT_EDUCATION.draw(random);
  if (category === 'FROM_OTHER_PROVINCE') return MIGRANT_EDUCATION.draw(random);
  if (category === 'FROM_ABROAD') return FOREIGN_EDUCATION.draw(random);
  for (const [before, table] of EDUCATION_BY_COHORT) if (birthYear < before) return table.draw(random);
  return '21';
}

/** Shanghai's usual retirement ages: 60 for men, 55 (50 for workers) for women. */
function retired(sex: '1' | '2', age: number): boolean {
  return age >= (sex === '1' ? 60 : 55);
}

export function employmentFor(random: Random, sex: '1' | '2', age: number, category: PopulationCategory): string {
  if (age < 6) return '90';
  if (age < 19 || (age < 23 && random.chance(0.6))) return '31';
  if (retired(sex, age)) {
    if (category === 'FROM_OTHER_PROVINCE') return random.chance(0.5) ? '27' : '90';
    if (category === 'FROM_ABROAD') return '90';
    return random.chance(0.95) ? '80' : '70';
  }
  if (category === 'FROM_OTHER_PROVINCE') return WORK_MIGRANT.draw(random);
  if (category === 'FROM_ABROAD') return WORK_FOREIGN.draw(random);
  return WORK_LOCAL.draw(random);
}

export function mobilePhone(random: Random): string {
  return random.pick(MOBILE_PREFIXES) + random.digits(8);
}

/** Sets the social attributes of a new person from age, sex and category. */
export function assignSocial(random: Random, p: Person, asOf: string, inheritedEthnic: string | undefined): void {
  const age = ageOn(p.birthDate, asOf);
  const birthYear = Number(p.birthDate.slice(0, 4));
  const category = p.category;
  const foreign = category === 'FROM_ABROAD';
  p.education = educationFor(random, birthYear, age, category);
  p.employmentStatus = employmentFor(random, p.sex, age, category);
  p.occupation = random.pick(OCCUPATIONS[p.employmentStatus] ?? ['']);
  if (['11', '13', '17', '21', '24'].includes(p.employmentStatus)) {
    p.employer =
      p.employmentStatus === '11'
        ? `${p.household.dwelling?.committee.street.districtName ?? '长宁区'}${random.pick(['民政局', '财政局', '教育局', '卫生健康委员会', '人民法院', '税务局'])}`
        : `上海${random.pick(COMPANY_A)}${random.pick(COMPANY_B)}有限公司`;
  }
  if (!foreign) p.ethnicGroup = inheritedEthnic ?? (category === 'FROM_OTHER_PROVINCE' ? ETHNIC_MIGRANT : ETHNIC).draw(random);
  p.religion = p.ethnicGroup === '03' || p.ethnicGroup === '04' ? (p.ethnicGroup === '03' ? '70' : '20') : RELIGION.draw(random);
  if (foreign) p.religion = random.pick(['00', '00', '40', '50', '10']);
  p.politicalStatus = '13';
  if (!foreign && age >= 14 && age <= 28 && random.chance(category === 'FROM_OTHER_PROVINCE' ? 0.25 : 0.45)) p.politicalStatus = '03';
  if (age >= 60) p.healthStatus = random.chance(0.5) ? '10' : random.chance(0.5) ? '20' : random.pick(CHRONIC);
  else if (age >= 18) p.healthStatus = random.chance(0.9) ? '10' : random.chance(0.7) ? '20' : random.pick(CHRONIC);
  else p.healthStatus = '10';
  if (age >= 12) p.phone = age >= 80 && random.chance(0.45) ? `021${random.pick(['5', '6'])}${random.digits(7)}` : mobilePhone(random);
}
