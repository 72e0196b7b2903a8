/**
 * Benchmark `api-read`: reading one person through the API as a department system would — a
 * bearer token, a stated purpose, the remit cut, masking, and the audit entry made durable
 * (group commit) before the answer — against the same endpoint with the audit switched off, in
 * the same run. The load comes from a separate process (autocannon); the server is this one.
 *
 *   npm run bench -- api-read [--persons 2000] [--seconds 10] [--connections 16] [--rounds 1]
 *                             [--audit-thread on|off] [--window 1] [--variant both|on|off]
 *
 * `--rounds N` alternates the two variants N times (medians reported, and the audit's share per
 * round); `--variant` runs one of them alone (to profile it).
 *
 * Targets (issue 6): >= 2,000 requests/s and p99 <= 20 ms on SQLite; the audit costs <= 30 %.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/api/app.ts';
import { PersonGate } from '../src/access/person-gate.ts';
import type { AuditService } from '../src/access/audit.service.ts';
import { computeCheckChar } from '../src/domain/id-number.ts';
import { loadConfig } from '../src/config.ts';
import { openPlatform } from '../src/main.ts';
import { machine, peakRssMB, printResult, printTable } from './lib/report.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const persons = Number(option('persons', '2000'));
const seconds = option('seconds', '10');
const connections = option('connections', '16');
const windowMs = option('window', '1');
const auditThread = option('audit-thread', 'on');
/** `on` or `off` runs only that variant (to profile one); both by default. */
const only = option('variant', 'both');
const rounds = Math.max(1, Number(option('rounds', '1')));

/** CPU time of the calling thread in ms (Linux: /proc/thread-self/stat, in clock ticks of 10 ms); undefined elsewhere. */
function threadCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const work = mkdtempSync(join(tmpdir(), 'populus-bench-api-'));
try {
  const platform = await openPlatform(
    loadConfig({
      DATABASE_URL: `sqlite:${join(work, 'api.db')}`,
      LOG_LEVEL: 'silent',
      POPULUS_AUDIT_WINDOW_MS: windowMs,
      POPULUS_AUDIT_THREAD: auditThread,
    }),
  );
  const { services, access } = platform;
  const committees = ['310105004001', '310105004002', '310105004003', '310105004004'];
  const ids: string[] = [];
  for (let i = 0; i < persons; i++) {
    const body = `3101051970${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
    const v = await services.persons
      .create({
        values: { 'person.name': `测试${i}`, 'person.maritalStatus': '20', 'person.phone': `138${String(i).padStart(8, '0')}` },
        identifiers: [{ type: 'CN_ID', number: body + computeCheckChar(body) }],
        residences: [{ kind: 'actual', areaCode: committees[i % committees.length] ?? '310105004001', validFrom: '2020-01-01' }],
      })
      .catch(() => undefined); // the odd generated number repeats; skip it
    if (v) ids.push(v.person.id);
  }
  const { token } = await access.identity.createToken({ departmentId: 'civil-affairs', name: 'bench', purposes: ['RELIEF_ASSESSMENT'] });
  const pathsFile = join(work, 'paths.txt');
  writeFileSync(pathsFile, ids.map((id) => `/api/v1/persons/${id}`).join('\n'));
  const headers = JSON.stringify({ authorization: `Bearer ${token}`, 'x-purpose': 'RELIEF_ASSESSMENT' });

  const noAudit = { record: async () => {}, appendWithin: async () => [] } as unknown as AuditService;
  const all = [
    { name: 'remit + masking + audit', gate: undefined },
    {
      name: 'remit + masking, audit off',
      gate: new PersonGate({
        persons: services.persons,
        households: services.households,
        views: access.views,
        audit: noAudit,
        dwellingsOf: (d) => services.housing.dwellingsOf(d),
        ownerSourceOf: (e) => services.sources.ownerSourceOf(e),
      }),
    },
  ];
  const variants = only === 'on' ? all.slice(0, 1) : only === 'off' ? all.slice(1) : all;
  type Run = { name: string; round: number; reqPerS: number; p50Ms: number; p99Ms: number; non2xx: number };
  const runs: Run[] = [];
  // Rounds alternate the variants (on, off, on, off, …) so that both meet the same neighbours on a shared machine.
  for (let round = 1; round <= rounds; round++) {
    for (const v of variants) {
      const app = await buildApp({ services, access, logLevel: 'silent', rateLimitPerMinute: 0, ...(v.gate ? { gate: v.gate } : {}) });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      // Asynchronously: the server answers on this process's event loop while the load runs.
      const load = (secs: string) =>
        promisify(execFile)(
          process.execPath,
          [
            '--import',
            'tsx',
            join(import.meta.dirname, 'lib', 'http-load.ts'),
            `http://127.0.0.1:${port}`,
            pathsFile,
            secs,
            connections,
            headers,
          ],
          { encoding: 'utf8' },
        );
      await load('2'); // warm-up
      const before = access.audit.commits;
      const [main0, all0, writer0] = [threadCpuMs(), processCpuMs(), await access.audit.writerStats()];
      const out = await load(seconds);
      const [main1, all1, writer1] = [threadCpuMs(), processCpuMs(), await access.audit.writerStats()];
      await app.close();
      const after = access.audit.commits;
      const line = out.stdout.trim().split('\n').pop() ?? '';
      if (!line.startsWith('{')) throw new Error(`load generator failed: ${out.stderr}`);
      const r = JSON.parse(line) as { reqPerS: number; p50Ms: number; p99Ms: number; non2xx: number; total: number };
      // The server's CPU per answered request: its main thread, and every other thread (the audit writer, the garbage collector's helpers, libuv's pool).
      const mainUs = main0 === undefined || main1 === undefined ? null : Math.round(((main1 - main0) * 1000) / r.total);
      const otherUs = mainUs === null ? null : Math.round(((all1 - all0) * 1000) / r.total) - mainUs;
      const flushes = after.writes - before.writes;
      const perRequest = (a: number | null, b: number | null): string =>
        a === null || b === null ? '?' : String(Math.round(((b - a) * 1000) / r.total));
      console.log(
        `round ${round}, ${v.name}: ${Math.round(r.reqPerS)} requests/s; server CPU per request: main thread ${mainUs ?? '?'} µs, other threads ${otherUs ?? '?'} µs` +
          (v.gate
            ? ''
            : `; ${after.entries - before.entries} audit entries in ${flushes} group commits (window ${windowMs} ms, writer thread ${auditThread})`) +
          (v.gate || !writer0 || !writer1
            ? ''
            : `; writer thread CPU ${perRequest(writer0.cpuMs, writer1.cpuMs)} µs per request (kernel ${perRequest(writer0.systemMs, writer1.systemMs)}), ${Math.round(((writer1.commitMs - writer0.commitMs) * 1000) / Math.max(1, writer1.commits - writer0.commits))} µs per commit, ${writer1.folds - writer0.folds} folds of the person index (${Math.round(writer1.foldMs - writer0.foldMs)} ms)`),
      );
      runs.push({ name: v.name, round, reqPerS: r.reqPerS, p50Ms: r.p50Ms, p99Ms: r.p99Ms, non2xx: r.non2xx });
    }
  }
  await platform.close();

  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const summary = variants.map((v) => {
    const mine = runs.filter((r) => r.name === v.name);
    return {
      name: v.name,
      reqPerS: median(mine.map((r) => r.reqPerS)),
      p50Ms: median(mine.map((r) => r.p50Ms)),
      p99Ms: median(mine.map((r) => r.p99Ms)),
      non2xx: mine.reduce((n, r) => n + r.non2xx, 0),
    };
  });
  printTable(
    `api-read: GET /persons/{id} as a civil-affairs token, ${ids.length} persons, ${connections} connections, ${seconds} s${rounds > 1 ? `, ${rounds} rounds (medians below the rounds)` : ''} (${machine()})`,
    [
      ...(rounds > 1
        ? runs.map((r) => ({
            variant: `${r.name} #${r.round}`,
            'requests/s': Math.round(r.reqPerS),
            'p50 ms': r.p50Ms,
            'p99 ms': r.p99Ms,
            'non-2xx': r.non2xx,
          }))
        : []),
      ...summary.map((r) => ({
        variant: rounds > 1 ? `${r.name}, median` : r.name,
        'requests/s': Math.round(r.reqPerS),
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        'non-2xx': r.non2xx,
      })),
      { variant: 'targets', 'requests/s': '>= 2000', 'p50 ms': '', 'p99 ms': '<= 20', 'non-2xx': 0 },
    ],
  );
  const on = only === 'off' ? undefined : summary[0];
  const off = only === 'on' ? undefined : summary[summary.length - 1];
  // The audit's share per round (each round's on against its off), and of the medians.
  const shares = runs.flatMap((r, i) =>
    only === 'both' && r.name === all[0]?.name && runs[i + 1]
      ? [Math.round((1 - r.reqPerS / (runs[i + 1] as Run).reqPerS) * 1000) / 10]
      : [],
  );
  const auditCostPct = on && off ? Math.round((1 - on.reqPerS / off.reqPerS) * 1000) / 10 : null;
  if (auditCostPct !== null)
    console.log(`audit cost: ${auditCostPct} % of throughput (target <= 30 %)${rounds > 1 ? `; per round ${shares.join(', ')} %` : ''}`);
  printResult({
    reqPerS: on ? Math.round(on.reqPerS) : null,
    p50Ms: on?.p50Ms ?? null,
    p99Ms: on?.p99Ms ?? null,
    auditOffReqPerS: off ? Math.round(off.reqPerS) : null,
    auditOffP99Ms: off?.p99Ms ?? null,
    auditCostPct,
    rounds,
    non2xx: summary.reduce((n, r) => n + r.non2xx, 0),
    peakRssMB: peakRssMB(),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
