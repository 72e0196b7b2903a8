/**
 * Comparators for any field a profile maps (suburb, street, postcode, email, occupation…).
 * `string`: exact (after folding case, diacritics and spaces); similar (Jaro–Winkler ≥ `similar`,
 *   0.92); close (≥ `close`, 0.8); else.
 * `code`: exact; one-edit (one character wrong, added, dropped, or two neighbours exchanged:
 *   postcodes, identifiers, house numbers); else.
 * `exact`: exact; else.
 */
import { fieldValue } from '../match-record.ts';
import { foldLatinText } from '../normalise-fields.ts';
import { toSimplified } from '../../ingest/transform/text-transforms.ts';
import { jaroWinkler, withinOneEdit } from '../text/jaro-winkler.ts';
import { levelTable, numberOption, type Comparator, type ComparatorKind } from './comparator.ts';

function need(field: string | undefined, kind: string): string {
  if (field === undefined) throw new Error(`comparator ${kind} needs a "field"`);
  return field;
}

function folded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const f = foldLatinText(toSimplified(value));
  return f === '' ? undefined : f;
}

export const STRING_COMPARATOR: ComparatorKind = {
  kind: 'string',
  allLevels: ['exact', 'similar', 'close', 'else'],
  description: 'any text: exact (case and accents folded), Jaro–Winkler ≥ similar, ≥ close, else',
  create(enabled, options, field): Comparator<string> {
    const { on, index } = levelTable('string', this.allLevels, enabled);
    const name = need(field, 'string');
    const similar = numberOption(options, 'similar', 0.92);
    const close = numberOption(options, 'close', 0.8);
    const elseIndex = enabled.length - 1;
    return {
      kind: 'string',
      levels: enabled,
      fields: [name],
      prepare: (record) => folded(fieldValue(record, name)),
      exactKey: (p) => p,
      compare(a, b) {
        if (a === b) return on[0] ? (index[0] ?? 0) : elseIndex;
        if (!on[1] && !on[2]) return elseIndex;
        const s = jaroWinkler(a, b);
        if (on[1] && s >= similar) return index[1] ?? 0;
        if (on[2] && s >= close) return index[2] ?? 0;
        return elseIndex;
      },
    };
  },
};

export const CODE_COMPARATOR: ComparatorKind = {
  kind: 'code',
  allLevels: ['exact', 'one-edit', 'else'],
  description: 'a code or number: exact, one edit apart, else',
  create(enabled, _options, field): Comparator<string> {
    const { on, index } = levelTable('code', this.allLevels, enabled);
    const name = need(field, 'code');
    const elseIndex = enabled.length - 1;
    return {
      kind: 'code',
      levels: enabled,
      fields: [name],
      prepare(record) {
        const v = folded(fieldValue(record, name));
        return v === undefined ? undefined : v.replace(/\s+/g, '');
      },
      exactKey: (p) => p,
      compare(a, b) {
        if (a === b) return on[0] ? (index[0] ?? 0) : elseIndex;
        if (on[1] && withinOneEdit(a, b)) return index[1] ?? 0;
        return elseIndex;
      },
    };
  },
};

export const EXACT_COMPARATOR: ComparatorKind = {
  kind: 'exact',
  allLevels: ['exact', 'else'],
  description: 'exact (case and accents folded), else',
  create(enabled, _options, field): Comparator<string> {
    levelTable('exact', this.allLevels, enabled);
    const name = need(field, 'exact');
    const exact = enabled[0] === 'exact' ? 0 : enabled.length - 1;
    return {
      kind: 'exact',
      levels: enabled,
      fields: [name],
      prepare: (record) => folded(fieldValue(record, name)),
      exactKey: (p) => p,
      compare: (a, b) => (a === b ? exact : enabled.length - 1),
    };
  },
};
