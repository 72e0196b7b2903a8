/**
 * The crash test: a dispatcher (its own process) delivering to three webhook receivers is killed
 * with SIGKILL at random points many times — at random moments, and in the middle of a request
 * the receiver has taken but not yet answered — while more events are written, then restarted.
 * Afterwards every event in the outbox has reached every subscriber it matches at least once,
 * none is lost, none outside the subscriber's remit was sent, every subscriber saw its events in
 * sequence order (so per-person order holds), and every duplicate carried the same webhook-id.
 * Seeded, so a failing run can be replayed; on a SQLite file and a throwaway PostgreSQL database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { accessFor, feedFor, migrateStore, servicesFor } from '../../src/main.ts';
import { seededRandom } from '../../src/domain/random.ts';
import type { NewChangeEvent } from '../../src/domain/feed/change-event.ts';
import type { Subscription } from '../../src/domain/feed/subscription.ts';
import { subscriberOf } from '../../src/feed/feed-gate.ts';
import { newWebhookSecret } from '../../src/feed/webhook/signing.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const HOME = '310105004';
const COMMITTEE = '310105004007';
const SEED = Number(process.env['POPULUS_CRASH_SEED'] ?? 20261127);
const KILLS = 12;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./support/dispatcher-child.ts', import.meta.url));
const ADMIN_URL = process.env['POPULUS_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Target {
  readonly name: 'sqlite' | 'postgres';
  readonly unavailable: string | undefined;
  create(): Promise<string>;
  dispose(): Promise<void>;
}

function sqliteFile(): Target {
  let dir: string | undefined;
  return {
    name: 'sqlite',
    unavailable: undefined,
    create() {
      dir = mkdtempSync(join(tmpdir(), 'populus-crash-'));
      return Promise.resolve(`sqlite:${join(dir, 'populus.db')}`);
    },
    dispose() {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

async function throwawayPostgres(): Promise<Target> {
  const unavailable = (await backends()).find((b) => b.name === 'postgres')?.unavailable;
  const name = `populus_crash_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  let created = false;
  return {
    name: 'postgres',
    unavailable,
    async create() {
      await admin(`create database ${name}`);
      created = true;
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dispose() {
      if (created) await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

/** A dispatcher process: loaded (`ready`), then told to start (`go()` resolves once it runs); `exited` settles when it is gone. */
interface Child {
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  go(): Promise<void>;
  readonly exited: Promise<void>;
  stderr: string;
}

function spawnDispatcher(databaseUrl: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, databaseUrl], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters: { word: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const waitFor = (word: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (out.includes(word)) resolve();
      else waiters.push({ word, resolve, reject });
    });
  proc.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
    for (const w of waiters.splice(0)) if (out.includes(w.word)) w.resolve();
    else waiters.push(w);
  });
  const child: Child = {
    proc,
    stderr: '',
    ready: waitFor('ready'),
    go() {
      proc.stdin?.write('go\n');
      return waitFor('started');
    },
    exited: new Promise<void>((resolve) =>
      proc.once('exit', (code, signal) => {
        for (const w of waiters.splice(0)) w.reject(new Error(`dispatcher exited (${String(code ?? signal)}) before "${w.word}": ${child.stderr}`));
        resolve();
      }),
    ),
  };
  proc.stderr?.on('data', (b: Buffer) => (child.stderr += b.toString()));
  child.ready.catch(() => undefined);
  return child;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const ELEMENT_VALUES: readonly (readonly [string, readonly string[]])[] = [
  ['person.maritalStatus', ['10', '20', '30', '40']],
  ['person.employmentStatus', ['11', '12', '20', '90']],
  ['person.phone', ['13912340001', '13912340002', '13912340003']],
];

for (const target of [sqliteFile(), await throwawayPostgres()]) {
  describe(`dispatcher crash test on ${target.name}`, { skip: target.unavailable }, () => {
    let store: Store;
    let url: string;
    const receivers: Receiver[] = [];

    before(async () => {
      url = await target.create();
      store = await openStore(url);
      await migrateStore(store);
    });
    after(async () => {
      for (const r of receivers) await r.close();
      await store.close();
      await target.dispose();
    });

    test(`SIGKILLed ${KILLS} times at random points: nothing lost, order kept, duplicates keep their webhook-id`, async () => {
      const next = seededRandom(SEED);
      const answers = seededRandom(SEED + 1);
      const services = servicesFor(store, HOME);
      const access = accessFor(store, { homeArea: HOME, identity: { idleTimeoutMinutes: 30, absoluteTimeoutHours: 12, passwordMaxAgeDays: null }, auditRetentionDays: 180, auditWindowMs: 1, auditThread: false });
      const feed = feedFor(store, HOME, access);
      const repos = feed.data.repos;

      // Persons through the platform (created + moved events), then updates appended round by round.
      const personIds: string[] = [];
      for (let i = 0; i < 20; i++) {
        const p = await services.persons.create({
          values: { 'person.name': `崩溃测试${String(i)}`, 'person.maritalStatus': '10' },
          residences: [{ kind: 'actual', areaCode: COMMITTEE, addressText: `新华路${String(100 + i)}号`, validFrom: '2020-01-01' }],
        });
        personIds.push(p.person.id);
      }
      const updates = (n: number): NewChangeEvent[] =>
        Array.from({ length: n }, () => {
          const personId = personIds[Math.floor(next() * personIds.length)] ?? '';
          const [element, values] = ELEMENT_VALUES[Math.floor(next() * ELEMENT_VALUES.length)] ?? ELEMENT_VALUES[0]!;
          const value = values[Math.floor(next() * values.length)] ?? null;
          return { type: 'cn.populus.person.updated', personId, data: { elements: [{ element, old: null, new: value, source: null }] }, cause: { kind: 'system', reason: 'crash test' }, areas: [] };
        });
      await repos.feed.append(updates(120));

      // Three departments, three receivers: single, batched, and one that sees only some events.
      let current: Child | undefined;
      let killAtRequest = -1;
      let requests = 0;
      const specs = [
        { departmentId: 'police-household', purpose: 'HOUSEHOLD_REGISTRATION', batchMax: 1 },
        { departmentId: 'civil-affairs', purpose: 'RELIEF_ASSESSMENT', batchMax: 5 },
        { departmentId: 'exit-entry', purpose: 'EXIT_ENTRY_ADMINISTRATION', batchMax: 1 },
      ];
      const subs: { sub: Subscription; receiver: Receiver }[] = [];
      for (const spec of specs) {
        const secret = newWebhookSecret();
        const receiver = await startReceiver(secret, () => {
          requests++;
          if (requests === killAtRequest && current) current.proc.kill('SIGKILL'); // taken, and the sender dies before the answer
          return answers() < 0.05 ? 500 : 200;
        });
        receivers.push(receiver);
        const sub = await repos.subscriptions.insert({ ...spec, name: `crash ${spec.departmentId}`, channel: 'webhook', url: receiver.url, elements: [], areas: [], categories: [], eventTypes: [], codeProfile: null, unmask: false, createdBy: 'user:test', cursor: 0 });
        await repos.subscriptions.addSecret(sub.id, secret);
        subs.push({ sub, receiver });
      }

      // The next processes load while the current one runs, so a kill is followed at once by a restart.
      const standby = [spawnDispatcher(url), spawnDispatcher(url)];
      const nextChild = (): Child => {
        standby.push(spawnDispatcher(url));
        return standby.shift() as Child;
      };
      let midRequestKills = 0;
      for (let k = 0; k < KILLS; k++) {
        if (k % 3 === 2) await repos.feed.append(updates(40));
        const child = k === KILLS - 1 ? (standby.shift() as Child) : nextChild();
        await child.ready;
        current = child;
        await child.go();
        if (k % 2 === 0) {
          // Killed once the receivers have taken a few more requests, before this one is answered.
          killAtRequest = requests + 1 + Math.floor(next() * 60);
          await Promise.race([child.exited, sleep(1500)]);
          if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
          else midRequestKills++;
        } else {
          await sleep(50 + Math.floor(next() * 500));
          child.proc.kill('SIGKILL');
        }
        await child.exited;
        killAtRequest = -1;
        assert.equal(child.proc.signalCode, 'SIGKILL', `run ${k} ended by SIGKILL: ${child.stderr}`);
      }
      assert.ok(midRequestKills > 0, 'some kills landed while a request was in flight');
      assert.ok(requests > 0, 'the killed runs delivered something');

      // A last run, left to finish: every subscription reaches the head with nothing pending.
      const head = (await repos.feed.head()).seq;
      const last = standby.shift() as Child;
      await last.ready;
      current = last;
      await last.go();
      for (;;) {
        const states = await Promise.all(subs.map(({ sub }) => repos.subscriptions.get(sub.id)));
        if (states.every((s) => s !== undefined && s.cursor === head && s.pendingFrom === null)) break;
        if (last.proc.exitCode !== null) assert.fail(`the dispatcher died: ${last.stderr}`);
        await sleep(50);
      }
      last.proc.kill('SIGTERM');
      await last.exited;

      // What each subscriber should have had: the outbox through the same gate.
      const outbox = await repos.feed.after(0, 100_000);
      let acceptedTwice = 0;
      assert.equal(outbox.length, head);
      for (const { sub, receiver } of subs) {
        const expected = await feed.gate.disclose(outbox, subscriberOf(sub));
        assert.ok(expected.length > 0);
        const accepted = receiver.received.filter((r) => r.status === 200);
        assert.ok(receiver.received.every((r) => r.verified && r.parseError === null), 'every request verifies and parses');

        // Nothing lost; nothing outside the remit.
        const got = new Set(accepted.flatMap((r) => r.events.map((e) => e.id)));
        const want = new Set(expected.map((e) => e.id));
        assert.deepEqual([...want].filter((id) => !got.has(id)), [], `${sub.departmentId}: no event lost`);
        const sent = new Set(receiver.received.flatMap((r) => r.events.map((e) => e.id)));
        assert.deepEqual([...sent].filter((id) => !want.has(id)), [], `${sub.departmentId}: nothing it may not see`);

        // Order: each event arrives first after every event before it; a person's events therefore in order.
        let highest = 0;
        const lastOfPerson = new Map<string, number>();
        const seen = new Set<string>();
        for (const e of receiver.received.flatMap((r) => r.events)) {
          const seq = Number(e['sequence']);
          if (seen.has(e.id)) continue;
          seen.add(e.id);
          assert.ok(seq > highest, `${sub.departmentId}: event ${seq} first arrived after ${highest}`);
          highest = seq;
          const subject = e.subject ?? '';
          assert.ok((lastOfPerson.get(subject) ?? 0) < seq, 'per-person order');
          lastOfPerson.set(subject, seq);
        }

        // Duplicates (retries and resends after a crash) carry the same webhook-id.
        const idsOf = new Map<string, Set<string>>();
        for (const r of receiver.received) for (const e of r.events) idsOf.set(e.id, (idsOf.get(e.id) ?? new Set()).add(r.webhookId));
        const split = [...idsOf].filter(([, ids]) => ids.size > 1);
        assert.deepEqual(split, [], `${sub.departmentId}: every duplicate kept its webhook-id`);
        acceptedTwice += accepted.flatMap((r) => r.events).length - got.size;
      }
      assert.ok(acceptedTwice > 0, 'some events were taken, then resent after a crash');
      await access.audit.close();
    });
  });
}
