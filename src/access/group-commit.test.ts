import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from './group-commit.ts';

test('concurrent submissions share writes, and each resolves only after its write has finished', async () => {
  const durable = new Set<number>();
  const writes: number[][] = [];
  const gc = new GroupCommit<number>(async (items) => {
    writes.push(items);
    await new Promise((r) => setTimeout(r, 3));
    for (const i of items) durable.add(i);
  });
  const early: number[] = [];
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      gc.submit([i]).then(() => {
        if (!durable.has(i)) early.push(i);
      }),
    ),
  );
  assert.deepEqual(early, [], 'no caller is answered before its item is written');
  assert.equal(durable.size, 50);
  assert.ok(writes.length < 50, `50 submissions grouped into ${writes.length} writes`);
});

test('submissions made while a write is in flight go into the next write', async () => {
  const batches: string[][] = [];
  const gc = new GroupCommit<string>(async (items) => {
    batches.push(items);
    await new Promise((r) => setTimeout(r, 5));
  }, { windowMs: 0 });
  const first = gc.submit(['a']);
  await new Promise((r) => setTimeout(r, 1));
  const rest = [gc.submit(['b']), gc.submit(['c', 'd'])];
  await Promise.all([first, ...rest]);
  assert.deepEqual(batches, [['a'], ['b', 'c', 'd']]);
  assert.deepEqual({ writes: gc.writes, written: gc.written }, { writes: 2, written: 4 });
});

test('a failed write rejects every caller in it, and later writes go on', async () => {
  let fail = true;
  const gc = new GroupCommit<number>(async () => {
    if (fail) throw new Error('disk full');
  });
  const results = await Promise.allSettled([gc.submit([1]), gc.submit([2])]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  fail = false;
  await gc.submit([3]);
  assert.equal(gc.written, 1);
});

test('a full queue writes at once, in batches of at most maxBatch', async () => {
  const sizes: number[] = [];
  const gc = new GroupCommit<number>(async (items) => void sizes.push(items.length), { windowMs: 10_000, maxBatch: 4 });
  await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit([i])));
  assert.ok(sizes.every((n) => n <= 4));
  assert.equal(sizes.reduce((a, b) => a + b, 0), 10);
  await gc.drain();
});
