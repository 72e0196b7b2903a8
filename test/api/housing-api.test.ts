/**
 * Housing over HTTP (以房管人): a dwelling answers who lives and is registered there on a date and
 * who lived or was registered there before (residences ended by that date, the latest first) —
 * both cut to the caller's remit as persons are (judged by where each lives now, so who left the
 * area is not named), and audited together as one dwelling.read entry.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { AccessServices } from '../../src/access/access-services.ts';
import { buildApp } from '../../src/api/app.ts';
import { migrateStore, servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { signedIn, testAccess, type Client } from '../support/api-client.ts';

const COMMITTEE = '310105004001';
const OTHER_COMMITTEE = '310105004002';

interface ResidenceBody {
  personId: string;
  kind: string;
  validFrom: string | null;
  validTo: string | null;
}
interface DwellingBody {
  residences: ResidenceBody[];
  pastResidences: ResidenceBody[];
}

describe('housing API: who lives in a dwelling, and who lived there before', () => {
  let store: Store;
  let app: FastifyInstance;
  let access: AccessServices;
  let services: Services;
  let street: Client;
  let committee: Client;
  let otherCommittee: Client;
  let dwellingId = '';
  const ids: Record<'now' | 'registered' | 'movedWithin' | 'movedNearby' | 'movedAway', string> = {
    now: '',
    registered: '',
    movedWithin: '',
    movedNearby: '',
    movedAway: '',
  };

  type Stay = { kind: 'actual' | 'registered'; validFrom: string; validTo?: string };
  const person = async (
    name: string,
    here: Stay[],
    after: { dwellingId?: string; areaCode?: string; validFrom: string }[] = [],
  ): Promise<string> => {
    const v = await services.persons.create({
      values: { 'person.name': name },
      residences: [...here.map((r) => ({ ...r, dwellingId })), ...after.map((r) => ({ kind: 'actual' as const, ...r }))],
    });
    return v.person.id;
  };

  before(async () => {
    store = await openStore('sqlite::memory:');
    await migrateStore(store);
    services = servicesFor(store, '310105004');
    access = testAccess(store);
    app = await buildApp({ services, access, logLevel: 'silent' });
    street = await signedIn(app, access, { role: 'street-admin', areaCodes: ['310105004'] }, 'POPULATION_SERVICE');
    committee = await signedIn(app, access, { role: 'committee-worker', areaCodes: [COMMITTEE] }, 'POPULATION_SERVICE');
    otherCommittee = await signedIn(app, access, { role: 'committee-worker', areaCodes: [OTHER_COMMITTEE] }, 'POPULATION_SERVICE');
    const building = await services.housing.createBuilding({ areaCode: COMMITTEE, road: '新华路', lane: '3', number: '1' });
    dwellingId = (await services.housing.createDwelling(building.id, { unit: '', room: '101' })).id;
    const nextDoor = (await services.housing.createDwelling(building.id, { unit: '', room: '102' })).id;
    ids.now = await person('现住人', [{ kind: 'actual', validFrom: '2025-06-01' }]);
    ids.registered = await person('户籍人', [{ kind: 'registered', validFrom: '2001-01-01' }]);
    ids.movedWithin = await person(
      '搬到隔壁',
      [{ kind: 'actual', validFrom: '2019-03-01', validTo: '2024-02-01' }],
      [{ dwellingId: nextDoor, validFrom: '2024-02-01' }],
    );
    ids.movedNearby = await person(
      '搬到别的居委',
      [{ kind: 'actual', validFrom: '2024-02-01', validTo: '2025-05-20' }],
      [{ areaCode: OTHER_COMMITTEE, validFrom: '2025-05-20' }],
    );
    ids.movedAway = await person(
      '搬出街道',
      [{ kind: 'actual', validFrom: '2015-01-01', validTo: '2019-03-01' }],
      [{ areaCode: '310104', validFrom: '2019-03-01' }],
    );
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const read = async (c: Client, asOf?: string): Promise<DwellingBody> => {
    const r = await c(`/api/v1/dwellings/${dwellingId}${asOf ? `?asOf=${asOf}` : ''}`);
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as DwellingBody;
  };
  const people = (list: readonly ResidenceBody[]): string[] => list.map((r) => r.personId);

  test('today: the residents now, and those who left, the most recently gone first — each while within the remit', async () => {
    const d = await read(street);
    assert.deepEqual(people(d.residences).sort(), [ids.now, ids.registered].sort());
    assert.deepEqual(
      d.pastResidences.map((r) => [r.personId, r.kind, r.validFrom, r.validTo]),
      [
        [ids.movedNearby, 'actual', '2024-02-01', '2025-05-20'],
        [ids.movedWithin, 'actual', '2019-03-01', '2024-02-01'],
      ],
      'who left the street is out of the street’s remit, as their profile is',
    );
  });

  test('on an earlier date, who lived there then is current, and only who had left by then is past', async () => {
    const d = await read(street, '2024-06-30');
    assert.deepEqual(people(d.residences).sort(), [ids.movedNearby, ids.registered].sort());
    assert.deepEqual(people(d.pastResidences), [ids.movedWithin]);
    const moveDay = await read(street, '2024-02-01');
    assert.ok(people(moveDay.residences).includes(ids.movedNearby), 'the day one moves in they live there');
    assert.deepEqual(people(moveDay.pastResidences), [ids.movedWithin], 'the day one leaves they are gone');
  });

  test('the past is cut to the remit as the present is: a committee sees those now in its area', async () => {
    const own = await read(committee);
    assert.deepEqual(people(own.residences).sort(), [ids.now, ids.registered].sort());
    assert.deepEqual(people(own.pastResidences), [ids.movedWithin]);
    const other = await read(otherCommittee);
    assert.deepEqual(
      [people(other.residences), people(other.pastResidences)],
      [[], [ids.movedNearby]],
      'the committee someone moved to sees where they came from, as on their profile',
    );
  });

  test('present and past residents are audited together, as one dwelling.read naming them', async () => {
    const entries = async () => {
      await access.audit.drain();
      return store.db.selectFrom('audit_entry').select(['person_ids']).where('action', '=', 'dwelling.read').orderBy('seq').execute();
    };
    const count = (await entries()).length;
    await read(committee);
    const now = await entries();
    assert.equal(now.length, count + 1);
    assert.deepEqual((JSON.parse(now.at(-1)?.person_ids ?? '[]') as string[]).sort(), [ids.now, ids.registered, ids.movedWithin].sort());
  });

  test('a bad date or an unknown dwelling is a clear refusal', async () => {
    assert.equal((await committee(`/api/v1/dwellings/${dwellingId}?asOf=2024-13`)).json().code, 'VALIDATION_FAILED');
    const missing = await committee('/api/v1/dwellings/00000000-0000-7000-8000-000000000000');
    assert.deepEqual([missing.statusCode, missing.json().code], [404, 'DWELLING_NOT_FOUND']);
  });
});
