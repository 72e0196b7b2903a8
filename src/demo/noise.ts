/**
 * The real mess of department extracts, at stated rates. One config object; every rate is the
 * probability per extract row (per eligible row for the conditional ones) before the system's own
 * noise factor. `--noise R` multiplies every rate by R: 0 switches all noise off (and single-PC
 * systems then export the current state instead of an old snapshot), 2 doubles it.
 */
import type { Random } from './random.ts';
import { homophoneVariant, traditionalVariant, westernOrder } from './name-generator.ts';

export interface NoiseRates {
  /** A character of the name replaced by a homophone (张伟 → 张玮, 黄 → 王). */
  readonly nameHomophone: number;
  /** The name typed in traditional characters (张伟 → 張偉). */
  readonly nameTraditional: number;
  /** Foreigners' names in western order and case (SATO HIROSHI → Hiroshi Sato); per foreigner row. */
  readonly latinNameOrderSwap: number;
  /** The ID number left empty. */
  readonly idMissing: number;
  /** The old 15-digit ID number (only for people born 1900–1999). */
  readonly id15Digit: number;
  /** One digit of the ID number mistyped, so its check character fails. */
  readonly idInvalid: number;
  /** Day and month of the birth date swapped (only where both are ≤ 12). */
  readonly dayMonthSwap: number;
  /** The previous address still recorded; per row of someone who moved in the last six years. */
  readonly staleAddress: number;
  /** A person who died or moved away still listed; per such person and system that covered them. */
  readonly departedKept: number;
  /** The row entered twice. */
  readonly duplicate: number;
}

export const DEFAULT_NOISE: NoiseRates = {
  nameHomophone: 0.01,
  nameTraditional: 0.004,
  latinNameOrderSwap: 0.15,
  idMissing: 0.015,
  id15Digit: 0.03,
  idInvalid: 0.004,
  dayMonthSwap: 0.004,
  staleAddress: 0.08,
  departedKept: 0.35,
  duplicate: 0.006,
};

export function scaledNoise(multiplier: number, base: NoiseRates = DEFAULT_NOISE): NoiseRates {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(base)) out[k] = Math.min(1, v * multiplier);
  return out as unknown as NoiseRates;
}

export function noiseIsOff(rates: NoiseRates): boolean {
  return Object.values(rates).every((v) => v === 0);
}

/** The noise drawn for one extract row; each field names what was done ('' for nothing). */
export interface RowNoise {
  name: '' | 'homophone' | 'traditional' | 'latin-order';
  id: '' | 'missing' | '15-digit' | 'invalid';
  dateSwap: boolean;
  staleAddress: boolean;
}

export function drawRowNoise(
  random: Random,
  rates: NoiseRates,
  factor: number,
  latin: boolean,
  canSwapDate: boolean,
  hasPrevious: boolean,
  hasId: boolean,
): RowNoise {
  const n: RowNoise = { name: '', id: '', dateSwap: false, staleAddress: false };
  if (latin) {
    if (random.chance(rates.latinNameOrderSwap * factor)) n.name = 'latin-order';
  } else if (random.chance(rates.nameHomophone * factor)) n.name = 'homophone';
  else if (random.chance(rates.nameTraditional * factor)) n.name = 'traditional';
  if (hasId) {
    if (random.chance(rates.idMissing * factor)) n.id = 'missing';
    else if (random.chance(rates.id15Digit * factor)) n.id = '15-digit';
    else if (random.chance(rates.idInvalid * factor)) n.id = 'invalid';
  }
  n.dateSwap = canSwapDate && random.chance(rates.dayMonthSwap * factor);
  n.staleAddress = hasPrevious && random.chance(rates.staleAddress * factor);
  return n;
}

export function describeNoise(n: RowNoise): string {
  const parts: string[] = [];
  if (n.name) parts.push(`name-${n.name}`);
  if (n.id) parts.push(`id-${n.id}`);
  if (n.dateSwap) parts.push('date-swap');
  if (n.staleAddress) parts.push('stale-address');
  return parts.join(';');
}

export function noisyName(random: Random, name: string, kind: RowNoise['name'], latinFamily: string, latinGiven: string): string {
  switch (kind) {
    case '':
      return name;
    case 'homophone':
      return homophoneVariant(random, name);
    case 'traditional':
      return traditionalVariant(name);
    case 'latin-order':
      return westernOrder({ family: latinFamily, given: latinGiven });
  }
}

export function noisyId(random: Random, id: string, kind: RowNoise['id']): string {
  switch (kind) {
    case '':
      return id;
    case 'missing':
      return '';
    case '15-digit':
      return id.length === 18 && id.slice(6, 8) === '19' ? id.slice(0, 6) + id.slice(8, 17) : id;
    case 'invalid': {
      if (id.length !== 18) return id;
      const at = random.int(6, 16);
      const digit = Number(id.charAt(at));
      const other = (digit + random.int(1, 9)) % 10;
      return id.slice(0, at) + String(other) + id.slice(at + 1);
    }
  }
}

/** 2008-09-05 → 2008-05-09 (only called where both parts are ≤ 12 and differ). */
export function swapDayMonth(iso: string): string {
  return `${iso.slice(0, 4)}-${iso.slice(8, 10)}-${iso.slice(5, 7)}`;
}

export function canSwap(iso: string): boolean {
  const m = iso.slice(5, 7);
  const d = iso.slice(8, 10);
  return iso.length === 10 && d <= '12' && d !== m;
}
