/**
 * `populus user` and `populus audit` as an operator runs them, on a SQLite file: one run as a
 * child process (the password piped on stdin), the rest in-process for speed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Command, CommanderError } from 'commander';
import type { Kysely } from 'kysely';
import { isPopulusError } from '../../src/domain/errors.ts';
import { AuditService } from '../../src/access/audit.service.ts';
import { createAuditStore } from '../../src/store/audit.repository.ts';
import { openStore } from '../../src/store/store.ts';
import { migrations } from '../../src/store/migrate.ts';
import { access } from '../../src/store/migrations/0003-access.ts';
import { userCommand } from '../../src/cli/commands/user.command.ts';
import { auditCommand } from '../../src/cli/commands/audit.command.ts';

const HARNESS = fileURLToPath(new URL('./cli-harness.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'populus-access-cli-'));
const file = join(dir, 'p.db');
const DATABASE = `sqlite:${file}`;

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the commands in this process, capturing what they print. */
async function populus(args: string[], stdin = ''): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.exitCode = 0;
  let code = 0;
  try {
    const cli = new Command('populus').addCommand(userCommand(() => ({ stream: Readable.from([stdin]), isTTY: false }))).addCommand(auditCommand());
    const quiet = (c: Command): void => {
      c.exitOverride().configureOutput({ writeErr: (s) => void err.push(s), writeOut: (s) => void out.push(s) });
      c.commands.forEach(quiet);
    };
    quiet(cli);
    await cli.parseAsync([...args, '--database', DATABASE], { from: 'user' });
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    code = e instanceof CommanderError ? e.exitCode : 1;
    if (!(e instanceof CommanderError)) err.push(`populus: ${(e as Error).message}${isPopulusError(e) ? ` [${e.code}]` : ''}`);
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = 0;
  }
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('populus user and audit', () => {
  before(async () => {
    const store = await openStore(DATABASE);
    await store.migrate();
    if (!('0003-access' in migrations(store.dialect))) await access(store.dialect).up(store.db as unknown as Kysely<unknown>);
    await store.close();
  });
  after(() => undefined);

  test('as a child process: the password piped on stdin, never on the command line', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', HARNESS, 'user', 'add', 'chen.jing', '--role', 'committee-worker', '--department', 'street-population-office', '--area', '310105004001', '--name', '陈静', '--password-stdin'], {
      encoding: 'utf8',
      input: 'a long enough password\n',
      env: { ...process.env, DATABASE_URL: DATABASE },
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /user chen\.jing added: committee-worker of street-population-office in 310105004001/);
    const raw = new BetterSqlite3(file, { readonly: true });
    const row = raw.prepare('select password_hash from app_user where username = ?').get('chen.jing') as { password_hash: string };
    raw.close();
    assert.match(row.password_hash, /^\$scrypt\$/);
  });

  test('user add refuses with one clear line; list, password, disable and unlock', async () => {
    const weak = await populus(['user', 'add', 'weak.one', '--role', 'auditor', '--password-stdin'], 'short\n');
    assert.equal(weak.code, 1);
    assert.match(weak.err, /at least 12 characters \[WEAK_PASSWORD\]/);
    const noArea = await populus(['user', 'add', 'cw.one', '--role', 'committee-worker', '--password-stdin'], 'a long enough password\n');
    assert.match(noArea.err, /12-digit committee code \(--area\) \[INVALID_VALUE\]/);
    const badRole = await populus(['user', 'add', 'x.y', '--role', 'king', '--password-stdin'], 'a long enough password\n');
    assert.equal(badRole.code, 1);
    assert.match(badRole.err, /Allowed choices are platform-admin, street-admin/);
    const auditor = await populus(['user', 'add', 'shen.audit', '--role', 'auditor', '--area', '310105004', '--password-stdin'], 'another long password\n');
    assert.equal(auditor.code, 0, auditor.err);
    const list = await populus(['user', 'list']);
    assert.match(list.out, /chen\.jing\s+陈静\s+committee-worker\s+street-population-office\s+310105004001\s+active\s+off/);
    assert.equal((await populus(['user', 'password', 'shen.audit', '--password-stdin'], 'a third long password\n')).code, 0);
    assert.match((await populus(['user', 'disable', 'shen.audit'])).out, /shen\.audit disabled/);
    assert.match((await populus(['user', 'list'])).out, /shen\.audit\s+shen\.audit\s+auditor\s+-\s+310105004\s+disabled/);
    assert.match((await populus(['user', 'unlock', 'nobody'])).err, /no user nobody \[USER_NOT_FOUND\]/);
  });

  test('user token prints the token once; only its hash is kept; purposes outside the remit are refused; revoke', async () => {
    const t = await populus(['user', 'token', 'civil-affairs', '--purpose', 'RELIEF_ASSESSMENT,ELDERLY_CARE']);
    assert.equal(t.code, 0, t.err);
    const token = t.out.trim();
    assert.match(token, /^ppl_[A-Za-z0-9_-]{43}$/);
    assert.match(t.err, /only its hash is kept/);
    const listed = await populus(['user', 'tokens', 'civil-affairs']);
    assert.match(listed.out, /civil-affairs\s+civil-affairs system\s+ELDERLY_CARE RELIEF_ASSESSMENT/);
    assert.ok(!listed.out.includes(token));
    const bad = await populus(['user', 'token', 'civil-affairs', '--purpose', 'PUBLIC_SECURITY']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /PURPOSE_NOT_ALLOWED/);
    const id = /^([0-9a-f-]{36})/m.exec(listed.out.split('\n')[1] ?? '')?.[1] ?? '';
    assert.match((await populus(['user', 'revoke-token', id])).out, /revoked/);
    assert.match((await populus(['user', 'revoke-token', id])).err, /TOKEN_NOT_FOUND/);
  });

  test('audit verify: exit 0 when intact, 1 naming the first broken entry; audit head gives the anchor', async () => {
    const store = await openStore(DATABASE);
    const audit = new AuditService({ store: createAuditStore(store) });
    for (let i = 1; i <= 5; i++) {
      await audit.append([{ actor: 'system', departmentId: null, role: null, purpose: 'AUDIT', action: 'test.entry', personIds: [], elementIds: [], result: 'ok', requestId: `r${i}` }]);
    }
    await store.close();

    const ok = await populus(['audit', 'verify']);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /audit chain intact: 5 entries verified; head populus-audit-head:5:[0-9a-f]{64}/);
    const head = (await populus(['audit', 'head'])).out.trim();
    assert.match(head, /^populus-audit-head:5:[0-9a-f]{64}$/);
    const anchored = await populus(['audit', 'verify', '--anchor', head]);
    assert.equal(anchored.code, 0, anchored.out);
    assert.match(anchored.out, /the anchor matches/);
    assert.match((await populus(['audit', 'verify', '--anchor', 'nonsense'])).err, /VALIDATION_FAILED/);
    assert.match((await populus(['audit', 'prune'])).out, /nothing older than 180 days/);

    const raw = new BetterSqlite3(file);
    raw.exec('drop trigger audit_entry_no_update');
    raw.prepare("update audit_entry set request_id = 'forged' where seq = 3").run();
    raw.close();
    const broken = await populus(['audit', 'verify']);
    assert.equal(broken.code, 1);
    assert.match(broken.out, /audit chain BROKEN at entry 3 \(altered\)/);
    assert.match(broken.out, /2 entries before it verified/);
    const refused = await populus(['audit', 'prune']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /broken at entry 3; nothing was pruned \[AUDIT_CHAIN_BROKEN\]/);
  });
});
