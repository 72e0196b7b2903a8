/**
 * The one error class of Populus. Every expected failure carries a stable code from the closed
 * union below; the API maps each code to an HTTP status (src/api/error-handler.ts) and
 * docs/errors.md documents every one (a test keeps the three in step).
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_ID_NUMBER',
  'INVALID_VALUE',
  'UNKNOWN_CODE',
  'UNKNOWN_ELEMENT',
  'AREA_NOT_FOUND',
  'CODE_TABLE_NOT_FOUND',
  'ELEMENT_NOT_FOUND',
  'PERSON_NOT_FOUND',
  'BUILDING_NOT_FOUND',
  'DWELLING_NOT_FOUND',
  'HOUSEHOLD_NOT_FOUND',
  'RESIDENCE_NOT_FOUND',
  'RENTAL_NOT_FOUND',
  'SOURCE_NOT_FOUND',
  'PROFILE_NOT_FOUND',
  'IMPORT_NOT_FOUND',
  'REVIEW_ITEM_NOT_FOUND',
  'MERGE_NOT_FOUND',
  'SUBSCRIPTION_NOT_FOUND',
  'DEAD_LETTER_NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'CODE_EXISTS',
  'ELEMENT_EXISTS',
  'IDENTIFIER_EXISTS',
  'MEMBER_EXISTS',
  'BUILDING_EXISTS',
  'DWELLING_EXISTS',
  'RENTAL_EXISTS',
  'RENTAL_ENDED',
  'PERSON_MERGED',
  'CONFLICTING_PERIOD',
  'SOURCE_EXISTS',
  'ALREADY_DECIDED',
  'MERGE_REFUSED',
  'SUBSCRIPTION_OUTSIDE_REMIT',
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_KEY_REUSED',
  'INVALID_PROFILE',
  'PROFILE_MISMATCH',
  'FILE_UNREADABLE',
  'IMPORT_NOT_RESUMABLE',
  'AUTHENTICATION_REQUIRED',
  'AUTHENTICATION_FAILED',
  'SECOND_FACTOR_REQUIRED',
  'PASSWORD_CHANGE_REQUIRED',
  'SESSION_EXPIRED',
  'TOKEN_INVALID',
  'CSRF_INVALID',
  'PURPOSE_REQUIRED',
  'PURPOSE_NOT_ALLOWED',
  'NOT_ALLOWED',
  'USER_NOT_FOUND',
  'USER_EXISTS',
  'TOKEN_NOT_FOUND',
  'DEPARTMENT_NOT_FOUND',
  'WEAK_PASSWORD',
  'AUDIT_CHAIN_BROKEN',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_READY',
  'DATABASE_UNREACHABLE',
  'CONFIG_INVALID',
  'TEMPLATE_INVALID',
  'REPORT_FONT_MISSING',
  'REPORT_DEFINITION_INVALID',
  'REPORT_OUTSIDE_REMIT',
  'REPORT_NOT_FOUND',
  'REPORT_RUN_NOT_FOUND',
  'REPORT_SCHEDULE_NOT_FOUND',
  'REPORT_TEMPLATE_NOT_FOUND',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Readonly<Record<string, unknown>>;

export class PopulusError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'PopulusError';
    this.code = code;
    this.details = details;
  }
}

export function isPopulusError(e: unknown): e is PopulusError {
  return e instanceof PopulusError;
}

/** Narrowing helper for exhaustive switches: a new union member becomes a type error here. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${String(value)}`);
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
