/**
 * Draws names: Chinese names from surname frequencies (Shanghai or national) and generation-typical
 * given-name characters; latin-script names for foreigners; and the noisy variants a typist makes
 * (homophones, traditional characters, swapped latin name order).
 */
import { Converter } from 'opencc-js/cn2t';
import type { Random } from './random.ts';
import { Weighted } from './random.ts';
import {
  COMPOUND_SHARE,
  COMPOUND_SURNAMES,
  GIVEN_CHARS,
  HOMOPHONES,
  LATIN_NAMES,
  NATIONAL_SURNAMES,
  SHANGHAI_SURNAMES,
  SINGLE_CHAR_SHARE,
  type Generation,
} from './name-data.ts';

export type SurnamePool = 'shanghai' | 'national';

const SURNAMES: Readonly<Record<SurnamePool, Weighted<string>>> = {
  shanghai: new Weighted(SHANGHAI_SURNAMES),
  national: new Weighted(NATIONAL_SURNAMES),
};
const COMPOUND = new Weighted(COMPOUND_SURNAMES);

const HOMOPHONE_OF = new Map<string, string>();
for (const group of HOMOPHONES) {
  for (const ch of group) if (!HOMOPHONE_OF.has(ch)) HOMOPHONE_OF.set(ch, group);
}

export function generationOf(birthYear: number): Generation {
  return birthYear < 1960 ? 'old' : birthYear < 1990 ? 'middle' : 'young';
}

export function drawSurname(random: Random, pool: SurnamePool): string {
  return random.chance(COMPOUND_SHARE) ? COMPOUND.draw(random) : SURNAMES[pool].draw(random);
}

export function drawGivenName(random: Random, sex: '1' | '2', birthYear: number): string {
  const generation = generationOf(birthYear);
  const chars = GIVEN_CHARS[generation][sex];
  const first = chars.charAt(random.int(0, chars.length - 1));
  if (random.chance(SINGLE_CHAR_SHARE[generation])) return first;
  let second = chars.charAt(random.int(0, chars.length - 1));
  if (second === first && random.chance(0.7)) second = chars.charAt(random.int(0, chars.length - 1));
  return first + second;
}

export interface LatinName {
  readonly family: string;
  readonly given: string;
}

export function drawLatinName(random: Random, country: string, sex: '1' | '2', family?: string): LatinName {
  const pool = LATIN_NAMES[country];
  if (!pool) throw new Error(`no latin names for ${country}`);
  return { family: family ?? random.pick(pool.family), given: random.pick(sex === '1' ? pool.male : pool.female) };
}

/** Passport order, as the foreigners' register writes it: FAMILY GIVEN. */
export function latinFull(name: LatinName): string {
  return `${name.family} ${name.given}`;
}

/** The name with one character replaced by a homophone; unchanged when none is known. */
export function homophoneVariant(random: Random, name: string): string {
  const positions: number[] = [];
  for (let i = 0; i < name.length; i++) if (HOMOPHONE_OF.has(name.charAt(i))) positions.push(i);
  if (positions.length === 0) return name;
  const at = random.pick(positions);
  const group = HOMOPHONE_OF.get(name.charAt(at)) ?? '';
  const others = [...group].filter((c) => c !== name.charAt(at));
  if (others.length === 0) return name;
  return name.slice(0, at) + random.pick(others) + name.slice(at + 1);
}

let toTraditional: ((text: string) => string) | undefined;
const traditionalCache = new Map<string, string>();

/** Hong Kong traditional characters (张伟 → 張偉). */
export function traditionalVariant(name: string): string {
  const cached = traditionalCache.get(name);
  if (cached !== undefined) return cached;
  const convert = (toTraditional ??= Converter({ from: 'cn', to: 'hk' }));
  const converted = convert(name);
  if (traditionalCache.size < 50_000) traditionalCache.set(name, converted);
  return converted;
}

/** Given name first, family name last, in title case: 'Hiroshi Sato' for SATO HIROSHI. */
export function westernOrder(name: LatinName): string {
  const title = (s: string): string => s.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());
  return `${title(name.given)} ${title(name.family)}`;
}
