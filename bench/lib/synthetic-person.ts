/**
 * Deterministic synthetic persons for the storage benchmarks. Person `i` of seed `s` is a pure
 * function of (s, i): nothing is kept in memory, any person can be regenerated to check a read,
 * and every run writes the same data. Each person is 7 rows: the person, one CN_ID identifier
 * (unique, with a valid GB 11643 check character), a registered and an actual residence, and three
 * current values (person.name, person.sex, person.birthDate).
 */
import { computeCheckChar } from '../../src/domain/id-number.ts';
import { mulberry32 } from '../../src/domain/random.ts';

export const ROWS_PER_PERSON = 7;
export const DISTRICT = '310105';
/** One fixed instant for every timestamp column, so runs are identical. */
export const RECORDED_AT = '2026-11-01T08:00:00.000Z';

/** GB/T 2260 county codes in use (or once in use) that the ID numbers are drawn from. */
const ADDRESS_CODES = ['310105', '310104', '310106', '310107', '310115', '320102', '340104', '440305'] as const;
/** Birth dates span 90 years from 1930-01-01. */
const BIRTH_EPOCH_MS = Date.UTC(1930, 0, 1);
const BIRTH_DAYS = 32_850;
/** Size of the (address code, sequence, birth day) space; the index is permuted inside it. */
const SPACE = ADDRESS_CODES.length * 1000 * BIRTH_DAYS;
/** Prime, so coprime with SPACE (whose prime factors are 2, 3, 5 and 73): i → i·P mod SPACE is a bijection. */
const PERMUTE = 2_654_435_761;
const PERMUTE_HI = Math.floor(PERMUTE / 0x10000);
const PERMUTE_LO = PERMUTE % 0x10000;
/** Base of the time-ordered part of the ids (UUID v7 layout, one millisecond per person). */
const ID_EPOCH_MS = Date.UTC(2026, 0, 1);

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'] as const;
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '建华', '志强'] as const;
/** Registered residence outside the home street: elsewhere in Shanghai, or another province. */
const ELSEWHERE_LOCAL = ['310104003', '310106011', '310115005'] as const;
const OTHER_PROVINCE = ['320102', '340104', '440305', '510104'] as const;

export interface SyntheticPerson {
  readonly id: string;
  readonly identifierId: string;
  readonly registeredResidenceId: string;
  readonly actualResidenceId: string;
  readonly idNumber: string;
  readonly name: string;
  /** GB/T 2261.1: '1' male, '2' female. */
  readonly sex: '1' | '2';
  readonly birthDate: string;
  readonly registeredArea: string;
  readonly actualArea: string;
  /** Start of both residences. */
  readonly since: string;
}

/** A 32-bit integer hash (lowbias32); mixes well enough to seed a per-person generator. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}


/** Two hex digits per byte value; Number#toString(16) costs more than the insert it feeds. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const hex16 = (n: number): string => (HEX[(n >>> 8) & 0xff] as string) + (HEX[n & 0xff] as string);
const hex32 = (n: number): string => hex16(n >>> 16) + hex16(n & 0xffff);
/** '000' … '999'. */
const PAD3 = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
const pad3 = (n: number): string => PAD3[n] as string;

/**
 * UUIDs in the v7 layout: 48-bit milliseconds (one per person, so ids are unique and time-ordered
 * like `newId()`'s), version 7, 12 bits naming the row kind (`kind` is its 3 hex digits), the
 * variant, and 62 random bits.
 */
function uuid(msPrefix: string, kind: string, next: () => number): string {
  const a = next();
  return `${msPrefix}-7${kind}-${hex16(0x8000 | (a & 0x3fff))}-${hex16(a >>> 16)}${hex32(next())}`;
}

function msPrefix(index: number): string {
  const ms = ID_EPOCH_MS + index;
  return `${hex32(Math.floor(ms / 0x10000))}-${hex16(ms % 0x10000)}`;
}

/** ISO dates by day offset, built once per epoch (toISOString per row would cost more than the insert). */
const dayCache = new Map<number, string[]>();
function isoDay(epochMs: number, day: number): string {
  let days = dayCache.get(epochMs);
  if (!days) dayCache.set(epochMs, (days = []));
  return (days[day] ??= new Date(epochMs + day * 86_400_000).toISOString().slice(0, 10));
}

function pick<T>(list: readonly T[], r: number): T {
  return list[r % list.length] as T;
}

/** index · PERMUTE mod SPACE, exact: SPACE < 2^28, so every partial product stays below 2^53. */
function permute(index: number): number {
  return (((index * PERMUTE_HI) % SPACE) * 0x10000 + index * PERMUTE_LO) % SPACE;
}

/** Person `index` (0-based, below 262 million) of the data set `seed`. */
export function syntheticPerson(seed: number, index: number): SyntheticPerson {
  if (!Number.isSafeInteger(index) || index < 0 || index >= SPACE) throw new RangeError(`person index ${index} is out of range`);
  const next = mulberry32(mix32(seed ^ mix32(index)));
  const p = (permute(index) + (seed >>> 0)) % SPACE;
  const addressCode = ADDRESS_CODES[p % ADDRESS_CODES.length] as string;
  const sequence = Math.floor(p / ADDRESS_CODES.length) % 1000;
  const day = Math.floor(p / (ADDRESS_CODES.length * 1000));
  const birthDate = isoDay(BIRTH_EPOCH_MS, day);
  const body = `${addressCode}${birthDate.slice(0, 4)}${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}${pad3(sequence)}`;
  const sex = sequence % 2 === 1 ? '1' : '2';

  const r = next();
  const committee = `310105004${pad3(1 + (r % 40))}`;
  // Roughly the field study's mix: 48 % 人在户在, 30 % 人在户不在, 17 % 外省市来沪, 5 % 户在人不在.
  const bucket = (r >>> 8) % 100;
  let registeredArea = committee;
  let actualArea = committee;
  if (bucket < 30) registeredArea = `${pick(ELSEWHERE_LOCAL, r >>> 16)}${pad3(1 + ((r >>> 20) % 30))}`;
  else if (bucket < 47) registeredArea = pick(OTHER_PROVINCE, r >>> 16);
  else if (bucket < 52) registeredArea = `310105004${pad3(1 + ((r >>> 20) % 40))}`;
  if (bucket >= 95) actualArea = `${pick(ELSEWHERE_LOCAL, r >>> 18)}${pad3(1 + ((r >>> 22) % 30))}`;
  const since = isoDay(Date.UTC(1990, 0, 1), next() % 12_000);

  const n = next();
  const name = pick(SURNAMES, n) + pick(GIVEN, n >>> 8) + (n % 3 === 0 ? pick(GIVEN, n >>> 16) : '');
  const prefix = msPrefix(index);
  return {
    id: uuid(prefix, '001', next),
    identifierId: uuid(prefix, '002', next),
    registeredResidenceId: uuid(prefix, '003', next),
    actualResidenceId: uuid(prefix, '004', next),
    idNumber: body + computeCheckChar(body),
    name,
    sex,
    birthDate,
    registeredArea,
    actualArea,
    since,
  };
}

/** The element ids of the three current values each person carries, in the order of `personValues`. */
export const VALUE_ELEMENTS = ['person.name', 'person.sex', 'person.birthDate'] as const;

export function personValues(p: SyntheticPerson): readonly [string, string, string] {
  return [p.name, p.sex, p.birthDate];
}

/** `count` indices in [0, persons), drawn from the seed (the order of the reads). */
export function readOrder(seed: number, persons: number, count: number): Uint32Array {
  const next = mulberry32(mix32(seed ^ 0x5eed));
  const out = new Uint32Array(count);
  for (let k = 0; k < count; k++) out[k] = next() % persons;
  return out;
}
