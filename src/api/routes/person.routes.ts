/** Persons: current values with their provenance, identifiers (masked), residences, the population category. */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PersonGate } from '../../access/person-gate.ts';
import type { Services } from '../../services/services.ts';
import { accessOf } from '../auth.ts';
import { IsoDate, Page, errors } from '../schemas/common.schema.ts';
import { IdentifierInputSchema, PersonSearchFields, PersonValueSchema, ResidenceInputSchema } from '../schemas/registry.schema.ts';

const tags = ['persons'];
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Values = Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z0-9]*\\.[a-z][a-zA-Z0-9]*$' }), Type.String({ maxLength: 500 }), {
  description: 'current values by data-element id, e.g. {"person.name": "张伟", "person.maritalStatus": "20"}',
});

const Unmask = Type.Optional(Type.Boolean({ description: 'show in full the identifiers and phones your remit lets you unmask for the stated purpose (the read is audited as an unmasking)' }));

/**
 * Every route here touches personal data: it needs a purpose (x-purpose) within the caller's
 * remit, answers only within it (a person out of remit is PERSON_NOT_FOUND, as if missing), masks
 * by default, and is audited before it answers.
 */
export function personRoutes(gate: PersonGate, services?: Pick<Services, 'persons'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/persons', {
      config: { access: { personal: true } },
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
      handler: async (req, reply) => reply.status(201).send(await gate.create(accessOf(req), req.body, { requestId: req.id })),
    });

    app.post('/persons/search', {
      config: { access: { personal: true } },
      schema: {
        tags,
        summary:
          'Find persons by ID number, name (exact or prefix), pinyin, address, area, population category, kind, sex and age; by POST so no personal data is in a URL. Only persons within your remit are found or counted; every match is screened, so the total is exact and every page can be reached (capped: true only past 250,000 matches — narrow the search)',
        body: Type.Object({ ...PersonSearchFields, unmask: Unmask, ...Page }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('Person')),
            total: Type.Integer({ description: 'persons found within your remit (exact unless capped)' }),
            capped: Type.Boolean({ description: 'more than 250,000 persons matched and only those were screened: total is a lower bound' }),
          }),
          ...errors(400, 422),
        },
      },
      handler: (req) => {
        const { unmask, ...query } = req.body;
        return gate.search(accessOf(req), { ...query, limit: query.limit ?? 50, offset: query.offset ?? 0 }, { requestId: req.id, unmask: unmask === true });
      },
    });

    app.post('/persons/export', {
      config: { access: { personal: true } },
      schema: {
        tags,
        summary: 'Export the persons a search finds within your remit as CSV: a column per element you may read (masked unless unmask); audited as one use naming every person',
        body: Type.Object({ ...PersonSearchFields, unmask: Unmask }, { additionalProperties: false }),
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV, UTF-8 with BOM, header row first' }), ...errors(400, 422) },
      },
      handler: async (req, reply) => {
        const { unmask, ...query } = req.body;
        const lines = await gate.exportCsv(accessOf(req), query, { requestId: req.id, unmask: unmask === true });
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="persons.csv"')
          .serializer((x: unknown) => x as string)
          .send(`\uFEFF${lines.join('\r\n')}\r\n` as never);
      },
    });

    app.get('/persons/:id', {
      config: { access: { personal: true } },
      schema: {
        tags,
        summary: 'A person: current values with source and date, identifiers (masked), residences, households, population category on asOf',
        params: Id,
        querystring: Type.Object({ asOf: Type.Optional(IsoDate), unmask: Unmask }, { additionalProperties: false }),
        response: { 200: Type.Ref('Person'), ...errors(404) },
      },
      handler: (req) => gate.read(accessOf(req), req.params.id, { requestId: req.id, unmask: req.query.unmask === true, ...(req.query.asOf === undefined ? {} : { asOf: req.query.asOf }) }),
    });

    app.get('/persons/:id/values', {
      config: { access: { personal: true } },
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
      handler: (req) =>
        gate.history(accessOf(req), req.params.id, req.query.validOn, req.query.knownAt === undefined ? undefined : new Date(req.query.knownAt).toISOString(), { requestId: req.id }),
    });

    app.get('/persons/:id/links', {
      config: { access: { operation: 'review.read', personal: true } },
      schema: {
        tags,
        summary:
          'The department records linked to a person and why: by ID number, as a new person, or by the matcher’s score (each comparison’s level and weight). For those who review matches (review.read); the read is audited as a read of the person, and record keys (often ID numbers) are masked',
        params: Id,
        response: {
          200: Type.Object({
            links: Type.Array(
              Type.Object({
                sourceId: Type.String(),
                recordKey: Type.String({ description: 'masked: first 3 and last 4 characters' }),
                linkRule: Type.Union([Type.String(), Type.Null()], { description: 'identifier, new, matcher:<rules>@<version>, …' }),
                firstBatchId: Type.String(),
                lastBatchId: Type.String(),
                endedAt: Type.Union([Type.String(), Type.Null()], { description: 'when the record left its source’s full extract' }),
                linkedAt: Type.Union([Type.String(), Type.Null()]),
                explanation: Type.Union([
                  Type.Object({
                    decision: Type.String(),
                    decidedBy: Type.String(),
                    probability: Type.Union([Type.Number(), Type.Null()]),
                    weight: Type.Union([Type.Number(), Type.Null()]),
                    comparisons: Type.Array(Type.Object({ id: Type.String(), level: Type.Union([Type.String(), Type.Null()]), weight: Type.Number() })),
                  }),
                  Type.Null(),
                ]),
              }),
            ),
          }),
          ...errors(403, 404),
        },
      },
      handler: async (req) => {
        // Visible to the caller (PERSON_NOT_FOUND otherwise), and the read audited, through the gate.
        await gate.read(accessOf(req), req.params.id, { requestId: req.id });
        return { links: services ? await services.persons.sourceLinks(req.params.id) : [] };
      },
    });

    app.patch('/persons/:id', {
      config: { access: { personal: true } },
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
      handler: (req) => gate.updateValues(accessOf(req), req.params.id, req.body.values, { requestId: req.id }),
    });

    app.post('/persons/:id/identifiers', {
      config: { access: { personal: true } },
      schema: { tags, summary: 'Add an identity document', params: Id, body: IdentifierInputSchema, response: { 201: Type.Ref('Identifier'), ...errors(400, 404, 409, 422) } },
      handler: async (req, reply) => reply.status(201).send(await gate.addIdentifier(accessOf(req), req.params.id, req.body, { requestId: req.id })),
    });

    app.post('/persons/:id/residences', {
      config: { access: { personal: true } },
      schema: { tags, summary: 'Add a registered (户籍地) or actual (居住地) residence', params: Id, body: ResidenceInputSchema, response: { 201: Type.Ref('Residence'), ...errors(400, 404, 409, 422) } },
      handler: async (req, reply) => reply.status(201).send(await gate.addResidence(accessOf(req), req.params.id, req.body, { requestId: req.id })),
    });

    app.post('/persons/:id/residences/:residenceId/end', {
      config: { access: { personal: true } },
      schema: {
        tags,
        summary: 'End a residence on a date (a move)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), residenceId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ validTo: IsoDate }, { additionalProperties: false }),
        response: { 200: Type.Ref('Residence'), ...errors(400, 404, 409) },
      },
      handler: (req) => gate.endResidence(accessOf(req), req.params.id, req.params.residenceId, req.body.validTo, { requestId: req.id }),
    });
  };
}
