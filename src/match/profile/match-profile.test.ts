import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPopulusError } from '../../domain/errors.ts';
import { matchCommand } from '../../cli/commands/match.command.ts';
import { bindProfile, parseMatchProfile } from './match-profile.ts';
import { loadMatchProfile, loadMatchRules, profileRulesPath, shippedProfiles } from './profile-files.ts';

describe('match profiles', () => {
  test('the shipped profiles load with their rule files', () => {
    assert.deepEqual(shippedProfiles(), ['latin-generic', 'chinese-department']);
    for (const name of shippedProfiles()) {
      const { profile, path } = loadMatchProfile(name);
      assert.equal(loadMatchRules(profileRulesPath(path, profile)).id, name);
    }
  });

  test('one generic profile reads files that name their columns differently', () => {
    const { profile } = loadMatchProfile('latin-generic');
    const febrl = bindProfile(profile, ['rec_id', ' given_name', ' surname', ' date_of_birth', ' soc_sec_id']);
    assert.deepEqual(
      febrl.toRecord(
        { rec_id: 'rec-1-org', ' given_name': ' michaela', ' surname': ' neumann', ' date_of_birth': ' 19151111', ' soc_sec_id': '' },
        2,
      ),
      {
        id: 'rec-1-org',
        fields: { givenName: 'michaela', familyName: 'neumann', birthDate: '19151111' },
      },
    );
    const rl = bindProfile(profile, ['record_id', 'label_true', 'fname_c1', 'fname_c2', 'lname_c1', 'lname_c2', 'by', 'bm', 'bd']);
    assert.deepEqual(
      rl.toRecord(
        { record_id: '7', fname_c1: 'KARL', fname_c2: 'HEINZ', lname_c1: 'MUELLER', lname_c2: '', by: '1967', bm: '9', bd: '27' },
        8,
      ).fields,
      {
        givenName: 'KARL HEINZ',
        familyName: 'MUELLER',
        birthDate: '19670927',
      },
    );
    const splink = bindProfile(profile, ['unique_id', 'first_name', 'surname', 'dob', 'city', 'email', 'cluster']);
    assert.equal(splink.idColumn, 'unique_id');
    assert.ok(splink.mapped.some((m) => m.field === 'locality' && m.from === 'city'));
  });

  test('a row without an id gets its row number; a file the profile does not fit is refused', () => {
    const { profile } = loadMatchProfile('chinese-department');
    const bound = bindProfile(profile, ['姓名', '性别', '出生日期', '身份证号码']);
    assert.equal(bound.toRecord({ 姓名: '张伟', 性别: '男', 出生日期: '1980-01-01', 身份证号码: '' }, 5).id, 'row-5');
    assert.throws(
      () => bindProfile(profile, ['foo', 'bar']),
      (e: unknown) => isPopulusError(e) && e.code === 'PROFILE_MISMATCH',
    );
  });

  test('bad profiles are refused with a reason', () => {
    assert.throws(() => parseMatchProfile({ id: 'x' }), /rules/);
    assert.throws(() => parseMatchProfile({ id: 'x', rules: 'r.json', fields: { name: [{ upper: 'NAME' }] } }), /alternative/);
    assert.throws(() => loadMatchProfile('no-such-profile'), /no match profile named/);
  });
});

describe('populus match', () => {
  const dir = mkdtempSync(join(tmpdir(), 'populus-match-'));
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  writeFileSync(
    a,
    '编号,姓名,性别,出生日期,身份证号码,联系电话,居住地址\nA1,张伟,男,1980-01-02,,13800000001,上海市长宁区新华路3弄1号101室\nA2,李娜,女,1975-05-05,,13900000002,上海市长宁区番禺路5弄2号202室\nA3,王芳,女,1990-09-09,,,上海市长宁区定西路8弄3号303室\n',
  );
  writeFileSync(
    b,
    '序号,姓名,性别,出生年月日,联系电话,现住址\n1,張偉,男,1980/1/2,13800000001,新华路3弄1号101室\n2,李娜,女,1975-05-05,,番禺路5弄2号202室\n3,赵强,男,1966-06-06,,延安西路1号\n',
  );

  async function run(args: string[]): Promise<void> {
    await matchCommand().parseAsync(args, { from: 'user' });
  }

  test('links two files and writes the pairs with levels and decisions, no names', async () => {
    const out = join(dir, 'pairs.csv');
    const log = console.log;
    const lines: string[] = [];
    console.log = (s: string) => void lines.push(s);
    const stderr = process.stderr.write.bind(process.stderr);
    process.stderr.write = () => true;
    try {
      await run([a, b, '--profile', 'chinese-department', '--no-em', '--out', out]);
    } finally {
      console.log = log;
      process.stderr.write = stderr;
    }
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    assert.match(
      csv[0] ?? '',
      /^left_id,right_id,decision,decided_by,probability,weight,citizenId_level,citizenId_weight,document_level,document_weight,name_level/,
    );
    const rows = csv.slice(1).map((l) => l.split(','));
    const links = rows.filter((r) => r[2] === 'link').map((r) => `${r[0]}-${r[1]}`);
    assert.deepEqual(links.sort(), ['A1-1', 'A2-2']);
    assert.ok(rows.find((r) => r[0] === 'A1')?.includes('folded'), 'the traditional name is folded');
    assert.doesNotMatch(csv.join('\n'), /张|張|李娜|1380/);
    assert.ok(
      lines.some((l) => /decisions: 2 link/.test(l)),
      lines.join('\n'),
    );
    rmSync(out);
  });

  test('a missing file fails with a clear error', async () => {
    await assert.rejects(run([join(dir, 'nope.csv'), '--profile', 'chinese-department']), /cannot open|not found|no such/i);
  });
});
