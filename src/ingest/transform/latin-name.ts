/**
 * Splitting a name in Latin script into family and given name, for foreigners' records:
 *   'SMITH, John'  → SMITH / John    a comma separates family, given
 *   'SMITH John', 'John SMITH' → SMITH / John    the all-caps token(s) are the family name
 *   'SATO HIROSHI' → SATO / HIROSHI  all caps: passport order, family name first
 *   'Hiroshi Sato' → Sato / Hiroshi  no caps: western order, family name last
 *   'Madonna'      → Madonna / ''    one token: the family name
 * An all-caps token has at least two letters (an initial 'J.' is not one). Case is kept; chain
 * `upper` to get passport case. A name with Chinese characters is not split. Pure.
 */
import { fail, ok, type TransformResult } from './transform.ts';

export interface LatinName {
  readonly family: string;
  readonly given: string;
}

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

function isCaps(token: string): boolean {
  const letters = token.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

/** The parts of a Latin-script name; undefined for a name with Chinese characters. */
export function splitLatinName(name: string): LatinName | undefined {
  const n = name.replace(/[\s\u00a0\u3000]+/g, ' ').trim();
  if (HAN.test(n)) return undefined;
  if (n === '') return { family: '', given: '' };
  const comma = n.search(/[,，]/);
  if (comma >= 0) return { family: n.slice(0, comma).trim(), given: n.slice(comma + 1).trim() };
  const tokens = n.split(' ');
  if (tokens.length === 1) return { family: n, given: '' };
  const caps = tokens.map(isCaps);
  const capsCount = caps.filter(Boolean).length;
  if (capsCount === tokens.length) return { family: tokens[0] as string, given: tokens.slice(1).join(' ') };
  if (capsCount === 0) return { family: tokens[tokens.length - 1] as string, given: tokens.slice(0, -1).join(' ') };
  return { family: tokens.filter((_, i) => caps[i]).join(' '), given: tokens.filter((_, i) => !caps[i]).join(' ') };
}

export function familyName(value: string): TransformResult {
  const parts = splitLatinName(value);
  return parts === undefined ? fail('NOT_A_LATIN_NAME', 'the name is not in Latin script') : ok(parts.family);
}

export function givenName(value: string): TransformResult {
  const parts = splitLatinName(value);
  return parts === undefined ? fail('NOT_A_LATIN_NAME', 'the name is not in Latin script') : ok(parts.given);
}
