/** The data standard: code tables and entries, data elements, departments. */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.ts';
import { IsoDate, Page, errors, paged } from '../schemas/common.schema.ts';
import { CodeEntrySchema, CodeTableSchema, DataElementSchema, DepartmentSchema, NewCodeEntrySchema, NewElementSchema } from '../schemas/standard.schema.ts';

const tags = ['standard'];
const TableParams = Type.Object({ id: Type.String() });

export function standardRoutes(services: Services): FastifyPluginAsyncTypebox {
  const standard = services.standard;
  return async (app) => {
    app.get('/standard/code-tables', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'List code tables', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }), response: { 200: Type.Array(Type.Ref('CodeTable')) } },
      handler: (req) => standard.listCodeTables(req.query.q),
    });

    app.get('/standard/code-tables/:id', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'One code table with its entry count', params: TableParams, response: { 200: Type.Object({ table: Type.Ref('CodeTable'), entryCount: Type.Integer() }), ...errors(404) } },
      handler: async (req) => ({ table: await standard.getCodeTable(req.params.id), entryCount: (await standard.listEntries(req.params.id, { limit: 1, offset: 0 })).total }),
    });

    app.get('/standard/code-tables/:id/entries', {
      config: { access: { operation: 'reference.read' } },
      schema: {
        tags,
        summary: 'Entries of a code table; search by code prefix or name; only those valid on a date with asOf',
        params: TableParams,
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), asOf: Type.Optional(IsoDate), ...Page }, { additionalProperties: false }),
        response: { 200: paged(Type.Ref('CodeEntry')), ...errors(404, 422) },
      },
      handler: (req) => standard.listEntries(req.params.id, { q: req.query.q, asOf: req.query.asOf, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }),
    });

    app.get('/standard/code-tables/:id/entries/:code', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'One code entry', params: Type.Object({ id: Type.String(), code: Type.String() }), response: { 200: Type.Ref('CodeEntry'), ...errors(422) } },
      handler: (req) => standard.getEntry(req.params.id, req.params.code),
    });

    app.post('/standard/code-tables/:id/entries', {
      config: { access: { operation: 'reference.write' } },
      schema: {
        tags,
        summary: 'Add a local code value, effective from a date (e.g. 分居 to marital status)',
        params: TableParams,
        body: NewCodeEntrySchema,
        response: { 201: Type.Ref('CodeEntry'), ...errors(400, 404, 409, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await standard.addEntry(req.params.id, req.body)),
    });

    app.post('/standard/code-tables/:id/entries/:code/retire', {
      config: { access: { operation: 'reference.write' } },
      schema: {
        tags,
        summary: 'End a code value’s validity, optionally naming the code that replaces it',
        params: Type.Object({ id: Type.String(), code: Type.String() }),
        body: Type.Object({ validTo: IsoDate, replacedBy: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Ref('CodeEntry'), ...errors(400, 422) },
      },
      handler: (req) => standard.retireEntry(req.params.id, req.params.code, req.body.validTo, req.body.replacedBy),
    });

    app.get('/standard/elements', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'The data-element catalogue; search by id or name', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }), response: { 200: Type.Array(Type.Ref('DataElement')) } },
      handler: (req) => standard.listElements(req.query.q),
    });

    app.get('/standard/elements/:id', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'One data element', params: TableParams, response: { 200: Type.Ref('DataElement'), ...errors(404) } },
      handler: (req) => standard.getElement(req.params.id),
    });

    app.post('/standard/elements', {
      config: { access: { operation: 'reference.write' } },
      schema: { tags, summary: 'Add a local data element', body: NewElementSchema, response: { 201: Type.Ref('DataElement'), ...errors(400, 404, 409, 422) } },
      handler: async (req, reply) => reply.status(201).send(await standard.addElement(req.body)),
    });

    app.get('/standard/kinds', {
      config: { access: { operation: 'reference.read' } },
      schema: {
        tags,
        summary: 'The kinds of people (重点人群) and the rule that decides each',
        response: { 200: Type.Array(Type.Object({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String(), rule: Type.Object({}, { additionalProperties: true }) })) },
      },
      handler: () => services.kinds.map((k) => ({ id: k.id, nameZh: k.nameZh, nameEn: k.nameEn, rule: k.rule as unknown as Record<string, unknown> })),
    });

    app.get('/standard/departments', {
      config: { access: { operation: 'reference.read' } },
      schema: { tags, summary: 'Departments that own data elements', response: { 200: Type.Array(Type.Ref('Department')) } },
      handler: () => standard.listDepartments(),
    });
  };
}

export const standardSchemas = [CodeTableSchema, CodeEntrySchema, DataElementSchema, DepartmentSchema];
