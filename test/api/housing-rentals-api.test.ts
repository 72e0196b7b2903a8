/**
 * A dwelling's rental registrations over HTTP: those in force on asOf and the past ones, every one
 * listed; the tenant named only for a caller who may see them, the landlord's name masked unless
 * unmask=true is asked and the remit unmasks names (a remit file that does, beside the shipped one
 * that does not), all audited as the one dwelling.read entry.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { accessServicesFromCatalogue, type AccessServices } from '../../src/access/access-services.ts';
import { DEFAULT_IDENTITY_POLICY } from '../../src/access/identity-policy.ts';
import { buildApp } from '../../src/api/app.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { newId } from '../../src/store/clock.ts';
import { dataDirWithRemits, unmaskIn } from '../support/data-dir.ts';
import { signedIn, type Client } from '../support/api-client.ts';

const COMMITTEE = '310105004001';
const OTHER_COMMITTEE = '310105004002';

interface RentalBody {
  personId: string | null;
  registrationNumber: string;
  landlordName: string | null;
  landlordNameMasked: boolean;
  startDate: string;
  endDate: string | null;
  endedOn: string | null;
}
interface DwellingBody {
  rentals: RentalBody[];
  pastRentals: RentalBody[];
}

/** The shipped data folder with a remit file whose street administrators may also unmask names. */
function dataDirUnmaskingNames(): string {
  return dataDirWithRemits((r) => unmaskIn(r.roles.find((x) => x.role === 'street-admin')?.grants, 'POPULATION_SERVICE', 'person.name'));
}

describe('housing API: a dwelling’s rental registrations, cut and masked', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  let services: Services;
  let street: Client;
  let committee: Client;
  let otherCommittee: Client;
  let dwellingId = '';
  let tenant = '';

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    services = servicesFor(store, '310105004');
    access = accessServicesFromCatalogue(store, '310105004', dataDirUnmaskingNames(), { identityPolicy: { ...DEFAULT_IDENTITY_POLICY, scrypt: { ln: 10, r: 8, p: 1 } } });
    app = await buildApp({ services, access, logLevel: 'silent' });
    street = await signedIn(app, access, { role: 'street-admin', areaCodes: ['310105004'] }, 'POPULATION_SERVICE');
    committee = await signedIn(app, access, { role: 'committee-worker', areaCodes: [COMMITTEE] }, 'POPULATION_SERVICE');
    otherCommittee = await signedIn(app, access, { role: 'committee-worker', areaCodes: [OTHER_COMMITTEE] }, 'POPULATION_SERVICE');
    const building = await services.housing.createBuilding({ areaCode: COMMITTEE, road: '新华路', lane: '5', number: '2' });
    dwellingId = (await services.housing.createDwelling(building.id, { unit: '', room: '201', housingUse: 'PRIVATE_RENTAL' })).id;
    tenant = (await services.persons.create({ values: { 'person.name': '租客甲' }, residences: [{ kind: 'actual', dwellingId, validFrom: '2024-03-01' }] })).person.id;
    await services.sources.define({ id: 'actual-pop', departmentId: 'street-population-office', nameZh: '实有人口', nameEn: 'actual population', level: 'district', owns: [] });
    const rentals = createDataAccess(store, '310105').repos.rentals;
    const batch = newId();
    const earlier = newId();
    await rentals.insert(
      [
        { id: earlier, personId: tenant, dwellingId, registrationNumber: '沪租2022007', landlordName: '王建国', startDate: '2022-03-01', endDate: '2024-02-29' },
        { id: newId(), personId: tenant, dwellingId, registrationNumber: '沪租2024001', landlordName: '王建国', startDate: '2024-03-01', endDate: '2026-02-28' },
      ],
      'actual-pop',
      batch,
    );
    await rentals.end([earlier], '2024-03-01', batch);
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const read = async (c: Client, query = ''): Promise<DwellingBody> => {
    const r = await c(`/api/v1/dwellings/${dwellingId}${query}`);
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as DwellingBody;
  };
  const brief = (list: RentalBody[]) => list.map((r) => [r.registrationNumber, r.personId, r.landlordName, r.landlordNameMasked, r.endedOn]);

  test('in force on the date and past, the tenant named, the landlord masked by default', async () => {
    const d = await read(street, '?asOf=2025-06-30');
    assert.deepEqual(brief(d.rentals), [['沪租2024001', tenant, '王**', true, null]]);
    assert.deepEqual(brief(d.pastRentals), [['沪租2022007', tenant, '王**', true, '2024-03-01']]);
    const before = await read(street, '?asOf=2023-01-01');
    assert.deepEqual([before.rentals.map((r) => r.registrationNumber), before.pastRentals.length], [['沪租2022007'], 0], 'on an earlier date the earlier one is in force and the later one not yet begun');
    const over = await read(street, '?asOf=2026-03-01');
    assert.deepEqual([over.rentals.length, over.pastRentals.map((r) => r.registrationNumber)], [0, ['沪租2024001', '沪租2022007']], 'a period over is past');
  });

  test('unmask=true shows the landlord in full only where the remit unmasks names, audited as an unmasking', async () => {
    const d = await read(street, '?asOf=2025-06-30&unmask=true');
    assert.deepEqual(brief(d.rentals), [['沪租2024001', tenant, '王建国', false, null]]);
    await access.audit.drain();
    const last = await store.db.selectFrom('audit_entry').select(['person_ids', 'element_ids', 'detail']).where('action', '=', 'dwelling.read').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(last.person_ids), [tenant]);
    assert.deepEqual(JSON.parse(last.detail ?? '{}'), { unmasked: ['person.name'] });
    const shipped = await read(committee, '?asOf=2025-06-30&unmask=true');
    assert.deepEqual(brief(shipped.rentals), [['沪租2024001', tenant, '王**', true, null]], 'a remit that does not unmask names (the committee worker’s) keeps them masked when asked');
  });

  test('a person’s own registrations, as their profile shows them: out of remit not found', async () => {
    const r = await street(`/api/v1/persons/${tenant}/rentals`);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(
      (r.json() as RentalBody[]).map((x) => [x.registrationNumber, x.personId, x.landlordName, x.endedOn]),
      [
        ['沪租2024001', tenant, '王**', null],
        ['沪租2022007', tenant, '王**', '2024-03-01'],
      ],
    );
    assert.equal(((await street(`/api/v1/persons/${tenant}/rentals?unmask=true`)).json() as RentalBody[])[0]?.landlordName, '王建国');
    const hidden = await otherCommittee(`/api/v1/persons/${tenant}/rentals`);
    assert.deepEqual([hidden.statusCode, hidden.json().code], [404, 'PERSON_NOT_FOUND']);
  });

  test('a caller who may not see the tenant gets the registration without them, and no audit entry names them', async () => {
    await access.audit.drain();
    const count = async () => (await store.db.selectFrom('audit_entry').select('seq').where('action', '=', 'dwelling.read').execute()).length;
    const before = await count();
    const d = await read(otherCommittee, '?asOf=2025-06-30');
    assert.deepEqual(brief(d.rentals), [['沪租2024001', null, '王**', true, null]]);
    await access.audit.drain();
    assert.equal(await count(), before, 'nobody named, nobody recorded');
  });
});
