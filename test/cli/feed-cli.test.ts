/** `populus feed`: the outbox and the subscriptions as an operator sees them — no personal values printed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { openPlatform } from '../../src/main.ts';

const BIN = fileURLToPath(new URL('../../bin/populus.mjs', import.meta.url));

function populus(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('feed events, status and a dispatch pass on a SQLite file', async () => {
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'populus-feed-cli-')), 'p.db')}`;
  const platform = await openPlatform(loadConfig({ DATABASE_URL: db, LOG_LEVEL: 'silent' }));
  const p = await platform.services.persons.create({ values: { 'person.name': '钱七', 'person.phone': '13912345678' }, residences: [{ kind: 'actual', areaCode: '310105004001' }] });
  await platform.close();

  const events = populus(['feed', 'events', '--database', db]);
  assert.equal(events.code, 0, events.err);
  assert.match(events.out, new RegExp(`1\\s+\\S+\\s+person\\.created\\s+${p.person.id}\\s+system`));
  assert.match(events.out, /residence\.moved/);
  assert.doesNotMatch(events.out, /钱七|13912345678/, 'no values: they are personal data');

  const status = populus(['feed', 'status', '--database', db]);
  assert.equal(status.code, 0, status.err);
  assert.match(status.out, /outbox head: 2 /);
  assert.match(status.out, /no subscriptions/);

  const once = populus(['feed', 'dispatch', '--once', '--database', db]);
  assert.equal(once.code, 0, once.err);
  assert.match(once.out, /delivered 0 event\(s\)/);
});
