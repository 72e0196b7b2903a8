import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterPairs, clusters } from './cluster.ts';

test('links close into clusters: A~B and B~C make A, B, C one', () => {
  const ids = clusters(6, [
    [0, 1],
    [1, 2],
    [4, 5],
  ]);
  assert.deepEqual([...ids], [0, 0, 0, 3, 4, 4]);
  assert.deepEqual(
    [...clusterPairs(ids)],
    [
      [0, 1],
      [0, 2],
      [1, 2],
      [4, 5],
    ],
  );
});
