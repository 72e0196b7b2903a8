/**
 * The data elements that are not current values of their own but rows of the registry: identity
 * documents, residences, household membership and the population category. Reads, masking and the
 * change feed name them by these ids.
 */
export const IDENTIFIER_ELEMENT = { citizen: 'person.citizenIdNumber', other: 'person.otherIdentityDocument' } as const;
export const RESIDENCE_ELEMENT = { registered: 'person.registeredAddress', actual: 'person.actualResidence' } as const;
export const HOUSEHOLD_ELEMENT = 'person.relationshipToHead';
export const CATEGORY_ELEMENT = 'person.populationCategory';

export function identifierElement(type: string): string {
  return type === 'CN_ID' ? IDENTIFIER_ELEMENT.citizen : IDENTIFIER_ELEMENT.other;
}
