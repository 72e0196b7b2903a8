/**
 * The HTTP API, built apart from listen() so tests call app.inject(). Request and response
 * schemas validate and serialise every route, and the same schemas generate the OpenAPI 3.1
 * document served at /api/v1/openapi.json (committed as docs/openapi.json; a test checks drift).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import { createHash } from 'node:crypto';
import type { Services } from '../services/services.ts';
import type { AccessServices } from '../access/access-services.ts';
import type { FeedServices } from '../feed/feed-services.ts';
import { personGateFor, type PersonGate } from '../access/person-gate.ts';
import { rentalGateFor } from '../access/rental-gate.ts';
import { PopulusError } from '../domain/errors.ts';
import { registerAuth, SESSION_COOKIE } from './auth.ts';
import { accountRoutes, accountSchemas } from './routes/account.routes.ts';
import { auditRoutes, auditSchemas } from './routes/audit.routes.ts';
import { sessionRoutes, sessionSchemas } from './routes/session.routes.ts';
import { reviewRoutes, reviewSchemas } from './routes/review.routes.ts';
import type { LogLevel } from '../config.ts';
import { registerErrorHandling } from './error-handler.ts';
import { ErrorBody } from './schemas/common.schema.ts';
import { AreaSchema } from './schemas/standard.schema.ts';
import { registrySchemas } from './schemas/registry.schema.ts';
import { areaRoutes } from './routes/area.routes.ts';
import { healthRoutes, idNumberRoutes } from './routes/health.routes.ts';
import { housingRoutes } from './routes/housing.routes.ts';
import { personRoutes } from './routes/person.routes.ts';
import { standardRoutes, standardSchemas } from './routes/standard.routes.ts';
import { sourceRoutes, sourceSchemas } from './routes/source.routes.ts';
import { feedRoutes, feedSchemas } from './routes/feed.routes.ts';
import { inboundRoutes } from './routes/inbound.routes.ts';
import { reportRoutes, reportSchemas } from './routes/report.routes.ts';
import { dashboardRoutes, dashboardSchemas } from './routes/dashboard.routes.ts';
import type { ReportServices } from '../apps/reports/report-services.ts';
import { registerConsole } from './console.ts';

export const API_PREFIX = '/api/v1';

export interface AppOptions {
  readonly services: Services;
  readonly access: AccessServices;
  /** The door to personal data (built from services and access when not given). */
  readonly gate?: PersonGate;
  /** The change feed (its routes are served when given). */
  readonly feed?: FeedServices;
  /** Reports and forms (their routes are served when given). */
  readonly reports?: ReportServices;
  /** Secure attribute of the session cookie (default true). */
  readonly cookieSecure?: boolean;
  /** Requests per minute per token, session or address; 0 = no limit (default 6000). A negative or fractional number is refused. */
  readonly rateLimitPerMinute?: number;
  /**
   * Login attempts (and second-factor and TOTP-confirmation attempts) per minute per address, a whole
   * number of 1 or more (default 20). There is no "no limit" here: 0 — which would allow no login at
   * all, unlike `rateLimitPerMinute: 0` — is refused when the app is built, as config.ts refuses it.
   */
  readonly loginRateLimitPerMinute?: number;
  readonly logLevel?: LogLevel;
  readonly bodyLimitBytes?: number;
  readonly version?: string;
  /** The built web console to serve at / (web/dist); not served when absent. */
  readonly consoleDir?: string;
}

/** The rate limits of the options, checked: a RangeError naming the option for a value that would mean something else. */
function rateLimitsOf(options: AppOptions): { perMinute: number; loginPerMinute: number } {
  const perMinute = options.rateLimitPerMinute ?? 6000;
  if (!Number.isInteger(perMinute) || perMinute < 0)
    throw new RangeError(`rateLimitPerMinute must be a whole number of 0 (no limit) or more, not ${perMinute}`);
  const loginPerMinute = options.loginRateLimitPerMinute ?? 20;
  if (!Number.isInteger(loginPerMinute) || loginPerMinute < 1)
    throw new RangeError(`loginRateLimitPerMinute must be a whole number of 1 or more (login attempts a minute per address; 0 would allow none), not ${loginPerMinute}`);
  return { perMinute, loginPerMinute };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { perMinute, loginPerMinute } = rateLimitsOf(options);
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      // Headers that carry credentials never reach the log; bodies are not logged at all.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Populus API',
        description: 'Populus (实有人口信息共享平台): one living, shared population record. Errors: docs/errors.md.',
        version: options.version ?? '0.1.0',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'populus_session', description: 'console session (POST /api/v1/session); state-changing requests also send x-csrf-token' },
          token: { type: 'http', scheme: 'bearer', description: 'a department system’s API token (ppl_…)' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`) },
  });

  // The API speaks JSON only: anything else is refused with UNSUPPORTED_MEDIA_TYPE.
  app.removeContentTypeParser('text/plain');
  app.addSchema({ $id: 'Error', ...ErrorBody });
  for (const s of [...standardSchemas, AreaSchema, ...registrySchemas, ...sourceSchemas, ...sessionSchemas, ...auditSchemas, ...accountSchemas, ...reviewSchemas]) app.addSchema(s);
  if (options.feed) for (const s of feedSchemas) app.addSchema(s);
  if (options.reports) for (const s of reportSchemas) app.addSchema(s);
  if (options.reports) for (const s of dashboardSchemas) app.addSchema(s);
  registerErrorHandling(app);

  const { services, access } = options;
  // Security headers (CSP, nosniff, frame denial, HSTS, …) from helmet, its middleware built once
  // (@fastify/helmet builds it anew on every request, a tenth of a person read's time).
  const securityHeaders = helmet();
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
  await app.register(cookie);
  // One bucket per token, per session, or per address: a busy department system does not starve the console.
  await app.register(rateLimit, {
    global: perMinute > 0,
    max: perMinute > 0 ? perMinute : 1_000_000,
    timeWindow: 60_000,
    keyGenerator: (req) => {
      const auth = req.headers.authorization;
      if (typeof auth === 'string') return `token:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}`;
      const sid = req.cookies[SESSION_COOKIE];
      if (typeof sid === 'string' && sid !== '') return `session:${createHash('sha256').update(sid).digest('hex').slice(0, 32)}`;
      return `ip:${req.ip}`;
    },
    errorResponseBuilder: (_req, ctx) =>
      new PopulusError('RATE_LIMITED', `too many requests: at most ${ctx.max} a minute; try again in ${Math.ceil(ctx.ttl / 1000)} s`, { retryAfterSeconds: Math.ceil(ctx.ttl / 1000) }),
  });
  registerAuth(app, access);
  const gate = options.gate ?? personGateFor(services, access);

  await app.register(healthRoutes(services));
  await app.register(healthRoutes(services), { prefix: API_PREFIX });
  await app.register(
    async (api) => {
      await api.register(sessionRoutes({ access, cookieSecure: options.cookieSecure ?? true, loginRateLimitPerMinute: loginPerMinute }));
      await api.register(idNumberRoutes(services));
      await api.register(standardRoutes(services));
      await api.register(areaRoutes(services));
      await api.register(housingRoutes(services, gate, rentalGateFor(services, gate, access)));
      await api.register(personRoutes(gate, services));
      await api.register(sourceRoutes(services, access));
      await api.register(inboundRoutes({ sources: services.sources, pushes: services.pushes }));
      await api.register(reviewRoutes(services, access, gate));
      await api.register(auditRoutes(access));
      await api.register(accountRoutes(access));
      if (options.feed) await api.register(feedRoutes(options.feed, access.policy));
      if (options.reports) await api.register(reportRoutes(options.reports));
      if (options.reports) await api.register(dashboardRoutes(options.reports.dashboard));
      api.get('/openapi.json', { schema: { hide: true }, config: { access: { public: true } } }, () => app.swagger());
    },
    { prefix: API_PREFIX },
  );
  if (options.consoleDir !== undefined) await registerConsole(app, options.consoleDir);
  app.addHook('onClose', async () => {
    await access.audit.drain();
  });
  return app;
}
