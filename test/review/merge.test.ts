/** Merge and unmerge, and decisions on review items, on every backend: an unmerge gives back exactly the persons there were. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCheckChar } from '../../src/domain/id-number.ts';
import { isPopulusError, type ErrorCode } from '../../src/domain/errors.ts';
import { servicesFor } from '../../src/main.ts';
import type { PersonView } from '../../src/services/person.service.ts';
import type { Services } from '../../src/services/services.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { newId } from '../../src/store/clock.ts';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/backends.ts';
import { seededRandom } from '../../src/domain/random.ts';

const HOME = '310105004';
const COMMITTEE = '310105004003';
const id = (body17: string): string => body17 + computeCheckChar(body17);

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isPopulusError(e), `expected a PopulusError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** A seeded generator, so that a failing case can be replayed. */
const random = seededRandom;

/** A person view with its lists in a fixed order (row order may differ between backends after updates). */
function canonical(v: PersonView): unknown {
  const by = <T>(list: readonly T[], key: (x: T) => string): T[] => [...list].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    ...v,
    values: by(v.values, (x) => x.elementId),
    identifiers: by(v.identifiers, (x) => x.id),
    residences: by(v.residences, (x) => x.id),
    households: by(v.households, (x) => x.id),
    kinds: [...v.kinds].sort(),
  };
}

const NAMES = ['张伟', '章伟', '王芳', '李娜', '欧阳娜娜'];
const MARITAL = ['10', '20', '30', '40'];

for (const backend of await backends()) {
  describe(`merge, unmerge and review decisions on ${backend.name}`, { skip: backend.unavailable }, () => {
    let store: Store;
    let s: Services;
    let household = '';
    let serial = 100;

    before(async () => {
      store = await backend.open();
      s = servicesFor(store, HOME);
      household = (await s.households.create({ type: 'FAMILY', areaCode: COMMITTEE, householdNo: 'H-MERGE' })).id;
    });
    after(() => backend.dispose());

    /** A person with some of: values, a citizen ID, a residence, a household membership — chosen by `next`. */
    async function somePerson(next: () => number, withCitizenId: boolean): Promise<string> {
      const values: Record<string, string> = { 'person.name': NAMES[Math.floor(next() * NAMES.length)] ?? '张伟' };
      if (next() < 0.7) values['person.maritalStatus'] = MARITAL[Math.floor(next() * MARITAL.length)] ?? '10';
      if (next() < 0.5) values['person.phone'] = `1391234${String(1000 + Math.floor(next() * 8999))}`;
      serial++;
      const p = await s.persons.create({
        values,
        identifiers: withCitizenId ? [{ type: 'CN_ID', number: id(`310105198${String(serial % 10)}0101${String(serial).padStart(3, '0')}`) }] : [],
        residences: next() < 0.7 ? [{ kind: 'actual', areaCode: COMMITTEE, addressText: `新华路${String(serial)}号`, validFrom: '2020-01-01' }] : [],
      });
      if (next() < 0.5) await s.households.addMember(household, { personId: p.person.id, relationship: '20' });
      return p.person.id;
    }

    test('merge then unmerge gives back identical persons (property-style, seeded cases)', async () => {
      for (let seed = 1; seed <= 8; seed++) {
        const next = random(seed);
        const survivor = await somePerson(next, next() < 0.6);
        const loser = await somePerson(next, false);
        const before = [canonical(await s.persons.get(survivor)), canonical(await s.persons.get(loser))];
        const loserView = await s.persons.get(loser);

        const merge = await s.merges.merge(survivor, loser, 'user:test', { reason: `seed ${seed}` });
        assert.equal(merge.survivorId, survivor);
        assert.equal(merge.moved.identifiers, loserView.identifiers.length);
        assert.equal(merge.moved.residences, loserView.residences.length);
        const merged = await s.persons.get(survivor);
        for (const r of loserView.residences) assert.ok(merged.residences.some((x) => x.id === r.id), `seed ${seed}: the loser's residences move`);
        for (const h of loserView.households) assert.ok(merged.households.some((x) => x.id === h.id), `seed ${seed}: the loser's memberships move`);
        const redirected = await s.persons.get(loser);
        assert.equal(redirected.person.id, survivor, `seed ${seed}: reading the old id reads the survivor`);
        const names = merged.values.filter((v) => v.elementId === 'person.name');
        assert.equal(names.length, 1, 'one current name, chosen by survivorship');

        const undone = await s.merges.unmerge(merge.mergeId, 'user:test', 'wrong person');
        assert.equal(undone.undoneBy, 'user:test');
        const afterwards = [canonical(await s.persons.get(survivor)), canonical(await s.persons.get(loser))];
        assert.deepEqual(afterwards, before, `seed ${seed}: the unmerge restores both persons exactly`);
        await rejects(s.merges.unmerge(merge.mergeId, 'user:test'), 'ALREADY_DECIDED');
      }
    });

    test('refusals: the same person, a merged person, two different citizen IDs, an unknown merge, no actor', async () => {
      const next = random(99);
      const a = await somePerson(next, true);
      const b = await somePerson(next, true);
      const c = await somePerson(next, false);
      await rejects(s.merges.merge(a, a, 'user:test'), 'MERGE_REFUSED');
      await rejects(s.merges.merge(a, b, 'user:test'), 'MERGE_REFUSED');
      await rejects(s.merges.merge(a, c, ''), 'INVALID_VALUE');
      await rejects(s.merges.merge(a, newId(), 'user:test'), 'PERSON_NOT_FOUND');
      const m = await s.merges.merge(a, c, 'system');
      await rejects(s.merges.merge(b, c, 'system'), 'MERGE_REFUSED');
      // A chain: a merged into b (forced: different numbers); undoing the first merge must wait for the second.
      const m2 = await s.merges.merge(b, a, 'user:test', { force: true });
      assert.equal((await s.persons.get(c)).person.id, b, 'redirects follow a chain of merges');
      await rejects(s.merges.unmerge(m.mergeId, 'user:test'), 'MERGE_REFUSED');
      await s.merges.unmerge(m2.mergeId, 'user:test');
      await s.merges.unmerge(m.mergeId, 'user:test');
      assert.equal((await s.persons.get(c)).person.id, c);
      await rejects(s.merges.unmerge(newId(), 'user:test'), 'MERGE_NOT_FOUND');
    });

    test('a rental registration naming the loser as tenant moves to the survivor and comes back with the unmerge', async () => {
      const next = random(41);
      const survivor = await somePerson(next, true);
      const loser = await somePerson(next, false);
      const data = createDataAccess(store, HOME.slice(0, 6));
      await s.sources.define({ id: 'housing-rentals', departmentId: 'police-household', nameZh: '租赁登记', nameEn: 'Rental registrations', level: 'street', owns: [] });
      const rentalId = newId();
      await data.repos.rentals.insert(
        [{ id: rentalId, personId: loser, registrationNumber: 'ZL-MERGE-1', landlordName: '陈某', startDate: '2024-01-01', endDate: '2025-12-31', dwellingId: null }],
        'housing-rentals',
        newId(),
      );
      const tenant = async (): Promise<string[]> => [...(await s.housing.rentalsOf(survivor)), ...(await s.housing.rentalsOf(loser))].filter((r) => r.id === rentalId).map((r) => r.personId);

      const merge = await s.merges.merge(survivor, loser, 'user:test');
      assert.equal(merge.moved.rentals, 1, 'the merge counts the registration it moved');
      assert.deepEqual(await tenant(), [survivor], 'after the merge the survivor is the tenant');
      assert.equal((await s.merges.get(merge.mergeId)).moved.rentals, 1, 'the merge record keeps it');

      await s.merges.unmerge(merge.mergeId, 'user:test', 'two people');
      assert.deepEqual(await tenant(), [loser], 'the unmerge gives the registration back to its tenant');
    });

    test('review: accept merges into the candidate, reject remembers the pair, conflicts are acknowledged; decisions keep who, when, why', async () => {
      const next = random(7);
      const candidate = await somePerson(next, true);
      const provisional = await somePerson(next, false);
      const other = await somePerson(next, false);
      const data = createDataAccess(store, HOME.slice(0, 6));
      const [acceptId, rejectId, conflictId] = [newId(), newId(), newId()];
      await data.repos.ingest.insertReviewItems([
        { id: acceptId, kind: 'possible-match', personId: provisional, elementId: null, sourceId: null, detail: JSON.stringify({ candidateId: candidate, explanation: '{}' }), batchId: null },
        { id: rejectId, kind: 'possible-match', personId: other, elementId: null, sourceId: null, detail: JSON.stringify({ candidateId: candidate, explanation: '{}' }), batchId: null },
        { id: conflictId, kind: 'conflict', personId: other, elementId: 'person.maritalStatus', sourceId: 'manual', detail: JSON.stringify({ value: '20' }), batchId: null },
      ]);

      const accepted = await s.reviews.accept(acceptId, 'user:u1', 'same phone and dwelling');
      assert.equal(accepted.item.status, 'resolved');
      assert.equal(accepted.item.decision, 'accepted');
      assert.equal(accepted.item.decidedBy, 'user:u1');
      assert.equal(accepted.item.decisionReason, 'same phone and dwelling');
      assert.ok(accepted.item.resolvedAt);
      assert.ok(accepted.mergeId);
      assert.equal((await s.persons.get(provisional)).person.id, candidate);
      await rejects(s.reviews.accept(acceptId, 'user:u1'), 'ALREADY_DECIDED');

      const rejected = await s.reviews.reject(rejectId, 'user:u2', 'different mothers');
      assert.equal(rejected.item.decision, 'rejected');
      const kept = await data.repos.reviews.rejectedAmong([other]);
      assert.equal(kept.size, 1, 'the pair is remembered');
      assert.equal((await s.persons.get(other)).person.id, other, 'kept apart');

      await rejects(s.reviews.acknowledge(rejectId, 'user:u2'), 'ALREADY_DECIDED');
      const ack = await s.reviews.acknowledge(conflictId, 'user:u3');
      assert.equal(ack.item.decision, 'acknowledged');

      const decided = await s.reviews.list({ status: 'resolved', limit: 10, offset: 0 });
      assert.deepEqual(new Set(decided.items.map((i) => i.id)), new Set([acceptId, rejectId, conflictId]));
      const rejectedOnly = await s.reviews.list({ decision: 'rejected', limit: 10, offset: 0 });
      assert.deepEqual(rejectedOnly.items.map((i) => i.id), [rejectId]);

      // Undoing the merge puts the accepted item back in the queue.
      await s.merges.unmerge(accepted.mergeId ?? '', 'user:u1', 'accepted by mistake');
      const reopened = await s.reviews.get(acceptId);
      assert.equal(reopened.status, 'open');
      assert.equal(reopened.decision, null);
      await rejects(s.reviews.get(newId()), 'REVIEW_ITEM_NOT_FOUND');
    });
  });
}
