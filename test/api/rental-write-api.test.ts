/**
 * Registering and ending a dwelling's rental registrations by hand over HTTP, on every backend:
 * who may (whoever may write actual residences at the dwelling under the remit for the purpose —
 * and the console is told so), every refusal with its stable code and nothing written, the audit
 * entry and the change event committed with the write, and the events delivered only to
 * departments whose remit reads the tenant's actual residence there (landlord masked).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { accessServicesFromCatalogue } from '../../src/access/access-services.ts';
import { DEFAULT_IDENTITY_POLICY } from '../../src/access/identity-policy.ts';
import { buildApp } from '../../src/api/app.ts';
import type { AccessServices } from '../../src/access/access-services.ts';
import { principalOfSubscription } from '../../src/access/principal.ts';
import type { ChangeEvent } from '../../src/domain/feed/change-event.ts';
import { EVERYTHING, type Subscriber } from '../../src/feed/feed-gate.ts';
import { createFeedServices, type FeedServices } from '../../src/feed/feed-services.ts';
import { servicesFor } from '../../src/main.ts';
import { loadElements } from '../../src/reference/catalogue-loader.ts';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { loadKinds } from '../../src/reference/kind-loader.ts';
import type { Services } from '../../src/services/services.ts';
import { newId } from '../../src/store/clock.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import { dataDirWithRemits, unmaskIn } from '../support/data-dir.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const COMMITTEE = `${HOME}001`;
const OTHER_COMMITTEE = `${HOME}002`;

interface Rental {
  id: string;
  personId: string | null;
  registrationNumber: string;
  landlordName: string | null;
  landlordNameMasked: boolean;
  startDate: string;
  endDate: string | null;
  endedOn: string | null;
  sourceId: string;
  method: string;
}

const subscriber = (departmentId: string, purpose: string, extra: Partial<Subscriber> = {}): Subscriber => ({
  principal: principalOfSubscription({ id: '0c0c0c0c-0000-4000-8000-000000000001', departmentId, purpose }),
  purpose,
  filter: EVERYTHING,
  codeProfile: null,
  unmask: false,
  ...extra,
});

/** The shipped data folder with a remit file whose housing department may also unmask names for HOUSING_ASSISTANCE. */
function dataDirHousingUnmasksNames(): string {
  return dataDirWithRemits((r) => unmaskIn(r.departments.find((d) => d.departmentId === 'housing')?.grants, 'HOUSING_ASSISTANCE', 'person.name'));
}

for (const backend of await backends()) {
  describe(`rental registrations written through the API on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let app: FastifyInstance;
    let access: AccessServices;
    let services: Services;
    let feed: FeedServices;
    let committee: Client;
    let otherCommittee: Client;
    let collector: Client;
    let family: Client;
    /** A committee worker of no department (so not the owner's) for statistics: the actual residence is not in that grant. */
    let statistics: Client;
    let housingOfficer: Client;
    let committeeId = '';
    let room = '';
    let room2 = '';
    let otherRoom = '';
    let tenant = '';
    let outsider = '';
    let registered: Rental | undefined;

    const post = (c: Client, url: string, payload: unknown) => c({ method: 'POST', url, payload: payload as Record<string, unknown> });
    const register = (c: Client, dwellingId: string, payload: Record<string, unknown>) => post(c, `/api/v1/dwellings/${dwellingId}/rentals`, payload);
    const count = async () => (await store.db.selectFrom('rental_registration').select('id').execute()).length;
    const rentalEvents = async (after: number): Promise<ChangeEvent[]> =>
      (await feed.data.repos.feed.after(after, 1000)).filter((e) => e.type === 'cn.populus.rental.registered' || e.type === 'cn.populus.rental.ended');
    const head = async () => (await feed.data.repos.feed.head()).seq;
    const lastAudit = async () => {
      await access.audit.drain();
      return store.db.selectFrom('audit_entry').selectAll().where('action', '=', 'rental.write').orderBy('seq', 'desc').executeTakeFirst();
    };

    before(async () => {
      store = await backend.open();
      services = servicesFor(store, HOME);
      access = testAccess(store, HOME);
      const dataDir = defaultDataDir();
      feed = createFeedServices(createDataAccess(store, HOME.slice(0, 6)), access, { elements: loadElements(dataDir), kinds: loadKinds(dataDir), dispatch: { district: '310105' } });
      app = await buildApp({ services, access, feed, logLevel: 'silent', rateLimitPerMinute: 0 });
      // The street's population office owns the actual residence: its system is the source its writes are recorded from.
      await services.sources.define({ id: 'street-pop', departmentId: 'street-population-office', nameZh: '街道实有人口', nameEn: 'street population', level: 'street', owns: ['person.actualResidence'] });
      const building = await services.housing.createBuilding({ areaCode: COMMITTEE, road: '新华路', lane: '9', number: '1' });
      room = (await services.housing.createDwelling(building.id, { room: '301', housingUse: 'PRIVATE_RENTAL' })).id;
      room2 = (await services.housing.createDwelling(building.id, { room: '302', housingUse: 'PRIVATE_RENTAL' })).id;
      const far = await services.housing.createBuilding({ areaCode: OTHER_COMMITTEE, road: '番禺路', number: '8' });
      otherRoom = (await services.housing.createDwelling(far.id, { room: '101' })).id;
      tenant = (await services.persons.create({ values: { 'person.name': '租客甲' }, residences: [{ kind: 'actual', dwellingId: room, validFrom: '2025-03-01' }] })).person.id;
      outsider = (await services.persons.create({ values: { 'person.name': '远方乙' }, residences: [{ kind: 'actual', dwellingId: otherRoom, validFrom: '2025-03-01' }] })).person.id;
      committee = await signedIn(app, access, { role: 'committee-worker', areaCodes: [COMMITTEE], departmentId: 'street-population-office' }, 'POPULATION_SERVICE');
      committeeId = (await access.identity.listUsers()).find((u) => u.role === 'committee-worker')?.id ?? '';
      otherCommittee = await signedIn(app, access, { role: 'committee-worker', areaCodes: [OTHER_COMMITTEE], departmentId: 'street-population-office' }, 'POPULATION_SERVICE');
      collector = await signedIn(app, access, { role: 'collector', buildingIds: [building.id] }, 'DATA_COLLECTION');
      statistics = await signedIn(app, access, { role: 'committee-worker', areaCodes: [COMMITTEE] }, 'POPULATION_STATISTICS');
      family = await signedIn(app, access, { role: 'department-officer', departmentId: 'health-family-planning' }, 'FAMILY_PLANNING_SERVICE');
      housingOfficer = await signedIn(app, access, { role: 'department-officer', departmentId: 'housing' }, 'HOUSING_ASSISTANCE');
    });
    after(async () => {
      await app.close();
      await backend.dispose();
    });

    test('the dwelling tells the console who may write its rentals', async () => {
      const may = async (c: Client, dwellingId = room) => ((await c(`/api/v1/dwellings/${dwellingId}`)).json() as { mayWriteRentals: boolean }).mayWriteRentals;
      assert.deepEqual(
        [await may(committee), await may(collector), await may(otherCommittee), await may(family), await may(statistics), await may(collector, otherRoom)],
        [true, true, false, false, false, false],
        'the committee and the collector of the building may; another committee, a kind-limited department, a purpose without the actual residence and a building not assigned may not',
      );
    });

    test('registered by the committee worker: 201, recorded from the owner’s source, audited and published in one transaction', async () => {
      const h = await head();
      const r = await register(committee, room, { personId: tenant, registrationNumber: '沪租2025301', landlordName: '王建国', startDate: '2025-03-01', endDate: '2026-02-28' });
      assert.equal(r.statusCode, 201, r.body);
      registered = r.json() as Rental;
      assert.deepEqual(
        [registered.personId, registered.registrationNumber, registered.landlordName, registered.landlordNameMasked, registered.endDate, registered.endedOn, registered.method, registered.sourceId],
        [tenant, '沪租2025301', '王建国', false, '2026-02-28', null, 'api', 'street-pop'],
      );
      const stored = await store.db.selectFrom('rental_registration').selectAll().where('id', '=', registered.id).executeTakeFirstOrThrow();
      assert.deepEqual([stored.recorded_by, stored.department_id, stored.batch_id], [`user:${committeeId}`, 'street-population-office', null], 'who and for which department; no import batch');
      const audit = await lastAudit();
      assert.ok(audit);
      assert.deepEqual([JSON.parse(audit.person_ids), JSON.parse(audit.element_ids), audit.actor, audit.purpose, audit.result], [[tenant], ['person.actualResidence'], `user:${committeeId}`, 'POPULATION_SERVICE', 'ok']);
      const events = await rentalEvents(h);
      assert.deepEqual(events.map((e) => [e.type, e.personId, e.areas, e.cause]), [['cn.populus.rental.registered', tenant, [COMMITTEE], { kind: 'user', actor: `user:${committeeId}` }]]);
      const listed = (await committee(`/api/v1/dwellings/${room}?asOf=2025-06-01`)).json() as { rentals: Rental[] };
      assert.deepEqual(listed.rentals.map((x) => [x.id, x.personId, x.landlordName, x.method]), [[registered.id, tenant, '王**', 'api']], 'read back masked, as every read');
      // A collector of the building (no department): recorded from the manual source.
      const byCollector = await register(collector, room2, { personId: tenant, registrationNumber: '沪租2025302', startDate: '2025-04-01' });
      assert.equal(byCollector.statusCode, 201, byCollector.body);
      assert.deepEqual([(byCollector.json() as Rental).sourceId, (byCollector.json() as Rental).landlordName, (byCollector.json() as Rental).endDate], ['manual', null, null]);
    });

    test('every refusal has its stable code and writes nothing', async () => {
      const twin = (await services.persons.create({ values: { 'person.name': '租客甲' }, residences: [{ kind: 'actual', dwellingId: room, validFrom: '2025-03-01' }] })).person.id;
      await services.merges.merge(tenant, twin, 'system', { force: true });
      const rows = await count();
      const h = await head();
      const good = { personId: tenant, registrationNumber: '沪租2025399', landlordName: '李四', startDate: '2025-03-01' };
      const cases: [string, Client, string, Record<string, unknown>, number, string][] = [
        ['no start date', committee, room, { personId: tenant, registrationNumber: 'x' }, 400, 'VALIDATION_FAILED'],
        ['a date not YYYY-MM-DD', committee, room, { ...good, startDate: '2025/03/01' }, 400, 'VALIDATION_FAILED'],
        ['an empty number', committee, room, { ...good, registrationNumber: '' }, 400, 'VALIDATION_FAILED'],
        ['an unknown field', committee, room, { ...good, tenantName: '租客甲' }, 400, 'VALIDATION_FAILED'],
        ['a blank number', committee, room, { ...good, registrationNumber: '   ' }, 422, 'INVALID_VALUE'],
        ['no such calendar day', committee, room, { ...good, startDate: '2025-02-29' }, 422, 'INVALID_VALUE'],
        ['an end before the start', committee, room, { ...good, endDate: '2025-02-28' }, 409, 'CONFLICTING_PERIOD'],
        ['an unknown dwelling', committee, newId(), good, 404, 'DWELLING_NOT_FOUND'],
        ['an unknown tenant', committee, room, { ...good, personId: newId() }, 404, 'PERSON_NOT_FOUND'],
        ['a tenant outside the remit, as if missing', committee, room, { ...good, personId: outsider }, 404, 'PERSON_NOT_FOUND'],
        ['a tenant merged into another', committee, room, { ...good, personId: twin }, 409, 'PERSON_MERGED'],
        ['the same number not yet ended', committee, room, { ...good, registrationNumber: '沪租2025301' }, 409, 'RENTAL_EXISTS'],
        ['another committee’s dwelling', otherCommittee, room, good, 403, 'NOT_ALLOWED'],
        ['a kind-limited department', family, room, good, 403, 'NOT_ALLOWED'],
        ['a purpose without the actual residence', statistics, room, good, 403, 'NOT_ALLOWED'],
        ['no purpose', committee.withPurpose(null), room, good, 400, 'PURPOSE_REQUIRED'],
      ];
      for (const [what, c, dwellingId, payload, status, code] of cases) {
        const r = await register(c, dwellingId, payload);
        assert.deepEqual([r.statusCode, r.json().code], [status, code], `${what}: ${r.body}`);
      }
      const merged = await register(committee, room, { ...good, personId: twin });
      assert.equal(merged.json().details.mergedInto, tenant, 'the survivor is named');
      assert.equal(await count(), rows, 'no registration written');
      assert.deepEqual(await rentalEvents(h), [], 'no event written');
    });

    test('ended by hand: 200, kept, audited and published; refusals', async () => {
      assert.ok(registered);
      const url = `/api/v1/dwellings/${room}/rentals/${registered.id}/end`;
      const refused: [string, Client, string, Record<string, unknown>, number, string][] = [
        ['another committee', otherCommittee, url, { endedOn: '2025-09-01' }, 403, 'NOT_ALLOWED'],
        ['not of this dwelling', committee, `/api/v1/dwellings/${room2}/rentals/${registered.id}/end`, { endedOn: '2025-09-01' }, 404, 'RENTAL_NOT_FOUND'],
        ['on its first day', committee, url, { endedOn: '2025-03-01' }, 409, 'CONFLICTING_PERIOD'],
        ['a date not YYYY-MM-DD', committee, url, { endedOn: '1 Sept 2025' }, 400, 'VALIDATION_FAILED'],
        ['no such calendar day', committee, url, { endedOn: '2025-09-31' }, 422, 'INVALID_VALUE'],
      ];
      const h = await head();
      for (const [what, c, u, payload, status, code] of refused) {
        const r = await post(c, u, payload);
        assert.deepEqual([r.statusCode, r.json().code], [status, code], `${what}: ${r.body}`);
      }
      assert.deepEqual(await rentalEvents(h), []);
      const rows = await count();
      const r = await post(committee, url, { endedOn: '2025-09-01' });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual([(r.json() as Rental).endedOn, (r.json() as Rental).landlordName], ['2025-09-01', '王**']);
      assert.equal(await count(), rows, 'nothing deleted');
      const again = await post(committee, url, { endedOn: '2025-10-01' });
      assert.deepEqual([again.statusCode, again.json().code], [409, 'RENTAL_ENDED']);
      const audit = await lastAudit();
      assert.deepEqual([JSON.parse(audit?.person_ids ?? '[]'), audit?.actor], [[tenant], `user:${committeeId}`]);
      assert.deepEqual((await rentalEvents(h)).map((e) => [e.type, e.personId, e.type === 'cn.populus.rental.ended' ? e.data.endedOn : null]), [['cn.populus.rental.ended', tenant, '2025-09-01']]);
      const d = (await committee(`/api/v1/dwellings/${room}?asOf=2025-10-01`)).json() as { rentals: Rental[]; pastRentals: Rental[] };
      assert.ok(d.pastRentals.some((x) => x.id === registered?.id) && !d.rentals.some((x) => x.id === registered?.id), 'in the dwelling’s past');
    });

    test('the events reach only departments whose remit reads the tenant’s actual residence there, the landlord masked', async () => {
      const events = await rentalEvents(0);
      assert.ok(events.length >= 3);
      const shown = async (s: Subscriber) => (await feed.gate.disclose(events, s)).map((e) => [e.type, e.subject, (e.data as { landlordName: string | null }).landlordName]);
      const housing = await shown(subscriber('housing', 'HOUSING_ASSISTANCE'));
      assert.equal(housing.length, events.length, 'the housing department reads residences in the district');
      assert.ok(housing.some(([type, subject, landlord]) => type === 'cn.populus.rental.registered' && subject === tenant && landlord === '王**'), 'the landlord masked');
      assert.deepEqual(await shown(subscriber('housing', 'HOUSING_ASSISTANCE', { unmask: true })), housing, 'a remit that does not unmask names keeps them masked');
      assert.deepEqual(await shown(subscriber('disabled-persons-federation', 'DISABILITY_SERVICE')), [], 'nor to another kind-limited remit');
      assert.deepEqual(await shown(subscriber('health-family-planning', 'FAMILY_PLANNING_SERVICE')), [], 'a remit limited to kinds the tenant is not of');
      assert.deepEqual(await shown(subscriber('housing', 'HOUSING_ASSISTANCE', { filter: { ...EVERYTHING, elements: ['person.name'] } })), [], 'a subscription without the actual residence');
      assert.deepEqual(await shown(subscriber('housing', 'HOUSING_ASSISTANCE', { filter: { ...EVERYTHING, areas: [OTHER_COMMITTEE] } })), [], 'a subscription for another committee');
      assert.equal((await shown(subscriber('housing', 'HOUSING_ASSISTANCE', { filter: { ...EVERYTHING, areas: [COMMITTEE], eventTypes: ['cn.populus.rental.ended'] } }))).length, events.filter((e) => e.type === 'cn.populus.rental.ended').length);
      // The same through the pull feed, as the departments read it.
      // Where the remit unmasks names and the subscription asks, the landlord travels in full, and the delivery's audit entry says so.
      const unmaskingAccess = accessServicesFromCatalogue(store, HOME, dataDirHousingUnmasksNames(), { identityPolicy: { ...DEFAULT_IDENTITY_POLICY, scrypt: { ln: 10, r: 8, p: 1 } } });
      const unmaskingFeed = createFeedServices(createDataAccess(store, HOME.slice(0, 6)), unmaskingAccess, { elements: loadElements(defaultDataDir()), kinds: loadKinds(defaultDataDir()), dispatch: { district: '310105' } });
      const full = await unmaskingFeed.gate.disclose(events, subscriber('housing', 'HOUSING_ASSISTANCE', { unmask: true }));
      assert.ok(full.some((e) => (e.data as { landlordName: string | null; landlordNameMasked: boolean }).landlordName === '王建国' && !(e.data as { landlordNameMasked: boolean }).landlordNameMasked));
      await unmaskingAccess.audit.drain();
      const delivery = await store.db.selectFrom('audit_entry').select(['element_ids', 'detail']).where('action', '=', 'feed.deliver').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual([JSON.parse(delivery.element_ids), JSON.parse(delivery.detail ?? '{}')], [['person.actualResidence'], { unmasked: ['person.name'] }]);
      await unmaskingAccess.audit.close();
      const pulled = async (c: Client) => ((await c('/api/v1/feed?after=0&limit=1000')).json() as { events: { type: string }[] }).events.filter((e) => e.type.startsWith('cn.populus.rental.')).length;
      assert.deepEqual([await pulled(housingOfficer), await pulled(family)], [events.length, 0]);
      await access.audit.drain();
      assert.equal((await access.audit.verify()).intact, true, 'the audit chain, written by both, holds');
    });
  });
}
