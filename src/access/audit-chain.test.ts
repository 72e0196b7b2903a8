import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalForm, ChainVerifier, entryProblems, formatAnchor, GENESIS_HASH, parseAnchor, sealEntries, type AuditEntry, type AuditEntryInput } from './audit-chain.ts';

const input = (i: number): AuditEntryInput => ({
  actor: 'user:0190c2a4-0000-7000-8000-000000000001',
  departmentId: 'civil-affairs',
  role: 'department-officer',
  purpose: 'RELIEF_ASSESSMENT',
  action: 'person.read',
  personIds: [`p-${i}`, 'p-0', `p-${i}`],
  elementIds: ['person.name', 'person.birthDate'],
  result: 'ok',
  requestId: `req-${i}`,
});

const chain = (n: number): AuditEntry[] => sealEntries(Array.from({ length: n }, (_, i) => input(i + 1)), { seq: 0, hash: GENESIS_HASH }, '2026-11-02T08:00:00.000Z');

function firstBreak(entries: readonly AuditEntry[]): number | undefined {
  const v = new ChainVerifier();
  for (const e of entries) {
    const b = v.next(e);
    if (b) return b.seq;
  }
  return undefined;
}

test('the canonical form is fixed: this exact entry always hashes to this value', () => {
  const [e] = chain(1);
  assert.ok(e);
  assert.equal(
    canonicalForm(e),
    '["populus-audit-1",1,"2026-11-02T08:00:00.000Z","user:0190c2a4-0000-7000-8000-000000000001","civil-affairs","department-officer","RELIEF_ASSESSMENT","person.read",["p-0","p-1"],["person.birthDate","person.name"],"ok","req-1",null,"0000000000000000000000000000000000000000000000000000000000000000"]',
  );
  assert.match(e.hash, /^[0-9a-f]{64}$/);
  assert.equal(chain(1)[0]?.hash, e.hash, 'deterministic');
});

test('sealing numbers entries after the head and links each to the previous hash', () => {
  const entries = chain(3);
  assert.deepEqual(entries.map((e) => e.seq), [1, 2, 3]);
  assert.equal(entries[1]?.prevHash, entries[0]?.hash);
  assert.equal(firstBreak(entries), undefined);
  const more = sealEntries([input(9)], { seq: 3, hash: entries[2]?.hash ?? '' }, '2026-11-02T09:00:00.000Z');
  assert.equal(more[0]?.seq, 4);
  assert.equal(firstBreak([...entries, ...more]), undefined);
});

test('every kind of tampering is caught at the right entry', () => {
  const entries = chain(6);
  const changed = entries.map((e) => (e.seq === 3 ? { ...e, purpose: 'PUBLIC_SECURITY' } : e));
  assert.equal(firstBreak(changed), 3);
  assert.equal(firstBreak(entries.filter((e) => e.seq !== 4)), 4, 'a removed entry is named by its seq');
  const swapped = entries.map((e) => (e.seq === 2 ? { ...entries[4], seq: 2 } : e.seq === 5 ? { ...entries[1], seq: 5 } : e)) as AuditEntry[];
  assert.equal(firstBreak(swapped), 2, 'reordered');
  const forged = sealEntries([input(99)], { seq: 3, hash: entries[2]?.hash ?? '' }, '2026-11-02T08:30:00.000Z')[0] as AuditEntry;
  const inserted = [...entries.slice(0, 3), forged, ...entries.slice(3).map((e) => ({ ...e, seq: e.seq + 1 }))];
  assert.equal(firstBreak(inserted), 5, 'a well-forged insertion breaks the link of the entry after it');
});

test('entries are checked before they are appended', () => {
  assert.deepEqual(entryProblems(input(1)), []);
  assert.equal(entryProblems({ ...input(1), action: 'Person Read' }).length, 1);
  assert.equal(entryProblems({ ...input(1), actor: '张三' }).length, 1, 'actors are ids, never names');
  assert.equal(entryProblems({ ...input(1), at: '2026-11-02 08:00' }).length, 1);
  assert.equal(entryProblems({ ...input(1), detail: '{not json' }).length, 1);
});

test('an anchor line round-trips', () => {
  const h = { seq: 42, hash: 'a'.repeat(64) };
  assert.deepEqual(parseAnchor(formatAnchor(h)), h);
  assert.equal(parseAnchor('populus-audit-head:x:y'), undefined);
});
