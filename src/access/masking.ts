/**
 * Masking by default: identity document numbers show their first 3 and last 4 characters,
 * phone numbers their first 3 and last 4 digits, for everyone. A value is shown unmasked only
 * when the caller asked for it, its remit allows it for the stated purpose (Access.unmaskable),
 * and the read is audited as an unmasking. Pure.
 */
import { maskIdNumber } from '../domain/id-number.ts';
import { maskPhone } from '../domain/standard/value.ts';
import type { DataElement } from '../domain/standard/types.ts';
import { IDENTIFIER_ELEMENT } from '../domain/registry/element-ids.ts';

export type MaskKind = 'document-number' | 'phone' | 'none';

/** How an element's values are masked: document numbers (identifier storage), phones, or not at all. */
export function maskKindOf(element: Pick<DataElement, 'storage' | 'valueType'>): MaskKind {
  if (element.storage === 'identifier') return 'document-number';
  if (element.valueType === 'phone') return 'phone';
  return 'none';
}

/** How an element id's values are masked, by the catalogue (identity documents are masked even where the catalogue lacks them). */
export function maskKindOfId(elements: ReadonlyMap<string, Pick<DataElement, 'storage' | 'valueType'>>, elementId: string): MaskKind {
  const element = elements.get(elementId);
  if (element) return maskKindOf(element);
  return elementId === IDENTIFIER_ELEMENT.citizen || elementId === IDENTIFIER_ELEMENT.other ? 'document-number' : 'none';
}

export function maskValue(kind: MaskKind, value: string): string {
  switch (kind) {
    case 'document-number':
      return maskIdNumber(value);
    case 'phone':
      return maskPhone(value);
    case 'none':
      return value;
  }
}

/** A caller's request to see some elements unmasked, granted only where the remit allows. */
export function grantedUnmask(requested: readonly string[] | 'all' | undefined, unmaskable: ReadonlySet<string>): ReadonlySet<string> {
  if (requested === undefined) return new Set();
  if (requested === 'all') return new Set(unmaskable);
  return new Set(requested.filter((e) => unmaskable.has(e)));
}

/** For log lines: a value reduced to its masked form, or '***' when it has no mask kind. Never log personal data in plain text. */
export function forLog(kind: MaskKind, value: string): string {
  return kind === 'none' ? '***' : maskValue(kind, value);
}
