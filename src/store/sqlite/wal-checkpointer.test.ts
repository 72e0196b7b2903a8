/**
 * The checkpointer thread copies the write-ahead log back into the database file once its backlog
 * reaches the threshold, while the writing connection never checkpoints itself (its automatic
 * checkpoint is turned off here): the database file grows only through the thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { configureConnection } from './open-sqlite.ts';
import { WalCheckpointer, type CheckpointerStats } from './wal-checkpointer.ts';
import { checkpointerFor } from '../../main.ts';
import { openStore } from '../store.ts';

function writer(path: string): BetterSqlite3.Database {
  const raw = new BetterSqlite3(path);
  configureConnection(raw, false);
  raw.pragma('wal_autocheckpoint = 0');
  raw.exec('create table t (id integer primary key, body text not null)');
  return raw;
}

/** Inserts `rows` rows of 3,500 characters (a 4 KiB page each), 200 to a transaction. */
function write(raw: BetterSqlite3.Database, from: number, rows: number): void {
  const insert = raw.prepare('insert into t (id, body) values (?, ?)');
  const some = raw.transaction((a: number, b: number) => {
    for (let i = a; i < b; i++) insert.run(i, String(i % 10).repeat(3500));
  });
  for (let i = from; i < from + rows; i += 200) some(i, Math.min(from + rows, i + 200));
}

/** Asks the thread until `done` holds (each answer comes after at least one more look at the log). */
async function until(c: WalCheckpointer, done: (s: CheckpointerStats) => boolean): Promise<CheckpointerStats> {
  for (let i = 0; i < 2000; i++) {
    const s = await c.stats();
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  return c.stats();
}

test('the thread copies the log back once the backlog reaches its threshold, and not before', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'populus-ckpt-'));
  const path = join(dir, 'db.sqlite');
  const raw = writer(path);
  const c = new WalCheckpointer(path, { thresholdFrames: 400, pollMs: 2 });
  try {
    // Well under 400 pages: the thread leaves them in the log.
    write(raw, 0, 100);
    const sizeBefore = statSync(path).size;
    let s: CheckpointerStats | undefined;
    for (let i = 0; i < 20; i++) {
      s = await c.stats();
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(s?.checkpoints, 0, 'no checkpoint below the threshold');
    assert.equal(statSync(path).size, sizeBefore);

    // Past it: the pages arrive in the database file, copied by the thread alone.
    write(raw, 100, 1000);
    s = await until(c, (x) => x.frames >= 400);
    assert.ok(s.checkpoints >= 1, 'the thread checkpointed');
    assert.ok(s.frames >= 400, `it copied the backlog (${s.frames} frames)`);
    assert.equal(s.failures, 0, s.lastError ?? '');
    assert.ok(statSync(path).size > sizeBefore + 500 * 4096, 'the database file holds the copied pages');
    // The data reads the same through a fresh connection.
    const reader = new BetterSqlite3(path, { readonly: true });
    assert.deepEqual(reader.prepare('select count(*) as n, sum(length(body)) as chars from t').get(), { n: 1100, chars: 3_850_000 });
    reader.close();
  } finally {
    const last = await c.close();
    assert.equal(last.failures, 0);
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a platform on an SQLite file gets the thread; in memory, on 0 MiB or after close, none runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'populus-ckpt-'));
  const file = await openStore(`sqlite:${join(dir, 'p.db')}`);
  const memory = await openStore('sqlite::memory:');
  try {
    const c = checkpointerFor(file, 64);
    assert.ok(c, 'a file has a checkpointer');
    assert.equal((await c.stats()).failures, 0);
    const closed = await c.close();
    assert.equal(closed.checkpoints, 0, 'an idle database needs no checkpoint');
    // The thread is gone: asking again answers at once, saying so, rather than waiting for ever.
    const after = await c.stats();
    assert.equal(after.checkpoints, 0);
    assert.match(after.lastError ?? '', /not running/);
    assert.deepEqual(await c.close(), closed, 'closing twice gives the same figures');
    assert.equal(checkpointerFor(file, 0), undefined);
    assert.equal(checkpointerFor(memory, 64), undefined);
  } finally {
    await file.close();
    await memory.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
