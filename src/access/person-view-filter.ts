/**
 * Cuts a person view down to what an Access allows and masks what must be masked: values by
 * element, identifiers (CN_ID as person.citizenIdNumber, other documents as
 * person.otherIdentityDocument), residences (registered / actual address), household
 * memberships (relationship to head), the population category, and kinds (a kind shows only
 * when every element its rule reads is readable: being a released prisoner is itself a fact
 * about a criminal record). Reports which elements were disclosed and which were unmasked, for
 * the audit entry. Pure.
 */
import { elementsRead, type KindDefinition } from '../domain/kinds.ts';
import type { CategoryResult } from '../domain/population-category.ts';
import type { HouseholdMember, Identifier, PersonValue, Residence } from '../domain/registry/types.ts';
import type { DataElement } from '../domain/standard/types.ts';
import { maskKindOfId, maskValue } from './masking.ts';
import { CATEGORY_ELEMENT, HOUSEHOLD_ELEMENT, IDENTIFIER_ELEMENT, identifierElement, RESIDENCE_ELEMENT } from '../domain/registry/element-ids.ts';

/** The parts of a person view the filter knows (PersonService's PersonView has this shape). */
export interface PersonViewParts {
  readonly values: readonly PersonValue[];
  readonly identifiers: readonly Identifier[];
  readonly residences: readonly Residence[];
  readonly households: readonly HouseholdMember[];
  readonly category: CategoryResult;
  readonly kinds: readonly string[];
}

export type FilteredView<V extends PersonViewParts> = Omit<V, 'values' | 'identifiers' | 'residences' | 'households' | 'category' | 'kinds'> & {
  readonly values: PersonValue[];
  readonly identifiers: Identifier[];
  readonly residences: Residence[];
  readonly households: HouseholdMember[];
  /** null when the population category is not within the remit. */
  readonly category: CategoryResult | null;
  readonly kinds: string[];
};

export interface FilterResult<V extends PersonViewParts> {
  readonly view: FilteredView<V>;
  /** Elements with at least one value disclosed: the audit entry's elements. */
  readonly disclosed: string[];
  /** Elements shown unmasked: the audit entry records an unmasking. */
  readonly unmasked: string[];
}

export { CATEGORY_ELEMENT, HOUSEHOLD_ELEMENT, IDENTIFIER_ELEMENT, identifierElement, RESIDENCE_ELEMENT };

export class PersonViewFilter {
  private readonly elements: ReadonlyMap<string, DataElement>;
  private readonly kindNeeds: ReadonlyMap<string, readonly string[]>;

  constructor(elements: readonly DataElement[], kinds: readonly KindDefinition[]) {
    this.elements = new Map(elements.map((e) => [e.id, e]));
    this.kindNeeds = new Map(kinds.map((k) => [k.id, elementsRead([k])]));
  }

  /**
   * @param readable Access.readable(subject)
   * @param unmask the elements to show unmasked (grantedUnmask of the request and Access.unmaskable)
   */
  filter<V extends PersonViewParts>(view: V, readable: ReadonlySet<string>, unmask: ReadonlySet<string>): FilterResult<V> {
    const disclosed = new Set<string>();
    const unmasked = new Set<string>();
    const show = (elementId: string, value: string): string => {
      disclosed.add(elementId);
      const kind = maskKindOfId(this.elements, elementId);
      if (kind === 'none') return value;
      if (unmask.has(elementId)) {
        unmasked.add(elementId);
        return value;
      }
      return maskValue(kind, value);
    };
    const values = view.values.filter((v) => readable.has(v.elementId)).map((v) => ({ ...v, value: show(v.elementId, v.value) }));
    const identifiers = view.identifiers
      .filter((i) => readable.has(identifierElement(i.type)))
      .map((i) => ({ ...i, number: show(identifierElement(i.type), i.number) }));
    const residences = view.residences.filter((r) => readable.has(RESIDENCE_ELEMENT[r.kind]));
    for (const r of residences) disclosed.add(RESIDENCE_ELEMENT[r.kind]);
    const households = readable.has(HOUSEHOLD_ELEMENT) ? [...view.households] : [];
    if (households.length > 0) disclosed.add(HOUSEHOLD_ELEMENT);
    const category = readable.has(CATEGORY_ELEMENT) ? view.category : null;
    if (category !== null) disclosed.add(CATEGORY_ELEMENT);
    const kinds = view.kinds.filter((k) => {
      const needs = this.kindNeeds.get(k);
      return needs !== undefined && needs.every((e) => readable.has(e));
    });
    for (const k of kinds) for (const e of this.kindNeeds.get(k) ?? []) if (view.values.some((v) => v.elementId === e)) disclosed.add(e);
    const filtered = { ...view, values, identifiers, residences, households, category, kinds } as FilteredView<V>;
    return { view: filtered, disclosed: [...disclosed].sort(), unmasked: [...unmasked].sort() };
  }
}
