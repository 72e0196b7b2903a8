/**
 * The HTTP API, built apart from listen() so tests call app.inject(). Request and response
 * schemas validate and serialise every route, and the same schemas generate the OpenAPI 3.1
 * document served at /api/v1/openapi.json (committed as docs/openapi.json; a test checks drift).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services/services.ts';
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

export const API_PREFIX = '/api/v1';

export interface AppOptions {
  readonly services: Services;
  readonly logLevel?: LogLevel;
  readonly bodyLimitBytes?: number;
  readonly version?: string;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
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
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`) },
  });

  // The API speaks JSON only: anything else is refused with UNSUPPORTED_MEDIA_TYPE.
  app.removeContentTypeParser('text/plain');
  app.addSchema({ $id: 'Error', ...ErrorBody });
  for (const s of [...standardSchemas, AreaSchema, ...registrySchemas, ...sourceSchemas]) app.addSchema(s);
  registerErrorHandling(app);

  const { services } = options;
  await app.register(healthRoutes(services));
  await app.register(healthRoutes(services), { prefix: API_PREFIX });
  await app.register(
    async (api) => {
      await api.register(idNumberRoutes(services));
      await api.register(standardRoutes(services));
      await api.register(areaRoutes(services));
      await api.register(housingRoutes(services));
      await api.register(personRoutes(services));
      await api.register(sourceRoutes(services));
      api.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
    },
    { prefix: API_PREFIX },
  );
  return app;
}
