/**
 * The matcher against the registry, on every backend: two records of one new person in one import
 * chunk make one person; duplicate detection queues pairs and skips rejected ones; a rule change is
 * previewed and applied to the links the import made by score.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import type { MappingProfile } from '../../src/domain/ingest/profile.ts';
import { servicesFor } from '../../src/main.ts';
import type { MatchRules } from '../../src/match/match-rules.ts';
import { probabilityOf } from '../../src/match/fellegi-sunter.ts';
import { loadMatchRules, matchRulesDir } from '../../src/match/profile/profile-files.ts';
import type { Services } from '../../src/services/services.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';

const HOME = '310105004';
const id = (body17: string): string => body17 + computeCheckChar(body17);

/** A department file without ID numbers: records are keyed by the department's own file number. */
const clinicProfile: MappingProfile = {
  extract: 'delta',
  recordKey: ['档案号'],
  columns: [
    { column: '档案号', target: { ignore: true } },
    { column: '姓名', target: { element: 'person.name' }, transforms: ['simplified', 'removeSpaces'] },
    { column: '性别', target: { element: 'person.sex' }, codeMap: 'sex' },
    { column: '出生日期', target: { element: 'person.birthDate' }, transforms: ['date'] },
    { column: '联系电话', target: { element: 'person.phone' }, transforms: ['phone'] },
    { column: '居住地址', target: { residence: 'actual', part: 'address', areaCode: HOME } },
  ],
  codeMaps: { sex: { table: 'sex', map: { 男: '1', 女: '2' } } },
};

const policeProfile: MappingProfile = {
  extract: 'delta',
  recordKey: ['公民身份号码'],
  columns: [
    { column: '姓名', target: { element: 'person.name' } },
    { column: '性别', target: { element: 'person.sex' }, codeMap: 'sex' },
    { column: '公民身份号码', target: { identifier: 'CN_ID' }, required: true },
    { column: '联系电话', target: { element: 'person.phone' }, transforms: ['phone'] },
    { column: '居住地址', target: { residence: 'actual', part: 'address', areaCode: HOME } },
  ],
  codeMaps: { sex: { table: 'sex', map: { 男: '1', 女: '2' } } },
};

const CLINIC_HEADER = '档案号,姓名,性别,出生日期,联系电话,居住地址';

for (const backend of await backends()) {
  describe(`matching against the registry on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    let rules: MatchRules;
    const dir = mkdtempSync(join(tmpdir(), 'populus-matching-'));
    const file = (name: string, lines: string[]): string => {
      const path = join(dir, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    };
    const persons = async (): Promise<number> => (await store.db.selectFrom('person').select('id').where('status', '=', 'active').execute()).length;

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME);
      rules = loadMatchRules(`${matchRulesDir()}/chinese-department.v1.json`);
      for (const [sourceId, profile] of [['clinic', clinicProfile], ['clinic-2', clinicProfile], ['police', policeProfile]] as const) {
        await s.sources.define({ id: sourceId, departmentId: 'police-household', nameZh: sourceId, nameEn: sourceId, level: 'street', owns: [] });
        await s.sources.addProfile(sourceId, profile);
      }
    });
    after(() => backend.dispose());

    test('two records of one new person in one chunk make one person; two different people stay two', async () => {
      const start = await persons();
      const r = await s.imports.importFile(
        'clinic',
        file('clinic-1.csv', [
          CLINIC_HEADER,
          'A-001,欧阳娜娜,女,1984-03-07,13912345678,新华路3弄1号101室',
          'A-002,歐陽娜娜,女,1984-03-07,13912345678,新华路3弄1号101室',
          'A-003,司马光,男,1950-11-02,13800001111,法华镇路12号',
        ]),
        { observedAt: '2026-01-10' },
      );
      assert.equal(r.rowsRejected, 0);
      assert.equal(r.personsCreated, 2, 'the same person twice in one chunk is one new person');
      assert.equal((await persons()) - start, 2);
      const links = await store.db.selectFrom('source_record').select(['record_key', 'person_id', 'link_rule']).where('source_id', '=', 'clinic').orderBy('record_key').execute();
      assert.equal(links[0]?.person_id, links[1]?.person_id);
      assert.notEqual(links[0]?.person_id, links[2]?.person_id);
      assert.match(links[1]?.link_rule ?? '', /^matcher:chinese-department@1:chunk$/);
    });

    test('a later record of that person links to it by score, and the link is kept with its explanation', async () => {
      const start = await persons();
      const r = await s.imports.importFile('clinic-2', file('clinic-2.csv', [CLINIC_HEADER, 'B-9,欧阳娜娜,女,1984-03-07,13912345678,新华路3弄1号101室']), { observedAt: '2026-02-01' });
      assert.equal(r.personsCreated, 0);
      assert.equal(await persons(), start);
      const kept = await store.db.selectFrom('match_link').selectAll().execute();
      assert.equal(kept.length, 1);
      const explanation = JSON.parse(kept[0]?.detail ?? '{}') as { decision?: string; comparisons?: unknown[] };
      assert.equal(explanation.decision, 'link');
      assert.ok((explanation.comparisons ?? []).length > 0);
    });

    test('a rule change is previewed without changing anything, then applied: the link is split off and queued', async () => {
      // A stricter link threshold, just above the score the kept link had.
      const kept = await store.db.selectFrom('match_link').select('detail').executeTakeFirstOrThrow();
      const total = (JSON.parse(kept.detail) as { total: number }).total;
      const strict: MatchRules = { ...rules, version: 2, thresholds: { link: probabilityOf(total + 1), review: 0.5 } };
      const start = await persons();
      const preview = await s.reevaluation.preview(strict);
      assert.equal(preview.applied, false);
      assert.equal(preview.transitions['link→review'], 1, JSON.stringify(preview.transitions));
      assert.equal(await persons(), start, 'a preview writes nothing');
      const same = await s.reevaluation.preview(rules);
      assert.equal(same.changed.length, 0, 'the rules in force change nothing');

      const applied = await s.reevaluation.apply(strict, 'rule:chinese-department@2');
      assert.equal(applied.actions.split, 1);
      assert.equal(applied.actions.queued, 1);
      assert.equal(await persons(), start + 1, 'the record is a person of its own again');
      const queued = await s.reviews.list({ kind: 'possible-match', status: 'open', limit: 10, offset: 0 });
      assert.equal(queued.total, 1);
      const again = await s.reevaluation.preview(strict);
      assert.equal(again.transitions['link→review'] ?? 0, 0, 'the split link is no longer a link');
      assert.equal(again.transitions['review→review'], 1, 'the queued item is re-evaluated like any other');
    });

    test('duplicate detection: reports, queues on --apply, skips rejected and queued pairs, merges on request', async () => {
      // Two persons entered by hand who are one (no ID number), and one with an ID number.
      const a = await s.persons.create({ values: { 'person.name': '诸葛亮', 'person.sex': '1', 'person.birthDate': '1981-04-05', 'person.phone': '13700002222' } });
      const b = await s.persons.create({ values: { 'person.name': '諸葛亮', 'person.sex': '1', 'person.birthDate': '1981-04-05', 'person.phone': '13700002222' } });
      await s.imports.importFile('police', file('police.csv', ['姓名,性别,公民身份号码,联系电话,居住地址', `王小二,男,${id('31010519900101123')},13600003333,新华路5号`]), { observedAt: '2026-01-01' });

      const dry = await s.duplicates.detect('user:test');
      assert.equal(dry.applied, false);
      const pair = dry.pairs.find((p) => new Set([p.personId, p.candidateId]).has(a.person.id));
      assert.ok(pair, 'the pair is found');
      assert.equal(pair.candidateId, a.person.id, 'the older person is the candidate');
      assert.equal(pair.personId, b.person.id);
      assert.equal(dry.itemsCreated, 0);

      const applied = await s.duplicates.detect('user:test', { apply: true });
      assert.ok(applied.itemsCreated >= 1);
      const again = await s.duplicates.detect('user:test', { apply: true });
      assert.equal(again.itemsCreated, 0, 'queued pairs are not queued twice');
      assert.ok(again.skippedQueued >= 1);

      const items = await s.reviews.list({ kind: 'possible-match', status: 'open', personId: b.person.id, limit: 10, offset: 0 });
      const item = items.items.find((i) => i.detail['candidateId'] === a.person.id);
      assert.ok(item);
      await s.reviews.reject(item.id, 'user:test', 'twins');
      const afterReject = await s.duplicates.detect('user:test', { apply: true });
      assert.ok(afterReject.skippedRejected >= 1, 'a rejected pair is not asked again');
      assert.ok(!afterReject.pairs.some((p) => p.personId === b.person.id && p.candidateId === a.person.id));

      const c = await s.persons.create({ values: { 'person.name': '皇甫嵩', 'person.sex': '1', 'person.birthDate': '1970-02-03', 'person.phone': '13500004444' } });
      const d = await s.persons.create({ values: { 'person.name': '皇甫嵩', 'person.sex': '1', 'person.birthDate': '1970-02-03', 'person.phone': '13500004444' } });
      const merged = await s.duplicates.detect('system', { apply: true, merge: true });
      assert.ok(merged.merged >= 1);
      assert.equal((await s.persons.get(d.person.id)).person.id, c.person.id, 'merged into the older person');
    });
  });
}
