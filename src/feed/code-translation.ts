/**
 * Per-subscriber code translation: the reverse of the import mapping. A subscription may name a
 * source (its `code_profile`) whose mapping profile turns the department's local codes into
 * standard ones on import; the feed then turns standard codes back into those local codes on the
 * way out, so the department receives values in its own codes.
 *
 * Rules:
 * - Only elements the profile maps through a code map are translated; any other element's value
 *   travels unchanged (`translate` returns undefined). Where two columns code the same element,
 *   the first column in the profile decides.
 * - When several local codes map to one standard code (a variant spelling, '男' and '男性'), the
 *   local code listed first in the code map wins. "First" is the map's key order as JSON keeps it
 *   once parsed: local codes that look like array indices ('1', '10', but not '01') come first in
 *   ascending numeric order, then every other key in the order written.
 * - A standard code no local code maps to arrives as the standard code, flagged `standard: true`
 *   — also for maps with `passThrough` (the department accepts standard codes, but the flag still
 *   says which code system the value is in).
 * - A cleared value (null) stays null and is not flagged.
 *
 * A translator reflects the profiles it was built from: build a new one when a profile changes.
 */
import { PopulusError } from '../domain/errors.ts';
import type { ElementChange } from '../domain/feed/change-event.ts';
import type { MappingProfile } from '../domain/ingest/profile.ts';

/** A value in the subscriber's codes, or the standard code flagged when it has no local code. */
export interface TranslatedValue {
  readonly value: string | null;
  /** True when `value` is the standard code because no local code maps to it. */
  readonly standard: boolean;
}

/** An element change in the subscriber's codes; `standard` names the values left as standard codes. */
export type TranslatedChange = ElementChange & { readonly standard?: readonly ('old' | 'new')[] };

export interface SourceProfile {
  readonly sourceId: string;
  readonly profile: MappingProfile;
}

/** Standard code → the chosen local code, for one element of one source. */
type ReverseMap = ReadonlyMap<string, string>;

/** The reverse maps of one profile, by element id. */
export function reverseCodeMaps(profile: MappingProfile): Map<string, ReverseMap> {
  const byElement = new Map<string, ReverseMap>();
  for (const column of profile.columns) {
    if (!('element' in column.target) || column.codeMap === undefined) continue;
    const element = column.target.element;
    const map = profile.codeMaps?.[column.codeMap];
    if (map === undefined || byElement.has(element)) continue;
    const reverse = new Map<string, string>();
    for (const [local, standard] of Object.entries(map.map)) {
      if (!reverse.has(standard)) reverse.set(standard, local);
    }
    byElement.set(element, reverse);
  }
  return byElement;
}

export class CodeTranslator {
  private readonly bySource = new Map<string, Map<string, ReverseMap>>();

  constructor(profiles: readonly SourceProfile[]) {
    for (const { sourceId, profile } of profiles) {
      if (!this.bySource.has(sourceId)) this.bySource.set(sourceId, reverseCodeMaps(profile));
    }
  }

  /** Whether the source's profile codes this element (so its values are translated). */
  codes(sourceId: string, elementId: string): boolean {
    return this.bySource.get(sourceId)?.has(elementId) ?? false;
  }

  /**
   * The department's local code for a standard value of an element; undefined when the source's
   * profile does not code that element (or the source is unknown): the value then travels unchanged.
   */
  translate(sourceId: string, elementId: string, standardValue: string | null): TranslatedValue | undefined {
    const reverse = this.bySource.get(sourceId)?.get(elementId);
    if (reverse === undefined) return undefined;
    if (standardValue === null) return { value: null, standard: false };
    const local = reverse.get(standardValue);
    return local === undefined ? { value: standardValue, standard: true } : { value: local, standard: false };
  }

  /** An event's element change with its old and new values translated (unchanged when the element is not coded). */
  translateChange(sourceId: string, change: ElementChange): TranslatedChange {
    const old = this.translate(sourceId, change.element, change.old);
    const now = this.translate(sourceId, change.element, change.new);
    if (old === undefined || now === undefined) return change;
    const standard = [...(old.standard ? (['old'] as const) : []), ...(now.standard ? (['new'] as const) : [])];
    return { ...change, old: old.value, new: now.value, ...(standard.length > 0 ? { standard } : {}) };
  }
}

/** What codeTranslatorFrom reads: a source's current profile (SourceService fits). */
export interface ProfileReader {
  profile(sourceId: string): Promise<{ readonly version: number; readonly profile: MappingProfile }>;
}

/**
 * A translator over the current profiles of the named sources (a subscription's `code_profile`s).
 * A source without a profile, or that does not exist, translates nothing; other errors propagate.
 */
export async function codeTranslatorFrom(reader: ProfileReader, sourceIds: Iterable<string>): Promise<CodeTranslator> {
  const profiles: SourceProfile[] = [];
  for (const sourceId of new Set(sourceIds)) {
    try {
      profiles.push({ sourceId, profile: (await reader.profile(sourceId)).profile });
    } catch (e) {
      if (isMissingProfile(e)) continue;
      throw e;
    }
  }
  return new CodeTranslator(profiles);
}

function isMissingProfile(e: unknown): boolean {
  return e instanceof PopulusError && (e.code === 'PROFILE_NOT_FOUND' || e.code === 'SOURCE_NOT_FOUND');
}
