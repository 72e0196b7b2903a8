/** Persons: current values with their provenance, identifiers (masked), residences, the population category. */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.ts';
import { IsoDate, Page, errors, paged } from '../schemas/common.schema.ts';
import { IdentifierInputSchema, PersonValueSchema, ResidenceInputSchema } from '../schemas/registry.schema.ts';

const tags = ['persons'];
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Values = Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z0-9]*\\.[a-z][a-zA-Z0-9]*$' }), Type.String({ maxLength: 500 }), {
  description: 'current values by data-element id, e.g. {"person.name": "张伟", "person.maritalStatus": "20"}',
});

export function personRoutes(services: Services): FastifyPluginAsyncTypebox {
  const persons = services.persons;
  return async (app) => {
    app.post('/persons', {
      schema: {
        tags,
        summary: 'Enter a person by hand: values, identifiers and residences in one transaction',
        body: Type.Object(
          {
            values: Type.Optional(Values),
            identifiers: Type.Optional(Type.Array(IdentifierInputSchema, { maxItems: 20 })),
            residences: Type.Optional(Type.Array(ResidenceInputSchema, { maxItems: 20 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Person'), ...errors(400, 404, 409, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await persons.create(req.body)),
    });

    app.post('/persons/search', {
      schema: {
        tags,
        summary: 'Find persons by ID number, name (exact or prefix) or area of residence; by POST so no personal data is in a URL',
        body: Type.Object(
          {
            idNumber: Type.Optional(Type.String({ maxLength: 40 })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
            namePrefix: Type.Optional(Type.Boolean()),
            within: Type.Optional(Type.String({ pattern: '^\\d{6,12}$' })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: paged(Type.Ref('Person')), ...errors(400) },
      },
      handler: (req) => persons.search({ ...req.body, limit: req.body.limit ?? 50, offset: req.body.offset ?? 0 }),
    });

    app.get('/persons/:id', {
      schema: {
        tags,
        summary: 'A person: current values with source and date, identifiers (masked), residences, households, population category on asOf',
        params: Id,
        querystring: Type.Object({ asOf: Type.Optional(IsoDate) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Person'), ...errors(404) },
      },
      handler: (req) => persons.get(req.params.id, req.query.asOf),
    });

    app.get('/persons/:id/values', {
      schema: {
        tags,
        summary: 'Bitemporal history: the values current on validOn (default today) as known at knownAt (default now), with that moment’s conflicts',
        params: Id,
        querystring: Type.Object({ validOn: Type.Optional(IsoDate), knownAt: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            validOn: Type.String(),
            knownAt: Type.Union([Type.String(), Type.Null()]),
            values: Type.Array(PersonValueSchema),
            conflicts: Type.Array(Type.Object({ elementId: Type.String(), sourceId: Type.String(), value: Type.String() })),
          }),
          ...errors(404, 422),
        },
      },
      handler: (req) => persons.valuesAsOf(req.params.id, req.query.validOn, req.query.knownAt === undefined ? undefined : new Date(req.query.knownAt).toISOString()),
    });

    app.patch('/persons/:id', {
      schema: {
        tags,
        summary: 'Set or clear (null) current values; each write is kept as an observation',
        params: Id,
        body: Type.Object(
          { values: Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z0-9]*\\.[a-z][a-zA-Z0-9]*$' }), Type.Union([Type.String({ maxLength: 500 }), Type.Null()])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Person'), ...errors(400, 404, 422) },
      },
      handler: (req) => persons.updateValues(req.params.id, req.body.values),
    });

    app.post('/persons/:id/identifiers', {
      schema: { tags, summary: 'Add an identity document', params: Id, body: IdentifierInputSchema, response: { 201: Type.Ref('Identifier'), ...errors(400, 404, 409, 422) } },
      handler: async (req, reply) => reply.status(201).send(await persons.addIdentifier(req.params.id, req.body)),
    });

    app.post('/persons/:id/residences', {
      schema: { tags, summary: 'Add a registered (户籍地) or actual (居住地) residence', params: Id, body: ResidenceInputSchema, response: { 201: Type.Ref('Residence'), ...errors(400, 404, 409, 422) } },
      handler: async (req, reply) => reply.status(201).send(await persons.addResidence(req.params.id, req.body)),
    });

    app.post('/persons/:id/residences/:residenceId/end', {
      schema: {
        tags,
        summary: 'End a residence on a date (a move)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), residenceId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ validTo: IsoDate }, { additionalProperties: false }),
        response: { 200: Type.Ref('Residence'), ...errors(400, 404, 409) },
      },
      handler: (req) => persons.endResidence(req.params.id, req.params.residenceId, req.body.validTo),
    });
  };
}
