/**
 * `populus demo generate --seed N --out DIR [--scale N] [--noise RATE]`: writes the demo street (its
 * department extracts, ground truth and a year of changes) to DIR. Progress (rows/s) goes to stderr,
 * the summary to stdout; a bad option or an unwritable DIR gives one clear line and exit code 1.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadDemo } from '../../ingest/load-demo.ts';
import type { Services } from '../../services/services.ts';
import { progressPrinter } from './progress-bar.ts';
import { withPlatform } from './with-platform.ts';
import { DemoOptionsError, generateDemo, type DemoProgress, type DemoSummary } from '../../demo/demo-generator.ts';

function positiveNumber(name: string, allowZero: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
      throw new InvalidArgumentError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number.`);
    }
    return n;
  };
}

function formatSummary(s: DemoSummary, outDir: string, seconds: number): string {
  const n = (x: number | undefined): string => (x ?? 0).toLocaleString('en-US');
  const p = s.persons;
  const actual =
    (p.RESIDENT_REGISTERED ?? 0) + (p.RESIDENT_REGISTERED_ELSEWHERE_LOCAL ?? 0) + (p.FROM_OTHER_PROVINCE ?? 0) + (p.FROM_ABROAD ?? 0);
  const share = (x: number | undefined): string => (actual === 0 ? '0' : (((x ?? 0) / actual) * 100).toFixed(1));
  return [
    `demo street written to ${outDir} (seed ${s.seed}, scale ${s.scale}, noise ×${s.noise}, export date ${s.asOf})`,
    `  streets ${s.streets}, committees ${s.committees}, households ${n(s.households)}, dwellings ${n(s.dwellings)}`,
    `  actual residents ${n(actual)}: 人在户在 ${share(p.RESIDENT_REGISTERED)}%, 人在户不在 ${share(p.RESIDENT_REGISTERED_ELSEWHERE_LOCAL)}%, ` +
      `外省市来沪 ${share(p.FROM_OTHER_PROVINCE)}%, 境外 ${share(p.FROM_ABROAD)}%`,
    `  registered here, living elsewhere (户在人不在) ${n(p.REGISTERED_ABSENT)}; departed ${n(p.departed)}; arriving or born next year ${n(p.later)}`,
    `  extract rows ${n(s.extractRows)} in ${s.files.filter((f) => f.path.startsWith('extracts/') && !f.path.endsWith('housing-register.csv')).length} systems (and the address database), change rows ${n(s.changeRows)}, files ${n(s.files.length)}`,
    `  ${seconds.toFixed(1)} s`,
  ].join('\n');
}

export function demoCommand(): Command {
  const demo = new Command('demo').description('the demo street (新华路街道): realistic department extracts with ground truth');
  demo
    .command('generate')
    .description('generate the demo street: extracts/, truth/, changes/ and manifest.json; the same seed gives the same bytes')
    .requiredOption('--seed <n>', 'seed of the generator (any number or word)')
    .requiredOption('--out <dir>', 'output folder (extracts/, truth/ and changes/ in it are replaced)')
    .option(
      '--scale <n>',
      'size: 1 = one street (81,800 residents), 0.02 = a fiftieth, 10 ≈ a district',
      positiveNumber('--scale', false),
      1,
    )
    .option('--noise <rate>', 'multiplier of the default noise rates (0 = clean extracts)', positiveNumber('--noise', true), 1)
    .action(async function (this: Command, opts: { seed: string; out: string; scale: number; noise: number }) {
      const started = performance.now();
      let last = started;
      let lastRows = 0;
      const onProgress = (p: DemoProgress): void => {
        const now = performance.now();
        const rate = Math.round(((p.rows - lastRows) * 1000) / Math.max(1, now - last));
        last = now;
        lastRows = p.rows;
        process.stderr.write(
          `demo: ${p.committeesDone}/${p.committeesTotal} ${p.street} ${p.committee}: ${p.persons.toLocaleString('en-US')} persons, ${p.rows.toLocaleString('en-US')} rows (${rate.toLocaleString('en-US')} rows/s)\n`,
        );
      };
      try {
        const summary = await generateDemo({ seed: opts.seed, outDir: opts.out, scale: opts.scale, noise: opts.noise, onProgress });
        console.log(formatSummary(summary, opts.out, (performance.now() - started) / 1000));
      } catch (e) {
        if (e instanceof DemoOptionsError) this.error(`error: ${e.message}`, { exitCode: 1, code: 'populus.demo' });
        throw e;
      }
    });
  demo
    .command('load')
    .description('load a generated demo street through the import pipeline: the address database, then every department system')
    .argument('<dir>', 'a folder written by `populus demo generate`')
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)'))
    .action((dir: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        await loadDemoWithProgress(services, dir);
      }),
    );
  return demo;
}

/** Loads a demo folder, printing one progress line per system and a summary. */
export async function loadDemoWithProgress(services: Services, dir: string): Promise<void> {
  const started = performance.now();
  let bar = progressPrinter('');
  const { reports, housing } = await loadDemo(services, dir, {
    onSource: (s, i, total) => {
      bar = progressPrinter(`[${i + 1}/${total}] ${s.nameZh}`);
    },
    onProgress: (p) => bar.update(p),
    onReport: (_s, r) => {
      bar.finish();
      if (r.rowsRejected > 0 || r.conflicts > 0) process.stderr.write(`    ${r.rowsRead} rows, ${r.rowsRejected} rejected, ${r.personsCreated} new persons, ${r.conflicts} conflicts\n`);
    },
  });
  const sum = (f: (r: (typeof reports)[number]['report']) => number): number => reports.reduce((a, x) => a + f(x.report), 0);
  console.log(
    `demo loaded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${housing.buildings} buildings, ${housing.dwellings} dwellings; ${sum((r) => r.rowsRead)} rows from ${reports.length} systems, ${sum((r) => r.rowsRejected)} rejected, ${sum((r) => r.personsCreated)} persons, ${sum((r) => r.conflicts)} conflicts`,
  );
}
