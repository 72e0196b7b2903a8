/**
 * Benchmark `console` (issue 9): what the web console asks of the server, one request at a time as a
 * person clicking would, over real HTTP with a logged-in session — the dashboard of the street and of
 * a committee, the lists behind its figures (a search by area and category, by kind, by name prefix,
 * paginated on the server), a person's profile and value history, the review queue, the imports list
 * and, for an auditor, the audit log — beside the server's own floor (the health route) measured in
 * the same run. Median and p99 per call over `--runs` rounds.
 *
 *   npm run bench -- console [--scale 0.1] [--db FILE.db] [--runs 30]
 *
 * The demo street is generated and imported first; `--db FILE.db` keeps the SQLite database in that
 * file and reuses it when it already holds persons (`--scale 1 --db street.db`: the whole street,
 * imported once). Target (issue 9): tables stay fast on the whole street.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateDemo } from '../src/demo/demo-generator.ts';
import { loadConfig } from '../src/config.ts';
import { openPlatform } from '../src/main.ts';
import { buildApp } from '../src/api/app.ts';
import { loadDemo } from '../src/ingest/load-demo.ts';
import { createDemoAccounts } from '../src/access/demo-accounts.ts';
import { peakRssMB, printResult, printTable } from './lib/report.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const scale = Number(option('scale', '0.1'));
const runs = Math.max(3, Number(option('runs', '30')));
const dbFile = option('db', '');
const HOME = '310105004';
const PASSWORD = 'console bench password';

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

const work = mkdtempSync(join(tmpdir(), 'populus-bench-console-'));
const url = `sqlite:${dbFile !== '' ? resolve(dbFile) : join(work, 'console.db')}`;
const platform = await openPlatform(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', POPULUS_REPORT_SCHEDULER: 'off', POPULUS_DISPATCHER: 'off' }));
try {
  if ((await platform.services.persons.search({ limit: 1, offset: 0 })).total === 0) {
    const dir = join(work, 'demo');
    let t = performance.now();
    await generateDemo({ seed: 'xinhua', outDir: dir, scale, noise: 1 });
    console.log(`generated the demo street at scale ${scale} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    await loadDemo(platform.services, dir);
    console.log(`imported in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else console.log('the database already holds the demo street: import skipped');
  if ((await platform.access.identity.listUsers()).every((u) => u.username !== 'street')) await createDemoAccounts(platform.access.identity, HOME, PASSWORD);

  const app = await buildApp({ services: platform.services, access: platform.access, feed: platform.feed, reports: platform.reports, cookieSecure: false, rateLimitPerMinute: 0, loginRateLimitPerMinute: 100_000, logLevel: 'silent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}/api/v1`;

  const login = async (username: string): Promise<{ headers: Record<string, string>; purposes: string[] }> => {
    const r = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()} (an existing --db needs its demo accounts' password to be "${PASSWORD}")`);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const s = (await r.json()) as { csrfToken: string; purposes: string[] };
    return { headers: { cookie, 'x-csrf-token': s.csrfToken }, purposes: s.purposes };
  };
  const street = await login('street');
  const auditor = await login('auditor');
  const purpose = street.purposes.includes('POPULATION_SERVICE') ? 'POPULATION_SERVICE' : (street.purposes[0] ?? '');
  const call = async (who: { headers: Record<string, string> }, method: string, path: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { ...who.headers, 'x-purpose': purpose, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  };

  const committee = `${HOME}001`;
  const found = (await call(street, 'POST', '/persons/search', { area: HOME, category: 'RESIDENT_REGISTERED', limit: 1, offset: 0 })) as { items: { person: { id: string } }[] };
  const personId = found.items[0]?.person.id;
  if (personId === undefined) throw new Error('no person found to read');
  const someone = (await call(street, 'GET', `/persons/${personId}`)) as { values: { elementId: string; value: string }[] };
  const name = someone.values.find((v) => v.elementId === 'person.name')?.value.slice(0, 1) ?? '王';

  // Days going back from yesterday: each a date nothing has cached, with the whole street living there (the
  // demo's extracts are dated earlier; a date before them would find an empty street).
  let daysBack = 0;
  const pastDate = (): string => new Date(Date.now() - ++daysBack * 86_400_000).toISOString().slice(0, 10);
  const calls: { name: string; run: () => Promise<unknown> }[] = [
    { name: 'health (floor)', run: () => call(street, 'GET', '/health') },
    { name: 'session', run: () => call(street, 'GET', '/session') },
    { name: 'dashboard, street', run: () => call(street, 'GET', `/dashboard?area=${HOME}`) },
    { name: 'dashboard, committee', run: () => call(street, 'GET', `/dashboard?area=${committee}`) },
    // The dashboard keeps its figures a minute; another date each round is the uncached cost.
    { name: 'dashboard, street, uncached', run: () => call(street, 'GET', `/dashboard?area=${HOME}&asOf=${pastDate()}`) },
    { name: 'list: area × category, page 1', run: () => call(street, 'POST', '/persons/search', { area: HOME, category: 'FROM_OTHER_PROVINCE', limit: 20, offset: 0 }) },
    { name: 'list: area × kind, page 3', run: () => call(street, 'POST', '/persons/search', { area: HOME, kind: 'elderly-60', limit: 20, offset: 40 }) },
    { name: 'find: name prefix', run: () => call(street, 'POST', '/persons/search', { name, namePrefix: true, limit: 20, offset: 0 }) },
    { name: 'profile', run: () => call(street, 'GET', `/persons/${personId}`) },
    { name: 'value history', run: () => call(street, 'GET', `/persons/${personId}/values`) },
    { name: 'review queue', run: () => call(street, 'GET', '/review-items?limit=20') },
    { name: 'imports', run: () => call(street, 'GET', '/imports') },
    { name: 'audit log (auditor)', run: () => call(auditor, 'GET', '/audit/entries?limit=50') },
  ];
  // One warm-up round (caches, prepared statements), then the measured rounds interleaved.
  for (const c of calls) await c.run();
  const times = new Map(calls.map((c) => [c.name, [] as number[]]));
  for (let i = 0; i < runs; i++) {
    for (const c of calls) {
      const t = performance.now();
      await c.run();
      times.get(c.name)?.push(performance.now() - t);
    }
  }
  await app.close();
  const persons = (await platform.services.persons.search({ limit: 1, offset: 0 })).total;
  const rows = calls.map((c) => {
    const xs = times.get(c.name) ?? [];
    return { call: c.name, medianMs: Number(percentile(xs, 50).toFixed(1)), p99Ms: Number(percentile(xs, 99).toFixed(1)) };
  });
  printTable(`console calls, one at a time over HTTP (${persons.toLocaleString('en-US')} persons, ${runs} rounds)`, rows);
  const p99 = (n: string): number => rows.find((r) => r.call === n)?.p99Ms ?? NaN;
  printResult({
    scale,
    persons,
    runs,
    healthP99Ms: p99('health (floor)'),
    dashboardStreetP99Ms: p99('dashboard, street'),
    dashboardCommitteeP99Ms: p99('dashboard, committee'),
    dashboardUncachedP99Ms: p99('dashboard, street, uncached'),
    listCategoryP99Ms: p99('list: area × category, page 1'),
    listKindP99Ms: p99('list: area × kind, page 3'),
    findNameP99Ms: p99('find: name prefix'),
    profileP99Ms: p99('profile'),
    historyP99Ms: p99('value history'),
    reviewP99Ms: p99('review queue'),
    auditP99Ms: p99('audit log (auditor)'),
    peakRssMB: peakRssMB(),
  });
} finally {
  await platform.close();
  rmSync(work, { recursive: true, force: true });
}
