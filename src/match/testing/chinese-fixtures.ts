/**
 * Small generated Chinese department data with ground truth, for the matching tests: persons in
 * households (sharing surname, dwelling and often a landline), a clean reference list and a noisy
 * department list with the mess of the field study — homophones, traditional characters, 15-digit,
 * missing and mistyped ID numbers, swapped day and month, stale addresses, missing phones. Seeded.
 */
import { Converter } from 'opencc-js/cn2t';
import { computeCheckChar } from '../../domain/id-number.ts';
import { seededRandom } from '../comparison-vectors.ts';
import type { MatchRecord } from '../match-record.ts';

const SURNAMES = [
  '张',
  '王',
  '李',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '曾',
  '单',
  '解',
  '乐',
  '吕',
  '欧阳',
  '司马',
];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文红建国海云晓志慧佳婷浩宇欣思晨睿俊鹏飞'];
const HOMOPHONES = [
  '伟玮',
  '丽莉',
  '明铭',
  '华桦',
  '静婧',
  '红虹',
  '英瑛',
  '平萍',
  '文雯',
  '建剑',
  '志智',
  '晓小',
  '杰洁',
  '芳方',
  '慧惠',
  '佳嘉',
  '婷亭',
  '浩昊',
  '宇雨',
  '欣鑫',
  '思斯',
  '晨辰',
  '睿瑞',
  '俊峻',
  '鹏朋',
  '飞菲',
];
const ROADS = ['新华路', '番禺路', '法华镇路', '定西路', '延安西路'];

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly birthDate: string;
  readonly sex: '1' | '2';
  readonly citizenId: string;
  readonly phone: string;
  readonly address: string;
  readonly previousAddress: string;
}

export interface FixtureNoise {
  homophone: number;
  traditional: number;
  idMissing: number;
  id15: number;
  idTypo: number;
  dateSwap: number;
  staleAddress: number;
  phoneMissing: number;
}

export const DEFAULT_FIXTURE_NOISE: FixtureNoise = {
  homophone: 0.03,
  traditional: 0.02,
  idMissing: 0.08,
  id15: 0.05,
  idTypo: 0.02,
  dateSwap: 0.02,
  staleAddress: 0.1,
  phoneMissing: 0.2,
};

export interface Fixture {
  readonly persons: readonly Person[];
  readonly reference: MatchRecord[];
  readonly department: MatchRecord[];
  /** Record id → person id, for both lists. */
  readonly truth: ReadonlyMap<string, string>;
}

export function generateFixture(options: {
  seed: number;
  households: number;
  departmentShare?: number;
  duplicates?: number;
  noise?: Partial<FixtureNoise>;
}): Fixture {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const noise = { ...DEFAULT_FIXTURE_NOISE, ...options.noise };
  const toTraditional = Converter({ from: 'cn', to: 'hk' });
  const persons: Person[] = [];
  let seq = 100;
  for (let h = 0; h < options.households; h++) {
    const surname = pick(SURNAMES);
    const road = pick(ROADS);
    const address = `上海市长宁区${road}${1 + Math.floor(random() * 400)}弄${1 + Math.floor(random() * 60)}号${1 + Math.floor(random() * 6)}0${1 + Math.floor(random() * 4)}室`;
    const previousAddress = `上海市长宁区${pick(ROADS)}${1 + Math.floor(random() * 400)}弄${1 + Math.floor(random() * 60)}号${1 + Math.floor(random() * 6)}0${1 + Math.floor(random() * 4)}室`;
    const landline = `021${String(62000000 + Math.floor(random() * 999999)).padStart(8, '0')}`;
    const size = 1 + Math.floor(random() * 4);
    for (let k = 0; k < size; k++) {
      const sex: '1' | '2' = chance(0.5) ? '1' : '2';
      const year = 1930 + Math.floor(random() * 80);
      const birthDate = `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      seq += 2;
      const sequence = String(seq % 1000).padStart(3, '0');
      const sexDigit = sex === '1' ? (Number(sequence.charAt(2)) | 1) % 10 : Number(sequence.charAt(2)) & 8;
      const body = `310105${birthDate.replace(/-/g, '')}${sequence.slice(0, 2)}${sexDigit}`;
      const family = k === 0 || chance(0.85) ? surname : pick(SURNAMES);
      const given = Array.from({ length: chance(0.7) ? 2 : 1 }, () => pick(GIVEN)).join('');
      persons.push({
        id: `P${persons.length + 1}`,
        name: family + given,
        birthDate,
        sex,
        citizenId: body + computeCheckChar(body),
        phone: chance(0.5) ? landline : `13${String(Math.floor(random() * 1e9)).padStart(9, '0')}`,
        address,
        previousAddress,
      });
    }
  }
  const truth = new Map<string, string>();
  const reference = persons.map((p): MatchRecord => {
    truth.set(`R-${p.id}`, p.id);
    return {
      id: `R-${p.id}`,
      fields: { name: p.name, birthDate: p.birthDate, sex: p.sex, citizenId: p.citizenId, phone: p.phone, address: p.address },
    };
  });
  const department: MatchRecord[] = [];
  const noisy = (p: Person, n: number): MatchRecord => {
    let name = p.name;
    if (chance(noise.homophone)) {
      const chars = [...name];
      const positions = chars.map((c, i) => (HOMOPHONES.some((g) => g.includes(c)) ? i : -1)).filter((i) => i > 0);
      if (positions.length > 0) {
        const at = pick(positions);
        const group = HOMOPHONES.find((g) => g.includes(chars[at] ?? '')) ?? '';
        chars[at] = [...group].find((c) => c !== chars[at]) ?? chars[at] ?? '';
        name = chars.join('');
      }
    } else if (chance(noise.traditional)) name = toTraditional(name);
    let citizenId: string | undefined = p.citizenId;
    if (chance(noise.idMissing)) citizenId = undefined;
    else if (chance(noise.id15) && p.birthDate < '2000') citizenId = p.citizenId.slice(0, 6) + p.citizenId.slice(8, 17);
    else if (chance(noise.idTypo))
      citizenId = `${p.citizenId.slice(0, 10)}${(Number(p.citizenId.charAt(10)) + 1) % 10}${p.citizenId.slice(11)}`;
    let birthDate = p.birthDate;
    const [y, m, d] = birthDate.split('-');
    if (chance(noise.dateSwap) && Number(d) <= 12 && m !== d) birthDate = `${y}-${d}-${m}`;
    const fields: Record<string, string> = {
      name,
      birthDate,
      sex: p.sex === '1' ? '男' : '女',
      address: chance(noise.staleAddress) ? p.previousAddress : p.address,
    };
    if (citizenId !== undefined) fields['citizenId'] = citizenId;
    if (!chance(noise.phoneMissing)) fields['phone'] = p.phone;
    const id = `D-${p.id}-${n}`;
    truth.set(id, p.id);
    return { id, fields };
  };
  for (const p of persons) {
    if (!chance(options.departmentShare ?? 0.7)) continue;
    department.push(noisy(p, 0));
    if (chance(options.duplicates ?? 0)) department.push(noisy(p, 1));
  }
  return { persons, reference, department, truth };
}
