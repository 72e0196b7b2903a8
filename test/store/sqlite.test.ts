/** The embedded default's durability settings hold on every connection. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/store/store.ts';
import { configureConnection } from '../../src/store/sqlite/open-sqlite.ts';

test('a SQLite file store runs in WAL with synchronous=FULL and foreign keys on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'populus-sqlite-'));
  const store = await openStore(`sqlite:${join(dir, 'nested', 'p.db')}`);
  assert.ok(store.sqlite);
  assert.equal(store.sqlite.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.sqlite.pragma('synchronous', { simple: true }), 2);
  assert.equal(store.sqlite.pragma('foreign_keys', { simple: true }), 1);
  await store.close();
});

test('a connection that cannot hold WAL is refused, not used less durably', () => {
  const raw = new BetterSqlite3(':memory:');
  // A file-less database reports journal mode "memory": acceptable only when the caller says it is in memory.
  assert.throws(() => configureConnection(raw, false), /WAL/);
  assert.doesNotThrow(() => configureConnection(raw, true));
  raw.close();
});
