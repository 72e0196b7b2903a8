/** `populus review`, `populus persons merge|unmerge`, `populus match duplicates|reevaluate` as a user runs them. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { openPlatform } from '../../src/main.ts';

const BIN = fileURLToPath(new URL('../../bin/populus.mjs', import.meta.url));
const RULES = fileURLToPath(new URL('../../data/match-rules/chinese-department.v1.json', import.meta.url));

function populus(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('populus review, persons and match duplicates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'populus-review-cli-'));
  const database = `sqlite:${join(dir, 'populus.db')}`;
  const ids: string[] = [];

  before(async () => {
    const platform = await openPlatform(loadConfig({ DATABASE_URL: database, LOG_LEVEL: 'silent' }));
    try {
      for (const [name, sex, birthDate, phone] of [
        ['端木蓉', '2', '1979-06-01', '13911112222'],
        ['端木蓉', '2', '1979-06-01', '13911112222'],
        ['公孙策', '1', '1950-02-02', '13833334444'],
      ]) {
        const p = await platform.services.persons.create({ values: { 'person.name': name ?? '', 'person.sex': sex ?? '', 'person.birthDate': birthDate ?? '', 'person.phone': phone ?? '' } });
        ids.push(p.person.id);
      }
    } finally {
      await platform.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('match duplicates reports without writing, then queues with --apply; review list and reject', () => {
    const dry = populus(['match', 'duplicates', '--database', database]);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /3 persons/);
    assert.match(dry.out, /likely duplicates \(above the link threshold\): 1/);
    assert.match(dry.out, /nothing written/);
    assert.doesNotMatch(dry.out, /端木蓉/, 'ids and scores only');

    const applied = populus(['match', 'duplicates', '--apply', '--database', database]);
    assert.equal(applied.code, 0, applied.err);
    assert.match(applied.out, /written: 1 review item/);

    const list = populus(['review', 'list', '--kind', 'possible-match', '--database', database]);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^1 item/);
    const itemId = /\n([0-9a-f-]{36})\s+possible-match/.exec(list.out)?.[1];
    assert.ok(itemId, list.out);

    const rejected = populus(['review', 'reject', itemId, '--reason', 'sisters', '--actor', 'user:clerk', '--database', database]);
    assert.equal(rejected.code, 0, rejected.err);
    assert.match(rejected.out, /rejected by user:clerk/);
    const again = populus(['review', 'reject', itemId, '--database', database]);
    assert.equal(again.code, 1);
    assert.match(again.err, /ALREADY_DECIDED/);
    const after = populus(['match', 'duplicates', '--database', database]);
    assert.match(after.out, /1 rejected before/);
  });

  test('persons merge prints the merge id; unmerge undoes it; refusals are one clear line', () => {
    const merged = populus(['persons', 'merge', ids[0] ?? '', ids[2] ?? '', '--reason', 'test', '--database', database]);
    assert.equal(merged.code, 0, merged.err);
    const mergeId = /merge ([0-9a-f-]{36})/.exec(merged.out)?.[1];
    assert.ok(mergeId, merged.out);
    assert.match(merged.out, /moved: .*observations/);
    const undone = populus(['persons', 'unmerge', mergeId, '--database', database]);
    assert.equal(undone.code, 0, undone.err);
    assert.match(undone.out, /undone by cli:/);
    const self = populus(['persons', 'merge', ids[0] ?? '', ids[0] ?? '', '--database', database]);
    assert.equal(self.code, 1);
    assert.match(self.err, /MERGE_REFUSED/);
    assert.doesNotMatch(self.err, /\n\s+at /, 'no stack trace');
  });

  test('match reevaluate previews a rule file; match FILE still takes its arguments', () => {
    const r = populus(['match', 'reevaluate', RULES, '--database', database]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /chinese-department v1 → chinese-department v1/);
    assert.match(r.out, /nothing changed/);
    const help = populus(['match', '--help']);
    assert.match(help.out, /duplicates/);
    assert.match(help.out, /reevaluate/);
    assert.match(help.out, /--profile/);
  });
});
