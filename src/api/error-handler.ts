/**
 * One mapping from error codes to HTTP statuses, and one shape for every refusal:
 * `{ code, message, details }`. Never a stack trace; unexpected errors are logged with the request
 * id and answered as INTERNAL.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { isPopulusError, type ErrorCode } from '../domain/errors.ts';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  INVALID_ID_NUMBER: 422,
  INVALID_VALUE: 422,
  UNKNOWN_CODE: 422,
  UNKNOWN_ELEMENT: 422,
  AREA_NOT_FOUND: 404,
  CODE_TABLE_NOT_FOUND: 404,
  ELEMENT_NOT_FOUND: 404,
  PERSON_NOT_FOUND: 404,
  BUILDING_NOT_FOUND: 404,
  DWELLING_NOT_FOUND: 404,
  HOUSEHOLD_NOT_FOUND: 404,
  RESIDENCE_NOT_FOUND: 404,
  RENTAL_NOT_FOUND: 404,
  SOURCE_NOT_FOUND: 404,
  PROFILE_NOT_FOUND: 404,
  IMPORT_NOT_FOUND: 404,
  REVIEW_ITEM_NOT_FOUND: 404,
  MERGE_NOT_FOUND: 404,
  SUBSCRIPTION_NOT_FOUND: 404,
  DEAD_LETTER_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CODE_EXISTS: 409,
  ELEMENT_EXISTS: 409,
  IDENTIFIER_EXISTS: 409,
  MEMBER_EXISTS: 409,
  BUILDING_EXISTS: 409,
  DWELLING_EXISTS: 409,
  RENTAL_EXISTS: 409,
  RENTAL_ENDED: 409,
  PERSON_MERGED: 409,
  CONFLICTING_PERIOD: 409,
  SOURCE_EXISTS: 409,
  ALREADY_DECIDED: 409,
  MERGE_REFUSED: 409,
  SUBSCRIPTION_OUTSIDE_REMIT: 403,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  IDEMPOTENCY_KEY_REUSED: 409,
  INVALID_PROFILE: 422,
  PROFILE_MISMATCH: 422,
  FILE_UNREADABLE: 422,
  IMPORT_NOT_RESUMABLE: 409,
  AUTHENTICATION_REQUIRED: 401,
  AUTHENTICATION_FAILED: 401,
  SECOND_FACTOR_REQUIRED: 401,
  PASSWORD_CHANGE_REQUIRED: 403,
  SESSION_EXPIRED: 401,
  TOKEN_INVALID: 401,
  CSRF_INVALID: 403,
  PURPOSE_REQUIRED: 400,
  PURPOSE_NOT_ALLOWED: 403,
  NOT_ALLOWED: 403,
  USER_NOT_FOUND: 404,
  USER_EXISTS: 409,
  TOKEN_NOT_FOUND: 404,
  DEPARTMENT_NOT_FOUND: 404,
  WEAK_PASSWORD: 422,
  AUDIT_CHAIN_BROKEN: 500,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_READY: 503,
  DATABASE_UNREACHABLE: 503,
  CONFIG_INVALID: 500,
  TEMPLATE_INVALID: 422,
  REPORT_FONT_MISSING: 503,
  REPORT_DEFINITION_INVALID: 422,
  REPORT_OUTSIDE_REMIT: 403,
  REPORT_NOT_FOUND: 404,
  REPORT_RUN_NOT_FOUND: 404,
  REPORT_SCHEDULE_NOT_FOUND: 404,
  REPORT_TEMPLATE_NOT_FOUND: 404,
  INTERNAL: 500,
};

interface Body {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

function fromFastifyError(e: FastifyError): { status: number; body: Body } | undefined {
  if (e.validation) {
    const problems = e.validation.map((v) => ({
      where: `${e.validationContext ?? 'body'}${v.instancePath || ''}`,
      problem: v.message ?? 'invalid',
      ...(v.params && 'additionalProperty' in v.params ? { field: String(v.params['additionalProperty']) } : {}),
    }));
    const first = problems[0];
    const message = first ? `${first.where}: ${first.problem}${first.field ? ` (${first.field})` : ''}` : 'the request is not valid';
    return { status: 400, body: { code: 'VALIDATION_FAILED', message, details: { problems } } };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large', details: {} } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send JSON (Content-Type: application/json)', details: {} } };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: { code: 'VALIDATION_FAILED', message: 'the body is not valid JSON', details: {} } };
    default:
      if (e.statusCode === 400 && /JSON/i.test(e.message)) {
        return { status: 400, body: { code: 'VALIDATION_FAILED', message: 'the body is not valid JSON', details: {} } };
      }
      return undefined;
  }
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    if (isPopulusError(error)) {
      return reply.status(HTTP_STATUS[error.code]).send({ code: error.code, message: error.message, details: error.details });
    }
    const mapped = fromFastifyError(error as FastifyError);
    if (mapped) return reply.status(mapped.status).send(mapped.body);
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send({ code: 'INTERNAL', message: `an unexpected error occurred; quote request id ${request.id} when reporting it`, details: { requestId: request.id } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`, details: {} }),
  );
}
