/**
 * Accounts through the API, for platform administrators: users (list, create, disable and enable,
 * set a new password, lift a lockout — each audited as `account.*` under PLATFORM_ADMINISTRATION;
 * `populus user create` does the same from the command line) and the API tokens of department
 * systems — issued for a department and purposes within its remit, shown once, revoked at once;
 * and each department's remit, read-only.
 */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AccessServices } from '../../access/access-services.ts';
import { entryOf } from '../../access/audit.service.ts';
import { ROLES, principalOfSubscription, type Principal } from '../../access/principal.ts';
import { PopulusError } from '../../domain/errors.ts';
import { principalOf } from '../auth.ts';
import { errors } from '../schemas/common.schema.ts';
import { literals } from '../schemas/standard.schema.ts';

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

const DepartmentRemitView = Type.Object(
  {
    departmentId: Type.String(),
    grants: Type.Array(
      Type.Object({
        purposes: Type.Array(Type.String(), { description: 'the purposes the grant serves (purpose code table)' }),
        elements: Type.Array(Type.String(), { description: 'the data elements it may read' }),
        unmask: Type.Array(Type.String(), { description: 'the elements it may show in full' }),
        areas: Type.Array(Type.String(), { description: 'area code prefixes the persons must live or be registered in' }),
        kinds: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'the kinds of people it covers; null: anyone in the areas' }),
      }),
    ),
  },
  { $id: 'DepartmentRemit' },
);

export const accountSchemas = [TokenView, UserView, DepartmentRemitView];

/**
 * What a department may read (catalogue/remits.json as the node resolved it): one grant per set of
 * purposes with the same elements, unmasking, areas and kinds.
 */
function departmentRemit(policy: AccessServices['policy'], departmentId: string): Static<typeof DepartmentRemitView> {
  const grants = new Map<string, { purposes: string[]; elements: string[]; unmask: string[]; areas: string[]; kinds: string[] | null }>();
  for (const purpose of [...policy.departmentPurposes(departmentId)].sort()) {
    const check = policy.check(principalOfSubscription({ id: `remit:${departmentId}`, departmentId, purpose }), purpose);
    if (!check.ok) continue;
    for (const scope of check.access.scopes()) {
      const areas = [...new Set(scope.areaPrefixes.flat())].sort();
      const g = { elements: [...scope.elements].sort(), unmask: [...scope.unmask].sort(), areas, kinds: scope.kinds === null ? null : [...scope.kinds].sort() };
      const key = JSON.stringify(g);
      const same = grants.get(key);
      if (same) same.purposes.push(purpose);
      else grants.set(key, { purposes: [purpose], ...g });
    }
  }
  return { departmentId, grants: [...grants.values()] };
}

const UserParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function accountRoutes(access: AccessServices): FastifyPluginAsyncTypebox {
  const { identity } = access;
  /** Every change to an account is an audit entry (no personal data: the user's id and username in the detail). */
  const audited = async (p: Principal, action: string, requestId: string, detail: Record<string, unknown>): Promise<void> => {
    const entry = entryOf({ principal: p, purpose: 'PLATFORM_ADMINISTRATION' }, { action, personIds: [], elementIds: [], result: 'ok', requestId });
    await access.audit.append([{ ...entry, detail: JSON.stringify(detail) }]);
  };
  const notSelf = (p: Principal, id: string, what: string): void => {
    if (p.actor.kind === 'user' && p.actor.id === id) throw new PopulusError('NOT_ALLOWED', `you may not ${what} your own account`, { operation: 'account.manage' });
  };
  return async (app) => {
    app.get('/users', {
      config: { access: { operation: 'account.manage' } },
      schema: { tags: ['accounts'], summary: 'Console users', response: { 200: Type.Array(Type.Ref('User')), ...errors(401, 403) } },
      handler: () => identity.listUsers(),
    });

    app.post('/users', {
      config: { access: { operation: 'account.manage' } },
      schema: {
        tags: ['accounts'],
        summary: 'Create a console user (audited as account.user.create)',
        description:
          'The username is 3–64 lower-case letters, digits, dots, dashes or underscores; the password 12–128 characters (WEAK_PASSWORD otherwise). ' +
          'A street administrator needs 9-digit street codes, a committee worker a 12-digit committee code, a collector buildings, a department officer a department (INVALID_VALUE otherwise).',
        body: Type.Object(
          {
            username: Type.String({ minLength: 3, maxLength: 64 }),
            displayName: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.String({ maxLength: 128 }),
            role: literals(ROLES),
            departmentId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
            areaCodes: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{2,12}$' }), { maxItems: 50 })),
            buildingIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('User'), ...errors(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) => {
        const b = req.body;
        const user = await identity.createUser({
          username: b.username,
          displayName: b.displayName,
          password: b.password,
          role: b.role,
          departmentId: b.departmentId ?? null,
          areaCodes: b.areaCodes ?? [],
          buildingIds: b.buildingIds ?? [],
        });
        await audited(principalOf(req), 'account.user.create', req.id, { userId: user.id, username: user.username, role: user.role });
        return reply.status(201).send(user);
      },
    });

    app.post('/users/:id/disable', {
      config: { access: { operation: 'account.manage' } },
      schema: {
        tags: ['accounts'],
        summary: 'Disable a user: their sessions end at once and they cannot log in (audited as account.user.disable)',
        params: UserParams,
        response: { 200: Type.Ref('User'), ...errors(401, 403, 404) },
      },
      handler: async (req) => {
        const p = principalOf(req);
        notSelf(p, req.params.id, 'disable');
        await identity.disableUser(req.params.id);
        await audited(p, 'account.user.disable', req.id, { userId: req.params.id });
        return identity.getUser(req.params.id);
      },
    });

    app.post('/users/:id/enable', {
      config: { access: { operation: 'account.manage' } },
      schema: {
        tags: ['accounts'],
        summary: 'Enable a disabled user again (audited as account.user.enable)',
        params: UserParams,
        response: { 200: Type.Ref('User'), ...errors(401, 403, 404) },
      },
      handler: async (req) => {
        await identity.enableUser(req.params.id);
        await audited(principalOf(req), 'account.user.enable', req.id, { userId: req.params.id });
        return identity.getUser(req.params.id);
      },
    });

    app.post('/users/:id/unlock', {
      config: { access: { operation: 'account.manage' } },
      schema: {
        tags: ['accounts'],
        summary: 'Lift a lockout after repeated failed logins before it runs out (audited as account.user.unlock)',
        params: UserParams,
        response: { 200: Type.Ref('User'), ...errors(401, 403, 404) },
      },
      handler: async (req) => {
        await identity.unlockUser(req.params.id);
        await audited(principalOf(req), 'account.user.unlock', req.id, { userId: req.params.id });
        return identity.getUser(req.params.id);
      },
    });

    app.put('/users/:id/password', {
      config: { access: { operation: 'account.manage' } },
      schema: {
        tags: ['accounts'],
        summary: 'Set a new password for a user (12–128 characters); their sessions end (audited as account.user.password)',
        params: UserParams,
        body: Type.Object({ password: Type.String({ maxLength: 128 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 422) },
      },
      handler: async (req, reply) => {
        await identity.setPassword(req.params.id, req.body.password);
        await audited(principalOf(req), 'account.user.password', req.id, { userId: req.params.id });
        return reply.status(204).send(null);
      },
    });

    app.get('/departments/:id/remit', {
      config: { access: { operation: 'account.manage' } },
      schema: {
        tags: ['accounts'],
        summary: 'Platform administrators: what a department may read — for which purposes, which elements (and which of them unmasked), in which areas and for which kinds of people (catalogue/remits.json); a department without a remit has no grants',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' }) }),
        response: { 200: Type.Ref('DepartmentRemit'), ...errors(400, 401, 403) },
      },
      handler: (req) => departmentRemit(access.policy, req.params.id),
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
