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
import { openStore } from '../../src/store/store.ts';

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
  const dir = mkdtempSync(join(tmpdir(), 'populus-audit-thread-'));
  const store = await openStore(`sqlite:${join(dir, 'a.db')}`);
  try {
    await migrateStore(store);
    const access = accessServicesFromCatalogue(store, '310105004', undefined, { auditThread: true });
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
    await access.audit.close();
    await access.audit.close(); // twice is harmless
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
