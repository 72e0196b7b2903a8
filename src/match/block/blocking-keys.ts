/**
 * Blocking key expressions: `field` (its folded value) or `fn(field)`:
 *   value   folded text (case, accents, spaces)        date     birth date as YYYYMMDD
 *   year    birth year                                   dateBag  year + day and month in either order
 *   pinyin  toneless pinyin of a Chinese name (every surname reading) or a latin name run together
 *           in its usual orders                          fuzzy    southern fuzzy pinyin of a Chinese name
 *   initials  pinyin initials of a Chinese name (zw for 张伟), or the sorted initials of a latin one
 *   soundex   Soundex of a latin word                    prefix1..prefix6  the first n characters
 *   first     the first word                             tokens   every word (a record sits in several blocks)
 *   digits / last8  digits of a phone                    id       canonical citizen ID number (15 → 18)
 *   building / road  of a Chinese address (or a latin address as a whole)
 * A key gives every value it can (several readings): a record sits in each block.
 */
import { fieldValue, type FieldName, type MatchRecord } from '../match-record.ts';
import { foldLatinText, normaliseBirthDate, normalisePhone, readCitizenId } from '../normalise-fields.ts';
import { foldChineseName, hasHan, latinTokens, readChineseName } from '../text/chinese-name.ts';
import { prepareAddress } from '../compare/address-comparator.ts';
import { toSimplified } from '../../ingest/transform/text-transforms.ts';

export type KeyFunction = (record: MatchRecord) => readonly string[];

export interface BlockingKey {
  readonly expression: string;
  readonly field: FieldName;
  readonly keys: KeyFunction;
}

const SOUNDEX_CODES: Readonly<Record<string, string>> = {
  b: '1',
  f: '1',
  p: '1',
  v: '1',
  c: '2',
  g: '2',
  j: '2',
  k: '2',
  q: '2',
  s: '2',
  x: '2',
  z: '2',
  d: '3',
  t: '3',
  l: '4',
  m: '5',
  n: '5',
  r: '6',
};

/** American Soundex: letter + 3 digits (Robert, Rupert → R163). */
export function soundex(word: string): string {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w === '') return '';
  let out = w.charAt(0).toUpperCase();
  let last = SOUNDEX_CODES[w.charAt(0)] ?? '';
  for (let i = 1; i < w.length && out.length < 4; i++) {
    const ch = w.charAt(i);
    const code = SOUNDEX_CODES[ch] ?? '';
    if (code !== '' && code !== last) out += code;
    if (ch !== 'h' && ch !== 'w') last = code;
  }
  return out.padEnd(4, '0');
}

function nameKeys(v: string, pick: 'pinyin' | 'fuzzy' | 'initials'): readonly string[] {
  if (hasHan(v)) {
    const r = readChineseName(foldChineseName(v));
    return pick === 'pinyin' ? r.keys : pick === 'fuzzy' ? r.fuzzyKeys : r.initials;
  }
  const t = latinTokens(v);
  if (t.length === 0) return [];
  if (pick === 'initials')
    return [
      t
        .map((x) => x.charAt(0))
        .sort()
        .join(''),
    ];
  if (pick === 'fuzzy') return [];
  const last = t[t.length - 1] ?? '';
  return [...new Set([t.join(''), last + t.slice(0, -1).join('')])];
}

function one(v: string | undefined): readonly string[] {
  return v === undefined || v === '' ? [] : [v];
}

const FUNCTIONS: Readonly<Record<string, (v: string) => readonly string[]>> = {
  value: (v) => one(foldLatinText(toSimplified(v))),
  date: (v) => one(normaliseBirthDate(v)),
  year: (v) => one(normaliseBirthDate(v)?.slice(0, 4)),
  dateBag: (v) => {
    const d = normaliseBirthDate(v);
    if (d === undefined) return [];
    const [x, y] = [d.slice(4, 6), d.slice(6, 8)].sort();
    return [`${d.slice(0, 4)}${x}${y}`];
  },
  pinyin: (v) => nameKeys(v, 'pinyin'),
  fuzzy: (v) => nameKeys(v, 'fuzzy'),
  initials: (v) => nameKeys(v, 'initials'),
  soundex: (v) => one(soundex(latinTokens(v).join(''))),
  first: (v) => one(latinTokens(v)[0]),
  tokens: (v) => [...new Set(latinTokens(v))],
  digits: (v) => one(normalisePhone(v)),
  last8: (v) => one(normalisePhone(v)?.slice(-8)),
  id: (v) => one(readCitizenId(v)?.number),
  building: (v) => {
    const a = prepareAddress(v);
    return one(a?.building ?? a?.dwelling);
  },
  road: (v) => one(prepareAddress(v)?.road),
};

const EXPRESSION = /^([a-zA-Z]+[1-6]?)\(([^()]+)\)$/;

/** Parses a key expression ('date(birthDate)', 'prefix3(familyName)', 'postcode'). */
export function parseBlockingKey(expression: string): BlockingKey {
  const m = EXPRESSION.exec(expression.trim());
  const fn = m ? (m[1] ?? '') : 'value';
  const field = m ? (m[2] ?? '').trim() : expression.trim();
  if (field === '') throw new Error(`blocking key "${expression}" names no field`);
  const prefix = /^prefix([1-6])$/.exec(fn);
  let apply: ((v: string) => readonly string[]) | undefined;
  if (prefix) {
    const n = Number(prefix[1]);
    apply = (v) => one(foldLatinText(toSimplified(v)).replace(/\s+/g, '').slice(0, n));
  } else apply = FUNCTIONS[fn];
  if (!apply)
    throw new Error(
      `unknown blocking key function "${fn}" in "${expression}" (known: ${[...Object.keys(FUNCTIONS), 'prefix1..prefix6'].join(', ')})`,
    );
  const f = apply;
  return {
    expression,
    field,
    keys(record) {
      const v = fieldValue(record, field);
      return v === undefined ? [] : f(v);
    },
  };
}
