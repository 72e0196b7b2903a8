/**
 * `populus serve` as a newcomer meets it (what `npm start` runs): an empty database gets a small
 * demo street loaded through the import pipeline and the demo accounts printed, the web console
 * built and served at /; then the API answers only to a login, within the account's remit, and
 * records each read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/populus.mjs', import.meta.url));

test('serve on an empty database: demo street, demo accounts, login, remit-bound search', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'populus-serve-'));
  const port = 20000 + (process.pid % 20000);
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--database', `sqlite:${join(dir, 'p.db')}`, '--demo-dir', dir], {
    env: { ...process.env, POPULUS_DEMO_SCALE: '0.005', POPULUS_COOKIE_SECURE: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const started = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', () => {
        if (/Populus is serving/.test(out)) resolve(true);
      });
      child.on('exit', () => resolve(false));
    });
    assert.ok(started, `serve did not start:\n${out}\n${err}`);
    const password = /Demo accounts \(password (\S+) /.exec(out)?.[1];
    assert.ok(password, `the demo accounts are printed with their password:\n${out}`);
    assert.match(out, /committee\s+committee-worker\s+310105004001/);
    const base = `http://127.0.0.1:${port}/api/v1`;

    // The web console is built when missing or stale, and served at / (its routes too).
    assert.match(out, /the web console at http:\/\/127\.0\.0\.1:\d+\//, `the console's address is printed:\n${out}\n${err}`);
    for (const path of ['/', '/persons/some-id']) {
      const page = await fetch(`http://127.0.0.1:${port}${path}`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="root"><\/div>/, `${path} is the console's page`);
    }

    const anonymous = await fetch(`${base}/persons/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(anonymous.status, 401);

    const login = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'committee', password }) });
    assert.equal(login.status, 200);
    const session = (await login.json()) as { csrfToken: string; purposes: string[] };
    assert.ok(session.purposes.includes('POPULATION_SERVICE'));
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': session.csrfToken, 'x-purpose': 'POPULATION_SERVICE' };
    const found = await fetch(`${base}/persons/search`, { method: 'POST', headers, body: JSON.stringify({ limit: 50 }) });
    assert.equal(found.status, 200);
    const page = (await found.json()) as { total: number; items: { residences: { areaCode: string; validTo: string | null }[]; identifiers: { number: string }[] }[] };
    assert.ok(page.total > 0, 'the committee worker sees the residents of their committee');
    for (const p of page.items) {
      assert.ok(p.residences.some((r) => r.areaCode.startsWith('310105004001')), 'and only them');
      for (const i of p.identifiers) assert.match(i.number, /\*/, 'ID numbers masked');
    }
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
