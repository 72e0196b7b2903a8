/**
 * Benchmark `feed`: change events from commit to webhook receivers on loopback, through the
 * dispatcher (remit cut, masking, audit, signing, one commit per delivery).
 *
 *   npm run bench -- feed [--backend sqlite|pg|both] [--pg ADMIN_URL] [--subscribers 5] [--rate 200]
 *                         [--seconds 3] [--batch 50] [--backlog 5000] [--backlog-batch B] [--concurrency N]
 *                         [--runs single,batched,nats,backlog] [--nats URL]
 *   full size (issue 7): --subscribers 20 --rate 1000 --seconds 10 --batch 100 --backlog 100000 --backlog-batch 500
 *
 * 1. latency: events are committed at a steady rate (one transaction every 10 ms) while
 *    `subscribers` webhook subscriptions receive them, one CloudEvent per request ("single") or in
 *    CloudEvents batches of up to `batch` ("batched"); the receivers (another process) note each
 *    event's arrival minus its commit time. Target: p99 <= 1 s at 1,000 events/s to 20 subscribers.
 * 2. backlog: `backlog` events already in the outbox, drained to every subscriber in batches.
 *    Target: 100,000 events to 20 subscribers in <= 60 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { loadConfig } from '../src/config.ts';
import { openPlatform } from '../src/main.ts';
import type { NewChangeEvent } from '../src/domain/feed/change-event.ts';
import type { Subscription } from '../src/domain/feed/subscription.ts';
import { Dispatcher } from '../src/feed/dispatcher.ts';
import type { FeedServices } from '../src/feed/feed-services.ts';
import { newWebhookSecret } from '../src/feed/webhook/signing.ts';
import { machine, peakRssMB, printResult, printTable, type Figures } from './lib/report.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const backend = option('backend', 'both');
const adminUrl = option('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const subscribers = Number(option('subscribers', '5'));
const rate = Number(option('rate', '200'));
const seconds = Number(option('seconds', '3'));
const batch = Number(option('batch', '50'));
/** A backlog is drained in bigger batches: a subscriber catching up asks for more per request. */
const backlogBatch = Number(option('backlog-batch', String(batch)));
const backlog = Number(option('backlog', '5000'));
/** The dispatcher's own default (every subscription at once, 16 to 64) unless given. */
const concurrencyOption = option('concurrency', '');
const concurrency = concurrencyOption === '' ? undefined : Number(concurrencyOption);
const runs = option('runs', 'single,batched,backlog,nats').split(',');
const natsUrl = option('nats', process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222');
const HOME = '310105004';
const COMMITTEE = '310105004002';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface SinkStats {
  readonly events: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

async function startSink(): Promise<{ base: string; proc: ChildProcess; stats(): Promise<SinkStats> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lib', 'webhook-sink.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout?.once('data', (b: Buffer) => resolve((JSON.parse(b.toString()) as { port: number }).port));
    proc.once('exit', () => reject(new Error('the webhook sink did not start')));
  });
  const base = `http://127.0.0.1:${port}`;
  return { base, proc, stats: async () => (await (await fetch(`${base}/stats?reset=1`)).json()) as SinkStats };
}

async function pgDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const name = `populus_bench_feed_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  try {
    await admin(`create database ${name}`);
  } catch (e) {
    console.log(`PostgreSQL skipped: ${(e as Error).message}`);
    return undefined;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** Subscriptions for the police household register, starting after `cursor` (webhooks to `base`, or NATS when base is null). */
async function subscribe(feed: FeedServices, base: string | null, batchMax: number, cursor: number): Promise<Subscription[]> {
  const subs: Subscription[] = [];
  for (let i = 0; i < subscribers; i++) {
    const sub = await feed.data.repos.subscriptions.insert({
      departmentId: 'police-household',
      name: `bench ${i}`,
      channel: base === null ? 'nats' : 'webhook',
      url: base === null ? null : `${base}/s/${i}`,
      purpose: 'HOUSEHOLD_REGISTRATION',
      elements: [],
      areas: [],
      categories: [],
      eventTypes: [],
      codeProfile: null,
      unmask: false,
      batchMax,
      createdBy: 'user:bench',
      cursor,
    });
    await feed.data.repos.subscriptions.addSecret(sub.id, newWebhookSecret());
    subs.push(sub);
  }
  return subs;
}

async function caughtUp(feed: FeedServices, subs: readonly Subscription[], head: number): Promise<boolean> {
  const states = await Promise.all(subs.map((s) => feed.data.repos.subscriptions.get(s.id)));
  return states.every((s) => s !== undefined && s.cursor >= head && s.pendingFrom === null);
}

async function retire(feed: FeedServices, subs: readonly Subscription[]): Promise<void> {
  for (const s of subs) await feed.data.repos.subscriptions.setStatus(s.id, 'paused', 'bench run over');
}

interface Row {
  readonly backend: string;
  readonly run: string;
  readonly events: number;
  readonly delivered: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly wallS: number;
}

async function runBackend(name: string, databaseUrl: string, sink: Awaited<ReturnType<typeof startSink>>): Promise<Row[]> {
  const platform = await openPlatform(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }));
  const feed = platform.feed;
  const rows: Row[] = [];
  try {
    const persons: string[] = [];
    for (let i = 0; i < 200; i++) {
      const p = await platform.services.persons.create({ values: { 'person.name': `订阅${i}`, 'person.maritalStatus': '10' }, residences: [{ kind: 'actual', areaCode: COMMITTEE, validFrom: '2020-01-01' }] });
      persons.push(p.person.id);
    }
    let n = 0;
    const updates = (count: number): NewChangeEvent[] =>
      Array.from({ length: count }, () => {
        n++;
        return { type: 'cn.populus.person.updated', personId: persons[n % persons.length] ?? '', data: { elements: [{ element: 'person.maritalStatus', old: '10', new: String(10 + (n % 4) * 10), source: null }] }, cause: { kind: 'system', reason: 'bench' }, areas: [] };
      });
    const dispatcher = (): Dispatcher => new Dispatcher({ feed, district: HOME.slice(0, 6), ...(concurrency === undefined ? {} : { concurrency }), log: () => undefined });

    // 1. Latency at a steady commit rate, single and batched.
    for (const [run, batchMax] of [
      ['single', 1],
      ['batched', batch],
    ] as const) {
      if (!runs.includes(run)) continue;
      const subs = await subscribe(feed, sink.base, batchMax, (await feed.data.repos.feed.head()).seq);
      await sink.stats();
      const d = dispatcher();
      d.start();
      const total = Math.round(rate * seconds);
      const t0 = performance.now();
      await produce(feed, updates, total);
      const head = (await feed.data.repos.feed.head()).seq;
      const deadline = performance.now() + 120_000;
      while (!(await caughtUp(feed, subs, head)) && performance.now() < deadline) await sleep(20);
      const wallS = (performance.now() - t0) / 1000;
      await d.stop();
      await sleep(50);
      const s = await sink.stats();
      rows.push({ backend: name, run: `${run} (${rate}/s for ${seconds} s)`, events: total, delivered: s.events, requests: s.requests, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs, wallS });
      await retire(feed, subs);
    }

    // 2. The same steady load through NATS JetStream: every subscription publishes to its
    // department's subjects; a JetStream consumer (the department's side) notes each arrival.
    if (runs.includes('nats')) rows.push(...(await natsRun(name, feed, updates)));

    // 3. A backlog drained in batches.
    if (!runs.includes('backlog')) return rows;
    const before = (await feed.data.repos.feed.head()).seq;
    for (let i = 0; i < backlog; i += 1000) await feed.data.repos.feed.append(updates(Math.min(1000, backlog - i)));
    const head = (await feed.data.repos.feed.head()).seq;
    const subs = await subscribe(feed, sink.base, backlogBatch, before);
    await sink.stats();
    const d = dispatcher();
    const t0 = performance.now();
    d.start();
    while (!(await caughtUp(feed, subs, head))) await sleep(50);
    const wallS = (performance.now() - t0) / 1000;
    await d.stop();
    await sleep(50);
    const s = await sink.stats();
    rows.push({ backend: name, run: `backlog of ${backlog} (batches of ${backlogBatch})`, events: backlog, delivered: s.events, requests: s.requests, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs, wallS });
    await retire(feed, subs);
  } finally {
    await platform.close();
  }
  return rows;
}

/** Commits `total` events at `rate` a second, one transaction every 10 ms. */
async function produce(feed: FeedServices, updates: (count: number) => NewChangeEvent[], total: number): Promise<void> {
  const perTick = Math.max(1, Math.round(rate / 100));
  const t0 = performance.now();
  let written = 0;
  while (written < total) {
    const count = Math.min(perTick, total - written);
    await feed.data.repos.feed.append(updates(count));
    written += count;
    const wait = t0 + (written / rate) * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
  }
}

/** The steady load published through NATS JetStream (a throw-away stream), read back by an ordered consumer. */
async function natsRun(name: string, feed: FeedServices, updates: (count: number) => NewChangeEvent[]): Promise<Row[]> {
  let nc;
  try {
    nc = await connect({ servers: natsUrl, name: 'populus-bench-reader' });
  } catch (e) {
    console.log(`NATS skipped: ${(e as Error).message}`);
    return [];
  }
  const tag = randomBytes(4).toString('hex');
  const stream = `POPULUS_BENCH_${tag}`;
  const prefix = `bench${tag}`;
  const jsm = await jetstreamManager(nc);
  try {
    const subs = await subscribe(feed, null, batch, (await feed.data.repos.feed.head()).seq);
    const d = new Dispatcher({ feed, district: HOME.slice(0, 6), natsUrl, natsStream: stream, natsSubjectPrefix: prefix, ...(concurrency === undefined ? {} : { concurrency }), log: () => undefined });
    d.start();
    const total = Math.round(rate * seconds);
    const expected = total * subscribers;
    const latencies: number[] = [];
    // The stream exists once the dispatcher first published; the reader starts then.
    const reading = (async () => {
      for (;;) {
        try {
          await jsm.streams.info(stream);
          break;
        } catch {
          await sleep(20);
        }
      }
      const consumer = await jetstream(nc).consumers.get(stream);
      const messages = await consumer.consume();
      for await (const m of messages) {
        latencies.push(Date.now() - Date.parse(m.json<{ time: string }>().time));
        if (latencies.length >= expected) break;
      }
      await messages.close();
    })();
    const t0 = performance.now();
    await produce(feed, updates, total);
    const head = (await feed.data.repos.feed.head()).seq;
    const deadline = performance.now() + 120_000;
    while (!(await caughtUp(feed, subs, head)) && performance.now() < deadline) await sleep(20);
    await Promise.race([reading, sleep(30_000)]);
    const wallS = (performance.now() - t0) / 1000;
    await d.stop();
    await retire(feed, subs);
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    return [{ backend: name, run: `NATS JetStream (${rate}/s for ${seconds} s)`, events: total, delivered: sorted.length, requests: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? Number.NaN, wallS }];
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  }
}

const sink = await startSink();
const rows: Row[] = [];
const work = mkdtempSync(join(tmpdir(), 'populus-bench-feed-'));
try {
  if (backend === 'sqlite' || backend === 'both') rows.push(...(await runBackend('sqlite', `sqlite:${join(work, 'feed.db')}`, sink)));
  if (backend === 'pg' || backend === 'both') {
    const db = await pgDatabase();
    if (db) {
      try {
        rows.push(...(await runBackend('postgres', db.url, sink)));
      } finally {
        await db.drop();
      }
    }
  }
} finally {
  sink.proc.kill();
  rmSync(work, { recursive: true, force: true });
}

printTable(`feed: commit → webhook on loopback, ${subscribers} subscribers, dispatcher concurrency ${concurrency ?? `default (${Math.min(64, Math.max(16, subscribers))})`} (${machine()})`, [
  ...rows.map((r) => ({
    backend: r.backend,
    run: r.run,
    'events × subs': r.events * subscribers,
    delivered: r.delivered,
    requests: r.requests,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'max ms': r.maxMs,
    'wall s': Math.round(r.wallS * 10) / 10,
    'events/s delivered': Math.round(r.delivered / r.wallS),
  })),
  { backend: 'targets', run: '1,000/s to 20; backlog 100,000 to 20', 'events × subs': '', delivered: '', requests: '', 'p50 ms': '', 'p99 ms': '<= 1000', 'max ms': '', 'wall s': 'backlog <= 60', 'events/s delivered': '' },
]);
const figures: Figures = { subscribers, rate, seconds, batch, backlog, backlogBatch, peakRssMB: peakRssMB() };
for (const r of rows) {
  const key = `${r.backend === 'postgres' ? 'pg' : 'sqlite'}${r.run.startsWith('single') ? 'Single' : r.run.startsWith('batched') ? 'Batched' : r.run.startsWith('NATS') ? 'Nats' : 'Backlog'}`;
  figures[`${key}P99Ms`] = r.p99Ms;
  figures[`${key}WallS`] = Math.round(r.wallS * 100) / 100;
  figures[`${key}Complete`] = r.delivered >= r.events * subscribers;
}
printResult(figures);
