/**
 * Every shipped report definition against the ground truth of a small demo street (scale 0.02,
 * no noise), on every backend: the figures the engine gives for the export date are compared
 * with figures computed here, independently, from truth/persons.jsonl and dwellings.jsonl (no
 * engine code). Where the record cannot know what the truth knows (no demo system reports it),
 * the expectation is restricted with a comment, and the size of the restriction is asserted.
 * Also: a report as of a past date stays what the record said then after a later change, and the
 * remit applies (elements outside it refused by name; a committee worker counts only their committee).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../../src/demo/demo-generator.ts';
import { readPersons } from '../../src/demo/truth-reader.ts';
import type { PersonTruth } from '../../src/demo/truth-writer.ts';
import { loadDemo } from '../../src/ingest/load-demo.ts';
import { servicesFor } from '../../src/main.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import type { Store } from '../../src/store/store.ts';
import { loadRemitPolicy } from '../../src/access/remit-loader.ts';
import type { Principal, Role } from '../../src/access/principal.ts';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { loadDepartments, loadElements } from '../../src/reference/catalogue-loader.ts';
import { loadKinds } from '../../src/reference/kind-loader.ts';
import { createReportEngine, type ReportEngine } from '../../src/apps/reports/engine.ts';
import { loadDefinitionCatalogue, loadShippedDefinitions, type FullReportDefinition } from '../../src/apps/reports/definition.ts';
import type { ReportResult } from '../../src/apps/reports/types.ts';
import { isPopulusError } from '../../src/domain/errors.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const AS_OF = '2024-12-31';
const LIVING = ['RESIDENT_REGISTERED', 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 'FROM_OTHER_PROVINCE', 'FROM_ABROAD'];

interface DwellingTruth {
  readonly id: string;
  readonly committeeCode: string;
  readonly committeeName: string;
  readonly housingUse: string;
}

// ---- the truth, read and counted here (no engine code) ----

const dataDir = defaultDataDir();
const policy = loadRemitPolicy({
  dataDir,
  homeArea: HOME,
  elements: loadElements(dataDir),
  departments: loadDepartments(dataDir),
  kinds: loadKinds(dataDir),
});
const definitions = new Map(loadShippedDefinitions().map((d) => [d.id, d]));

function officer(departmentId: string): Principal {
  return {
    actor: { kind: 'user', id: `test-${departmentId}` },
    role: 'department-officer',
    departmentId,
    areaCodes: [],
    buildingIds: [],
    personId: null,
    purposes: null,
  };
}
function user(role: Role, areaCodes: string[]): Principal {
  return {
    actor: { kind: 'user', id: `test-${role}` },
    role,
    departmentId: null,
    areaCodes,
    buildingIds: [],
    personId: null,
    purposes: null,
  };
}

function years(birth: string, on: string): number {
  const y = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  return on.slice(5) < birth.slice(5) ? y - 1 : y;
}

function def(id: string): FullReportDefinition {
  const d = definitions.get(id);
  assert.ok(d, `definition ${id} is shipped`);
  return d;
}

/** Table rows by their label (Chinese), the numbers after the label. */
function tableOf(r: ReportResult): Map<string, (string | number | null)[]> {
  return new Map(r.rows.map((row) => [String(row.cells[0]), row.cells.slice(1)]));
}

/** Adds 1 (or a value) at a key, creating it. */
function bump(m: Map<string, number>, k: string, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

/**
 * The record cannot place a few persons the truth knows (no system reports their actual residence,
 * or reports it only to the county): the engine leaves them out and says how many in a note. So
 * every figure may fall short of the truth, never exceed it, and the shortfall over a whole table
 * is at most that number — which itself must stay small (asserted below).
 */
function assertWithin(
  actual: readonly (string | number | null)[] | undefined,
  expected: readonly number[],
  slack: number,
  what: string,
): number {
  assert.ok(actual, `${what}: row present`);
  assert.equal(actual.length, expected.length, `${what}: columns`);
  let short = 0;
  actual.forEach((a, i) => {
    const e = expected[i] ?? 0;
    assert.equal(typeof a, 'number', `${what}[${i}] is a number`);
    assert.ok((a as number) <= e && (a as number) >= e - slack, `${what}[${i}]: ${String(a)} vs truth ${e} (slack ${slack})`);
    short = Math.max(short, e - (a as number));
  });
  return short;
}

/** Roster names: a sub-multiset of the truth's, short by at most `slack`. */
function assertNamesWithin(actual: readonly string[], expected: readonly string[], slack: number, what: string): void {
  const left = [...expected];
  for (const n of actual) {
    const i = left.indexOf(n);
    assert.ok(i >= 0, `${what}: ${n} listed but not in the truth`);
    left.splice(i, 1);
  }
  assert.ok(left.length <= slack, `${what}: ${left.length} of the truth's ${expected.length} missing (slack ${slack})`);
}

const demoDir = mkdtempSync(join(tmpdir(), 'populus-reports-'));
let truth: Map<string, PersonTruth>;
let dwellings: Map<string, DwellingTruth>;
let committees: { code: string; name: string }[];
/** Persons listed by each demo system (truth/links.csv): what the record can know at all. */
let listedBy: Map<string, Set<string>>;

before(async () => {
  await generateDemo({ seed: 7, outDir: demoDir, scale: 0.02, noise: 0 });
  truth = readPersons(demoDir);
  dwellings = new Map(
    readFileSync(join(demoDir, 'truth', 'dwellings.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as DwellingTruth)
      .map((d) => [d.id, d]),
  );
  const names = new Map<string, string>();
  for (const d of dwellings.values()) names.set(d.committeeCode, d.committeeName);
  committees = [...names].map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code));
  listedBy = new Map();
  for (const line of readFileSync(join(demoDir, 'truth', 'links.csv'), 'utf8')
    .split('\n')
    .slice(1)) {
    const [system, , personId] = line.split(',');
    if (!system || !personId) continue;
    let s = listedBy.get(personId);
    if (!s) listedBy.set(personId, (s = new Set()));
    s.add(system);
  }
});
after(() => rmSync(demoDir, { recursive: true, force: true }));

/** Present on the export date (the record holds the extracts of that date). */
const present = (p: PersonTruth): boolean => p.status === 'present';
const living = (p: PersonTruth): boolean => present(p) && LIVING.includes(p.category);
const age = (p: PersonTruth): number => years(p.values['person.birthDate'] ?? '1900-01-01', AS_OF);
function committeeOf(p: PersonTruth): string {
  if (p.category === 'REGISTERED_ABSENT') return (p.values['person.registeredAreaCode'] ?? '').slice(0, 12);
  return p.dwellingId ? (dwellings.get(p.dwellingId)?.committeeCode ?? '') : '';
}
const livingPersons = (): PersonTruth[] => [...truth.values()].filter(living);
/** Names as the record keeps them (Latin names upper-case without spaces, as the import normalises them). */
const norm = (n: string): string => n.replace(/\s+/g, '').toUpperCase();
const namesOf = (ps: readonly PersonTruth[]): string[] => ps.map((p) => norm(p.values['person.name'] ?? '')).sort();
const rosterNames = (r: ReportResult, key = 'name'): string[] => {
  const i = r.columns.findIndex((c) => c.key === key);
  return r.rows.map((row) => norm(String(row.cells[i]))).sort();
};

for (const backend of await backends()) {
  describe(`shipped reports on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let engine: ReportEngine;
    /** How many persons the record cannot place (the engine's note), the slack of every comparison. */
    let slack = 0;
    const run = async (
      id: string,
      over: { areaCode?: string; asOf?: string; principal?: Principal; definition?: FullReportDefinition } = {},
    ): Promise<ReportResult> => {
      const d = over.definition ?? def(id);
      const access = policy.access(over.principal ?? officer(d.departmentId), d.purpose);
      return (await engine.run(d, { areaCode: over.areaCode ?? HOME, asOf: over.asOf ?? AS_OF, access })).result;
    };

    before(async () => {
      store = await backend.open();
      await loadDemo(servicesFor(store, HOME), demoDir);
      engine = createReportEngine(createDataAccess(store, HOME.slice(0, 6)), HOME);
      const note = (await run('actual-population-monthly')).notes.find((n) => n.en.includes('cannot be determined'));
      // Plus the persons the truth has but no demo system lists (the record cannot know them at all).
      const unlisted = [...truth.values()].filter((p) => present(p) && !listedBy.has(p.id)).length;
      assert.ok(unlisted <= 0.01 * truth.size, `persons no system lists: ${unlisted}`);
      // Plus true persons the import folded into another (the record holds fewer persons than the truth).
      const held = Number(
        (
          await store.db
            .selectFrom('person')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('merged_into', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
      const folded = Math.max(0, [...truth.values()].filter(present).length - held);
      assert.ok(folded <= 0.005 * truth.size, `persons folded by the import: ${folded}`);
      slack = (note ? Number(/(\d+)/.exec(note.en)?.[1] ?? 0) : 0) + unlisted + folded;
    });
    after(() => backend.dispose());

    test('actual-population-monthly: committee × category, subtotal and totals equal the truth', async () => {
      const r = await run('actual-population-monthly');
      const order = [
        'RESIDENT_REGISTERED',
        'RESIDENT_REGISTERED_ELSEWHERE_LOCAL',
        'FROM_OTHER_PROVINCE',
        'FROM_ABROAD',
        'REGISTERED_ABSENT',
      ];
      const counts = new Map<string, number>();
      for (const p of truth.values()) if (present(p)) bump(counts, `${committeeOf(p)}|${p.category}`);
      const got = tableOf(r);
      const total = [0, 0, 0, 0, 0, 0, 0];
      for (const c of committees) {
        const n = order.map((cat) => counts.get(`${c.code}|${cat}`) ?? 0);
        const living4 = n.slice(0, 4).reduce((a, b) => a + b, 0);
        const row = [...n.slice(0, 4), living4, n[4] ?? 0, living4 + (n[4] ?? 0)];
        row.forEach((v, i) => (total[i] = (total[i] ?? 0) + v));
        assertWithin(got.get(c.name), row, slack, `row of ${c.name}`);
      }
      assertWithin(got.get('合计'), total, slack, 'total row');
      assert.ok(r.personCount <= (total[6] ?? 0) && r.personCount >= (total[6] ?? 0) - slack);
      // Rows and the subtotal add up.
      for (const row of r.rows) {
        const n = row.cells.slice(1) as number[];
        assert.equal(n[4], (n[0] ?? 0) + (n[1] ?? 0) + (n[2] ?? 0) + (n[3] ?? 0));
        assert.equal(n[6], (n[4] ?? 0) + (n[5] ?? 0));
      }
      assert.equal(r.rows.at(-1)?.role, 'total');
      assert.deepEqual(r.rows.at(-1)?.label, { zh: '合计', en: 'Total' });
    });

    test('elderly-roster lists exactly the people aged 60+ living here, masked', async () => {
      const r = await run('elderly-roster');
      assertNamesWithin(rosterNames(r), namesOf(livingPersons().filter((p) => age(p) >= 60)), slack, 'elderly');
      const id = r.columns.findIndex((c) => c.key === 'idNumber');
      assert.ok(
        r.rows.every((row) => row.cells[id] === null || /^\d{3}\*+\w{4}$/.test(String(row.cells[id]))),
        'ID numbers masked',
      );
      assert.ok(r.notes.some((n) => n.en.includes('masked')));
    });

    test('unmasking: only what the remit allows for the purpose is shown in full, and only when asked', async () => {
      const d = def('elderly-roster');
      const access = policy.access(officer(d.departmentId), d.purpose);
      const out = await engine.run(d, { areaCode: HOME, asOf: AS_OF, access, unmask: true });
      const phone = out.result.columns.findIndex((c) => c.key === 'phone');
      const id = out.result.columns.findIndex((c) => c.key === 'idNumber');
      const phones = out.result.rows.map((r) => r.cells[phone]).filter((x) => x !== null);
      assert.ok(phones.length > 0);
      // Civil affairs may unmask phones for elderly care, not ID numbers.
      assert.ok(
        phones.some((x) => /^\d{11}$|^0\d+$/.test(String(x))),
        'phones in full',
      );
      assert.ok(
        out.result.rows.every((r) => r.cells[id] === null || String(r.cells[id]).includes('*')),
        'ID numbers still masked',
      );
      const masked = await engine.run(d, { areaCode: HOME, asOf: AS_OF, access });
      assert.ok(
        masked.result.rows.every((r) => r.cells[phone] === null || String(r.cells[phone]).includes('*')),
        'masked unless asked',
      );
    });

    test('elderly-statistics: committee × age band × sex with the 80+ subtotal', async () => {
      const r = await run('elderly-statistics');
      const bands: [number, number][] = [
        [60, 69],
        [70, 79],
        [80, 89],
        [90, 200],
      ];
      const got = tableOf(r);
      for (const c of committees) {
        const ps = livingPersons().filter((p) => committeeOf(p) === c.code && age(p) >= 60);
        const row: number[] = [];
        for (const [lo, hi] of bands) {
          const inBand = ps.filter((p) => age(p) >= lo && age(p) <= hi);
          const m = inBand.filter((p) => p.values['person.sex'] === '1').length;
          const f = inBand.filter((p) => p.values['person.sex'] === '2').length;
          row.push(m, f, inBand.length);
        }
        row.push(ps.filter((p) => age(p) >= 80).length, ps.length);
        assertWithin(got.get(c.name), row, slack, `row of ${c.name}`);
      }
    });

    test('elderly-living-alone lists the elderly the civil-affairs extract marks as living alone', async () => {
      const r = await run('elderly-living-alone');
      const expected = livingPersons().filter((p) => age(p) >= 60 && p.kinds.includes('elderly-living-alone'));
      assert.ok(expected.length > 0);
      assertNamesWithin(rosterNames(r), namesOf(expected), slack, 'living alone');
    });

    test('women-15-49 by committee and marital status; shares add up to 1', async () => {
      const r = await run('women-15-49');
      const bucket = (v: string | undefined): number =>
        v === '10' ? 0 : v && ['20', '21', '22', '23'].includes(v) ? 1 : v === '30' ? 2 : v === '40' ? 3 : 4;
      const got = tableOf(r);
      for (const c of committees) {
        const ps = livingPersons().filter(
          (p) => committeeOf(p) === c.code && p.values['person.sex'] === '2' && age(p) >= 15 && age(p) <= 49,
        );
        const n = [0, 0, 0, 0, 0];
        for (const p of ps) n[bucket(p.values['person.maritalStatus'])]! += 1;
        const row = got.get(c.name) ?? [];
        const persons = row.filter((_, i) => i % 2 === 0);
        const shares = row.filter((_, i) => i % 2 === 1) as number[];
        assertWithin(persons, [...n, ps.length], slack, `row of ${c.name}`);
        if (ps.length > 0) assert.ok(Math.abs(shares.slice(0, 5).reduce((a, b) => a + b, 0) - 1) < 1e-9);
      }
      const roster = await run('women-15-49-roster');
      assertNamesWithin(
        rosterNames(roster),
        namesOf(livingPersons().filter((p) => p.values['person.sex'] === '2' && age(p) >= 15 && age(p) <= 49)),
        slack,
        'women roster',
      );
    });

    test('disabled-persons by category × grade, as far as the record can know', async () => {
      const r = await run('disabled-persons');
      // The demo has no extract of the disabled persons' federation: the record learns a disability
      // only from the civil-affairs relief systems that carry the columns. Restricted to those.
      const knowable = (p: PersonTruth): boolean =>
        [...(listedBy.get(p.id) ?? [])].some((s) => s === 'civil-affairs-relief' || s === 'one-window-relief');
      const all = livingPersons().filter((p) => p.kinds.includes('disabled'));
      const expected = all.filter(knowable);
      const counts = new Map<string, number>();
      for (const p of expected) bump(counts, `${p.values['person.disabilityCategory']}|${p.values['person.disabilityGrade']}`);
      const got = tableOf(r);
      const total = got.get('合计') ?? [];
      assert.equal(total.at(-1), expected.length);
      for (const [label, cells] of got) {
        if (label === '合计') continue;
        const sum = (cells.slice(0, -1) as number[]).reduce((a, b) => a + b, 0);
        assert.equal(cells.at(-1), sum, `row ${label} adds up`);
      }
      const byGrade = ['1', '2', '3', '4'].map((g) => [...counts].filter(([k]) => k.endsWith(`|${g}`)).reduce((a, [, n]) => a + n, 0));
      assert.deepEqual(total.slice(0, 4), byGrade);
      // The restriction is the demo's gap, not the engine's: reported, and bounded by the truth.
      assert.ok(expected.length <= all.length);
    });

    test('relief-recipients: minimum-income, low-income and extreme-poverty persons and households by committee', async () => {
      const r = await run('relief-recipients');
      // The relief systems' programme column (救助类别) maps to person.reliefProgramme, which decides the three kinds.
      const kinds = ['minimum-income', 'low-income', 'extreme-poverty'];
      const got = tableOf(r);
      assert.ok(livingPersons().some((p) => p.kinds.includes('low-income')), 'the demo street has low-income households');
      for (const c of committees) {
        const here = livingPersons().filter((p) => committeeOf(p) === c.code);
        const expected: number[] = [];
        for (const k of kinds) {
          const ps = here.filter((p) => p.kinds.includes(k));
          expected.push(ps.length, new Set(ps.map((p) => p.householdId)).size);
        }
        const any = here.filter((p) => kinds.some((k) => p.kinds.includes(k)));
        expected.push(any.length, new Set(any.map((p) => p.householdId)).size);
        assertWithin(got.get(c.name), expected, slack, `row of ${c.name}`);
      }
      const total = got.get('合计') ?? [];
      assert.ok(Number(total[2]) > 0, 'low-income persons are counted (from the programme column)');
    });

    test('party-members-registered-elsewhere lists party members living here registered outside the street', async () => {
      const r = await run('party-members-registered-elsewhere');
      const expected = livingPersons().filter(
        (p) =>
          p.kinds.includes('party-member') &&
          (p.category === 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL' || p.category === 'FROM_OTHER_PROVINCE'),
      );
      assert.ok(expected.length > 0);
      assertNamesWithin(rosterNames(r), namesOf(expected), slack, 'party members');
    });

    test('militia-registration lists the registered militia living here', async () => {
      const r = await run('militia-registration');
      const expected = livingPersons().filter((p) => p.kinds.includes('militia'));
      assert.ok(expected.length > 0);
      assertNamesWithin(rosterNames(r), namesOf(expected), slack, 'militia');
    });

    test('conscription-age-men: men 18–22 by committee and registration', async () => {
      const r = await run('conscription-age-men');
      const got = tableOf(r);
      for (const c of committees) {
        const ps = livingPersons().filter(
          (p) => committeeOf(p) === c.code && p.values['person.sex'] === '1' && age(p) >= 18 && age(p) <= 22,
        );
        const reg = ps.filter((p) => p.kinds.includes('conscription-registered')).length;
        assertWithin(got.get(c.name), [reg, ps.length - reg, ps.length], slack, `row of ${c.name}`);
      }
    });

    test('other-provinces by province of registration; residence permits as far as the record knows', async () => {
      const r = await run('other-provinces');
      const ps = livingPersons().filter((p) => p.category === 'FROM_OTHER_PROVINCE');
      const byProvince = new Map<string, number>();
      for (const p of ps) bump(byProvince, (p.values['person.registeredAreaCode'] ?? '').slice(0, 2));
      const got = r.rows.filter((row) => row.role === 'data');
      assert.equal(got.length, byProvince.size);
      assert.equal(tableOf(r).get('合计')?.at(-1), ps.length);
      // Row totals by province: the provinces' names come from the area tree, the counts from the truth.
      assert.deepEqual(
        got.map((row) => row.cells.at(-1) as number).sort((a, b) => a - b),
        [...byProvince.values()].sort((a, b) => a - b),
      );
      // The demo imports no residence permits (the permit column of the social-insurance extract is
      // ignored), so every person counts as "none recorded": the record's knowledge, stated.
      assert.ok(got.every((row) => row.cells[1] === 0 && row.cells[2] === 0 && row.cells[3] === row.cells[4]));
    });

    test('foreign-residents by nationality × sex', async () => {
      const r = await run('foreign-residents');
      const ps = livingPersons().filter((p) => p.category === 'FROM_ABROAD');
      const counts = new Map<string, [number, number]>();
      for (const p of ps) {
        const k = p.values['person.nationality'] ?? '';
        const c = counts.get(k) ?? [0, 0];
        c[p.values['person.sex'] === '1' ? 0 : 1] += 1;
        counts.set(k, c);
      }
      const countries = loadDefinitionCatalogue().codeTables.get('country');
      const got = tableOf(r);
      for (const [code, [m, f]] of counts) {
        const label = countries?.get(code)?.zh ?? code;
        assertWithin(got.get(label), [m, f, 0, m + f], slack, `nationality ${label}`);
      }
      const extra = [...got].filter(
        ([label, cells]) =>
          label !== '合计' && cells.at(-1) !== 0 && ![...counts.keys()].some((code) => (countries?.get(code)?.zh ?? code) === label),
      );
      assert.deepEqual(extra, [], 'no nationality the truth lacks');
      assertWithin(got.get('合计')?.slice(-1), [ps.length], slack, 'total');
    });

    test('rented-dwellings and their tenants by committee', async () => {
      const r = await run('rented-dwellings');
      const rented = (p: PersonTruth): string | undefined => {
        const u = p.dwellingId ? dwellings.get(p.dwellingId)?.housingUse : undefined;
        return u === 'PUBLIC_RENTAL' || u === 'PRIVATE_RENTAL' ? u : undefined;
      };
      const got = tableOf(r);
      for (const c of committees) {
        const ps = livingPersons().filter((p) => committeeOf(p) === c.code && rented(p));
        const cell = (use: string): number[] => {
          const q = ps.filter((p) => rented(p) === use);
          return [new Set(q.map((p) => p.dwellingId)).size, q.length];
        };
        assertWithin(
          got.get(c.name),
          [...cell('PUBLIC_RENTAL'), ...cell('PRIVATE_RENTAL'), new Set(ps.map((p) => p.dwellingId)).size, ps.length],
          slack,
          `row of ${c.name}`,
        );
      }
      const tenants = await run('rented-dwelling-tenants');
      assertNamesWithin(rosterNames(tenants), namesOf(livingPersons().filter((p) => rented(p))), slack, 'tenants');
    });

    test('persons the record cannot place (category undetermined) are few and stated in a note', async () => {
      const r = await run('actual-population-monthly');
      const note = r.notes.find((n) => n.en.includes('cannot be determined'));
      const n = note ? Number(/(\d+)/.exec(note.en)?.[1] ?? 0) : 0;
      assert.ok(n <= 0.03 * [...truth.values()].filter(present).length, `undetermined ${n}`);
      // A report of some kind of people counts only its own unplaced persons in the note.
      const elderly = (await run('elderly-statistics')).notes.find((x) => x.en.includes('cannot be determined'));
      const e = elderly ? Number(/(\d+)/.exec(elderly.en)?.[1] ?? 0) : 0;
      assert.ok(n > 0, 'the demo street has persons the record cannot place');
      assert.ok(e < n, `the elderly report's note counts its elderly only (${e} of ${n})`);
    });

    test('a committee report counts only that committee, and equals its row in the street report', async () => {
      const street = tableOf(await run('actual-population-monthly'));
      const c = committees[2];
      assert.ok(c);
      const one = tableOf(await run('actual-population-monthly', { areaCode: c.code }));
      assert.deepEqual(one.get(c.name), street.get(c.name));
      assert.deepEqual(one.get('合计'), street.get(c.name));
      // Several committees at once (one read) give the same as one by one.
      const d = def('actual-population-monthly');
      const access = policy.access(officer(d.departmentId), d.purpose);
      const codes = committees.slice(0, 3).map((x) => x.code);
      const many = await engine.runAreas(d, { areaCodes: codes, asOf: AS_OF, access });
      assert.equal(many.length, 3);
      for (const [i, code] of codes.entries()) {
        const single = await engine.run(d, { areaCode: code, asOf: AS_OF, access });
        assert.deepEqual(many[i]?.result.rows, single.result.rows);
        assert.deepEqual(many[i]?.personIds, single.personIds);
      }
    });

    test('remit: a committee worker counts only persons of their committee; elements outside the remit are refused by name', async () => {
      const c = committees[1];
      assert.ok(c);
      const worker = user('committee-worker', [c.code]);
      const d = def('actual-population-monthly');
      const access = policy.access(worker, d.purpose);
      const out = await engine.run(d, { areaCode: HOME, asOf: AS_OF, access });
      const ids = new Set(out.personIds);
      assert.ok(ids.size > 0);
      const inCommittee = (p: PersonTruth): boolean =>
        committeeOf(p) === c.code || (p.values['person.registeredAreaCode'] ?? '').startsWith(c.code);
      // Every person counted has a residence in the worker's committee (by the truth's ids: the record's ids differ, so by count).
      const expected = [...truth.values()].filter((p) => present(p) && inCommittee(p)).length;
      assert.ok(ids.size <= expected + 2 && ids.size >= expected - 2, `${ids.size} counted, ${expected} with a residence in ${c.code}`);
      const own = tableOf(out.result).get(c.name);
      assert.deepEqual(own, tableOf(await run('actual-population-monthly')).get(c.name));

      const religion: FullReportDefinition = {
        ...d,
        id: 'religion-by-committee',
        table: { rows: [{ by: 'committee' }], columns: [{ by: 'element', element: 'person.religion' }], measures: ['persons'] },
      };
      await assert.rejects(
        () => engine.run(religion, { areaCode: HOME, asOf: AS_OF, access }),
        (e: unknown) =>
          isPopulusError(e) &&
          e.code === 'REPORT_OUTSIDE_REMIT' &&
          (e.details['elements'] as string[]).includes('person.religion') &&
          e.message.includes('person.religion'),
      );
      await assert.rejects(
        () => engine.run(def('party-members-registered-elsewhere'), { areaCode: HOME, asOf: AS_OF, access }),
        (e: unknown) => isPopulusError(e) && e.code === 'PURPOSE_NOT_ALLOWED',
      );
    });

    test('as of a past date: the report stays what the record said then after a later move', async () => {
      const before1 = await run('actual-population-monthly');
      const beforeToday = await run('actual-population-monthly', { asOf: '2026-01-01' });
      // Someone living here moves away in mid-2025: end their actual residence.
      const data = createDataAccess(store, HOME.slice(0, 6));
      const services = servicesFor(store, HOME);
      const c = committees[0];
      assert.ok(c);
      const rows = await data.repos.reportReads.read({
        areaPrefix: c.code,
        asOf: AS_OF,
        elementIds: [],
        values: 'current',
        memberships: false,
        dwellings: false,
      });
      const actual = rows.residences.find(
        (x) =>
          x.kind === 'actual' &&
          x.areaCode.startsWith(c.code) &&
          rows.residences.some((y) => y.personId === x.personId && y.kind === 'registered' && y.areaCode.startsWith(c.code)),
      );
      assert.ok(actual, 'a person registered and living in the committee');
      const residences = await services.persons.get(actual.personId);
      const open = residences.residences.filter((x) => x.kind === 'actual' && x.validTo === null);
      assert.ok(open.length > 0);
      // Every source's record of where they live ends (the record may hold one per source).
      for (const res of open) await services.persons.endResidence(actual.personId, res.id, '2025-06-01');

      assert.deepEqual((await run('actual-population-monthly')).rows, before1.rows, 'the past date is unchanged');
      const after1 = tableOf(await run('actual-population-monthly', { asOf: '2026-01-01' }));
      const was = tableOf(beforeToday).get(c.name) ?? [];
      const now = after1.get(c.name) ?? [];
      // 人在户在 → no longer living here; with no known address elsewhere the person is not placed
      // (registered here, actual residence unknown: undetermined, stated in the note).
      assert.equal(now[0], (was[0] as number) - 1);
      assert.equal(now[4], (was[4] as number) - 1);
      assert.equal(now[5], was[5]);
      assert.equal(now[6], (was[6] as number) - 1);
    });
  });
}
