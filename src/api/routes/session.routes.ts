/**
 * Console sessions: log in (password, then the TOTP code if the user has a second factor), see the
 * session, change the password, log out. The session id travels only in an HttpOnly, SameSite
 * cookie; the CSRF token comes in the body and goes back in `x-csrf-token` on every change.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessServices } from '../../access/access-services.ts';
import type { SessionInfo } from '../../access/identity.service.ts';
import { PopulusError } from '../../domain/errors.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../auth.ts';
import { errors } from '../schemas/common.schema.ts';
import { mayPerform, OPERATIONS } from '../../access/operations.ts';

const SessionView = Type.Object(
  {
    user: Type.Ref('User'),
    stage: Type.String({ description: 'active; second-factor (send the TOTP code); password-change (the password has expired)' }),
    csrfToken: Type.String({ description: 'send back as the x-csrf-token header on every POST, PUT, PATCH and DELETE' }),
    purposes: Type.Array(Type.String(), { description: 'the purposes this user may state (x-purpose header)' }),
    operations: Type.Array(Type.String(), { description: 'the operations this user’s role may perform (report.run, review.decide, …): what the console offers' }),
    idleExpiresAt: Type.String(),
    absoluteExpiresAt: Type.String(),
  },
  { $id: 'Session' },
);

export const sessionSchemas = [SessionView];

export interface SessionRouteOptions {
  readonly access: AccessServices;
  readonly cookieSecure: boolean;
  /** Attempts a minute per address at the login, second-factor and TOTP-confirmation routes: 1 or more (buildApp refuses less). */
  readonly loginRateLimitPerMinute: number;
}

export function sessionRoutes(o: SessionRouteOptions): FastifyPluginAsyncTypebox {
  const { identity, policy, audit } = o.access;
  const view = (s: SessionInfo) => ({
    user: { ...s.user, areaCodes: [...s.user.areaCodes], buildingIds: [...s.user.buildingIds] },
    stage: s.stage,
    csrfToken: s.csrfToken,
    purposes: [...policy.purposesOf(s.principal)].sort(),
    operations: OPERATIONS.filter((op) => mayPerform(s.principal, op)),
    idleExpiresAt: s.idleExpiresAt,
    absoluteExpiresAt: s.absoluteExpiresAt,
  });
  const setCookie = (reply: FastifyReply, sessionId: string): void => {
    reply.setCookie(SESSION_COOKIE, sessionId, { path: '/api', httpOnly: true, sameSite: 'strict', secure: o.cookieSecure });
  };
  const sessionIdOf = (req: FastifyRequest): string => {
    const sid = req.cookies[SESSION_COOKIE];
    if (sid === undefined || sid === '') throw new PopulusError('AUTHENTICATION_REQUIRED', 'log in first (POST /api/v1/session)');
    return sid;
  };
  const checkCsrf = async (req: FastifyRequest, sid: string): Promise<void> => {
    const s = await identity.resume(sid);
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || sent !== s.csrfToken) throw new PopulusError('CSRF_INVALID', 'the CSRF token is missing or wrong');
  };
  const recordLogin = (s: SessionInfo, requestId: string): Promise<void> =>
    audit.record({ principal: s.principal, purpose: 'ACCOUNT_SECURITY' }, { action: 'session.login', personIds: [], elementIds: [], result: 'ok', requestId });

  return async (app) => {
    app.post('/session', {
      config: { access: { public: true }, rateLimit: { max: o.loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['session'],
        summary: 'Log in with username and password; sets the session cookie. Users with a second factor then send their code to /session/second-factor',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Session'), ...errors(400, 401, 429) },
      },
      handler: async (req, reply) => {
        const s = await identity.authenticate(req.body.username, req.body.password);
        setCookie(reply, s.sessionId);
        if (s.stage === 'active') await recordLogin(s, req.id);
        return view(s);
      },
    });

    app.post('/session/second-factor', {
      config: { access: { session: 'any-stage' }, rateLimit: { max: o.loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['session'],
        summary: 'Send the 6-digit code of the authenticator app; the session id changes',
        body: Type.Object({ code: Type.String({ pattern: '^\\s*\\d{6}\\s*$' }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Session'), ...errors(400, 401, 429) },
      },
      handler: async (req, reply) => {
        const s = await identity.verifySecondFactor(sessionIdOf(req), req.body.code);
        setCookie(reply, s.sessionId);
        if (s.stage === 'active') await recordLogin(s, req.id);
        return view(s);
      },
    });

    app.get('/session', {
      config: { access: { session: 'any-stage' } },
      schema: { tags: ['session'], summary: 'The current session: user, stage, CSRF token, purposes, when it ends', response: { 200: Type.Ref('Session'), ...errors(401) } },
      handler: async (req) => view(await identity.resume(sessionIdOf(req))),
    });

    app.post('/session/password', {
      config: { access: { session: 'any-stage' } },
      schema: {
        tags: ['session'],
        summary: 'Change your password (the current one is required); your other sessions end',
        body: Type.Object({ current: Type.String({ minLength: 1, maxLength: 256 }), next: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Session'), ...errors(400, 401, 403, 422) },
      },
      handler: async (req) => {
        const sid = sessionIdOf(req);
        await checkCsrf(req, sid);
        return view(await identity.changePassword(sid, req.body.current, req.body.next));
      },
    });

    app.post('/session/totp', {
      config: { access: { session: 'any-stage' } },
      schema: {
        tags: ['session'],
        summary: 'Start turning on the second factor: a new TOTP secret and its otpauth:// URI to scan; nothing changes until /session/totp/confirm',
        response: { 200: Type.Object({ secret: Type.String(), uri: Type.String() }), ...errors(401, 403) },
      },
      handler: async (req) => {
        const sid = sessionIdOf(req);
        await checkCsrf(req, sid);
        const s = await identity.requireActive(sid);
        return identity.beginTotp(s.user.username);
      },
    });

    app.post('/session/totp/confirm', {
      config: { access: { session: 'any-stage' }, rateLimit: { max: o.loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['session'],
        summary: 'Turn the second factor on by proving the app produces the right code for the secret; later logins ask for a code',
        body: Type.Object({ secret: Type.String({ minLength: 16, maxLength: 128 }), code: Type.String({ pattern: '^\\s*\\d{6}\\s*$' }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
      handler: async (req, reply) => {
        const sid = sessionIdOf(req);
        await checkCsrf(req, sid);
        const s = await identity.requireActive(sid);
        await identity.enableTotp(s.user.id, req.body.secret, req.body.code.trim());
        await audit.record({ principal: s.principal, purpose: 'ACCOUNT_SECURITY' }, { action: 'session.totp-enabled', personIds: [], elementIds: [], result: 'ok', requestId: req.id });
        return reply.status(204).send(null);
      },
    });

    app.delete('/session', {
      config: { access: { session: 'any-stage' } },
      schema: { tags: ['session'], summary: 'Log out: the session ends and the cookie is cleared', response: { 204: Type.Null(), ...errors(401, 403) } },
      handler: async (req, reply) => {
        const sid = sessionIdOf(req);
        await checkCsrf(req, sid);
        await identity.logout(sid);
        reply.clearCookie(SESSION_COOKIE, { path: '/api' });
        return reply.status(204).send(null);
      },
    });
  };
}
