/**
 * `boundHeapGrowth` sets V8's heap growing factor once the process runs (openPlatform calls it, with
 * POPULUS_HEAP_GROWTH_PERCENT). Whether a flag set at run time takes effect is V8's business, so it is
 * checked here: the same allocation, in two fresh processes, one bounded and one left to V8, and the
 * bounded one's heap must peak clearly lower.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

// Keeps ~120 MB alive (V8 collects the old generation of a small heap on a floor of its own, whatever the factor), then churns objects that live through a few young collections (as an import
// chunk's do) and so reach the old generation; prints the largest heap seen.
const churn = (bound: number): string => `
  const { boundHeapGrowth } = await import(${JSON.stringify(main)});
  boundHeapGrowth(${bound});
  const live = Array.from({ length: 1_500 }, (_, i) => Array.from({ length: 10_000 }, (_, j) => i * j));
  const recent = [];
  let peak = 0;
  for (let round = 0; round < 500; round++) {
    recent.push(Array.from({ length: 20_000 }, (_, j) => ({ round, j })));
    if (recent.length > 8) recent.shift();
    if (round % 10 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  console.log(JSON.stringify({ peak, kept: live.length + recent.length }));
`;

function peakHeapMB(bound: number): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', churn(bound)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { peak: number };
  return out.peak / 1048576;
}

test('a heap growth bound set at run time keeps the heap near its live size', () => {
  const free = peakHeapMB(0);
  const bounded = peakHeapMB(25);
  assert.ok(bounded < free * 0.75, `bounded to 1.25× its live heap the peak was ${bounded.toFixed(0)} MB, left to V8 ${free.toFixed(0)} MB`);
});
