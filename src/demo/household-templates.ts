/**
 * Household shapes by population category: who lives together, their ages, sexes and relationship
 * to the head (GB/T 4761-2008 codes). The mix is tuned so that about a third of the street is 60 or
 * older (central Shanghai), migrants are mostly of working age and foreigners come as singles,
 * couples and expatriate families.
 */
import type { PopulationCategory } from '../domain/population-category.ts';
import type { Random } from './random.ts';
import { Weighted } from './random.ts';

export interface MemberSpec {
  readonly sex: '1' | '2';
  readonly age: number;
  /** GB/T 4761-2008 relationship to the head. */
  readonly rel: string;
  /** Index of the mother and father among the household's specs. */
  readonly mother?: number;
  readonly father?: number;
  readonly marital: string;
  /** A fixed birth date (births during the year of changes); otherwise drawn from the age. */
  readonly birthDate?: string;
}

export type HouseholdShape =
  | 'elderly-alone'
  | 'elderly-couple'
  | 'core-family'
  | 'three-generations'
  | 'couple'
  | 'single'
  | 'single-parent'
  | 'dormitory'
  | 'shared-rental';

// prettier-ignore
export const SHAPES: Readonly<Record<Exclude<PopulationCategory, 'REGISTERED_ABSENT'>, Weighted<HouseholdShape>>> = {
  RESIDENT_REGISTERED: new Weighted<HouseholdShape>([
    ['elderly-alone', 18], ['elderly-couple', 30], ['core-family', 20], ['three-generations', 21], ['couple', 4], ['single', 4], ['single-parent', 3],
  ]),
  RESIDENT_REGISTERED_ELSEWHERE_LOCAL: new Weighted<HouseholdShape>([
    ['elderly-alone', 12], ['elderly-couple', 24], ['core-family', 30], ['three-generations', 16], ['couple', 10], ['single', 7], ['single-parent', 2],
  ]),
  FROM_OTHER_PROVINCE: new Weighted<HouseholdShape>([
    ['dormitory', 10], ['shared-rental', 22], ['couple', 20], ['core-family', 32], ['single', 12], ['three-generations', 4],
  ]),
  FROM_ABROAD: new Weighted<HouseholdShape>([
    ['single', 38], ['couple', 24], ['core-family', 36], ['elderly-couple', 2],
  ]),
};

/** Shapes of households registered here whose members all live elsewhere. */
// prettier-ignore
export const ABSENT_SHAPES = new Weighted<HouseholdShape>([
  ['core-family', 35], ['couple', 15], ['single', 25], ['elderly-couple', 12], ['three-generations', 8], ['elderly-alone', 5],
]);

const other = (sex: '1' | '2'): '1' | '2' => (sex === '1' ? '2' : '1');
const spouseRel = (headSex: '1' | '2'): string => (headSex === '1' ? '12' : '11');

function elderAge(random: Random): number {
  return Math.round(random.chance(0.25) ? random.around(85, 5, 78, 102) : random.around(70, 6, 60, 90));
}

function childRel(sex: '1' | '2', order: number, only: boolean): string {
  if (only) return sex === '1' ? '21' : '31';
  if (order > 2) return sex === '1' ? '29' : '39';
  return sex === '1' ? (order === 1 ? '22' : '23') : order === 1 ? '32' : '33';
}

function children(
  random: Random,
  motherAge: number,
  count: number,
  mother: number | undefined,
  father: number | undefined,
  relOf: (sex: '1' | '2', i: number, only: boolean) => string,
): MemberSpec[] {
  const kids: MemberSpec[] = [];
  let age = motherAge - random.int(23, 34);
  for (let i = 0; i < count && age >= 0; i++) {
    const sex: '1' | '2' = random.chance(0.51) ? '1' : '2';
    const marital = age >= 22 && random.chance(Math.min(0.8, (age - 22) / 12)) ? '20' : '10';
    kids.push({
      sex,
      age,
      rel: relOf(sex, i + 1, count === 1),
      ...(mother === undefined ? {} : { mother }),
      ...(father === undefined ? {} : { father }),
      marital,
    });
    age -= random.int(2, 6);
  }
  return kids;
}

/** The members of a new household of the shape; the head comes first. */
export function membersOf(random: Random, shape: HouseholdShape, category: PopulationCategory): MemberSpec[] {
  const working = category === 'FROM_OTHER_PROVINCE' || category === 'FROM_ABROAD';
  switch (shape) {
    case 'elderly-alone': {
      const sex: '1' | '2' = random.chance(0.68) ? '2' : '1';
      const marital = random.chance(0.78) ? '30' : random.chance(0.6) ? '40' : '10';
      return [{ sex, age: elderAge(random), rel: '02', marital }];
    }
    case 'elderly-couple': {
      const age = elderAge(random);
      const sex: '1' | '2' = random.chance(0.8) ? '1' : '2';
      const spouseAge = Math.max(58, age + (sex === '1' ? -random.int(0, 5) : random.int(0, 5)));
      return [
        { sex, age, rel: '02', marital: '20' },
        { sex: other(sex), age: spouseAge, rel: spouseRel(sex), marital: '20' },
      ];
    }
    case 'couple': {
      const age = working ? random.int(22, 45) : random.int(24, 50);
      return [
        { sex: '1', age, rel: '02', marital: '20' },
        { sex: '2', age: Math.max(20, age - random.int(0, 4)), rel: '12', marital: '20' },
      ];
    }
    case 'single': {
      const sex: '1' | '2' = random.chance(0.55) ? '1' : '2';
      const age = working ? random.int(19, 50) : random.chance(0.15) ? random.int(50, 60) : random.int(19, 45);
      const marital = age > 30 && random.chance(0.35) ? '40' : '10';
      return [{ sex, age, rel: '02', marital }];
    }
    case 'core-family': {
      const fatherAge = random.int(working ? 26 : 30, working ? 50 : 58);
      const motherAge = Math.max(22, fatherAge - random.int(0, 4));
      const count = random.chance(category === 'FROM_OTHER_PROVINCE' ? 0.4 : 0.2) ? 2 : 1;
      const head: MemberSpec = { sex: '1', age: fatherAge, rel: '02', marital: '20' };
      const mother: MemberSpec = { sex: '2', age: motherAge, rel: '12', marital: '20' };
      return [head, mother, ...children(random, motherAge, count, 1, 0, childRel)];
    }
    case 'single-parent': {
      const sex: '1' | '2' = random.chance(0.75) ? '2' : '1';
      const age = random.int(30, 55);
      const parent: MemberSpec = { sex, age, rel: '02', marital: random.chance(0.75) ? '40' : '30' };
      return [
        parent,
        ...children(random, sex === '2' ? age : age - 2, 1, sex === '2' ? 0 : undefined, sex === '1' ? 0 : undefined, childRel),
      ];
    }
    case 'three-generations': {
      const grandAge = Math.max(60, elderAge(random));
      const widowed = random.chance(0.4);
      const middleAge = Math.max(28, grandAge - random.int(24, 34));
      const sonLine = random.chance(0.6);
      const middleHeaded = random.chance(0.5);
      const specs: MemberSpec[] = [];
      if (middleHeaded) {
        specs.push({ sex: '1', age: middleAge, rel: '02', marital: '20' });
        specs.push({ sex: '2', age: Math.max(26, middleAge - random.int(0, 4)), rel: '12', marital: '20' });
        const kids = children(random, middleAge - 1, random.chance(0.2) ? 2 : 1, 1, 0, childRel);
        specs.push(...kids);
        const grandSex: '1' | '2' = widowed ? '2' : '1';
        specs.push({
          sex: grandSex,
          age: grandAge,
          rel: sonLine ? (grandSex === '1' ? '51' : '52') : grandSex === '1' ? '55' : '56',
          marital: widowed ? '30' : '20',
        });
        if (!widowed) specs.push({ sex: '2', age: Math.max(58, grandAge - random.int(0, 4)), rel: sonLine ? '52' : '56', marital: '20' });
        return specs;
      }
      specs.push({ sex: '1', age: grandAge, rel: '02', marital: widowed ? '30' : '20' });
      if (!widowed) specs.push({ sex: '2', age: Math.max(58, grandAge - random.int(0, 4)), rel: '12', marital: '20' });
      const childSex: '1' | '2' = sonLine ? '1' : '2';
      const mid = specs.length;
      specs.push({
        sex: childSex,
        age: middleAge,
        rel: sonLine ? '22' : '32',
        ...(widowed ? {} : { mother: 1 }),
        father: 0,
        marital: '20',
      });
      specs.push({
        sex: other(childSex),
        age: Math.max(26, middleAge + (sonLine ? -random.int(0, 3) : random.int(0, 3))),
        rel: sonLine ? '38' : '28',
        marital: '20',
      });
      const motherIdx = sonLine ? mid + 1 : mid;
      const fatherIdx = sonLine ? mid : mid + 1;
      const motherAge = specs[motherIdx]?.age ?? middleAge;
      specs.push(
        ...children(random, motherAge, random.chance(0.2) ? 2 : 1, motherIdx, fatherIdx, (s) =>
          sonLine ? (s === '1' ? '41' : '42') : s === '1' ? '43' : '44',
        ),
      );
      return specs;
    }
    case 'dormitory': {
      const n = random.int(4, 10);
      const sex: '1' | '2' = random.chance(0.7) ? '1' : '2';
      return Array.from({ length: n }, (_, i) => ({
        sex,
        age: random.int(18, 45),
        rel: i === 0 ? '02' : '99',
        marital: random.chance(0.35) ? '20' : '10',
      }));
    }
    case 'shared-rental': {
      const n = random.int(2, 4);
      return Array.from({ length: n }, (_, i) => ({
        sex: random.chance(0.55) ? ('1' as const) : ('2' as const),
        age: random.int(20, 40),
        rel: i === 0 ? '02' : '99',
        marital: random.chance(0.3) ? '20' : '10',
      }));
    }
  }
}
