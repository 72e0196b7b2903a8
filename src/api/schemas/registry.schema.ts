import { Type } from 'typebox';
import { IsoDate, NullableDate, NullableString } from './common.schema.ts';
import { literals } from './standard.schema.ts';

export const BuildingSchema = Type.Object(
  { id: Type.String(), areaCode: Type.String(), road: Type.String(), lane: Type.String(), number: Type.String(), name: NullableString, kind: NullableString, address: Type.String() },
  { $id: 'Building' },
);

export const DwellingSchema = Type.Object(
  { id: Type.String(), buildingId: Type.String(), unit: Type.String(), room: Type.String(), housingUse: NullableString, address: Type.String(), areaCode: Type.String() },
  { $id: 'Dwelling' },
);

export const HouseholdSchema = Type.Object(
  { id: Type.String(), householdNo: NullableString, type: Type.String(), areaCode: Type.String(), dwellingId: NullableString, addressText: NullableString, registrationCategory: NullableString },
  { $id: 'Household' },
);

export const MemberSchema = Type.Object(
  { id: Type.String(), householdId: Type.String(), personId: Type.String(), relationship: Type.String(), validFrom: NullableDate, validTo: NullableDate },
  { $id: 'HouseholdMember' },
);

export const IdentifierSchema = Type.Object(
  {
    id: Type.String(),
    personId: Type.String(),
    type: Type.String(),
    number: Type.String({ description: 'masked: first 3 and last 4 characters' }),
    issuingCountry: Type.String(),
    issuingArea: NullableString,
    validFrom: NullableDate,
    validTo: NullableDate,
  },
  { $id: 'Identifier' },
);

export const ResidenceSchema = Type.Object(
  {
    id: Type.String(),
    personId: Type.String(),
    kind: literals(['registered', 'actual'] as const),
    dwellingId: NullableString,
    areaCode: Type.String(),
    addressText: NullableString,
    validFrom: NullableDate,
    validTo: NullableDate,
  },
  { $id: 'Residence' },
);

export const RentalRegistrationSchema = Type.Object(
  {
    id: Type.String(),
    dwellingId: NullableString,
    personId: Type.Union([Type.String(), Type.Null()], { description: 'the tenant; null when you may not see them (not named)' }),
    registrationNumber: Type.String({ description: '租赁登记号' }),
    landlordName: Type.Union([Type.String(), Type.Null()], {
      description: 'masked (王**) unless unmask=true is asked and your remit unmasks names (person.name) for the tenant; null when the source gave none',
    }),
    landlordNameMasked: Type.Boolean(),
    startDate: IsoDate,
    endDate: Type.Union([IsoDate, Type.Null()], { description: 'the last day of the registered period; null: open-ended' }),
    sourceId: Type.String({ description: 'the department system that reported it; manual for one entered by hand (or the owner’s source, for its department)' }),
    endedOn: Type.Union([IsoDate, Type.Null()], { description: 'the extract date from which its source no longer reported it, or the day from which it was ended by hand' }),
    method: literals(['import', 'api'] as const),
  },
  { $id: 'RentalRegistration' },
);

export const PersonValueSchema = Type.Object({
  elementId: Type.String(),
  value: Type.String({ description: 'phone numbers masked unless unmasked (unmask=true, within the remit, audited)' }),
  sourceId: NullableString,
  method: literals(['api', 'import', 'collection', 'derived'] as const),
  observedAt: NullableDate,
  recordedAt: Type.String(),
  status: literals(['owner', 'unconfirmed'] as const),
});

export const CategorySchema = Type.Object({
  status: literals(['determined', 'outside', 'undetermined'] as const),
  category: Type.Optional(Type.String({ description: 'population-category code' })),
  reason: Type.Optional(Type.String()),
});

export const PersonViewSchema = Type.Object(
  {
    person: Type.Object({ id: Type.String(), status: literals(['active', 'merged'] as const), mergedInto: NullableString, createdAt: Type.String(), updatedAt: Type.String() }),
    values: Type.Array(PersonValueSchema),
    identifiers: Type.Array(Type.Ref('Identifier')),
    residences: Type.Array(Type.Ref('Residence')),
    households: Type.Array(Type.Ref('HouseholdMember')),
    category: Type.Union([CategorySchema, Type.Null()], { description: 'the population category; null when it is outside your remit' }),
    kinds: Type.Array(Type.String(), { description: 'kinds of people on the date: elderly-60, women-15-49, disabled, minimum-income, …' }),
  },
  { $id: 'Person' },
);

export const IdentifierInputSchema = Type.Object(
  {
    type: Type.String({ description: 'identifier-type code: CN_ID, PASSPORT, HKMO_PERMIT, …' }),
    number: Type.String({ minLength: 1, maxLength: 40 }),
    issuingCountry: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'GB/T 2659 alpha-3; CHN by default' })),
    validFrom: Type.Optional(IsoDate),
    validTo: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

export const ResidenceInputSchema = Type.Object(
  {
    kind: literals(['registered', 'actual'] as const),
    dwellingId: Type.Optional(Type.String()),
    areaCode: Type.Optional(Type.String({ pattern: '^\\d{6}(\\d{3}){0,2}$' })),
    addressText: Type.Optional(Type.String({ maxLength: 200 })),
    validFrom: Type.Optional(IsoDate),
    validTo: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

/**
 * The filters of a person search and export (POST /persons/search, /persons/export): each given
 * one narrows the result; persons outside the caller's remit are never found.
 */
export const PersonSearchFields = {
  idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'citizen ID or other document number, exact' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  namePrefix: Type.Optional(Type.Boolean({ description: 'name starts with, rather than equals' })),
  pinyin: Type.Optional(Type.String({ minLength: 2, maxLength: 60, pattern: '^[A-Za-z\\s]+$', description: 'toneless pinyin of the name (zhangwei, zhang wei) or its initials (zw); starts with' })),
  address: Type.Optional(Type.String({ minLength: 2, maxLength: 100, description: 'text in the address of a residence in force (registered or actual)' })),
  within: Type.Optional(Type.String({ pattern: '^\\d{6,12}$', description: 'a residence in force (registered or actual) inside this area' })),
  area: Type.Optional(
    Type.String({
      pattern: '^\\d{9,12}$',
      description:
        "the area's population as reports count it: a determined population category placed in the area (by the actual residence; by the registered one for REGISTERED_ABSENT, which is left out unless asked for) and alive; with category UNDETERMINED, the undetermined with a residence in the area",
    }),
  ),
  category: Type.Optional(
    Type.Unsafe<string>({
      type: 'string',
      enum: ['RESIDENT_REGISTERED', 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 'FROM_OTHER_PROVINCE', 'FROM_ABROAD', 'REGISTERED_ABSENT', 'UNDETERMINED'],
      description: 'population-category code, or UNDETERMINED',
    }),
  ),
  kind: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$', description: 'a kind of people today (GET /standard/kinds ids: elderly-60, women-15-49, …)' })),
  sex: Type.Optional(Type.Unsafe<'1' | '2'>({ type: 'string', enum: ['1', '2'], description: 'person.sex code: 1 male, 2 female' })),
  ageFrom: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: 'age today in whole years, at least' })),
  ageTo: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: 'age today in whole years, at most' })),
};

export const registrySchemas = [BuildingSchema, DwellingSchema, HouseholdSchema, MemberSchema, IdentifierSchema, ResidenceSchema, RentalRegistrationSchema, PersonViewSchema];
