import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { checkIdNumber } from '../domain/id-number.ts';
import { defaultAreaCodeHistory } from '../reference/area-code-history.ts';
import { ageOn } from './calendar.ts';
import { generateDemo, STREET_COMPOSITION } from './demo-generator.ts';
import { readCsvText, readJsonLines, readLinks, readManifest, readPersons, readSystems } from './truth-reader.ts';
import type { PersonTruth } from './truth-writer.ts';

const root = mkdtempSync(join(tmpdir(), 'populus-demo-'));
const dirA = join(root, 'a');
const dirA2 = join(root, 'a2');
const dirB = join(root, 'b');
const SCALE = 0.02;

before(async () => {
  await generateDemo({ seed: 7, outDir: dirA, scale: SCALE });
  await generateDemo({ seed: 7, outDir: dirA2, scale: SCALE });
  await generateDemo({ seed: 8, outDir: dirB, scale: 0.005 });
});

after(() => rmSync(root, { recursive: true, force: true }));

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('determinism', () => {
  test('the same seed gives byte-identical output, XLSX included', () => {
    assert.equal(sha(join(dirA, 'manifest.json')), sha(join(dirA2, 'manifest.json')));
    const manifest = readManifest(dirA);
    assert.ok(
      manifest.files.some((f) => f.path.endsWith('.xlsx')),
      'XLSX files in the manifest',
    );
    for (const f of manifest.files) assert.equal(sha(join(dirA2, f.path)), f.sha256, f.path);
  });

  test('another seed gives other output', () => {
    const a = readManifest(dirA).files.find((f) => f.path === 'extracts/police-household-register.csv');
    const b = readManifest(dirB).files.find((f) => f.path === 'extracts/police-household-register.csv');
    assert.ok(a && b, 'police register in both manifests');
    assert.notEqual(a.sha256, b.sha256);
  });
});

describe('the population', () => {
  let persons: Map<string, PersonTruth>;
  before(() => {
    persons = readPersons(dirA);
  });

  test('composition matches the study: 47.7 / 30.6 / 17.1 / 4.6 % and 21,000 registered elsewhere per street', () => {
    const counts: Record<string, number> = {};
    for (const p of persons.values()) if (p.status === 'present') counts[p.category] = (counts[p.category] ?? 0) + 1;
    const actual = ['RESIDENT_REGISTERED', 'RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 'FROM_OTHER_PROVINCE', 'FROM_ABROAD'].reduce(
      (n, c) => n + (counts[c] ?? 0),
      0,
    );
    assert.ok(Math.abs(actual - 81_800 * SCALE) <= 2, `actual residents ${actual}`);
    for (const [category, share] of [
      ['RESIDENT_REGISTERED', 0.477],
      ['RESIDENT_REGISTERED_ELSEWHERE_LOCAL', 0.306],
      ['FROM_OTHER_PROVINCE', 0.171],
      ['FROM_ABROAD', 0.046],
    ] as const) {
      assert.ok(Math.abs((counts[category] ?? 0) / actual - share) < 0.005, `${category}: ${counts[category]} of ${actual}`);
    }
    assert.ok(
      Math.abs((counts.REGISTERED_ABSENT ?? 0) - STREET_COMPOSITION.REGISTERED_ABSENT * SCALE) <= 2,
      `${counts.REGISTERED_ABSENT} registered elsewhere`,
    );
  });

  test('about a third of the actual residents are 60 or older', () => {
    let actual = 0;
    let old = 0;
    for (const p of persons.values()) {
      if (p.status !== 'present' || p.category === 'REGISTERED_ABSENT') continue;
      actual++;
      if (ageOn(p.values['person.birthDate'] ?? '', '2024-12-31') >= 60) old++;
    }
    assert.ok(old / actual > 0.27 && old / actual < 0.4, `60+ share ${old / actual}`);
  });

  test('every true citizen ID number is valid and agrees with birth date and sex', () => {
    const areas = defaultAreaCodeHistory();
    let checked = 0;
    for (const p of persons.values()) {
      const id = p.values['person.citizenIdNumber'];
      if (!id) continue;
      const today = p.status === 'born' && p.statusDate ? p.statusDate : '2024-12-31';
      const verdict = checkIdNumber(id, { areas, today, strict: true });
      assert.ok(verdict.valid, `${p.id}: ${verdict.valid ? '' : verdict.message}`);
      assert.equal(verdict.facts.birthDate, p.values['person.birthDate']);
      assert.equal(verdict.facts.sex, p.values['person.sex']);
      checked++;
    }
    assert.ok(checked > 2000, `${checked} checked`);
  });

  test('ID numbers are unique and their address codes match where people were registered', () => {
    const seen = new Set<string>();
    let retired = 0;
    for (const p of persons.values()) {
      const id = p.values['person.citizenIdNumber'];
      if (!id) {
        assert.equal(p.category, 'FROM_ABROAD', `${p.id} has no ID number`);
        continue;
      }
      assert.ok(!seen.has(id), `duplicate ID number for ${p.id}`);
      seen.add(id);
      if (p.category === 'FROM_OTHER_PROVINCE') assert.ok(!id.startsWith('31'), `migrant ${p.id} has a Shanghai code`);
      else assert.ok(id.startsWith('31'), `local ${p.id} has a non-Shanghai code`);
      if (['310102', '310103', '310108', '310230', '310221', '310225'].includes(id.slice(0, 6))) retired++;
    }
    assert.ok(retired > 0, 'some older locals carry retired district codes');
  });

  test('foreigners have latin names, passports and GB/T 2659 nationalities', () => {
    const foreigners = [...persons.values()].filter((p) => p.category === 'FROM_ABROAD' && p.values['person.nationality'] !== 'CHN');
    assert.ok(foreigners.length > 20, `${foreigners.length} foreigners`);
    for (const p of foreigners) {
      assert.match(p.values['person.latinName'] ?? '', /^[A-Z]+ [A-Z ]+$/);
      assert.equal(p.values['person.identityDocumentType'], 'PASSPORT');
      assert.match(p.values['person.nationality'] ?? '', /^[A-Z]{3}$/);
    }
  });

  test('every truth link points to an existing person, event and row', () => {
    const links = readLinks(dirA);
    const manifest = readManifest(dirA);
    for (const link of links.values()) {
      assert.ok(persons.has(link.personId), `link to unknown person ${link.personId}`);
      const file = manifest.files.find((f) => f.path.startsWith(`extracts/${link.system}.`));
      assert.ok(file && link.row >= 1 && link.row <= file.rows, `${link.system} row ${link.row}`);
    }
    const events = readJsonLines<{ id: string; personId: string }>(dirA, 'truth/events.jsonl');
    const eventIds = new Set(events.map((e) => e.id));
    for (const e of events) assert.ok(persons.has(e.personId), `event of unknown person ${e.personId}`);
    for (const [, , eventId, personId] of readCsvText(readFileSync(join(dirA, 'truth/change-links.csv'), 'utf8')).slice(1)) {
      assert.ok(eventIds.has(eventId ?? ''), `change row of unknown event ${eventId}`);
      assert.ok(persons.has(personId ?? ''), `change row of unknown person ${personId}`);
    }
  });

  test('every person belongs to a household and a dwelling of the truth', () => {
    const households = new Set(readJsonLines<{ id: string }>(dirA, 'truth/households.jsonl').map((h) => h.id));
    const dwellings = new Set(readJsonLines<{ id: string }>(dirA, 'truth/dwellings.jsonl').map((d) => d.id));
    for (const p of persons.values()) {
      assert.ok(households.has(p.householdId), `${p.id} in unknown household ${p.householdId}`);
      if (p.dwellingId) assert.ok(dwellings.has(p.dwellingId), `${p.id} in unknown dwelling ${p.dwellingId}`);
    }
  });

  test('the kinds of people are assigned consistently', () => {
    for (const p of persons.values()) {
      // People arriving or born during the year of changes get their kinds as of that day.
      const on = p.status === 'arriving' || p.status === 'born' ? (p.statusDate ?? '2024-12-31') : '2024-12-31';
      const age = ageOn(p.values['person.birthDate'] ?? '', on);
      if (p.kinds.includes('militia')) assert.ok(age >= 18 && age <= 35, `militia member ${p.id} aged ${age}`);
      if (p.kinds.includes('elderly-living-alone')) assert.ok(age >= 60, `${p.id} living alone aged ${age}`);
      if (p.kinds.includes('party-member'))
        assert.ok(['01', '02'].includes(p.values['person.politicalStatus'] ?? ''), `party member ${p.id}`);
      if (p.kinds.includes('disabled'))
        assert.ok(p.values['person.disabilityCategory'] && p.values['person.disabilityGrade'], `disabled ${p.id}`);
      if (p.kinds.includes('minimum-income')) assert.equal(p.values['relief.programme'], 'MINIMUM_INCOME');
    }
    const kinds = new Set([...persons.values()].flatMap((p) => p.kinds));
    for (const k of [
      'elderly-80',
      'elderly-living-alone',
      'women-15-49',
      'disabled',
      'party-member',
      'militia',
      'conscription-registered',
      'minimum-income',
      'youth-volunteer',
    ]) {
      assert.ok(kinds.has(k), `nobody is ${k}`);
    }
  });
});

describe('extract files', () => {
  test('GBK and GB18030 files decode with iconv-lite and start with their Chinese header', () => {
    const systems = readSystems(dirA);
    for (const s of systems.filter((x) => x.encoding === 'gbk' || x.encoding === 'gb18030')) {
      const bytes = readFileSync(join(dirA, s.file));
      assert.ok(bytes.toString('utf8').includes('\ufffd'), `${s.file} is not really ${s.encoding}`);
      const firstLine = iconv.decode(bytes, s.encoding).split(/\r?\n/)[0];
      assert.equal(firstLine, s.columns.map((c) => c.header).join(','));
    }
    assert.ok(
      systems.some((s) => s.encoding === 'gbk'),
      'a GBK system',
    );
  });

  test('an XLSX with a merged title row opens with exceljs', async () => {
    const system = readSystems(dirA).find((s) => s.id === 'civil-affairs-relief');
    assert.ok(system, 'civil-affairs-relief in systems.json');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dirA, system.file));
    const sheet = workbook.worksheets[0];
    assert.ok(sheet, 'a worksheet');
    assert.match(String(sheet.getRow(1).getCell(1).value), /社会救助对象花名册/);
    const lastColumn = String.fromCharCode(64 + system.columns.length);
    assert.ok(sheet.model.merges.includes(`A1:${lastColumn}1`), `merges: ${sheet.model.merges.join(' ')}`);
    assert.equal(sheet.getRow(system.headerRow).getCell(1).value, system.columns[0]?.header);
  });

  test('every system of the study has its extract, and the noise is there', () => {
    const systems = readSystems(dirA);
    assert.equal(systems.length, 27);
    const levels = systems.filter((s) => !['police-household-register', 'foreigners-register'].includes(s.id)).map((s) => s.level);
    assert.deepEqual(
      [
        levels.filter((l) => l === 'city').length,
        levels.filter((l) => l === 'district').length,
        levels.filter((l) => l === 'street').length,
      ],
      [18, 5, 2],
    );
    const noise = [...readLinks(dirA).values()].map((l) => l.noise).join(';');
    for (const kind of ['name-homophone', 'id-missing', 'id-15-digit', 'stale-address', 'duplicate'])
      assert.ok(noise.includes(kind), `no ${kind} noise`);
  });

  test('a year of dated change files follows the export date', () => {
    const months = readdirSync(join(dirA, 'changes')).sort();
    assert.equal(months[0], '2025-01');
    assert.ok(months.length === 12 && months.at(-1) === '2025-12', months.join(' '));
    assert.ok(existsSync(join(dirA, 'changes', months[0] ?? '', 'street-population-database.csv')), 'street database changes in January');
    const events = readJsonLines<{ kind: string; date: string }>(dirA, 'truth/events.jsonl');
    const moves = events.filter((e) => e.kind === 'move-in' || e.kind === 'move-out').length;
    assert.ok(moves > 12_000 * SCALE * 0.6 && moves < 12_000 * SCALE * 1.6, `${moves} moves`);
    for (const kind of ['birth', 'death', 'marriage', 'permit-expiry'])
      assert.ok(
        events.some((e) => e.kind === kind),
        `no ${kind}`,
      );
    assert.ok(
      events.every((e) => e.date > '2024-12-31' && e.date <= '2025-12-31'),
      'events within the year',
    );
  });
});
