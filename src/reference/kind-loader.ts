/** Loads data/catalogue/kinds.json: the kinds of people, each a rule (see src/domain/kinds.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KindDefinition, KindRule } from '../domain/kinds.ts';
import { ReferenceDataError } from './reference-data-error.ts';

export const KINDS_FILE = 'catalogue/kinds.json';

const RULE_KEYS = ['all', 'any', 'not', 'ageAtLeast', 'ageBelow', 'value', 'asserted'];

function checkRule(rule: unknown, where: string): KindRule {
  if (typeof rule !== 'object' || rule === null) throw new ReferenceDataError(KINDS_FILE, null, where, 'a rule is an object');
  const keys = Object.keys(rule);
  if (keys.length !== 1 || !RULE_KEYS.includes(keys[0] ?? '')) throw new ReferenceDataError(KINDS_FILE, null, where, `a rule has exactly one of ${RULE_KEYS.join(', ')}`);
  const r = rule as Record<string, unknown>;
  if (Array.isArray(r['all'])) r['all'].forEach((x, i) => checkRule(x, `${where}.all[${i}]`));
  if (Array.isArray(r['any'])) r['any'].forEach((x, i) => checkRule(x, `${where}.any[${i}]`));
  if (r['not'] !== undefined) checkRule(r['not'], `${where}.not`);
  return rule as KindRule;
}

export function loadKinds(dataDir: string): KindDefinition[] {
  const text = readFileSync(join(dataDir, KINDS_FILE), 'utf8');
  let doc: { kinds?: unknown };
  try {
    doc = JSON.parse(text) as { kinds?: unknown };
  } catch (e) {
    throw new ReferenceDataError(KINDS_FILE, null, null, `not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc.kinds)) throw new ReferenceDataError(KINDS_FILE, null, null, 'expected a "kinds" list');
  return doc.kinds.map((k: unknown, i: number) => {
    const o = k as Record<string, unknown>;
    for (const f of ['id', 'nameZh', 'nameEn']) if (typeof o[f] !== 'string' || o[f] === '') throw new ReferenceDataError(KINDS_FILE, { entry: i + 1 }, f, 'is missing');
    return { id: String(o['id']), nameZh: String(o['nameZh']), nameEn: String(o['nameEn']), rule: checkRule(o['rule'], `kinds[${i}].rule`) };
  });
}
