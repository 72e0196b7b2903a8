/**
 * The console's dashboard (issue 9): one area's figures on a date, counted from the persons the
 * caller's remit reaches for the stated purpose (src/apps/dashboard, over the report engine's
 * bulk read). A statistical read: audited as `dashboard.read` with the area, date, elements and
 * the number of persons counted, never their ids. The list behind a bar of the moves chart
 * (`/dashboard/moves`) names persons: audited as `dashboard.moves` with the ids it lists.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MOVES_PAGE_MAX, type DashboardService } from '../../apps/dashboard/dashboard.service.ts';
import { PopulusError } from '../../domain/errors.ts';
import { accessOf, principalOf } from '../auth.ts';
import { IsoDate, errors } from '../schemas/common.schema.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/** A street (9 digits), committee (12) or a grid code below a committee. */
const AREA_PATTERN = '^\\d{9}(\\d{3}([0-9A-Za-z-]{1,20})?)?$';

const DashboardView = Type.Object(
  {
    area: Type.Object({ code: Type.String(), name: Type.String() }),
    asOf: Type.String({ description: 'YYYY-MM-DD: the record as it stood that day' }),
    generatedAt: Type.String(),
    purpose: Type.String(),
    population: Type.Object({
      actual: Type.Integer({ description: 'actual population: persons of the four living categories you may count' }),
      categories: Type.Array(
        Type.Object({
          code: Type.String({ description: 'population-category code' }),
          nameZh: Type.String(),
          nameEn: Type.String(),
          count: Type.Integer(),
          share: Nullable(Type.Number({ description: 'fraction of the actual population (null for REGISTERED_ABSENT)' })),
        }),
      ),
      undetermined: Type.Integer({ description: 'persons of the area whose category cannot be determined' }),
    }),
    kinds: Type.Array(Type.Object({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String(), count: Type.Integer() }), {
      description: 'kinds of people among the actual population; a person counts only where the kind’s elements are in your remit',
    }),
    agePyramid: Type.Object({
      bands: Type.Array(Type.Object({ from: Type.Integer(), to: Nullable(Type.Integer()), male: Type.Integer(), female: Type.Integer() }), {
        description: '5-year age bands (the last one open: 100 and over)',
      }),
      unknown: Type.Integer({ description: 'counted persons whose sex or birth date is missing or outside your remit' }),
    }),
    moves: Type.Array(Type.Object({ month: Type.String({ description: 'YYYY-MM' }), in: Type.Integer(), out: Type.Integer() }), {
      description: 'actual residences in the area beginning (in) or ending (out) in each of the last 12 months',
    }),
    freshness: Type.Array(
      Type.Object({
        sourceId: Type.String(),
        nameZh: Type.String(),
        nameEn: Type.String(),
        departmentId: Type.String(),
        lastImportAt: Nullable(Type.String()),
        lastStatus: Nullable(Type.String()),
        rows: Nullable(Type.Integer()),
        values: Nullable(Type.Integer({ description: 'its current values of elements with a freshness (street-wide)' })),
        stale: Nullable(Type.Integer({ description: 'of those, the values past their element’s freshness' })),
        staleShare: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
          description: 'stale / values; null when the source holds no value of an element with a freshness',
        }),
      }),
      {
        description:
          'per source: its last import (time, status) and the share of its current values (street-wide; kept until a source delivers again, the day changes or ten minutes pass) last observed longer ago than their element’s freshness (freshnessDays); the rows it read and the counts behind the share only for sources whose imports you may read (an aggregate of its kind of people)',
      },
    ),
    review: Nullable(
      Type.Array(Type.Object({ type: Type.String(), count: Type.Integer() }), {
        description: 'open review items by type; null when you may not read the review queue',
      }),
    ),
    personCount: Type.Integer({ description: 'persons counted (what the audit entry records)' }),
  },
  { $id: 'Dashboard' },
);

const MoveItemView = Type.Object(
  {
    personId: Type.String({ format: 'uuid' }),
    name: Nullable(Type.String({ description: 'the person’s name where your remit lets you read it' })),
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    date: Type.String({ description: 'YYYY-MM-DD: the day the residence began (in) or ended (out)' }),
    areaCode: Type.String({ description: 'the residence’s area (committee or grid)' }),
    areaName: Nullable(Type.String({ description: 'its committee’s name' })),
    address: Nullable(Type.String({ description: 'the dwelling’s standard address, or the address as reported' })),
    profile: Type.Boolean({ description: 'whether the person’s profile is yours to open (judged today, as GET /persons/{id} judges it)' }),
  },
  { $id: 'DashboardMove' },
);

const MovesPageView = Type.Object(
  {
    area: Type.Object({ code: Type.String(), name: Type.String() }),
    asOf: Type.String({ description: 'YYYY-MM-DD: the dashboard’s date' }),
    month: Type.String({ description: 'YYYY-MM' }),
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    total: Type.Integer({ description: 'moves in the list: the bar’s count' }),
    items: Type.Array(Type.Ref('DashboardMove')),
  },
  { $id: 'DashboardMoves' },
);

export const dashboardSchemas = [DashboardView, MoveItemView, MovesPageView];

export function dashboardRoutes(dashboard: DashboardService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/dashboard', {
      config: { access: { personal: true } },
      schema: {
        tags: ['dashboard'],
        summary: 'The console dashboard of an area on a date: population structure, kinds, age pyramid, moves, freshness, review counts',
        description:
          'Counts persons living or registered in the area (default: your committee or street) as of the date (default today), ' +
          'cut to your remit for the stated purpose exactly as reports are: a person counts in a figure only when the elements it reads are readable about them. ' +
          'An area outside your remit is refused (NOT_ALLOWED). Audited as one statistical read (action dashboard.read) naming the area, date, elements and the number of persons counted — not the person ids. ' +
          'Answers are kept for about 60 seconds per area, date and remit.',
        querystring: Type.Object(
          {
            area: Type.Optional(Type.String({ pattern: AREA_PATTERN, description: 'street (9 digits), committee (12) or grid code' })),
            asOf: Type.Optional(IsoDate),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Dashboard'), ...errors(400, 403, 404) },
      },
      handler: async (req) => {
        const p = principalOf(req);
        if (p.role === 'resident')
          throw new PopulusError('NOT_ALLOWED', 'residents see their own record, not area figures', { operation: 'dashboard.read' });
        return dashboard.read(p, accessOf(req), { area: req.query.area, asOf: req.query.asOf }, req.id);
      },
    });

    app.get('/dashboard/moves', {
      config: { access: { personal: true } },
      schema: {
        tags: ['dashboard'],
        summary: 'The list behind one bar of the dashboard’s moves chart: who moved in (or out) of the area in a month',
        description:
          'The actual residences in the area (a grid: its committee) that began (in) or ended (out) in the month, up to the date — exactly the moves the bar of that month counts, ' +
          'cut to your remit the same way: someone still living in the area is judged as every figure judges them, someone who has left by the residence they left. ' +
          'Oldest first, paged on the server. Each shows the name where your remit lets you read it, the residence’s area and address, and whether the profile is yours to open. ' +
          'Refuses a month that is not YYYY-MM or is after the date, a direction other than in/out, and areas as GET /dashboard does. Audited as dashboard.moves naming the persons listed.',
        querystring: Type.Object(
          {
            area: Type.Optional(
              Type.String({
                pattern: AREA_PATTERN,
                description: 'street (9 digits), committee (12) or grid code; default as GET /dashboard',
              }),
            ),
            asOf: Type.Optional(IsoDate),
            month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM: the bar’s month' }),
            direction: Type.Union([Type.Literal('in'), Type.Literal('out')], { description: 'in: residences that began; out: that ended' }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MOVES_PAGE_MAX, default: 20 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('DashboardMoves'), ...errors(400, 403, 404) },
      },
      handler: async (req) => {
        const p = principalOf(req);
        if (p.role === 'resident')
          throw new PopulusError('NOT_ALLOWED', 'residents see their own record, not area figures', { operation: 'dashboard.read' });
        const q = req.query;
        return dashboard.moves(
          p,
          accessOf(req),
          { area: q.area, asOf: q.asOf, month: q.month, direction: q.direction, offset: q.offset ?? 0, limit: q.limit ?? 20 },
          req.id,
        );
      },
    });
  };
}
