import { Type, type TUnsafe } from 'typebox';
import { ELEMENT_STORAGES, ENTRY_STATUSES, SENSITIVITIES, VALUE_TYPES, AREA_LEVELS } from '../../domain/standard/types.ts';
import { IsoDate, NullableDate, NullableString } from './common.schema.ts';

type Literals<T extends readonly string[]> = TUnsafe<T[number]>;

/**
 * A string enum, typed as the union of its values and rendered as `{ type: string, enum }`: the
 * response serializer writes it as a plain string, where a union of literals (anyOf/const) would be
 * validated branch by branch for every value it writes.
 */
function literals<const T extends readonly string[]>(values: T): Literals<T> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
}

export const CodeTableSchema = Type.Object(
  { id: Type.String(), nameZh: Type.String(), nameEn: Type.String(), standard: Type.String(), version: Type.String(), source: Type.String(), description: Type.String() },
  { $id: 'CodeTable' },
);

export const CodeEntrySchema = Type.Object(
  {
    tableId: Type.String(),
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: NullableString,
    parentCode: NullableString,
    status: literals(ENTRY_STATUSES),
    validFrom: NullableDate,
    validTo: NullableDate,
    replacedBy: NullableString,
    note: NullableString,
  },
  { $id: 'CodeEntry' },
);

export const NewCodeEntrySchema = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 32 }),
    nameZh: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.Optional(Type.String({ maxLength: 200 })),
    parentCode: Type.Optional(Type.String()),
    validFrom: IsoDate,
    validTo: Type.Optional(IsoDate),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const DataElementSchema = Type.Object(
  {
    id: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    definition: Type.String(),
    valueType: literals(VALUE_TYPES),
    codeTableId: NullableString,
    sensitivity: literals(SENSITIVITIES),
    ownerDepartmentId: Type.String(),
    freshnessDays: Type.Union([Type.Integer(), Type.Null()]),
    storage: literals(ELEMENT_STORAGES),
    status: literals(['standard', 'local'] as const),
    validFrom: NullableDate,
    validTo: NullableDate,
  },
  { $id: 'DataElement' },
);

export const NewElementSchema = Type.Object(
  {
    id: Type.String({ minLength: 3, maxLength: 80, description: 'objectClass.property, e.g. person.retiredRehired' }),
    nameZh: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    definition: Type.String({ minLength: 1, maxLength: 2000 }),
    valueType: literals(VALUE_TYPES),
    codeTableId: Type.Optional(Type.String()),
    sensitivity: literals(SENSITIVITIES),
    ownerDepartmentId: Type.String(),
    freshnessDays: Type.Optional(Type.Integer({ minimum: 1 })),
    validFrom: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

export const DepartmentSchema = Type.Object(
  { id: Type.String(), nameZh: Type.String(), nameEn: Type.String(), level: literals(['city', 'district', 'street'] as const) },
  { $id: 'Department' },
);

export const AreaSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    level: literals(AREA_LEVELS),
    parentCode: NullableString,
    status: literals(['active', 'retired'] as const),
    startYear: Type.Union([Type.Integer(), Type.Null()]),
    endYear: Type.Union([Type.Integer(), Type.Null()]),
    successorCodes: Type.Array(Type.String()),
    source: Type.String(),
  },
  { $id: 'Area' },
);

export const AreaHistorySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  status: literals(['active', 'retired', 'changed'] as const),
  startYear: Type.Integer(),
  endYear: Type.Union([Type.Integer(), Type.Null()]),
  successorCodes: Type.Array(Type.String()),
});

export { literals };
