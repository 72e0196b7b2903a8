/** The area tree: GB/T 2260 to county level, Shanghai's streets and committees below. */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AREA_LEVELS } from '../../domain/standard/types.ts';
import type { Services } from '../../services/services.ts';
import { Page, errors, paged } from '../schemas/common.schema.ts';
import { AreaHistorySchema, literals } from '../schemas/standard.schema.ts';

const tags = ['areas'];
const CodeParams = Type.Object({ code: Type.String({ pattern: '^\\d{6}(\\d{3}){0,2}$', description: '6, 9 or 12 digits' }) });

export function areaRoutes(services: Services): FastifyPluginAsyncTypebox {
  const areas = services.areas;
  return async (app) => {
    app.get('/areas', {
      config: { access: { operation: 'reference.read' } },
      schema: {
        tags,
        summary: 'Search areas by code prefix or name; without q, the provinces',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
            level: Type.Optional(literals(AREA_LEVELS)),
            within: Type.Optional(Type.String({ pattern: '^\\d{2,12}$' })),
            includeRetired: Type.Optional(Type.Boolean({ default: false })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: paged(Type.Ref('Area')) },
      },
      handler: async (req) => {
        const { q, level, within } = req.query;
        if (!q && !level && !within) {
          const items = await areas.children(null, req.query.includeRetired ?? false);
          return { items, total: items.length };
        }
        return areas.search({ q, level, within, includeRetired: req.query.includeRetired ?? false, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
      },
    });

    app.get('/areas/:code', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'One area', params: CodeParams, response: { 200: Type.Ref('Area'), ...errors(404) } },
      handler: (req) => areas.get(req.params.code),
    });

    app.get('/areas/:code/children', {
      config: { access: { operation: 'reference.read' } },
      schema: {
        tags,
        summary: 'The areas directly under one',
        params: CodeParams,
        querystring: Type.Object({ includeRetired: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
        response: { 200: Type.Array(Type.Ref('Area')), ...errors(404) },
      },
      handler: (req) => areas.children(req.params.code, req.query.includeRetired ?? false),
    });

    app.get('/areas/:code/path', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'From the province down to this area', params: CodeParams, response: { 200: Type.Array(Type.Ref('Area')), ...errors(404) } },
      handler: (req) => areas.path(req.params.code),
    });

    app.get('/areas/:code/history', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'GB/T 2260 history of a 6-digit code (periods of use, successors)', params: CodeParams, response: { 200: Type.Array(AreaHistorySchema) } },
      handler: async (req) => (await areas.history(req.params.code)).map((h) => ({ ...h, successorCodes: [...h.successorCodes] })),
    });
  };
}
