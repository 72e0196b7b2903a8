/**
 * Who is asking, and may they: every route declares its access in `config.access` (a route
 * without one is refused at start-up — nothing is open by accident). Credentials are a console
 * session cookie (state-changing requests also carry the session's CSRF token in `x-csrf-token`)
 * or a department system's `Authorization: Bearer` token. Routes that touch personal data need a
 * purpose (`x-purpose`) within the caller's remit; the resulting Access decides what is shown.
 * Operations on everything else (reference data, housing, sources, imports, review, audit,
 * accounts) are decided by role (src/access/operations.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import type { AccessServices } from '../access/access-services.ts';
import type { SessionInfo } from '../access/identity.service.ts';
import { mayPerform, type Operation } from '../access/operations.ts';
import type { Principal } from '../access/principal.ts';
import type { Access } from '../access/remit-policy.ts';
import { PopulusError } from '../domain/errors.ts';

export const SESSION_COOKIE = 'populus_session';
export const PURPOSE_HEADER = 'x-purpose';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * public: no credentials (health, readiness, the OpenAPI document, login);
 * session: a session cookie at any stage (second factor, password change, logout);
 * otherwise an authenticated principal that may perform `operation` (if given) and, with
 * `personal`, states a purpose within its remit.
 */
export type RouteAccess =
  | { readonly public: true }
  | { readonly session: 'any-stage' }
  | { readonly operation?: Operation; readonly personal?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
    session: SessionInfo | null;
    /** The caller's access for the stated purpose, on routes with `personal`. */
    access: Access | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw new PopulusError('TOKEN_INVALID', 'the Authorization header must be "Bearer <API token>"');
  return m[1];
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The principal of a request, from its token or session; AUTHENTICATION_REQUIRED without either. */
async function authenticate(req: FastifyRequest, access: AccessServices): Promise<void> {
  const bearer = bearerOf(req);
  if (bearer !== undefined) {
    req.principal = await access.identity.authenticateToken(bearer);
    return;
  }
  const sid = req.cookies[SESSION_COOKIE];
  if (sid === undefined || sid === '') {
    throw new PopulusError('AUTHENTICATION_REQUIRED', 'log in (POST /api/v1/session) or send "Authorization: Bearer <API token>"');
  }
  const session = await access.identity.requireActive(sid, UNSAFE.has(req.method) ? { token: header(req, CSRF_HEADER) } : undefined);
  req.session = session;
  req.principal = session.principal;
}

export function registerAuth(app: FastifyInstance, access: AccessServices): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);
  app.decorateRequest('access', null);

  app.addHook('onRoute', (route) => {
    const declared = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (declared === undefined && !route.url.startsWith('*') && route.method !== 'HEAD') {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access): every route must`);
    }
    if (declared !== undefined && 'public' in declared && route.schema) route.schema = { ...route.schema, security: [] };
    // Document the refusals every protected route can give (credentials, role, purpose, rate limit).
    if (declared !== undefined && !('public' in declared) && route.schema) {
      const response = { ...((route.schema.response as Record<string, unknown> | undefined) ?? {}) };
      const add = (status: number): void => {
        response[status] ??= { $ref: 'Error' };
      };
      add(401);
      add(429);
      if (!('session' in declared)) add(403);
      const personal = 'personal' in declared && declared.personal === true;
      if (personal) add(400);
      route.schema = {
        ...route.schema,
        response,
        ...(personal && route.schema.headers === undefined
          ? {
              headers: {
                type: 'object',
                properties: { [PURPOSE_HEADER]: { type: 'string', maxLength: 64, description: 'the purpose of this use of personal data: a code of the purpose code table within your remit (required)' } },
              },
            }
          : {}),
      };
    }
  });

  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const declared = req.routeOptions.config.access;
    if (declared === undefined) return; // the not-found handler
    if ('public' in declared || 'session' in declared) return;
    await authenticate(req, access);
    const principal = req.principal;
    if (principal === null) throw new PopulusError('AUTHENTICATION_REQUIRED', 'log in or send an API token');
    if (declared.operation !== undefined && !mayPerform(principal, declared.operation)) {
      throw new PopulusError('NOT_ALLOWED', `your role (${principal.role}${principal.actor.kind === 'token' ? ', as an API token' : ''}) may not ${declared.operation}`, {
        operation: declared.operation,
      });
    }
    if (declared.personal === true) req.access = access.policy.access(principal, header(req, PURPOSE_HEADER)?.trim());
  });
}

/** The Access of a personal-data route (set by the onRequest hook). */
export function accessOf(req: FastifyRequest): Access {
  if (req.access === null) throw new Error(`route ${req.routeOptions.url ?? ''} reads personal data but does not declare access.personal`);
  return req.access;
}

export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === null) throw new Error(`route ${req.routeOptions.url ?? ''} needs a principal but is public`);
  return req.principal;
}
