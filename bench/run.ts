/**
 * `npm run bench -- NAME` runs bench/NAME.bench.ts in its own process (so peak memory is its own);
 * with no name, every benchmark in turn.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (name === '--help' || name === '-h') {
  console.log(`usage: npm run bench -- [NAME] [options]\nbenchmarks: ${available.join(', ')}`);
  process.exit(0);
}
const names = name ? [name] : available;
let failed = 0;
for (const n of names) {
  if (!available.includes(n)) {
    console.error(`no benchmark named "${n}"; available: ${available.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== benchmark ${n} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, `${n}.bench.ts`), ...rest], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
