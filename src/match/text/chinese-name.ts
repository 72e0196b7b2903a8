/**
 * Chinese names for matching: folding (traditional → simplified, full-width → half-width, no spaces
 * or separating dots), surname splitting with compound surnames (欧阳, 司马…), and toneless pinyin
 * keys. Native characters are compared first; pinyin is many-to-one (≈ 410 toneless syllables for
 * thousands of characters), so equal pinyin is a blocking key and a weak agreement level, never a
 * match by itself. A polyphonic surname gives every reading as a key (曾 zeng/ceng, 单 shan/dan,
 * 解 xie/jie, 乐 yue/le); ü spellings (lü, lu, lv, lyu) fold to one key. Pure; readings are cached.
 */
import { pinyin } from 'pinyin-pro';
import { toHalfWidth, toSimplified } from '../../ingest/transform/text-transforms.ts';
import { COMPOUND_SURNAME_READINGS, COMPOUND_SURNAMES, POLYPHONIC_SURNAMES } from './surname-data.ts';

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
const NAME_SEPARATORS = /[\s\u00a0\u3000·•・．.\-‐‑–—_]+/g;
const COMPOUND = new Set(COMPOUND_SURNAMES);

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

const folds = new Map<string, string>();

/** 張 偉 → 张伟, 阿卜杜·热合曼 → 阿卜杜热合曼: simplified, half-width, without spaces and dots. */
export function foldChineseName(name: string): string {
  const hit = folds.get(name);
  if (hit !== undefined) return hit;
  const folded = toSimplified(toHalfWidth(name)).replace(NAME_SEPARATORS, '');
  if (folds.size >= 200_000) folds.clear();
  folds.set(name, folded);
  return folded;
}

export interface ChineseNameParts {
  readonly family: string;
  readonly given: string;
}

/** Family and given name of a folded Chinese name; a compound surname takes two characters. */
export function splitChineseName(folded: string): ChineseNameParts {
  const chars = [...folded];
  const head2 = chars.slice(0, 2).join('');
  const familyLength = chars.length >= 3 && COMPOUND.has(head2) ? 2 : chars.length === 2 && COMPOUND.has(head2) ? 2 : 1;
  return { family: chars.slice(0, familyLength).join(''), given: chars.slice(familyLength).join('') };
}

/** lü, lv, lyu → lu; nü, nv, nyu → nu (also in lüe, lüan…). The one spelling of ü used in keys. */
export function foldUmlaut(syllable: string): string {
  return syllable.replace(/([ln])(?:ü|v|yu|u:)/g, '$1u').replace(/ü/g, 'u');
}

/**
 * The southern "fuzzy pinyin" (模糊音) many Shanghai and Wu speakers type or hear: zh/z, ch/c, sh/s,
 * n/l, ang/an, eng/en, ing/in, and the Shanghainese hu-/w- merge (黄 = 王, 胡 = 吴).
 */
export function fuzzySyllable(syllable: string): string {
  let s = syllable;
  if (s.startsWith('hu')) s = s.length === 2 ? 'wu' : `w${s.slice(2)}`;
  s = s.replace(/^([zcs])h/, '$1').replace(/^n(?=[aeiouü])/, 'l');
  if (/[aei]ng$/.test(s)) s = s.slice(0, -1);
  return s;
}

export interface NameReadings {
  readonly family: string;
  readonly given: string;
  /** Every reading, as [family syllables, given syllables], toneless, ü folded. */
  readonly readings: readonly (readonly [readonly string[], readonly string[]])[];
  /** Each reading's syllables joined: 'zhangwei'; one per surname reading. */
  readonly keys: readonly string[];
  /** Each reading's initials: 'zw'. */
  readonly initials: readonly string[];
  /** Each reading in fuzzy pinyin: 'zanwei'. */
  readonly fuzzyKeys: readonly string[];
}

function read(text: string, surname: boolean): string[] {
  return pinyin(text, surname ? { toneType: 'none', type: 'array', surname: 'head' } : { toneType: 'none', type: 'array' })
    .map((s) => foldUmlaut(s.toLowerCase().replace(/[^a-zü]/g, '')))
    .filter((s) => s !== '');
}

const surnameCache = new Map<string, string[]>();
const charCache = new Map<string, string>();

/**
 * Toneless syllables of a folded name: the surname read as a surname, each given-name character by
 * its usual reading. Read character by character (cached), so a name costs a few look-ups instead
 * of a dictionary pass; given names are not phrases, so little context is lost.
 */
function syllables(family: string, given: string): string[] {
  let head = surnameCache.get(family);
  if (head === undefined) {
    head = family === '' ? [] : read(family, true);
    surnameCache.set(family, head);
  }
  const out = [...head];
  for (const ch of given) {
    let s = charCache.get(ch);
    if (s === undefined) {
      s = read(ch, false).join('');
      charCache.set(ch, s);
    }
    if (s !== '') out.push(s);
  }
  return out;
}

function surnameReadings(family: string, usual: string[]): string[][] {
  const compound = COMPOUND_SURNAME_READINGS[family];
  if (compound) return compound.map((r) => r.split(' '));
  const readings: string[][] = [usual];
  const listed = family.length === 1 ? POLYPHONIC_SURNAMES[family] : undefined;
  for (const r of listed ?? []) if (r !== usual.join('')) readings.push([r]);
  return readings;
}

const cache = new Map<string, NameReadings>();
const CACHE_LIMIT = 200_000;

/** The pinyin readings of a folded Chinese name (call foldChineseName first). */
export function readChineseName(folded: string): NameReadings {
  const hit = cache.get(folded);
  if (hit) return hit;
  const { family, given } = splitChineseName(folded);
  const all = syllables(family, given);
  const familyCount = Math.min([...family].length, all.length);
  const givenSyllables = all.slice(familyCount);
  const readings = surnameReadings(family, all.slice(0, familyCount)).map((f) => [f, givenSyllables] as const);
  const unique = new Map<string, readonly [readonly string[], readonly string[]]>();
  for (const r of readings) unique.set([...r[0], ...r[1]].join(''), r);
  const list = [...unique.values()];
  const result: NameReadings = {
    family,
    given,
    readings: list,
    keys: list.map((r) => [...r[0], ...r[1]].join('')),
    initials: list.map((r) => [...r[0], ...r[1]].map((s) => s.charAt(0)).join('')),
    fuzzyKeys: [...new Set(list.map((r) => [...r[0], ...r[1]].map(fuzzySyllable).join('')))],
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(folded, result);
  return result;
}

/** Lower-case latin tokens without diacritics, ü spellings folded: 'LYU Xiaohong' → ['lu', 'xiaohong']. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

export function latinTokens(name: string): string[] {
  return (PLAIN_ASCII.test(name) ? name : name.normalize('NFKD'))
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((t) => t !== '')
    .map((t) => t.replace(/^([ln])(?:yu|v)(?=(?:e|an|n)?$)/, '$1u'));
}

/** Whether a latin name spells a Chinese name's pinyin, family name first or last ('ZHANG Wei', 'Wei Zhang'). */
export function latinSpellsChinese(tokens: readonly string[], readings: NameReadings): boolean {
  if (tokens.length === 0) return false;
  const forward = tokens.join('');
  const backward = [...tokens.slice(1), tokens[0]].join('');
  const lastFirst = [tokens[tokens.length - 1], ...tokens.slice(0, -1)].join('');
  for (const [f, g] of readings.readings) {
    const familyFirst = f.join('') + g.join('');
    const givenFirst = g.join('') + f.join('');
    if (forward === familyFirst || forward === givenFirst || backward === familyFirst || lastFirst === familyFirst) return true;
  }
  return false;
}
