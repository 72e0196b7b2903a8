/**
 * Finding and reading match profiles and rule files: a profile is named (data/match-rules/NAME.profile.json)
 * or given as a path; its rule file is found beside it. The only file I/O of src/match.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PopulusError } from '../../domain/errors.ts';
import { parseMatchRules, type MatchRules } from '../match-rules.ts';
import { parseMatchProfile, type MatchProfile } from './match-profile.ts';

export function matchRulesDir(): string {
  return fileURLToPath(new URL('../../../data/match-rules/', import.meta.url));
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new PopulusError('PROFILE_NOT_FOUND', `${what} not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new PopulusError('INVALID_PROFILE', `${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The profiles shipped in data/match-rules, by name. */
export function shippedProfiles(): string[] {
  return ['latin-generic', 'chinese-department'].filter((n) => existsSync(join(matchRulesDir(), `${n}.profile.json`)));
}

export function loadMatchProfile(nameOrPath: string): { profile: MatchProfile; path: string } {
  const looksLikePath = nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes('\\');
  const path = looksLikePath ? resolve(nameOrPath) : join(matchRulesDir(), `${nameOrPath}.profile.json`);
  if (!looksLikePath && !existsSync(path)) {
    throw new PopulusError(
      'PROFILE_NOT_FOUND',
      `no match profile named "${nameOrPath}" (shipped: ${shippedProfiles().join(', ')}; or give a path to a .json file)`,
    );
  }
  return { profile: parseMatchProfile(readJson(path, 'match profile')), path };
}

export function loadMatchRules(path: string): MatchRules {
  return parseMatchRules(readJson(path, 'match rules'));
}

/** The rule file a profile names, resolved beside the profile (or absolute). */
export function profileRulesPath(profilePath: string, profile: MatchProfile): string {
  return isAbsolute(profile.rules) ? profile.rules : join(dirname(profilePath), profile.rules);
}
