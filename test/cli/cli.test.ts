/** The `populus` command as a user runs it: help, exit codes, clear one-line errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/populus.mjs', import.meta.url));

function populus(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('populus CLI', () => {
  test('--help lists the commands, and each has its own help', () => {
    const r = populus(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['serve', 'migrate', 'id', 'standard', 'area']) assert.match(r.out, new RegExp(`\\b${c}\\b`));
    const serve = populus(['serve', '--help']);
    assert.match(serve.out, /--port/);
  });

  test('id check: verdict and reason, exit code 0 or 1, number masked', () => {
    const ok = populus(['id', 'check', '310105199003071236']);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /valid: 310\*+1236/);
    assert.match(ok.out, /1990-03-07/);
    assert.doesNotMatch(ok.out, /310105199003071236/, 'masked by default');
    const bad = populus(['id', 'check', '310105199013011237']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /BIRTH_DATE/);
    const old = populus(['id', 'check', '310105900307123']);
    assert.equal(old.code, 0);
    assert.match(old.out, /converted from the 15-digit form/);
  });

  test('an unreachable database fails with the host named, never the password', () => {
    const r = populus(['migrate', '--database', 'postgres://populus:s3cret-pw@127.0.0.1:1/populus']);
    assert.equal(r.code, 1);
    assert.match(r.err, /127\.0\.0\.1:1/);
    assert.match(r.err, /DATABASE_UNREACHABLE/);
    assert.doesNotMatch(r.err + r.out, /s3cret-pw/);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  });

  test('a bad setting is named', () => {
    const r = populus(['serve'], { PORT: 'eighty' });
    assert.equal(r.code, 1);
    assert.match(r.err, /PORT="eighty" is not valid/);
  });

  test('migrate then standard and area commands on a SQLite file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'populus-cli-'));
    const db = `sqlite:${join(dir, 'p.db')}`;
    const m = populus(['migrate', '--database', db]);
    assert.equal(m.code, 0, m.err);
    assert.match(m.out, /applied 0001-foundation, .*; reference data loaded/);
    const add = populus(['standard', 'add-code', 'marital-status', '50', '分居', '--valid-from', '2026-01-01', '--database', db]);
    assert.equal(add.code, 0, add.err);
    const codes = populus(['standard', 'codes', 'marital-status', '--database', db]);
    assert.match(codes.out, /50\s+分居/);
    const dup = populus(['standard', 'add-code', 'marital-status', '50', '分居', '--valid-from', '2026-01-01', '--database', db]);
    assert.equal(dup.code, 1);
    assert.match(dup.err, /CODE_EXISTS/);
    const area = populus(['area', 'get', '310105004001', '--database', db]);
    assert.match(area.out, /新华路街道/);
    assert.match(area.out, /番禺居委会/);
  });
});
