/**
 * Accounts through the API, for platform administrators: users (read; created with `populus user
 * create`) and the API tokens of department systems — issued for a department and purposes within
 * its remit, shown once, revoked at once.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AccessServices } from '../../access/access-services.ts';
import { principalOf } from '../auth.ts';
import { errors } from '../schemas/common.schema.ts';

const TokenView = Type.Object(
  {
    id: Type.String(),
    departmentId: Type.String(),
    name: Type.String(),
    purposes: Type.Array(Type.String()),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiToken' },
);

const UserView = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: Type.String(),
    departmentId: Type.Union([Type.String(), Type.Null()]),
    areaCodes: Type.Array(Type.String()),
    buildingIds: Type.Array(Type.String()),
    personId: Type.Union([Type.String(), Type.Null()]),
    status: Type.String(),
    totpEnabled: Type.Boolean(),
    passwordChangedAt: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'User' },
);

export const accountSchemas = [TokenView, UserView];

export function accountRoutes(access: AccessServices): FastifyPluginAsyncTypebox {
  const { identity } = access;
  return async (app) => {
    app.get('/users', {
      config: { access: { operation: 'account.manage' } },
      schema: { tags: ['accounts'], summary: 'Console users', response: { 200: Type.Array(Type.Ref('User')), ...errors(401, 403) } },
      handler: () => identity.listUsers(),
    });

    app.get('/tokens', {
      config: { access: { operation: 'account.manage' } },
      schema: {
        tags: ['accounts'],
        summary: 'API tokens of department systems (never the tokens themselves)',
        querystring: Type.Object({ departmentId: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(Type.Ref('ApiToken')), ...errors(401, 403) },
      },
      handler: (req) => identity.listTokens(req.query.departmentId),
    });

    app.post('/tokens', {
      config: { access: { operation: 'account.manage' } },
      schema: {
        tags: ['accounts'],
        summary: 'Issue a token for a department system, for purposes within the department’s remit; the token is in this answer only',
        body: Type.Object(
          { departmentId: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ minLength: 1, maxLength: 100 }), purposes: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 30 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), record: Type.Ref('ApiToken') }), ...errors(400, 401, 403, 404) },
      },
      handler: async (req, reply) => {
        const p = principalOf(req);
        return reply.status(201).send(await identity.createToken({ ...req.body, createdBy: p.actor.kind === 'user' ? p.actor.id : null }));
      },
    });

    app.delete('/tokens/:id', {
      config: { access: { operation: 'account.manage' } },
      schema: { tags: ['accounts'], summary: 'Revoke a token at once', params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
      handler: async (req, reply) => {
        await identity.revokeToken(req.params.id);
        return reply.status(204).send(null);
      },
    });
  };
}
