/**
 * A person search that asks only where people live (area, population category, the remit's areas)
 * is answered from the memory of the street's residences (ReportRepository.residing) instead of
 * SQL. On every backend, over a small demo street and after writes of every kind (a residence
 * ended, a person merged away, a foreign document added, a new person), it must find exactly the
 * persons the SQL search finds, in the same order; areas outside the street and searches asking
 * anything else are left to SQL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../../src/demo/demo-generator.ts';
import { loadDemo } from '../../src/ingest/load-demo.ts';
import { servicesFor } from '../../src/main.ts';
import type { Services } from '../../src/services/services.ts';
import { createDataAccess, type DataAccess } from '../../src/store/repositories.ts';
import type { PersonSearch } from '../../src/store/person.repository.ts';
import type { Store } from '../../src/store/store.ts';
import { newId } from '../../src/store/clock.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const today = new Date().toISOString().slice(0, 10);

type Where = Pick<PersonSearch, 'within' | 'withinAny' | 'residingAs' | 'nonCitizenDocument'>;

for (const backend of await backends()) {
  describe(`searches by where people live, from memory, on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let services: Services;
    let data: DataAccess;
    let root: string;
    let committees: string[] = [];

    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'populus-residing-'));
      await generateDemo({ seed: 'xinhua', outDir: join(root, 'demo'), scale: 0.01, noise: 1 });
      store = await backend.open();
      services = servicesFor(store, HOME);
      await loadDemo(services, join(root, 'demo'));
      data = createDataAccess(store, HOME.slice(0, 6));
      committees = (await services.areas.children(HOME)).map((a) => a.code);
    });
    after(async () => {
      await backend.dispose();
      await rm(root, { recursive: true, force: true });
    });

    /** Every search the console's lists make of where people live. */
    const searches = (): Where[] => {
      const [a, b] = committees;
      assert.ok(a && b);
      return [
        { residingAs: [{ kind: 'any', area: a }] },
        { residingAs: [{ kind: 'actual', area: HOME }] },
        {
          residingAs: [
            { kind: 'actual', area: HOME },
            { kind: 'registered', area: HOME },
          ],
        },
        { residingAs: [{ kind: 'registered', area: HOME }] },
        { residingAs: [{ kind: 'actual', area: HOME }], nonCitizenDocument: true },
        {
          residingAs: [
            { kind: 'any', area: b },
            { kind: 'actual', area: HOME },
          ],
          withinAny: [a, b],
        },
        { withinAny: [b] },
        { within: HOME },
        { withinAny: [] },
      ];
    };

    const compare = async (label: string) => {
      for (const w of searches()) {
        const groups = [
          ...(w.within === undefined ? [] : [[{ kind: 'any', area: w.within }]]),
          ...(w.withinAny === undefined ? [] : [w.withinAny.map((area) => ({ kind: 'any', area }))]),
          ...(w.residingAs ?? []).map((r) => [{ kind: r.kind, area: r.area }]),
        ];
        const memory = await data.repos.reportReads.residing(HOME, today, groups, w.nonCitizenDocument === true);
        assert.ok(memory, `${label}: the memory answers ${JSON.stringify(w)}`);
        const sql = await data.repos.persons.search({ ...w, limit: 1_000_000, offset: 0 }, today);
        assert.deepEqual(memory, sql.ids, `${label}: ${JSON.stringify(w)} finds what SQL finds`);
        if (w.withinAny?.length !== 0)
          assert.ok(memory.length > 0 || w.nonCitizenDocument === true, `${label}: ${JSON.stringify(w)} finds someone`);
      }
    };

    test('the memory finds exactly what SQL finds, in the same order', async () => {
      await compare('as loaded');
    });

    test('after writes of every kind, still the same', async () => {
      const all = await data.repos.reportReads.residing(HOME, today, [[{ kind: 'actual', area: HOME }]]);
      assert.ok(all && all.length > 10);
      const [leaver, survivor, loser, foreigner] = all;
      const home = (await services.persons.get(leaver!)).residences.find((r) => r.validTo === null && r.kind === 'actual');
      assert.ok(home);
      await services.persons.endResidence(leaver!, home.id, today);
      await services.merges.merge(survivor!, loser!, 'user:test', { reason: 'search test', force: true });
      await data.repos.persons.insertIdentifier({
        id: newId(),
        district: HOME.slice(0, 6),
        personId: foreigner!,
        type: 'PASSPORT',
        number: 'X1234567',
        issuingCountry: 'FRA',
        issuingArea: null,
        validFrom: null,
        validTo: null,
      });
      await services.persons.create({ residences: [{ kind: 'actual', areaCode: committees[0]!, validFrom: '2020-01-01' }] });
      await compare('after the writes');
      const now = await data.repos.reportReads.residing(HOME, today, [[{ kind: 'actual', area: HOME }]]);
      assert.ok(now && !now.includes(loser!), 'the merged-away is no longer found');
    });

    test('a search asking more than where people live finds, through memory and SQL intersected, what SQL alone finds', async () => {
      const [a] = committees;
      assert.ok(a);
      const elderly = services.kinds.find((k) => k.id === 'elderly-60');
      assert.ok(elderly);
      for (const [query, spec] of [
        [
          { area: a, kind: 'elderly-60' },
          { residingAs: [{ kind: 'any' as const, area: a }], kindRule: elderly.rule },
        ],
        [
          { area: HOME, sex: '2' },
          { residingAs: [{ kind: 'any' as const, area: HOME }], valueIn: [{ elementId: 'person.sex', values: ['2'] }] },
        ],
        [
          { category: 'FROM_OTHER_PROVINCE', sex: '1' },
          { residingAs: [{ kind: 'actual' as const, area: HOME }], valueIn: [{ elementId: 'person.sex', values: ['1'] }] },
        ],
      ] as const) {
        const found = await services.persons.searchIds(query, {}, 1_000_000);
        const sql = await data.repos.persons.search({ ...spec, limit: 1_000_000, offset: 0 }, today);
        assert.ok(found.ids.length > 0, JSON.stringify(query));
        assert.deepEqual(found, { ids: sql.ids, total: sql.total }, JSON.stringify(query));
      }
    });

    test('an area outside the street, or no condition, is left to SQL', async () => {
      assert.equal(await data.repos.reportReads.residing(HOME, today, [[{ kind: 'any', area: '310105' }]]), undefined);
      assert.equal(await data.repos.reportReads.residing(HOME, today, []), undefined);
    });
  });
}
