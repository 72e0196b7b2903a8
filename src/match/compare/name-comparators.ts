/**
 * Name comparators.
 * `name` — one name field, Chinese or latin. Levels: exact (same text); folded (same after
 *   traditional → simplified, full-width → half-width, spaces and dots removed; latin: same words in
 *   any order and case); homophone (same toneless pinyin, every reading of a polyphonic surname:
 *   张伟/章伟, or a latin name spelling the Chinese one: 'ZHANG Wei'/张伟); fuzzy-pinyin (same in
 *   southern fuzzy pinyin: 黄/王, zh/z, n/l, ing/in); similar (Jaro–Winkler of the pinyin or latin
 *   ≥ `similar`, 0.9); else.
 * `forenameSurname` — latin given and family name apart (FEBRL, Splink, RLdata). Levels: exact;
 *   swapped (given and family exchanged); similar (both Jaro–Winkler ≥ `similar`, 0.92); close
 *   (both ≥ `close`, 0.8); family-only (family ≥ `similar`, a given name missing); given-only
 *   (given ≥ `similar`); family-different-given (family ≥ `similar`, the given names differ: often
 *   another member of the household); else.
 */
import { fieldValue, type MatchRecord } from '../match-record.ts';
import { foldChineseName, hasHan, latinSpellsChinese, latinTokens, readChineseName, type NameReadings } from '../text/chinese-name.ts';
import { jaroWinkler } from '../text/jaro-winkler.ts';
import { levelTable, numberOption, type Comparator, type ComparatorKind } from './comparator.ts';

interface PreparedName {
  readonly raw: string;
  readonly folded: string;
  readonly readings: NameReadings | undefined;
  readonly tokens: readonly string[];
  /** The string Jaro–Winkler compares: the usual pinyin reading, or the latin words sorted. */
  readonly jwKey: string;
  /** Latin words run together, in the orders a name is written: forward, last word first, first word last. */
  readonly runs: readonly string[];
}

function runs(tokens: readonly string[]): string[] {
  if (tokens.length === 0) return [];
  const last = tokens[tokens.length - 1] ?? '';
  return [...new Set([tokens.join(''), last + tokens.slice(0, -1).join(''), tokens.slice(1).join('') + (tokens[0] ?? '')])];
}

export function prepareName(record: MatchRecord): PreparedName | undefined {
  let raw = fieldValue(record, 'name');
  if (raw === undefined) {
    const family = fieldValue(record, 'familyName');
    const given = fieldValue(record, 'givenName');
    if (family === undefined && given === undefined) return undefined;
    raw = [family, given].filter((x) => x !== undefined).join(' ');
  }
  if (hasHan(raw)) {
    const folded = foldChineseName(raw);
    const readings = readChineseName(folded);
    return { raw, folded, readings, tokens: [], jwKey: readings.keys[0] ?? folded, runs: [] };
  }
  const tokens = latinTokens(raw);
  if (tokens.length === 0) return undefined;
  const sorted = [...tokens].sort();
  return { raw, folded: sorted.join(' '), readings: undefined, tokens, jwKey: sorted.join(' '), runs: runs(tokens) };
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

function homophones(a: PreparedName, b: PreparedName): boolean {
  if (a.readings && b.readings) return intersects(a.readings.keys, b.readings.keys);
  if (a.readings) return latinSpellsChinese(b.tokens, a.readings);
  if (b.readings) return latinSpellsChinese(a.tokens, b.readings);
  return intersects(a.runs, b.runs);
}

/** The usual pinyin of a Chinese name's given name ('jieyu' for 黄杰宇). */
function givenPinyin(r: NameReadings): string {
  return (r.readings[0]?.[1] ?? []).join('');
}

function similarity(a: PreparedName, b: PreparedName): number {
  if (a.readings && b.readings) {
    // The surname is a third of a Chinese name and shared by whole households: the given names decide.
    const family = (r: NameReadings): string[] => r.readings.map(([f]) => f.join(''));
    const sameFamily = a.readings.family === b.readings.family || intersects(family(a.readings), family(b.readings));
    return sameFamily ? jaroWinkler(givenPinyin(a.readings), givenPinyin(b.readings)) : jaroWinkler(a.jwKey, b.jwKey);
  }
  if ((a.readings === undefined) === (b.readings === undefined)) return jaroWinkler(a.jwKey, b.jwKey);
  const latin = a.readings ? b : a;
  const han = a.readings ? a : b;
  let best = 0;
  for (const r of latin.runs) best = Math.max(best, jaroWinkler(han.jwKey, r));
  return best;
}

export const NAME_COMPARATOR: ComparatorKind = {
  kind: 'name',
  allLevels: ['exact', 'folded', 'homophone', 'fuzzy-pinyin', 'similar', 'else'],
  description:
    'one name, Chinese or latin: exact, folded (traditional/half-width/order/case), same pinyin, fuzzy pinyin, Jaro–Winkler, else',
  create(enabled, options): Comparator<PreparedName> {
    const { on, index } = levelTable('name', this.allLevels, enabled);
    const similar = numberOption(options, 'similar', 0.9);
    const elseIndex = enabled.length - 1;
    return {
      kind: 'name',
      levels: enabled,
      fields: ['name', 'givenName', 'familyName'],
      prepare: prepareName,
      exactKey: (p) => p.raw,
      compare(a, b) {
        if (on[0] && a.raw === b.raw) return index[0] ?? 0;
        if (on[1] && a.folded === b.folded) return index[1] ?? 0;
        if (on[2] && homophones(a, b)) return index[2] ?? 0;
        if (on[3] && a.readings && b.readings && intersects(a.readings.fuzzyKeys, b.readings.fuzzyKeys)) return index[3] ?? 0;
        if (on[4] && similarity(a, b) >= similar) return index[4] ?? 0;
        return elseIndex;
      },
    };
  },
};

interface PreparedForenameSurname {
  readonly given: string;
  readonly family: string;
}

function latinPart(record: MatchRecord, field: 'givenName' | 'familyName'): string {
  const v = fieldValue(record, field);
  return v === undefined ? '' : latinTokens(v).join(' ');
}

export const FORENAME_SURNAME_COMPARATOR: ComparatorKind = {
  kind: 'forenameSurname',
  allLevels: ['exact', 'swapped', 'similar', 'close', 'family-only', 'given-only', 'family-different-given', 'else'],
  description:
    'latin given and family name apart: exact, swapped, both similar, both close, family only (a given name missing), given only, same family but another given name, else',
  create(enabled, options): Comparator<PreparedForenameSurname> {
    const { on, index } = levelTable('forenameSurname', this.allLevels, enabled);
    const similar = numberOption(options, 'similar', 0.92);
    const close = numberOption(options, 'close', 0.8);
    const elseIndex = enabled.length - 1;
    return {
      kind: 'forenameSurname',
      levels: enabled,
      fields: ['givenName', 'familyName'],
      prepare(record) {
        const given = latinPart(record, 'givenName');
        const family = latinPart(record, 'familyName');
        return given === '' && family === '' ? undefined : { given, family };
      },
      exactKey: (p) => `${p.given}|${p.family}`,
      compare(a, b) {
        if (on[0] && a.given === b.given && a.family === b.family) return index[0] ?? 0;
        const bothGiven = a.given !== '' && b.given !== '';
        const bothFamily = a.family !== '' && b.family !== '';
        if (on[1] && bothGiven && bothFamily && a.given === b.family && a.family === b.given) return index[1] ?? 0;
        const g = !bothGiven ? 0 : a.given === b.given ? 1 : jaroWinkler(a.given, b.given);
        const f = !bothFamily ? 0 : a.family === b.family ? 1 : jaroWinkler(a.family, b.family);
        if (on[2] && g >= similar && f >= similar) return index[2] ?? 0;
        if (on[3] && g >= close && f >= close) return index[3] ?? 0;
        if (on[4] && f >= similar && !bothGiven) return index[4] ?? 0;
        if (on[5] && g >= similar) return index[5] ?? 0;
        // Same family, another given name: in a household file, most often another member.
        if (on[6] && f >= similar) return index[6] ?? 0;
        return elseIndex;
      },
    };
  },
};
