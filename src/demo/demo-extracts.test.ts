import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ageOn } from './calendar.ts';
import { generateDemo } from './demo-generator.ts';
import {
  cellToStandard,
  readCodeMappings,
  readExtract,
  readLinks,
  readManifest,
  readPersons,
  readSystems,
  truthFor,
  type TruthSystem,
} from './truth-reader.ts';
import type { PersonTruth } from './truth-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'populus-demo-clean-'));
const AS_OF = '2024-12-31';
const DISTRICT = '长宁区';

before(async () => {
  await generateDemo({ seed: 21, outDir: dir, scale: 0.02, noise: 0 });
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Who may appear in each system, checked against the truth (noise 0: no departed people, no snapshots). */
const BELONGS: Readonly<Record<string, (p: PersonTruth, age: number) => boolean>> = {
  'police-household-register': (p) => p.category === 'RESIDENT_REGISTERED' || p.category === 'REGISTERED_ABSENT',
  'foreigners-register': (p) => p.category === 'FROM_ABROAD',
  'family-planning': (p, age) =>
    (p.values['person.sex'] === '2' && age >= 15 && age <= 49 && p.category !== 'FROM_ABROAD' && p.category !== 'REGISTERED_ABSENT') ||
    (age < 18 && (p.values['person.motherIdNumber'] ?? '') !== ''),
  'elderly-living-alone': (p, age) => p.kinds.includes('elderly-living-alone') && age >= 60,
  'conscription-registration': (p) => p.values['person.sex'] === '1' && p.kinds.includes('conscription-registered'),
  militia: (p, age) => p.kinds.includes('militia') && age >= 18 && age <= 35,
  'civil-affairs-relief': (p) => (p.values['relief.programme'] ?? '') !== '',
  'party-members': (p) => p.kinds.includes('party-member'),
  'actual-population': (p) => p.category !== 'REGISTERED_ABSENT',
  'social-insurance-card-residence-permit': (p, age) => p.category === 'FROM_OTHER_PROVINCE' && age >= 16,
  'labour-social-security': (p, age) => age >= 16 && age <= 64 && p.category !== 'FROM_OTHER_PROVINCE' && p.category !== 'FROM_ABROAD',
};

describe('noise-free extracts (--noise 0)', () => {
  let systems: TruthSystem[];
  let persons: Map<string, PersonTruth>;
  before(() => {
    systems = readSystems(dir);
    persons = readPersons(dir);
  });

  test('every extract value maps back to the truth exactly', async () => {
    const links = readLinks(dir);
    const mappings = readCodeMappings(dir);
    const manifest = readManifest(dir);
    let cells = 0;
    for (const system of systems) {
      const { header, rows } = await readExtract(dir, system);
      assert.deepEqual(
        header,
        system.columns.map((c) => c.header),
        system.id,
      );
      assert.equal(rows.length, manifest.files.find((f) => f.path === system.file)?.rows, `${system.id} row count`);
      rows.forEach((row, i) => {
        const link = links.get(`${system.id}:${i + 1}`);
        assert.ok(link, `${system.id} row ${i + 1} has no link`);
        assert.equal(link.noise, '');
        const person = persons.get(link.personId);
        assert.ok(person, `${system.id} row ${i + 1} links to an unknown person`);
        system.columns.forEach((column, j) => {
          const got = cellToStandard(row[j] ?? '', column, mappings[system.id], DISTRICT);
          const want = truthFor(person, column, AS_OF, DISTRICT);
          if (got !== want) assert.fail(`${system.id} row ${i + 1} ${column.header}: extract "${row[j]}" → ${String(got)}, truth ${want}`);
          cells++;
        });
      });
    }
    assert.ok(cells > 50_000, `${cells} cells compared`);
  });

  test('each extract contains only its own population, and only people present on the export date', () => {
    const links = readLinks(dir);
    const counts: Record<string, number> = {};
    for (const link of links.values()) {
      const p = persons.get(link.personId);
      assert.ok(p, `link to unknown person ${link.personId}`);
      assert.equal(p.status, 'present', `${link.system} lists ${p.id}, who is ${p.status}`);
      counts[link.system] = (counts[link.system] ?? 0) + 1;
      const belongs = BELONGS[link.system];
      if (belongs)
        assert.ok(
          belongs(p, ageOn(p.values['person.birthDate'] ?? '', AS_OF)),
          `${link.system} lists ${p.id} (${p.category}, ${p.values['person.birthDate']})`,
        );
    }
    for (const id of Object.keys(BELONGS)) assert.ok((counts[id] ?? 0) > 0, `${id} is empty`);
  });

  test('the single-PC systems export the current state when noise is off', () => {
    for (const s of systems) assert.equal(s.snapshotDate, AS_OF, s.id);
  });
});
