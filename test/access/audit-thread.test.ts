/**
 * The audit writer thread (SQLite files): group commits written on their own connection while the
 * main thread writes changes with their entries (appendWithin) — one gapless chain that verifies,
 * every caller's entry durable when its promise resolves, and a clean shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessServicesFromCatalogue } from '../../src/access/access-services.ts';
import type { AuditEntryInput } from '../../src/access/audit-chain.ts';
import { migrateStore } from '../../src/main.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { AuditRepository } from '../../src/store/audit.repository.ts';
import { openStore, type Store } from '../../src/store/store.ts';

/** A migrated SQLite file store in a temporary folder (the writer thread needs a file), removed afterwards. */
async function withStoreFile(work: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'populus-audit-thread-'));
  const store = await openStore(`sqlite:${join(dir, 'a.db')}`);
  try {
    await migrateStore(store);
    await work(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = (i: number, action = 'person.read'): AuditEntryInput => ({
  actor: 'token:0a1b',
  departmentId: 'civil-affairs',
  role: 'department-officer',
  purpose: 'RELIEF_ASSESSMENT',
  action,
  personIds: [`p-${i}`],
  elementIds: ['person.name'],
  result: 'ok',
  requestId: null,
});

test('group commits on the writer thread and changes on the main thread keep one chain', async () => {
  await withStoreFile(async (store) => {
    // Folds of the recent index rows once 100 wait, among the commits.
    const access = accessServicesFromCatalogue(store, '310105004', undefined, { auditThread: true, audit: { foldRows: 100 } });
    const data = createDataAccess(store, '310105');
    const reads = Array.from({ length: 400 }, (_, i) => access.audit.append([entry(i)]));
    // A statistical report's entry, naming thousands, written on the thread among the reads.
    const counted = Array.from({ length: 3000 }, (_, i) => `p-${i}`);
    reads.push(access.audit.append([{ ...entry(0, 'report.run'), personIds: counted }]));
    const writes = Array.from({ length: 40 }, (_, i) =>
      data.transaction((repos) => access.audit.appendWithin(repos.audit, [entry(i, 'person.write')])),
    );
    await Promise.all([...reads, ...writes]);
    // Each read's entry is durable when its promise resolves: all 400 are there now.
    const n = await store.db
      .selectFrom('audit_entry')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 441);
    assert.ok(access.audit.commits.writes < 401, `group commit shared writes (${access.audit.commits.writes} for 400)`);
    const report = await access.audit.verify();
    assert.equal(report.intact, true, JSON.stringify(report.firstBreak));
    assert.equal(report.head.seq, 441);
    const seqs = (await store.db.selectFrom('audit_entry').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
    assert.deepEqual(
      seqs,
      Array.from({ length: 441 }, (_, i) => i + 1),
      'gapless',
    );
    const bulk = await store.db
      .selectFrom('audit_bulk_person')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(bulk.n), 3000, 'the report\u2019s persons indexed by entry');
    const stats = await access.audit.writerStats();
    assert.ok((stats?.folds ?? 0) >= 1, `the thread folded the recent index rows (${stats?.folds} folds)`);
    const folded = await store.db
      .selectFrom('audit_person')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    assert.ok(Number(folded.n) >= 200, `${folded.n} rows folded into the person index`);
    // A person's uses are found wherever their index rows are: folded, recent, or by entry.
    const auditor = { actor: { kind: 'user', id: '0a1c' }, role: 'auditor', departmentId: null, areaCodes: [], buildingIds: [], personId: null, purposes: null } as const;
    for (const i of [5, 39]) {
      const t = await access.audit.tracker({ principal: auditor, purpose: 'AUDIT' }, `p-${i}`);
      assert.deepEqual(
        t.uses.map((u) => u.action).sort(),
        ['person.read', 'person.write', 'report.run'],
        `p-${i}`,
      );
    }
    await access.audit.close();
    await access.audit.close(); // twice is harmless
  });
});

test('the writer thread takes what waits into its next commit; each promise resolves once its entry is committed, a failed commit rejects only its own callers', async () => {
  await withStoreFile(async (store) => {
    const access = accessServicesFromCatalogue(store, '310105004', undefined, { auditThread: true, audit: { windowMs: 0 } });
    const committed = async (requestId: string): Promise<boolean> =>
      (await store.db.selectFrom('audit_entry').select('seq').where('request_id', '=', requestId).executeTakeFirst()) !== undefined;
    // Waves of appends, one a turn of the event loop, while earlier ones are being committed: each
    // caller's entry is in the database (seen from the main connection) when its promise resolves.
    const seen: Promise<boolean>[] = [];
    for (let i = 0; i < 300; i++) {
      const requestId = `wave-${i}`;
      seen.push(access.audit.append([{ ...entry(i), requestId }]).then(() => committed(requestId)));
      if (i % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(
      await Promise.all(seen),
      Array.from({ length: 300 }, () => true),
    );
    assert.ok(access.audit.commits.writes < 30, `batches of a turn shared commits (${access.audit.commits.writes} commits for 30 turns)`);
    assert.equal(access.audit.commits.entries, 300);

    // A row slipped in behind the log's back takes the next seq: the thread's commit fails, its
    // callers are told, nothing of it is kept, and once the row is gone the log carries on.
    const head = await access.audit.head();
    const stray = {
      ...entry(0),
      seq: head.seq + 1,
      at: new Date().toISOString(),
      personIds: [],
      elementIds: [],
      detail: null,
      prevHash: head.hash,
      hash: '0'.repeat(64),
    };
    await new AuditRepository(store.db).insertEntries([stray]);
    await assert.rejects(access.audit.append([{ ...entry(1), requestId: 'refused' }]), /could not append/);
    assert.equal(await committed('refused'), false);
    await store.db.transaction().execute(async (tx) => {
      await tx.insertInto('audit_prune_gate').values({ id: 1 }).execute();
      await tx
        .deleteFrom('audit_entry')
        .where('seq', '=', head.seq + 1)
        .execute();
      await tx.deleteFrom('audit_prune_gate').execute();
    });
    await access.audit.append([{ ...entry(2), requestId: 'after' }]);
    assert.equal(await committed('after'), true);
    const report = await access.audit.verify();
    assert.equal(report.intact, true, JSON.stringify(report.firstBreak));
    assert.equal(report.head.seq, 301);
    await access.audit.close();
  });
});

test('audit verify while the writer thread folds the person index under it finds the chain intact every time', async () => {
  await withStoreFile(async (store) => {
    const access = accessServicesFromCatalogue(store, '310105004', undefined, { auditThread: true, audit: { foldRows: 8, verifyPageSize: 50 } });
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 1500; i += 5) {
        await Promise.all(Array.from({ length: 5 }, (_, k) => access.audit.append([entry(i + k)])));
      }
      writing = false;
    })();
    let verified = 0;
    while (writing) {
      const r = await access.audit.verify();
      assert.equal(r.intact, true, JSON.stringify(r.firstBreak));
      verified += 1;
      await new Promise((r) => setImmediate(r)); // SQLite answers synchronously: let the thread's answers in
    }
    await writer;
    assert.ok(verified >= 2, `${verified} verifications during the writes`);
    const stats = await access.audit.writerStats();
    assert.ok((stats?.folds ?? 0) >= 20, `${stats?.folds} folds during the writes`);
    assert.equal((await access.audit.verify()).intact, true);
    await access.audit.close();
  });
});
