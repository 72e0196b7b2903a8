/**
 * Benchmark `audit-append`: the audit log's own cost per read, without HTTP — what api-read's
 * audited variant adds. C concurrent "requests" each do a fixed amount of CPU work (a stand-in for
 * the read itself), then append one person.read entry through the platform's path (the writer
 * thread on a SQLite file) and wait until it is durable. Printed: CPU per entry on the main thread
 * (from /proc/thread-self/schedstat, ns; the work's own CPU is measured alone first and taken
 * off), CPU per entry on the writer thread, entries per commit, and WAL pages written per commit
 * and per entry (the -wal file's frames; the run stays below the autocheckpoint).
 *
 *   npm run bench -- audit-append [--entries 20000] [--persons 2000] [--prefill 100000]
 *                                 [--connections 16] [--work 8000]
 */
import { randomUUID, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/store.ts';
import { createAuditStore } from '../src/store/audit.repository.ts';
import { AuditService, type DataUse } from '../src/access/audit.service.ts';
import { ThreadAuditWriter } from '../src/access/audit-writer.ts';
import type { AuditEntryInput } from '../src/access/audit-chain.ts';
import { machine, printResult } from './lib/report.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const entries = Number(option('entries', '20000'));
const persons = Number(option('persons', '2000'));
const prefill = Number(option('prefill', '100000'));
const connections = Number(option('connections', '16'));
const workIterations = Number(option('work', '8000'));

/** CPU time of the calling thread in ns (Linux). */
function threadCpuNs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
}

let sink = 0;
/** A fixed amount of CPU work: a stand-in for reading, cutting and masking a person. */
function work(): void {
  let x = sink;
  for (let i = 0; i < workIterations; i++) x = (x * 1103515245 + 12345) % 2147483648;
  sink = x;
}

const ids = Array.from({ length: persons }, () => randomUUID());
const elements = ['person.birthDate', 'person.ethnicity', 'person.gender', 'person.maritalStatus', 'person.name', 'person.phone'];
const actor = `token:${randomUUID()}`;
const use = (i: number): AuditEntryInput => {
  const u: DataUse = { action: 'person.read', personIds: [ids[i % ids.length] as string], elementIds: elements, result: 'ok', requestId: `req-${i.toString(36)}` };
  return { actor, departmentId: 'civil-affairs', role: 'department', purpose: 'RELIEF_ASSESSMENT', action: u.action, personIds: u.personIds, elementIds: u.elementIds, result: u.result, requestId: u.requestId, detail: null };
};

async function drive(n: number, audited: AuditService | undefined, start: number): Promise<void> {
  let next = start;
  const end = start + n;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < end) {
        const i = next++;
        work();
        if (audited) await audited.append([use(i)]);
        else await new Promise<void>((r) => setImmediate(r));
      }
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'populus-bench-audit-'));
try {
  const file = join(dir, 'audit.db');
  const store = await openStore(`sqlite:${file}`);
  await store.migrate();
  const raw = store.sqlite;
  if (!raw) throw new Error('not SQLite');
  // History: earlier reads of the same persons, written in large transactions on this thread.
  const directStore = createAuditStore(store);
  const direct = new AuditService({ store: directStore });
  for (let i = 0; i < prefill; i += 5000) await directStore.transaction((repo) => direct.appendWithin(repo, Array.from({ length: Math.min(5000, prefill - i) }, (_, k) => use(i + k))));
  raw.pragma('wal_checkpoint(TRUNCATE)');

  // The work alone: its CPU per request on this thread.
  await drive(2000, undefined, 0);
  let t0 = threadCpuNs();
  await drive(entries, undefined, 0);
  const workNs = (threadCpuNs() - t0) / entries;

  const audit = new AuditService({ store: createAuditStore(store), writer: new ThreadAuditWriter(file, { windowMs: 1, maxBatch: 1000 }) });
  await drive(2000, audit, prefill); // warm-up
  await audit.drain();
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const w0 = await audit.writerStats();
  const c0 = audit.commits;
  const cpu0 = process.cpuUsage();
  t0 = threadCpuNs();
  const wall0 = performance.now();
  await drive(entries, audit, prefill + 2000);
  const wall = performance.now() - wall0;
  const mainNs = (threadCpuNs() - t0) / entries;
  const cpu = process.cpuUsage(cpu0);
  const w1 = await audit.writerStats();
  const c1 = audit.commits;
  const walBytes = statSync(`${file}-wal`).size;
  const frames = Math.max(0, (walBytes - 32) / (4096 + 24));
  if (process.argv.includes('--by-tree')) {
    // Which b-tree each WAL frame wrote (page numbers from the frame headers, owners from dbstat).
    const owner = new Map<number, string>();
    for (const row of raw.prepare('select name, pageno from dbstat').all() as { name: string; pageno: number }[]) owner.set(row.pageno, row.name);
    const wal = readFileSync(`${file}-wal`);
    const counts = new Map<string, number>();
    for (let off = 32; off + 24 + 4096 <= wal.length; off += 4096 + 24) {
      const name = owner.get(wal.readUInt32BE(off)) ?? '(free or new)';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${name}: ${n} pages written, ${Math.round((n * 100) / Math.max(1, frames)) / 100 === 0 ? 0 : Math.round((n / entries) * 1000) / 1000} per entry`);
  }
  const commits = c1.writes - c0.writes;
  await audit.close();
  const check = await audit.verify();
  await store.close();
  const writerUs = w0?.cpuMs != null && w1?.cpuMs != null ? ((w1.cpuMs - w0.cpuMs) * 1000) / entries : null;
  const writerSysUs = w0?.systemMs != null && w1?.systemMs != null ? ((w1.systemMs - w0.systemMs) * 1000) / entries : null;
  const r = (x: number | null, d = 1): number | null => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
  console.log(
    `audit-append: ${entries} entries over ${persons} persons after ${prefill} earlier, ${connections} concurrent, work ${Math.round(workNs / 1000)} µs each (${machine()})`,
  );
  console.log(
    `  main thread: ${r((mainNs - workNs) / 1000)} µs per entry beyond the work; writer thread ${r(writerUs)} µs (kernel ${r(writerSysUs)}); process ${r(((cpu.user + cpu.system) / entries) - workNs / 1000)} µs beyond the work`,
  );
  console.log(`  ${commits} commits, ${r((c1.entries - c0.entries) / Math.max(1, commits))} entries each; WAL ${Math.round(frames)} pages = ${r(frames / Math.max(1, commits))} per commit, ${r(frames / entries, 2)} per entry; ${Math.round(entries / (wall / 1000))} entries/s; chain intact ${check.intact}`);
  printResult({
    mainUsPerEntry: r((mainNs - workNs) / 1000),
    writerUsPerEntry: r(writerUs),
    writerKernelUsPerEntry: r(writerSysUs),
    entriesPerCommit: r((c1.entries - c0.entries) / Math.max(1, commits)),
    walPagesPerCommit: r(frames / Math.max(1, commits)),
    walPagesPerEntry: r(frames / entries, 2),
    entriesPerS: Math.round(entries / (wall / 1000)),
    intact: check.intact,
    hash: createHash('sha256').update(String(sink)).digest('hex').slice(0, 4),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
