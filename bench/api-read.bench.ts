/**
 * Benchmark `api-read`: reading one person through the API as a department system would — a
 * bearer token, a stated purpose, the remit cut, masking, and the audit entry made durable
 * (group commit) before the answer — against the same endpoint with the audit switched off, in
 * the same run. The load comes from a separate process (autocannon); the server is this one.
 *
 *   npm run bench -- api-read [--persons 2000] [--seconds 10] [--connections 16]
 *
 * Targets (issue 6): >= 2,000 requests/s and p99 <= 20 ms on SQLite; the audit costs <= 30 %.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

const work = mkdtempSync(join(tmpdir(), 'populus-bench-api-'));
try {
  const platform = await openPlatform(loadConfig({ DATABASE_URL: `sqlite:${join(work, 'api.db')}`, LOG_LEVEL: 'silent', POPULUS_AUDIT_WINDOW_MS: windowMs, POPULUS_AUDIT_THREAD: auditThread }));
  const { services, access } = platform;
  const committees = ['310105004001', '310105004002', '310105004003', '310105004004'];
  const ids: string[] = [];
  for (let i = 0; i < persons; i++) {
    const body = `3101051970${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
    const v = await services.persons.create({
      values: { 'person.name': `测试${i}`, 'person.maritalStatus': '20', 'person.phone': `138${String(i).padStart(8, '0')}` },
      identifiers: [{ type: 'CN_ID', number: body + computeCheckChar(body) }],
      residences: [{ kind: 'actual', areaCode: committees[i % committees.length] ?? '310105004001', validFrom: '2020-01-01' }],
    }).catch(() => undefined); // the odd generated number repeats; skip it
    if (v) ids.push(v.person.id);
  }
  const { token } = await access.identity.createToken({ departmentId: 'civil-affairs', name: 'bench', purposes: ['RELIEF_ASSESSMENT'] });
  const pathsFile = join(work, 'paths.txt');
  writeFileSync(pathsFile, ids.map((id) => `/api/v1/persons/${id}`).join('\n'));
  const headers = JSON.stringify({ authorization: `Bearer ${token}`, 'x-purpose': 'RELIEF_ASSESSMENT' });

  const noAudit = { record: async () => {}, appendWithin: async () => [] } as unknown as AuditService;
  const variants = [
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
  const results: { name: string; reqPerS: number; p50Ms: number; p99Ms: number; non2xx: number }[] = [];
  for (const v of variants) {
    const app = await buildApp({ services, access, logLevel: 'silent', rateLimitPerMinute: 0, ...(v.gate ? { gate: v.gate } : {}) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    // Asynchronously: the server answers on this process's event loop while the load runs.
    const load = (secs: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lib', 'http-load.ts'), `http://127.0.0.1:${port}`, pathsFile, secs, connections, headers], { encoding: 'utf8' });
    await load('2'); // warm-up
    const out = await load(seconds);
    await app.close();
    if (!v.gate) console.log(`audit group commit (window ${windowMs} ms, writer thread ${auditThread}): ${access.audit.commits.entries} entries in ${access.audit.commits.writes} flushes`);
    const line = out.stdout.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) throw new Error(`load generator failed: ${out.stderr}`);
    const r = JSON.parse(line) as { reqPerS: number; p50Ms: number; p99Ms: number; non2xx: number };
    results.push({ name: v.name, ...r });
  }
  await platform.close();

  const [on, off] = results as [(typeof results)[0], (typeof results)[0]];
  printTable(`api-read: GET /persons/{id} as a civil-affairs token, ${ids.length} persons, ${connections} connections, ${seconds} s (${machine()})`, [
    ...results.map((r) => ({ variant: r.name, 'requests/s': Math.round(r.reqPerS), 'p50 ms': r.p50Ms, 'p99 ms': r.p99Ms, 'non-2xx': r.non2xx })),
    { variant: 'targets', 'requests/s': '>= 2000', 'p50 ms': '', 'p99 ms': '<= 20', 'non-2xx': 0 },
  ]);
  const auditCostPct = Math.round((1 - on.reqPerS / off.reqPerS) * 1000) / 10;
  console.log(`audit cost: ${auditCostPct} % of throughput (target <= 30 %)`);
  printResult({
    reqPerS: Math.round(on.reqPerS),
    p50Ms: on.p50Ms,
    p99Ms: on.p99Ms,
    auditOffReqPerS: Math.round(off.reqPerS),
    auditOffP99Ms: off.p99Ms,
    auditCostPct,
    non2xx: on.non2xx + off.non2xx,
    peakRssMB: peakRssMB(),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
