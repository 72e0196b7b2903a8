/**
 * The departments' own code lists for the same ideas: education as 大专, 大学专科 or 04; marital
 * status as 已婚 or 有配偶; sex as 男, 1 or M. Each list maps the standard codes the demo uses
 * one-to-one to local labels, so a noise-free extract maps back to the truth exactly; the mapping
 * (local → standard) is written to truth/code-mappings.json, never into the extract.
 */

export interface CodeList {
  readonly id: string;
  /** Standard code table the list maps to. */
  readonly table: string;
  /** Standard code → local label. */
  readonly labels: Readonly<Record<string, string>>;
}

function list(id: string, table: string, codes: readonly string[], labels: string): CodeList {
  const parts = labels.split(' ');
  if (parts.length !== codes.length) throw new Error(`code list ${id}: ${codes.length} codes but ${parts.length} labels`);
  return { id, table, labels: Object.fromEntries(codes.map((c, i) => [c, parts[i] ?? ''])) };
}

const identity = (id: string, table: string, codes: readonly string[]): CodeList => list(id, table, codes, codes.join(' '));

const EDU = ['11', '14', '21', '31', '41', '61', '71', '81', '90'];
const MAR = ['10', '20', '30', '40'];
const EMP = ['11', '13', '17', '21', '24', '27', '31', '37', '51', '54', '70', '80', '90'];
const POL = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13'];
const REL = ['00', '10', '20', '30', '40', '50', '70', '99'];
const ETH = ['01', '02', '03', '04', '06', '08', '10', '11', '12', '13', '15'];
const FAM = [
  '02',
  '11',
  '12',
  '20',
  '21',
  '22',
  '23',
  '29',
  '30',
  '31',
  '32',
  '33',
  '39',
  '41',
  '42',
  '43',
  '44',
  '51',
  '52',
  '55',
  '56',
  '38',
  '28',
  '99',
];
const HEALTH = ['10', '20', '31', '32', '33', '34', '37', '49', '61', '62', '63', '64', '65', '66', '67'];
export const COUNTRY_CODES = [
  'CHN',
  'JPN',
  'KOR',
  'USA',
  'FRA',
  'DEU',
  'GBR',
  'SGP',
  'CAN',
  'AUS',
  'MYS',
  'ITA',
  'ESP',
  'RUS',
  'IND',
  'NZL',
];

// prettier-ignore
const LISTS: readonly CodeList[] = [
  list('sex.zh', 'sex', ['1', '2'], '男 女'),
  list('sex.zh-full', 'sex', ['1', '2'], '男性 女性'),
  list('sex.mf', 'sex', ['1', '2'], 'M F'),
  identity('sex.gb', 'sex', ['1', '2']),
  identity('education.gb', 'education', EDU),
  list('education.short', 'education', EDU, '博士 硕士 本科 大专 中专 高中 初中 小学 其他'),
  list('education.long', 'education', EDU, '博士研究生 硕士研究生 大学本科 大学专科 中等专科 普通高中 初级中学 小学 文盲或半文盲'),
  list('education.alt', 'education', EDU, '博士 硕士 大学 专科 中专或技校 高中 初中 小学 不识字'),
  list('education.num', 'education', EDU, '01 02 03 04 05 06 07 08 09'),
  identity('marital.gb', 'marital-status', MAR),
  list('marital.zh', 'marital-status', MAR, '未婚 已婚 丧偶 离婚'),
  list('marital.alt', 'marital-status', MAR, '未婚 有配偶 丧偶 离异'),
  list('marital.num', 'marital-status', MAR, '1 2 3 4'),
  identity('employment.gb', 'employment-status', EMP),
  list('employment.zh', 'employment-status', EMP, '国家公务员 专业技术人员 职员 企业管理人员 工人 农民 学生 现役军人 自由职业者 个体经营者 无业人员 退（离）休人员 其他'),
  list('employment.alt', 'employment-status', EMP, '机关干部 技术人员 办事人员 管理人员 工人 务农 在校学生 军人 自由职业 个体户 失业 离退休 其他'),
  list('employment.num', 'employment-status', EMP, '1 2 3 4 5 6 7 8 9 10 11 12 13'),
  identity('political.gb', 'political-status', POL),
  list('political.short', 'political-status', POL, '中共党员 中共预备党员 共青团员 民革会员 民盟盟员 民建会员 民进会员 农工党党员 致公党党员 九三学社社员 台盟盟员 无党派民主人士 群众'),
  list('political.full', 'political-status', POL, '中国共产党党员 中国共产党预备党员 中国共产主义青年团团员 中国国民党革命委员会会员 中国民主同盟盟员 中国民主建国会会员 中国民主促进会会员 中国农工民主党党员 中国致公党党员 九三学社社员 台湾民主自治同盟盟员 无党派民主人士 群众'),
  list('political.num', 'political-status', POL, '1 2 3 4 5 6 7 8 9 10 11 12 13'),
  identity('religion.gb', 'religion', REL),
  list('religion.zh', 'religion', REL, '无 佛教 藏传佛教 道教 天主教 基督教 伊斯兰教 其他'),
  identity('ethnic.gb', 'ethnic-group', ETH),
  list('ethnic.zh', 'ethnic-group', ETH, '汉族 蒙古族 回族 藏族 苗族 壮族 朝鲜族 满族 侗族 瑶族 土家族'),
  list('ethnic.short', 'ethnic-group', ETH, '汉 蒙古 回 藏 苗 壮 朝鲜 满 侗 瑶 土家'),
  identity('relationship.gb', 'family-relationship', FAM),
  list('relationship.zh', 'family-relationship', FAM, '户主 夫 妻 子 独生子 长子 次子 其他儿子 女 独生女 长女 次女 其他女儿 孙子 孙女 外孙子 外孙女 父亲 母亲 岳父 岳母 儿媳 女婿 非亲属'),
  identity('country.alpha3', 'country', COUNTRY_CODES),
  list('country.zh', 'country', COUNTRY_CODES, '中国 日本 韩国 美国 法国 德国 英国 新加坡 加拿大 澳大利亚 马来西亚 意大利 西班牙 俄罗斯 印度 新西兰'),
  identity('hukou.gb', 'household-registration-category', ['1', '2', '3']),
  list('hukou.zh', 'household-registration-category', ['1', '2', '3'], '非农业家庭户口 农业家庭户口 非农业集体户口'),
  list('hukou.short', 'household-registration-category', ['1', '2', '3'], '非农 农业 集体'),
  list('population.zh', 'population-category', ['RESIDENT_REGISTERED', 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 'FROM_OTHER_PROVINCE', 'FROM_ABROAD', 'REGISTERED_ABSENT'], '人在户在 人在户不在 外省市来沪 境外 户在人不在'),
  list('population.num', 'population-category', ['RESIDENT_REGISTERED', 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 'FROM_OTHER_PROVINCE', 'FROM_ABROAD', 'REGISTERED_ABSENT'], '1 2 3 4 5'),
  list('idtype.zh', 'identifier-type', ['CN_ID', 'PASSPORT', 'HKMO_PERMIT', 'TW_PERMIT'], '居民身份证 护照 港澳居民来往内地通行证 台湾居民来往大陆通行证'),
  list('idtype.short', 'identifier-type', ['CN_ID', 'PASSPORT', 'HKMO_PERMIT', 'TW_PERMIT'], '身份证 护照 回乡证 台胞证'),
  list('housing.zh', 'housing-use', ['OWNER', 'PUBLIC_RENTAL', 'PRIVATE_RENTAL', 'COLLECTIVE_DORMITORY', 'VACANT'], '自住 公房租赁 私房出租 单位集体宿舍 空置'),
  list('housing.alt', 'housing-use', ['OWNER', 'PUBLIC_RENTAL', 'PRIVATE_RENTAL', 'COLLECTIVE_DORMITORY', 'VACANT'], '自有住房 租赁公房 租赁私房 集体宿舍 空关'),
  list('household-type.zh', 'household-type', ['FAMILY', 'COLLECTIVE'], '家庭户 集体户'),
  identity('health.gb', 'health-status', HEALTH),
  list('health.zh', 'health-status', HEALTH, '健康 一般 心血管病 脑血管病 慢性呼吸系统病 慢性消化系统病 糖尿病 其他慢性病 视力残疾 听力残疾 言语残疾 肢体残疾 智力残疾 精神残疾 多重残疾'),
  identity('disability.gb', 'disability-category', ['1', '2', '3', '4', '5', '6', '7']),
  list('disability.zh', 'disability-category', ['1', '2', '3', '4', '5', '6', '7'], '视力 听力 言语 肢体 智力 精神 多重'),
  identity('grade.gb', 'disability-grade', ['1', '2', '3', '4']),
  list('grade.zh', 'disability-grade', ['1', '2', '3', '4'], '一级 二级 三级 四级'),
  list('relief.zh', 'relief-programme', ['MINIMUM_INCOME', 'LOW_INCOME', 'EXTREME_POVERTY'], '低保 低收入 特困供养'),
  list('relief.num', 'relief-programme', ['MINIMUM_INCOME', 'LOW_INCOME', 'EXTREME_POVERTY'], '1 2 3'),
  list('militia.zh', 'militia-type', ['BACKBONE', 'ORDINARY'], '基干民兵 普通民兵'),
  list('correction.zh', 'correction-type', ['PROBATION', 'PAROLE', 'CONTROL', 'MEDICAL_PAROLE'], '缓刑 假释 管制 暂予监外执行'),
  list('unitedFront.zh', 'united-front-type', ['DEMOCRATIC_PARTY', 'NON_PARTY', 'RELIGIOUS', 'RETURNED_OVERSEAS', 'NEW_SOCIAL_STRATUM'], '民主党派成员 无党派人士 宗教界人士 归侨侨眷 新的社会阶层人士'),
  list('cadre.zh', 'retired-cadre-type', ['LIXIU', 'RETIRED'], '离休 退休'),
  list('rank.zh', 'cadre-rank', ['SECTION', 'DIVISION', 'BUREAU'], '科级 处级 局级'),
  list('oneStop.zh', 'one-stop-service', ['RESIDENCE_PERMIT', 'MEDICAL_INSURANCE', 'SENIOR_ALLOWANCE', 'FAMILY_PLANNING', 'EMPLOYMENT', 'DISABILITY_SUBSIDY', 'SOCIAL_RELIEF'], '居住证办理 医保业务 老年综合津贴 计划生育证明 就业失业登记 残疾人补贴 社会救助申请'),
  list('medical.zh', 'medical-insurance-type', ['EMPLOYEE', 'RESIDENT'], '职工医保 城乡居民医保'),
  list('lowRent.zh', 'low-rent-mode', ['RENT_SUBSIDY', 'IN_KIND'], '租金配租 实物配租'),
  list('hardship.zh', 'hardship-reason', ['LOW_INCOME', 'DISABILITY', 'ILLNESS', 'SINGLE_PARENT', 'CHILD_EDUCATION'], '低收入 家庭成员残疾 因病致困 单亲家庭 子女就学困难'),
  list('bool.zh', 'boolean', ['true', 'false'], '是 否'),
  list('bool.num', 'boolean', ['true', 'false'], '1 0'),
];

export const CODE_LISTS: ReadonlyMap<string, CodeList> = new Map(LISTS.map((l) => [l.id, l]));

export function codeList(id: string): CodeList {
  const l = CODE_LISTS.get(id);
  if (!l) throw new Error(`unknown code list ${id}`);
  return l;
}

/** The local label for a standard code; '' for '' and, defensively, the code itself when unlisted. */
export function encode(list: CodeList, code: string): string {
  if (code === '') return '';
  return list.labels[code] ?? code;
}

/** local label → standard code, as written to truth/code-mappings.json. */
export function reverse(list: CodeList): Record<string, string> {
  return Object.fromEntries(Object.entries(list.labels).map(([code, label]) => [label, code]));
}
