/** Schemas shared by every route: the error body, pagination, dates. */
import { Type, type TSchema } from 'typebox';
import { ERROR_CODES } from '../../domain/errors.ts';

export const ErrorBody = Type.Object(
  {
    code: Type.String({ enum: [...ERROR_CODES] }),
    message: Type.String(),
    details: Type.Object({}, { additionalProperties: true }),
  },
  { description: 'Every refusal: a stable code (see docs/errors.md), a message for people, and details.' },
);

export const ErrorRef = Type.Ref('Error');

export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
/**
 * Nullable values as a JSON Schema type list (`type: [string, null]`), not anyOf: the response
 * serializer writes a type list directly, while anyOf makes it validate each value to pick a branch.
 */
export const NullableDate = Type.Unsafe<string | null>({ type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD or null' });
export const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });
export const Uuid = Type.String({ format: 'uuid' });

export const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export function paged<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), total: Type.Integer() });
}

/** Error responses a route may give, all with the one Error body. */
export function errors(...statuses: number[]): Record<number, typeof ErrorRef> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorRef]));
}
