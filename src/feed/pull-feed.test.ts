/** The pull feed's scanning, long-polling and streaming, over an in-memory outbox and a gate that hides odd persons. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCloudEvent, type ChangeEvent } from '../domain/feed/change-event.ts';
import type { FeedGate, Subscriber } from './feed-gate.ts';
import { PullFeed } from './pull-feed.ts';

function outbox(): { events: ChangeEvent[]; add(personId: string): void; feed: ConstructorParameters<typeof PullFeed>[0]['feed'] } {
  const events: ChangeEvent[] = [];
  return {
    events,
    add(personId) {
      const seq = events.length + 1;
      events.push({ seq, id: `e${seq}`, type: 'cn.populus.person.updated', personId, data: { elements: [] }, cause: { kind: 'system' }, areas: [], time: new Date().toISOString(), district: '310105' });
    },
    feed: {
      after: (seq, limit) => Promise.resolve(events.filter((e) => e.seq > seq).slice(0, limit)),
      head: () => Promise.resolve({ seq: events.length, time: null }),
    },
  };
}

/** Persons named "odd-…" are outside the reader's remit; a purpose "NONE" is refused. */
const gate = {
  accessOf(s: Subscriber) {
    if (s.purpose === 'NONE') throw new Error('purpose refused');
    return {};
  },
  disclose: (events: readonly ChangeEvent[], s: Subscriber) => {
    gate.accessOf(s);
    return Promise.resolve(events.filter((e) => !e.personId?.startsWith('odd')).map((e) => toCloudEvent(e, e.data)));
  },
} as unknown as FeedGate;

const reader = { purpose: 'P' } as Subscriber;

test('scan returns only visible events, never more than the limit, and next is the last event scanned', async () => {
  const o = outbox();
  for (const p of ['a', 'odd-1', 'b', 'odd-2', 'odd-3', 'c']) o.add(p);
  const pull = new PullFeed({ gate, feed: o.feed });
  const all = await pull.scan(reader, 0, 100);
  assert.deepEqual(all.events.map((e) => e.subject), ['a', 'b', 'c']);
  assert.deepEqual([all.next, all.head], [6, 6]);
  const two = await pull.scan(reader, 0, 2);
  assert.deepEqual(two.events.map((e) => e.subject), ['a', 'b']);
  assert.equal(two.next, 3, 'stops right after the second visible event');
  const rest = await pull.scan(reader, two.next, 2);
  assert.deepEqual(rest.events.map((e) => e.subject), ['c']);
  assert.equal(rest.next, 6, 'the hidden events are scanned once and skipped');
});

test('read waits for the next visible event, skipping hidden ones that arrive meanwhile', async () => {
  const o = outbox();
  const pull = new PullFeed({ gate, feed: o.feed, pollMs: 10 });
  const waiting = pull.read(reader, 0, 10, 30);
  setTimeout(() => o.add('odd-1'), 30);
  setTimeout(() => o.add('d'), 80);
  const page = await waiting;
  assert.deepEqual(page.events.map((e) => e.subject), ['d']);
  assert.equal(page.next, 2);
});

test('read ends when the client goes, and refuses a purpose at once', async () => {
  const o = outbox();
  const pull = new PullFeed({ gate, feed: o.feed, pollMs: 10 });
  const ac = new AbortController();
  const waiting = pull.read(reader, 0, 10, 30, ac.signal);
  setTimeout(() => ac.abort(), 30);
  const page = await waiting;
  assert.deepEqual([page.events.length, page.next], [0, 0]);
  await assert.rejects(pull.read({ purpose: 'NONE' } as Subscriber, 0, 10, 30), /purpose refused/);
});

test('stream writes id, event and data frames and heartbeats, and stops when aborted', async () => {
  const o = outbox();
  o.add('a');
  o.add('odd-1');
  const pull = new PullFeed({ gate, feed: o.feed, pollMs: 5, heartbeatMs: 20 });
  const chunks: string[] = [];
  const ac = new AbortController();
  const out = {
    write(c: string) {
      chunks.push(c);
      if (chunks.some((x) => x.includes('id: 3')) && chunks.some((x) => x.startsWith(': heartbeat'))) ac.abort();
      return true;
    },
    drained: () => Promise.resolve(),
  };
  const streaming = pull.stream(reader, 0, out, ac.signal);
  assert.equal(pull.openStreams, 1);
  setTimeout(() => o.add('b'), 50);
  await streaming;
  assert.equal(pull.openStreams, 0);
  const frames = chunks.filter((c) => c.startsWith('id: '));
  assert.deepEqual(
    frames.map((f) => /^id: (\d+)\nevent: (\S+)\ndata: (.+)\n\n$/.exec(f)?.slice(1, 3)),
    [
      ['1', 'cn.populus.person.updated'],
      ['3', 'cn.populus.person.updated'],
    ],
  );
  assert.equal((JSON.parse(/data: (.+)/.exec(frames[1] ?? '')?.[1] ?? '{}') as { subject: string }).subject, 'b');
  assert.ok(chunks.some((c) => /^: heartbeat /.test(c)), 'a comment heartbeat while idle');
});
