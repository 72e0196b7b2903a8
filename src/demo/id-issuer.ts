/**
 * Issues citizen ID numbers (GB 11643) the way they were really issued: the address code of where
 * the person was registered when the number was given (so older people carry codes retired since,
 * such as 310108 闸北区), the birth date, a sequence whose parity gives the sex, and the check
 * character. Numbers are unique: each committee draws its sequences from its own slot of the range
 * (as police stations were given ranges) and remembers what it issued.
 */
import { computeCheckChar } from '../domain/id-number.ts';
import type { Random } from './random.ts';
import { Weighted } from './random.ts';
import type { CountyCode, DemoReference } from './reference-adapter.ts';

/** Where Shanghai's migrants come from (province prefix, weight). */
// prettier-ignore
export const ORIGIN_PROVINCES = new Weighted<string>([
  ['34', 28], ['32', 14], ['41', 10], ['51', 8], ['36', 7], ['33', 6], ['42', 5], ['37', 4], ['35', 4], ['43', 3],
  ['50', 3], ['52', 2], ['23', 2], ['13', 2], ['45', 1], ['61', 1], ['14', 1], ['21', 1], ['22', 1], ['62', 1],
  ['53', 1], ['44', 1], ['11', 0.5], ['12', 0.5],
]);

const PROVINCE_BEFORE: Readonly<Record<string, string>> = { '50': '51', '46': '44' };

/** Counties of Sichuan hit hardest by the 2008 Wenchuan earthquake. */
export const WENCHUAN_COUNTIES = ['513221', '510726', '510822', '510683', '510682', '510181'] as const;

/** The year a number was first issued: at birth from 1985, else during the first issue (1985–1999). */
export function issueYear(random: Random, birthYear: number): number {
  return birthYear >= 1985 ? birthYear : random.int(1985, 1999);
}

export class IdIssuer {
  private readonly issued = new Set<string>();

  constructor(
    private readonly reference: DemoReference,
    /** This committee's slot and the number of slots the sequence range is shared among. */
    private readonly slot: number,
    private readonly slots: number,
  ) {}

  /**
   * A new number for the address code, birth date (ISO) and sex; undefined when this committee's
   * sequences for that day are used up (the caller then moves the birth date by a day).
   */
  issue(random: Random, addressCode: string, birthDate: string, sex: '1' | '2'): string | undefined {
    const prefix = addressCode + birthDate.replaceAll('-', '');
    const parity = sex === '1' ? 1 : 0;
    const perSlot = Math.floor((500 - 1 - this.slot) / this.slots) + 1;
    const tryK = (j: number): string | undefined => {
      const k = this.slot + this.slots * j;
      const body = prefix + String(2 * k + parity).padStart(3, '0');
      const number = body + computeCheckChar(body);
      if (this.issued.has(number)) return undefined;
      this.issued.add(number);
      return number;
    };
    for (let t = 0; t < 8; t++) {
      const n = tryK(random.int(0, perSlot - 1));
      if (n) return n;
    }
    for (let j = 0; j < perSlot; j++) {
      const n = tryK(j);
      if (n) return n;
    }
    return undefined;
  }

  /** A Shanghai address code in use in the issue year: mostly `home`, else another district's. */
  shanghaiCode(random: Random, birthYear: number, home: string): string {
    const year = issueYear(random, birthYear);
    if (random.chance(0.72)) return home;
    const codes = this.reference.countiesInUse('31', year);
    return codes.length > 0 ? random.pick(codes).code : home;
  }

  /** A county of the province in use in the issue year. */
  provinceCounty(random: Random, birthYear: number, province: string): CountyCode {
    const year = issueYear(random, birthYear);
    // Chongqing's counties had Sichuan codes before 1997, Hainan's had Guangdong's before 1988.
    let counties = this.reference.countiesInUse(province, year);
    if (counties.length === 0) counties = this.reference.countiesInUse(PROVINCE_BEFORE[province] ?? province, year);
    if (counties.length === 0) counties = this.reference.countiesInUse(province, 2024);
    if (counties.length === 0) throw new Error(`no county codes for province ${province}`);
    return random.pick(counties);
  }
}
