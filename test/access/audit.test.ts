/**
 * The audit chain on every backend: group commit, tampering directly in the database (change,
 * delete, insert, reorder — each named at the right entry), anchoring, the change and its entry
 * in one transaction, retention pruning with a checkpoint, search, export and the data tracker.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { isPopulusError, type ErrorCode } from '../../src/domain/errors.ts';
import { AuditService } from '../../src/access/audit.service.ts';
import { entryHash, parseAnchor, type AuditEntryInput } from '../../src/access/audit-chain.ts';
import type { Principal } from '../../src/access/principal.ts';
import { AuditRepository, createAuditStore } from '../../src/store/audit.repository.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';
import { openAccessStore, TestClock } from './access-store.ts';

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isPopulusError(e), `expected a PopulusError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

const officer: Principal = {
  actor: { kind: 'user', id: '0190c2a4-0000-7000-8000-000000000001' },
  role: 'department-officer',
  departmentId: 'civil-affairs',
  areaCodes: [],
  buildingIds: [],
  personId: null,
  purposes: null,
};
const police: Principal = {
  ...officer,
  actor: { kind: 'token', id: '0190c2a4-0000-7000-8000-000000000002' },
  departmentId: 'police-household',
  purposes: ['PUBLIC_SECURITY'],
};
const auditor: Principal = {
  ...officer,
  actor: { kind: 'user', id: '0190c2a4-0000-7000-8000-000000000003' },
  role: 'auditor',
  departmentId: null,
};
const resident = (personId: string): Principal => ({
  ...officer,
  actor: { kind: 'user', id: '0190c2a4-0000-7000-8000-000000000004' },
  role: 'resident',
  departmentId: null,
  personId,
});

const read = (i: number, personIds = [`0190c2a4-0000-7000-8000-${String(i).padStart(12, '0')}`]): AuditEntryInput => ({
  actor: 'user:0190c2a4-0000-7000-8000-000000000001',
  departmentId: 'civil-affairs',
  role: 'department-officer',
  purpose: 'RELIEF_ASSESSMENT',
  action: 'person.read',
  personIds,
  elementIds: ['person.name', 'person.citizenIdNumber'],
  result: 'ok',
  requestId: `req-${i}`,
});

for (const backend of await backends()) {
  describe(`audit on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let clock: TestClock;
    let audit: AuditService;
    const run = (q: ReturnType<typeof sql>): Promise<unknown> => q.execute(store.db);

    /** A fresh log of n entries (the tables are emptied first; the append-only triggers are off in this block). */
    async function freshLog(n: number): Promise<void> {
      await run(sql`delete from audit_person`);
      await run(sql`delete from audit_person_recent`);
      await run(sql`delete from audit_bulk_person`);
      await run(sql`delete from audit_bulk_entry`);
      await run(sql`delete from audit_entry`);
      await run(sql`delete from audit_checkpoint`);
      await run(sql`update audit_head set seq = 0, hash = ${'0'.repeat(64)}, unfolded = 0`);
      audit = new AuditService({ store: createAuditStore(store), clock: clock.now });
      for (let i = 1; i <= n; i++) {
        await audit.append([read(i)]);
        clock.advance(1000);
      }
    }

    async function firstBreak(anchor?: string): Promise<{ seq: number; kind: string } | null> {
      const r = await audit.verify(anchor === undefined ? {} : { anchor: parseAnchor(anchor) ?? { seq: -1, hash: '' } });
      assert.equal(r.intact, r.firstBreak === null);
      return r.firstBreak && { seq: r.firstBreak.seq, kind: r.firstBreak.kind };
    }

    before(async () => {
      store = await openAccessStore(backend);
      clock = new TestClock();
      audit = new AuditService({ store: createAuditStore(store), clock: clock.now });
    });
    after(() => backend.dispose());

    test('group commit: 300 concurrent appends all durable, in far fewer transactions, and the chain verifies', async () => {
      const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => audit.append([read(i + 1)])));
      assert.ok(results.every((r) => r.status === 'fulfilled'));
      const n = await store.db
        .selectFrom('audit_entry')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 300);
      assert.ok(audit.commits.writes < 100, `${audit.commits.writes} transactions for 300 entries`);
      const seqs = (await store.db.selectFrom('audit_entry').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
      assert.deepEqual(
        seqs,
        Array.from({ length: 300 }, (_, i) => i + 1),
      );
      const report = await audit.verify();
      assert.deepEqual(
        { intact: report.intact, entries: report.entries, head: report.head.seq },
        { intact: true, entries: 300, head: 300 },
      );
    });

    test('two writers (two processes) appending at once keep one gapless chain', async () => {
      const other = new AuditService({ store: createAuditStore(store), clock: clock.now });
      await Promise.all([
        ...Array.from({ length: 40 }, (_, i) => audit.append([read(i)])),
        ...Array.from({ length: 40 }, (_, i) => other.append([read(100 + i)])),
      ]);
      const r = await audit.verify();
      assert.equal(r.intact, true, r.firstBreak?.message);
      assert.equal(r.head.seq, 380);
    });

    test('entries are append-only: UPDATE and DELETE are refused by the database', async () => {
      await assert.rejects(run(sql`update audit_entry set purpose = 'PUBLIC_SECURITY' where seq = 1`), /append-only/);
      await assert.rejects(run(sql`delete from audit_entry where seq = 1`), /append-only/);
      assert.equal((await audit.verify()).intact, true);
    });

    describe('tampering by someone who can drop the triggers', () => {
      before(async () => {
        if (store.dialect === 'postgres') {
          await run(sql`drop trigger audit_entry_no_update on audit_entry`);
          await run(sql`drop trigger audit_entry_no_delete on audit_entry`);
        } else {
          await run(sql`drop trigger audit_entry_no_update`);
          await run(sql`drop trigger audit_entry_no_delete`);
        }
      });
      beforeEach(() => freshLog(10));
      after(() => freshLog(0));

      test('an untouched log verifies', async () => {
        assert.equal(await firstBreak(), null);
      });

      test('a changed entry is named', async () => {
        await run(sql`update audit_entry set purpose = 'PUBLIC_SECURITY' where seq = 4`);
        assert.deepEqual(await firstBreak(), { seq: 4, kind: 'altered' });
      });

      test('a changed entry whose hash was recomputed breaks the link to the next', async () => {
        const row = await store.db.selectFrom('audit_entry').selectAll().where('seq', '=', 4).executeTakeFirstOrThrow();
        const e = await new AuditRepository(store.db).entry(4);
        assert.ok(e);
        const forged = entryHash({ ...e, purpose: 'PUBLIC_SECURITY' });
        await run(sql`update audit_entry set purpose = 'PUBLIC_SECURITY', hash = ${forged} where seq = ${row.seq}`);
        assert.deepEqual(await firstBreak(), { seq: 5, kind: 'link' });
      });

      test('a removed entry is named', async () => {
        await run(sql`delete from audit_person_recent where seq = 6`);
        await run(sql`delete from audit_entry where seq = 6`);
        assert.deepEqual(await firstBreak(), { seq: 6, kind: 'missing' });
      });

      test('entries removed from the end are caught by the recorded head', async () => {
        await run(sql`delete from audit_person_recent where seq >= 9`);
        await run(sql`delete from audit_entry where seq >= 9`);
        assert.deepEqual(await firstBreak(), { seq: 9, kind: 'truncated' });
      });

      test('an entry inserted in the middle, renumbering the rest, is caught at the entry after it', async () => {
        const e6 = await new AuditRepository(store.db).entry(6);
        assert.ok(e6);
        await run(sql`update audit_entry set seq = seq + 1000 where seq >= 7`);
        await run(sql`update audit_entry set seq = seq - 999 where seq >= 1000`);
        const body = { ...e6, seq: 7, requestId: 'forged', prevHash: e6.hash };
        const hash = entryHash(body);
        await run(sql`insert into audit_entry (seq, at, actor, department_id, role, purpose, action, person_ids, element_ids, result, request_id, detail, prev_hash, hash)
          values (7, ${body.at}, ${body.actor}, ${body.departmentId}, ${body.role}, ${body.purpose}, ${body.action}, ${JSON.stringify(body.personIds)}, ${JSON.stringify(body.elementIds)}, ${body.result}, ${body.requestId}, ${null}, ${body.prevHash}, ${hash})`);
        await run(sql`update audit_person_recent set seq = seq + 1000 where seq >= 7`);
        await run(sql`update audit_person_recent set seq = seq - 999 where seq >= 1000`);
        await run(sql`insert into audit_person_recent (seq, person_id) values (7, ${body.personIds[0] ?? ''})`);
        assert.deepEqual(await firstBreak(), { seq: 8, kind: 'link' });
      });

      test('an entry appended behind the log’s back is caught by the recorded head', async () => {
        const e10 = await new AuditRepository(store.db).entry(10);
        assert.ok(e10);
        const body = { ...e10, seq: 11, prevHash: e10.hash, personIds: [], elementIds: [] };
        await run(sql`insert into audit_entry (seq, at, actor, department_id, role, purpose, action, person_ids, element_ids, result, request_id, detail, prev_hash, hash)
          values (11, ${body.at}, ${body.actor}, ${body.departmentId}, ${body.role}, ${body.purpose}, ${body.action}, '[]', '[]', ${body.result}, ${body.requestId}, ${null}, ${body.prevHash}, ${entryHash(body)})`);
        assert.deepEqual(await firstBreak(), { seq: 11, kind: 'inserted' });
      });

      test('reordered entries are named at the first moved one', async () => {
        await run(sql`update audit_entry set seq = -3 where seq = 3`);
        await run(sql`update audit_entry set seq = 3 where seq = 5`);
        await run(sql`update audit_entry set seq = 5 where seq = -3`);
        assert.deepEqual(await firstBreak(), { seq: 3, kind: 'link' });
      });

      test('a rewritten history with every hash recomputed is caught by an anchor exported before', async () => {
        const anchor = await audit.anchor();
        assert.match(anchor, /^populus-audit-head:10:[0-9a-f]{64}$/);
        const repo = new AuditRepository(store.db);
        let prev = (await repo.entry(2))?.hash ?? '';
        for (let seq = 3; seq <= 10; seq++) {
          const e = await repo.entry(seq);
          assert.ok(e);
          const body = { ...e, prevHash: prev, purpose: seq === 3 ? 'PUBLIC_SECURITY' : e.purpose };
          prev = entryHash(body);
          await run(sql`update audit_entry set purpose = ${body.purpose}, prev_hash = ${body.prevHash}, hash = ${prev} where seq = ${seq}`);
        }
        await run(sql`update audit_head set hash = ${prev}`);
        assert.equal(await firstBreak(), null, 'internally consistent: only an anchor can tell');
        assert.deepEqual(await firstBreak(anchor), { seq: 10, kind: 'anchor' });
      });

      test('the data tracker’s index is checked too, in its recent part and once folded', async () => {
        await run(sql`delete from audit_person_recent where seq = 2`);
        assert.deepEqual(await firstBreak(), { seq: 2, kind: 'index' });
        await run(sql`insert into audit_person_recent (seq, person_id) values (2, ${read(2).personIds[0] ?? ''})`);
        assert.equal(await firstBreak(), null);
        await createAuditStore(store).transaction(async (repo) => {
          await repo.lockHead();
          assert.equal(await repo.fold(), 10);
        });
        assert.equal(await firstBreak(), null, 'verifies once folded');
        await run(sql`delete from audit_person where seq = 3`);
        assert.deepEqual(await firstBreak(), { seq: 3, kind: 'index' });
        await run(sql`insert into audit_person_recent (seq, person_id) values (3, ${read(3).personIds[0] ?? ''})`);
        assert.equal(await firstBreak(), null, 'a row in either part will do');
        await run(sql`insert into audit_person_recent (seq, person_id) values (4, ${read(4).personIds[0] ?? ''})`);
        assert.deepEqual(await firstBreak(), { seq: 4, kind: 'index' }, 'but not in both');
      });

      test('the index of an entry naming many persons (kept by entry) is checked too', async () => {
        const many = Array.from({ length: 1500 }, (_, i) => `0190c2a4-0000-7000-8000-${String(5000 + i).padStart(12, '0')}`);
        await audit.append([{ ...read(11), action: 'report.run', personIds: many }]);
        assert.equal(await firstBreak(), null, 'a statistical entry verifies');
        const kept = await store.db
          .selectFrom('audit_bulk_person')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('seq', '=', 11)
          .executeTakeFirstOrThrow();
        assert.equal(Number(kept.n), 1500, 'its persons are indexed by entry');
        const byPerson = await store.db.selectFrom('audit_person').select('seq').where('seq', '=', 11).execute();
        const recent = await store.db.selectFrom('audit_person_recent').select('seq').where('seq', '=', 11).execute();
        assert.equal(byPerson.length + recent.length, 0, 'not in the person index');
        await run(sql`delete from audit_bulk_person where seq = 11 and person_id = ${many[700] ?? ''}`);
        assert.deepEqual(await firstBreak(), { seq: 11, kind: 'index' }, 'a person removed from it');
      });

      test('an entry naming many persons that is no longer listed as such is caught (the tracker would miss it)', async () => {
        const many = Array.from({ length: 1200 }, (_, i) => `0190c2a4-0000-7000-8000-${String(7000 + i).padStart(12, '0')}`);
        await audit.append([{ ...read(11), action: 'report.run', personIds: many }]);
        await run(sql`delete from audit_bulk_entry where seq = 11`);
        assert.deepEqual(await firstBreak(), { seq: 11, kind: 'index' });
      });

      test('pruning refuses a broken chain', async () => {
        await run(sql`update audit_entry set result = 'denied' where seq = 2`);
        clock.days(400);
        await rejects(audit.prune(), 'AUDIT_CHAIN_BROKEN');
        assert.equal((await audit.verify()).entries, 1, 'nothing was pruned');
      });

      test('retention: old entries are pruned behind a checkpoint, the rest still verifies, and removing the checkpoint is caught', async () => {
        clock.days(100);
        await audit.append([read(11), read(12)]);
        clock.days(100);
        const { pruned, checkpoint } = await audit.prune();
        assert.equal(pruned, 10, 'the 10 entries older than 180 days');
        assert.equal(checkpoint?.throughSeq, 10);
        const report = await audit.verify();
        assert.equal(report.intact, true, report.firstBreak?.message);
        assert.equal(report.entries, 3, 'two kept entries and the audit.prune entry');
        assert.equal((await audit.prune()).pruned, 0, 'nothing more is old enough');
        await run(sql`delete from audit_checkpoint`);
        assert.deepEqual(await firstBreak(), { seq: 1, kind: 'missing' });
      });

      test('a forged checkpoint without its audit.prune entry is caught', async () => {
        const e5 = await new AuditRepository(store.db).entry(5);
        assert.ok(e5);
        await run(sql`delete from audit_person_recent where seq <= 5`);
        await run(sql`delete from audit_entry where seq <= 5`);
        await run(
          sql`insert into audit_checkpoint (through_seq, through_hash, entries, first_at, last_at, created_at) values (5, ${e5.hash}, 5, ${null}, ${null}, ${clock.now().toISOString()})`,
        );
        assert.deepEqual(await firstBreak(), { seq: 6, kind: 'checkpoint' });
      });
    });

    test('the retention setting has a floor of 180 days', () => {
      assert.throws(
        () => new AuditService({ store: createAuditStore(store), settings: { retentionDays: 30 } }),
        (e) => isPopulusError(e) && e.code === 'CONFIG_INVALID',
      );
      assert.equal(new AuditService({ store: createAuditStore(store) }).settings.retentionDays, 180);
    });

    test('a change and its audit entry commit in one transaction, or neither does', async () => {
      const before = await audit.head();
      await assert.rejects(
        store.db.transaction().execute(async (tx) => {
          await audit.appendWithin(new AuditRepository(tx), [read(1)]);
          await tx
            .insertInto('department')
            .values({ id: 'test-dept', name_zh: '测试', name_en: 'test', level: 'street', status: 'local' })
            .execute();
          throw new Error('the change fails after both were written');
        }),
        /the change fails/,
      );
      assert.deepEqual(await audit.head(), before);
      assert.equal(await store.db.selectFrom('department').select('id').where('id', '=', 'test-dept').executeTakeFirst(), undefined);
      await store.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('department')
          .values({ id: 'test-dept', name_zh: '测试', name_en: 'test', level: 'street', status: 'local' })
          .execute();
        await audit.appendWithin(new AuditRepository(tx), [{ ...read(2), action: 'department.create', personIds: [] }]);
      });
      assert.equal((await audit.head()).seq, before.seq + 1);
      assert.ok(await store.db.selectFrom('department').select('id').where('id', '=', 'test-dept').executeTakeFirst());
      assert.equal((await audit.verify()).intact, true);
    });

    test('search and CSV export for auditors; the resident’s data tracker', async () => {
      const me = '0190c2a4-0000-7000-8000-0000000000aa';
      const t0 = clock.now().toISOString();
      await audit.record(
        { principal: officer, purpose: 'RELIEF_ASSESSMENT' },
        {
          action: 'person.read',
          personIds: [me],
          elementIds: ['person.name', 'person.subsistenceAllowance'],
          result: 'ok',
          requestId: 'r1',
          unmasked: ['person.citizenIdNumber'],
        },
      );
      clock.minutes(5);
      await audit.record(
        { principal: police, purpose: 'PUBLIC_SECURITY' },
        {
          action: 'person.search',
          personIds: [me, '0190c2a4-0000-7000-8000-0000000000bb'],
          elementIds: ['person.name'],
          result: 'ok',
          requestId: 'r2',
        },
      );
      await audit.record(
        { principal: officer, purpose: 'RELIEF_ASSESSMENT' },
        { action: 'person.read', personIds: [me], elementIds: ['person.religion'], result: 'denied', requestId: 'r3' },
      );
      await audit.record(
        { principal: resident(me), purpose: 'SELF_SERVICE' },
        { action: 'person.read', personIds: [me], elementIds: ['person.name'], result: 'ok', requestId: 'r4' },
      );

      const tracked = await audit.tracker({ principal: resident(me), purpose: 'SELF_SERVICE' }, me);
      assert.deepEqual(
        tracked.uses.map((u) => [u.departmentId, u.purpose, u.action, u.elementIds.join(' ')]),
        [
          ['police-household', 'PUBLIC_SECURITY', 'person.search', 'person.name'],
          ['civil-affairs', 'RELIEF_ASSESSMENT', 'person.read', 'person.name person.subsistenceAllowance'],
        ],
      );
      assert.deepEqual(
        tracked.summary.map((s) => [s.departmentId, s.uses]),
        [
          ['police-household', 1],
          ['civil-affairs', 1],
        ],
      );
      await rejects(
        audit.tracker({ principal: resident('0190c2a4-0000-7000-8000-0000000000bb'), purpose: 'SELF_SERVICE' }, me),
        'PERSON_NOT_FOUND',
      );
      await rejects(audit.tracker({ principal: officer, purpose: 'RELIEF_ASSESSMENT' }, me), 'PERSON_NOT_FOUND');
      assert.equal((await audit.tracker({ principal: auditor, purpose: 'AUDIT' }, me)).uses.length, 2);

      const found = await audit.search({ principal: auditor, purpose: 'AUDIT' }, { personId: me, from: t0, limit: 10 });
      assert.deepEqual(
        found.map((e) => [e.action, e.requestId]),
        [
          ['tracker.read', null],
          ['tracker.read', null],
          ['person.read', 'r4'],
          ['person.read', 'r3'],
          ['person.search', 'r2'],
          ['person.read', 'r1'],
        ],
        'newest first; reading the tracker is a use too',
      );
      assert.equal(found.find((e) => e.requestId === 'r1')?.detail, '{"unmasked":["person.citizenIdNumber"]}');
      const byToken = await audit.search({ principal: auditor, purpose: 'AUDIT' }, { actor: `token:${police.actor.id}`, limit: 10 });
      assert.deepEqual(
        byToken.map((e) => e.requestId),
        ['r2'],
      );
      await rejects(audit.search({ principal: officer, purpose: 'RELIEF_ASSESSMENT' }, { limit: 10 }), 'NOT_ALLOWED');

      const lines: string[] = [];
      for await (const line of audit.exportCsv({ principal: auditor, purpose: 'AUDIT' }, { personId: me, from: t0 })) lines.push(line);
      assert.equal(lines[0], 'seq,at,actor,department,role,purpose,action,persons,elements,result,request_id,detail,prev_hash,hash');
      assert.equal(lines.length, 1 + 8, 'the six entries found, the search above and the export itself (written before the rows are read)');
      assert.ok(lines.some((l) => l.includes('"{""unmasked"":[""person.citizenIdNumber""]}"')));
      const searches = await audit.search({ principal: auditor, purpose: 'AUDIT' }, { action: 'audit.export', limit: 10 });
      assert.equal(searches.length, 1, 'the export was itself audited');
      // A statistical report names every person it counted: kept by entry, still found for each of them.
      const counted = [me, ...Array.from({ length: 2000 }, (_, i) => `0190c2a4-0000-7000-8000-${String(9000 + i).padStart(12, '0')}`)];
      await audit.record(
        { principal: officer, purpose: 'RELIEF_ASSESSMENT' },
        { action: 'report.run', personIds: counted, elementIds: ['person.populationCategory'], result: 'ok', requestId: 'r5' },
      );
      const withRun = await audit.tracker({ principal: auditor, purpose: 'AUDIT' }, me);
      assert.equal(withRun.uses[0]?.action, 'report.run', 'the report run is the newest use');
      assert.equal(withRun.uses.filter((u) => u.action === 'report.run').length, 1);
      const other = await audit.tracker({ principal: auditor, purpose: 'AUDIT' }, counted[1500] ?? '');
      assert.deepEqual(
        other.uses.map((u) => u.action),
        ['report.run'],
      );
      assert.equal(
        (await audit.tracker({ principal: auditor, purpose: 'AUDIT' }, '0190c2a4-0000-7000-8000-0000000000cc')).uses.length,
        0,
        'someone not counted is not found in it',
      );
      assert.equal((await audit.verify()).intact, true);
    });

    test('reads by person find its entries before and after a fold; a group commit folds once foldRows index rows wait', async () => {
      const auditStore = createAuditStore(store);
      await auditStore.transaction(async (repo) => {
        await repo.lockHead();
        await repo.fold(); // start from an empty recent part
      });
      const folding = new AuditService({ store: auditStore, clock: clock.now, settings: { foldRows: 7 } });
      const me = '0190c2a4-0000-7000-8000-0000000000dd';
      const count = async (table: 'audit_person' | 'audit_person_recent', personId?: string): Promise<number> => {
        let q = store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
        if (personId !== undefined) q = q.where('person_id', '=', personId);
        return Number((await q.executeTakeFirstOrThrow()).n);
      };
      const mine: string[] = [];
      for (let i = 0; i < 20; i++) {
        clock.advance(1000);
        const forMe = i % 3 === 0;
        await folding.append([forMe ? read(300 + i, [me]) : read(300 + i)]);
        if (forMe) mine.push(`req-${300 + i}`);
        assert.ok((await count('audit_person_recent')) < 7, `folded whenever 7 rows waited (after ${i + 1})`);
      }
      assert.equal(await count('audit_person_recent'), 6, 'the commits of the 7th and 14th rows folded; 6 wait');
      assert.equal(await count('audit_person', me), 5, 'five of mine folded');
      assert.equal(await count('audit_person_recent', me), 2, 'two of mine recent');
      const found = await folding.search({ principal: auditor, purpose: 'AUDIT' }, { personId: me, limit: 100 });
      assert.deepEqual(
        found.map((e) => e.requestId),
        [...mine].reverse(),
        'newest first, from both parts',
      );
      const paged = await folding.search({ principal: auditor, purpose: 'AUDIT' }, { personId: me, limit: 3, beforeSeq: found[1]?.seq ?? 0 });
      assert.deepEqual(
        paged.map((e) => e.requestId),
        mine.slice(-5, -2).reverse(),
        'a page across the fold',
      );
      const tracked = await folding.tracker({ principal: auditor, purpose: 'AUDIT' }, me);
      assert.equal(tracked.uses.length, 9, 'the seven reads and the two searches naming me');
      const report = await folding.verify();
      assert.equal(report.intact, true, report.firstBreak?.message);
    });
  });
}
