/** Liveness, readiness (database reachable and migrated), and the ID-number check. */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { maskIdNumber } from '../../domain/id-number.ts';
import type { Services } from '../../services/services.ts';
import { ErrorBody, errors } from '../schemas/common.schema.ts';

export function healthRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health', {
      config: { access: { public: true } },
      schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      handler: () => ({ status: 'ok' as const }),
    });
    app.get('/ready', {
      config: { access: { public: true } },
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database is reachable and migrated',
        response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: ErrorBody },
      },
      handler: async (_req, reply) => {
        const r = await services.readiness();
        if (!r.ready) return reply.status(503).send({ code: 'NOT_READY', message: r.reason ?? 'not ready', details: {} });
        return { status: 'ready' as const };
      },
    });
  };
}

const Facts = Type.Object({
  number: Type.String({ description: 'canonical 18-character number, masked' }),
  kind: Type.String(),
  addressCode: Type.String(),
  addressName: Type.Union([Type.String(), Type.Null()]),
  addressCodeRetired: Type.Boolean(),
  birthDate: Type.String(),
  sex: Type.String({ description: 'GB/T 2261.1 code: 1 male, 2 female' }),
  convertedFrom15: Type.Boolean(),
  normalised: Type.Boolean(),
});

export function idNumberRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/id-numbers/check', {
      config: { access: { operation: 'id.check' } },
      schema: {
        tags: ['id-numbers'],
        summary: 'Check a citizen ID number (GB 11643): checksum, birth date, address code in the GB/T 2260 history; 15 digits are converted',
        body: Type.Object({ number: Type.String({ maxLength: 40 }), strict: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            valid: Type.Boolean(),
            reason: Type.Optional(Type.String()),
            message: Type.Optional(Type.String()),
            messageZh: Type.Optional(Type.String()),
            facts: Type.Optional(Facts),
          }),
          ...errors(400),
        },
      },
      handler: (req) => {
        const v = services.idNumbers.check(req.body.number, req.body.strict ?? false);
        if (!v.valid) return { valid: false, reason: v.reason, message: v.message, messageZh: v.messageZh };
        const f = v.facts;
        return {
          valid: true,
          facts: {
            number: maskIdNumber(f.number),
            kind: f.kind,
            addressCode: f.addressCode,
            addressName: f.addressName ?? null,
            addressCodeRetired: f.addressCodeRetired,
            birthDate: f.birthDate,
            sex: f.sex,
            convertedFrom15: f.convertedFrom15 !== undefined,
            normalised: f.normalised,
          },
        };
      },
    });
  };
}
