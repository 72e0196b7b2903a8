/** Buildings, dwellings and households (以房管人). */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.ts';
import type { PersonGate } from '../../access/person-gate.ts';
import type { RentalGate } from '../../access/rental-gate.ts';
import { maskName } from '../../domain/registry/rental.ts';
import type { RentalRegistration } from '../../domain/registry/rental.ts';
import { accessOf } from '../auth.ts';
import { IsoDate, Page, errors, paged } from '../schemas/common.schema.ts';

const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** A rental registration as answered, cut and masked by the gate (the batch that wrote it stays inside). */
const rentalAnswer = (r: Omit<RentalRegistration, 'personId'> & { readonly personId: string | null; readonly landlordNameMasked: boolean }) => ({
  id: r.id,
  dwellingId: r.dwellingId,
  personId: r.personId,
  registrationNumber: r.registrationNumber,
  landlordName: r.landlordName,
  landlordNameMasked: r.landlordNameMasked,
  startDate: r.startDate,
  endDate: r.endDate,
  sourceId: r.sourceId,
  endedOn: r.endedOn,
  method: r.method,
});

/** A registration just written, as its writer sees it: the tenant they named; the landlord masked only on an ending (a read of what was stored). */
const written = (r: RentalRegistration, maskLandlord: boolean) =>
  rentalAnswer({ ...r, landlordName: maskLandlord && r.landlordName !== null ? maskName(r.landlordName) : r.landlordName, landlordNameMasked: maskLandlord && r.landlordName !== null });

const RentalParams = Type.Object({ id: Type.String({ format: 'uuid' }), rentalId: Type.String({ format: 'uuid' }) });

export function housingRoutes(services: Services, gate: PersonGate, rentalGate: RentalGate): FastifyPluginAsyncTypebox {
  const { housing } = services;
  return async (app) => {
    app.get('/buildings', {
      config: { access: { operation: 'housing.read' } },
      schema: {
        tags: ['housing'],
        summary: 'Buildings inside an area (code prefix), optionally by road or name',
        querystring: Type.Object({ within: Type.Optional(Type.String({ pattern: '^\\d{6,12}$' })), q: Type.Optional(Type.String({ maxLength: 50 })), ...Page }, { additionalProperties: false }),
        response: { 200: paged(Type.Ref('Building')) },
      },
      handler: (req) => housing.listBuildings({ within: req.query.within, q: req.query.q, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }),
    });

    app.post('/buildings', {
      config: { access: { operation: 'housing.write' } },
      schema: {
        tags: ['housing'],
        summary: 'Add a building under a committee: road, lane (弄), number (号)',
        body: Type.Object(
          {
            areaCode: Type.String({ pattern: '^\\d{9}(\\d{3})?$' }),
            road: Type.String({ minLength: 1, maxLength: 50 }),
            lane: Type.Optional(Type.String({ maxLength: 20 })),
            number: Type.String({ minLength: 1, maxLength: 20 }),
            name: Type.Optional(Type.String({ maxLength: 100 })),
            kind: Type.Optional(Type.String({ maxLength: 30 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Building'), ...errors(400, 404, 409, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await housing.createBuilding(req.body)),
    });

    app.get('/buildings/:id', {
      config: { access: { operation: 'housing.read' } },
      schema: { tags: ['housing'], summary: 'A building and its dwellings', params: Id, response: { 200: Type.Object({ building: Type.Ref('Building'), dwellings: Type.Array(Type.Ref('Dwelling')) }), ...errors(404) } },
      handler: (req) => housing.getBuilding(req.params.id),
    });

    app.post('/buildings/:id/dwellings', {
      config: { access: { operation: 'housing.write' } },
      schema: {
        tags: ['housing'],
        summary: 'Add a dwelling: unit (单元), room (室), housing use',
        params: Id,
        body: Type.Object(
          { unit: Type.Optional(Type.String({ maxLength: 20 })), room: Type.String({ minLength: 1, maxLength: 20 }), housingUse: Type.Optional(Type.String({ description: 'housing-use code' })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Dwelling'), ...errors(400, 404, 409, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await housing.createDwelling(req.params.id, req.body)),
    });

    app.get('/dwellings/:id', {
      config: { access: { operation: 'housing.read', personal: true } },
      schema: {
        tags: ['housing'],
        summary:
          'A dwelling, who lives or is registered there (on asOf, default today), who lived or was registered there before (residences ended by asOf, the latest first) — only the persons within your remit whose addresses of that kind you may read — its households, and its rental registrations (租赁登记) in force on asOf and past',
        description:
          'Every rental registration of the dwelling is listed; its tenant is named only when you may read their actual address, and the landlord’s name is masked unless unmask=true is asked and your remit unmasks names. The read is audited as one dwelling.read entry naming the persons answered (residents and named tenants).',
        params: Id,
        querystring: Type.Object(
          {
            asOf: Type.Optional(IsoDate),
            unmask: Type.Optional(Type.Boolean({ description: 'show landlords’ names in full where your remit unmasks names for the purpose (audited as an unmasking)' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            dwelling: Type.Ref('Dwelling'),
            residences: Type.Array(Type.Ref('Residence')),
            pastResidences: Type.Array(Type.Ref('Residence'), { description: 'residences at the dwelling that had ended by asOf, the most recently ended first' }),
            households: Type.Array(Type.Ref('Household')),
            rentals: Type.Array(Type.Ref('RentalRegistration'), { description: 'rental registrations in force on asOf (within their period and still reported by their source), the latest start first' }),
            pastRentals: Type.Array(Type.Ref('RentalRegistration'), { description: 'registrations begun by asOf and no longer in force on it (period over, or no longer reported), the latest start first' }),
            mayWriteRentals: Type.Boolean({ description: 'whether you may register and end rental registrations here (POST …/rentals): your remit lets you write actual residences at this dwelling for the purpose' }),
          }),
          ...errors(400, 404),
        },
      },
      handler: async (req) => {
        const d = await housing.getDwelling(req.params.id, req.query.asOf);
        // One cut and one audit entry for the present and past residents and the tenants together.
        const rentals = [...d.rentals, ...d.pastRentals];
        const cut = await gate.dwellingRead(accessOf(req), [...d.residences, ...d.pastResidences], rentals, { requestId: req.id, unmask: req.query.unmask === true });
        const visible = new Set(cut.residences);
        return {
          dwelling: d.dwelling,
          households: d.households,
          residences: d.residences.filter((r) => visible.has(r)),
          pastResidences: d.pastResidences.filter((r) => visible.has(r)),
          // The cut keeps the order given: those in force first.
          rentals: cut.rentals.slice(0, d.rentals.length).map(rentalAnswer),
          pastRentals: cut.rentals.slice(d.rentals.length).map(rentalAnswer),
          mayWriteRentals: await rentalGate.mayWrite(accessOf(req), req.params.id),
        };
      },
    });

    app.post('/dwellings/:id/rentals', {
      config: { access: { personal: true } },
      schema: {
        tags: ['housing'],
        summary: 'Register a rental (租赁登记) of the dwelling by hand: tenant, registration number, landlord, period',
        description:
          'For whoever may write actual residences at the dwelling under their remit for the purpose (a committee worker in their committee, a collector in their buildings, a street administrator, a department whose remit holds person.actualResidence there), for a tenant they can see and may write the actual residence of. Recorded like an observation entered through the API: method api, source manual (or the owner’s source for the department that owns the actual residence), who entered it and for which department. Refused: an empty number or a period ending before it begins (INVALID_VALUE, CONFLICTING_PERIOD), an unknown dwelling or tenant (DWELLING_NOT_FOUND, PERSON_NOT_FOUND — also for a tenant out of your remit), a tenant merged into another person (PERSON_MERGED), a registration under the same number at the dwelling not yet ended (RENTAL_EXISTS), outside your remit (NOT_ALLOWED). Its audit entry (rental.write) and its change event (cn.populus.rental.registered) commit with it.',
        params: Id,
        body: Type.Object(
          {
            personId: Type.String({ format: 'uuid', description: 'the tenant' }),
            registrationNumber: Type.String({ minLength: 1, maxLength: 50, description: '租赁登记号' }),
            landlordName: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()], { description: 'the landlord’s name (personal data: masked on reads)' })),
            startDate: IsoDate,
            endDate: Type.Optional(Type.Union([IsoDate, Type.Null()], { description: 'the last day of the registered period, not before startDate; absent or null: open-ended' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('RentalRegistration'), ...errors(400, 403, 404, 409, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(written(await rentalGate.register(accessOf(req), req.params.id, req.body, { requestId: req.id }), false)),
    });

    app.post('/dwellings/:id/rentals/:rentalId/end', {
      config: { access: { personal: true } },
      schema: {
        tags: ['housing'],
        summary: 'End a rental registration from a date on (退租); it stays in the dwelling’s past, never deleted',
        description:
          'endedOn is the first day the registration is no longer in force (after its startDate). Same access as registering; the tenant must be within your remit (NOT_ALLOWED otherwise). Refused: RENTAL_NOT_FOUND (not a registration of this dwelling), RENTAL_ENDED (already ended), CONFLICTING_PERIOD. A registration a source still reports is registered again by that source’s next changed row. Audited (rental.write) and published (cn.populus.rental.ended) with it.',
        params: RentalParams,
        body: Type.Object({ endedOn: IsoDate }, { additionalProperties: false }),
        response: { 200: Type.Ref('RentalRegistration'), ...errors(400, 403, 404, 409, 422) },
      },
      handler: async (req) => written(await rentalGate.end(accessOf(req), req.params.id, req.params.rentalId, req.body.endedOn, { requestId: req.id }), true),
    });

    app.get('/persons/:id/rentals', {
      config: { access: { operation: 'housing.read', personal: true } },
      schema: {
        tags: ['housing', 'persons'],
        summary: 'The rental registrations (租赁登记) naming a person as tenant, in force or not (endedOn, endDate), the latest start first',
        description:
          'A person out of your remit is PERSON_NOT_FOUND; none are listed unless you may read the person’s actual address. Landlords’ names are masked unless unmask=true is asked and your remit unmasks names. Audited as a person.read of the actual residence.',
        params: Id,
        querystring: Type.Object({ unmask: Type.Optional(Type.Boolean({ description: 'show landlords’ names in full where your remit unmasks names' })) }, { additionalProperties: false }),
        response: { 200: Type.Array(Type.Ref('RentalRegistration')), ...errors(404) },
      },
      handler: async (req) =>
        (await gate.rentalsOf(accessOf(req), req.params.id, (id) => housing.rentalsOf(id), { requestId: req.id, unmask: req.query.unmask === true })).map(rentalAnswer),
    });

    app.patch('/dwellings/:id', {
      config: { access: { operation: 'housing.write' } },
      schema: {
        tags: ['housing'],
        summary: 'Change a dwelling’s housing use',
        params: Id,
        body: Type.Object({ housingUse: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Dwelling'), ...errors(400, 404, 422) },
      },
      handler: (req) => housing.setHousingUse(req.params.id, req.body.housingUse),
    });

    app.post('/households', {
      config: { access: { operation: 'household.write', personal: true } },
      schema: {
        tags: ['households'],
        summary: 'Register a household (户) at a dwelling or an area',
        body: Type.Object(
          {
            householdNo: Type.Optional(Type.String({ maxLength: 30 })),
            type: Type.String({ description: 'household-type code: FAMILY or COLLECTIVE' }),
            areaCode: Type.String({ pattern: '^\\d{6}(\\d{3}){0,2}$' }),
            dwellingId: Type.Optional(Type.String({ format: 'uuid' })),
            addressText: Type.Optional(Type.String({ maxLength: 200 })),
            registrationCategory: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Household'), ...errors(400, 404, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await gate.createHousehold(accessOf(req), req.body, { requestId: req.id })),
    });

    app.get('/households/:id', {
      config: { access: { operation: 'housing.read', personal: true } },
      schema: { tags: ['households'], summary: 'A household and its members (past members keep validTo)', params: Id, response: { 200: Type.Object({ household: Type.Ref('Household'), members: Type.Array(Type.Ref('HouseholdMember')) }), ...errors(404) } },
      handler: (req) => gate.household(accessOf(req), req.params.id, { requestId: req.id }),
    });

    app.post('/households/:id/members', {
      config: { access: { operation: 'household.write', personal: true } },
      schema: {
        tags: ['households'],
        summary: 'Add a member with the GB/T 4761 relationship to the head (02 = the head)',
        params: Id,
        body: Type.Object({ personId: Type.String({ format: 'uuid' }), relationship: Type.String(), validFrom: Type.Optional(IsoDate) }, { additionalProperties: false }),
        response: { 201: Type.Ref('HouseholdMember'), ...errors(400, 404, 409, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await gate.addMember(accessOf(req), req.params.id, req.body, { requestId: req.id })),
    });

    app.post('/households/:id/members/:memberId/end', {
      config: { access: { operation: 'household.write', personal: true } },
      schema: {
        tags: ['households'],
        summary: 'End a membership on a date (moved out, died); it stays in the history',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), memberId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ validTo: IsoDate }, { additionalProperties: false }),
        response: { 200: Type.Ref('HouseholdMember'), ...errors(400, 404, 409) },
      },
      handler: (req) => gate.endMember(accessOf(req), req.params.id, req.params.memberId, req.body.validTo, { requestId: req.id }),
    });
  };
}
