import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deduplicate, link, type LinkResult } from '../linker.ts';
import { linkQuality, truePairs } from '../evaluate.ts';
import { parseMatchRules, type MatchRules } from '../match-rules.ts';
import type { MatchRecord } from '../match-record.ts';
import { generateLatinFixture } from '../testing/latin-fixtures.ts';
import { generateFixture } from '../testing/chinese-fixtures.ts';

const rulesFile = (name: string): MatchRules =>
  parseMatchRules(JSON.parse(readFileSync(new URL(`../../../data/match-rules/${name}`, import.meta.url), 'utf8')));

function links(res: LinkResult, left: readonly MatchRecord[], right: readonly MatchRecord[] = left): [string, string][] {
  const out: [string, string][] = [];
  for (let k = 0; k < res.count; k++)
    if (res.decisionCode[k] === 0) out.push([left[res.left[k] ?? 0]?.id ?? '', right[res.right[k] ?? 0]?.id ?? '']);
  return out;
}

describe('EM on generated data with ground truth', () => {
  test('latin names, birth dates and towns: the estimated model links well', () => {
    const f = generateLatinFixture({ seed: 3, persons: 1200, duplicates: 200, cities: 30 });
    const res = deduplicate(rulesFile('latin-generic.v1.json'), f.records);
    const truth = truePairs(f.records.map((r) => ({ id: r.id, entity: f.entityOf.get(r.id) ?? '' })));
    const q = linkQuality(links(res, f.records), truth);
    assert.ok(res.estimation, 'the model was estimated');
    assert.ok(res.model.mSource.includes('estimated'), 'some m come from the data');
    assert.ok(q.f1 >= 0.95, `F1 ${q.f1.toFixed(4)} (precision ${q.precision.toFixed(4)}, recall ${q.recall.toFixed(4)})`);
  });

  test('Chinese department records against a reference list: F1 and review share bounded', () => {
    const f = generateFixture({
      seed: 11,
      households: 250,
      duplicates: 0.05,
      noise: { idMissing: 0.3, homophone: 0.08, traditional: 0.05 },
    });
    const res = link(rulesFile('chinese-department.v1.json'), f.reference, f.department);
    const truth = truePairs(
      f.reference.map((r) => ({ id: r.id, entity: f.truth.get(r.id) ?? '' })),
      f.department.map((r) => ({ id: r.id, entity: f.truth.get(r.id) ?? '' })),
    );
    const q = linkQuality(links(res, f.reference, f.department), truth);
    assert.ok(q.f1 >= 0.99, `F1 ${q.f1.toFixed(4)} (precision ${q.precision.toFixed(4)}, recall ${q.recall.toFixed(4)})`);
    assert.ok(res.counts.review <= f.department.length * 0.02, `${res.counts.review} pairs to review for ${f.department.length} records`);
    assert.ok(res.estimation && res.estimation.reasons.length === 0, `no guard fired: ${res.estimation?.reasons.join('; ')}`);
  });
});

describe('the guard against EM collapse', () => {
  // Only names, town and ZIP, blocked on the town: inside a block everyone shares the town's ZIP,
  // so an unguarded EM explains that agreement as "match" and links whole towns.
  const rules: MatchRules = parseMatchRules({
    id: 'collapse-demo',
    version: 1,
    comparisons: [
      {
        id: 'name',
        comparator: 'forenameSurname',
        levels: [
          { level: 'exact', m: 0.8, u: 0.0005 },
          { level: 'similar', m: 0.12, u: 0.001 },
          { level: 'family-only', m: 0.04, u: 0.02 },
          { level: 'given-only', m: 0.03, u: 0.02 },
          { level: 'else', m: 0.01, u: 0.9585 },
        ],
      },
      {
        id: 'postcode',
        comparator: 'code',
        field: 'postcode',
        levels: [
          { level: 'exact', m: 0.9, u: 0.02 },
          { level: 'else', m: 0.1, u: 0.98 },
        ],
      },
    ],
    blocking: [{ id: 'town', keys: ['locality'] }],
    maxBlockSize: 5000,
    thresholds: { link: 0.9, review: 0.5 },
  });
  const f = generateLatinFixture({ seed: 5, persons: 1500, duplicates: 300, cities: 40, withBirthDate: false });
  const truth = truePairs(f.records.map((r) => ({ id: r.id, entity: f.entityOf.get(r.id) ?? '' })));

  /** Pairs decided link or review: what the model flags as one person. */
  function flagged(res: LinkResult): [string, string][] {
    const out: [string, string][] = [];
    for (let k = 0; k < res.count; k++)
      if (res.decisionCode[k] !== 2) out.push([f.records[res.left[k] ?? 0]?.id ?? '', f.records[res.right[k] ?? 0]?.id ?? '']);
    return out;
  }

  test('unguarded EM collapses: it calls every pair of a town a match, stops looking at names and links nothing', () => {
    const res = deduplicate({ ...rules, em: { ...rules.em, guard: false } }, f.records);
    const session = res.estimation?.sessions.find((s) => s.blockingRule === 'town');
    assert.ok(
      (session?.expectedMatches ?? 0) > 50 * truth.size,
      `the session claims ${Math.round(session?.expectedMatches ?? 0)} matches for ${truth.size} true pairs`,
    );
    const nameElse = res.model.weights[0]?.[4] ?? 0;
    assert.ok(nameElse > -0.5, `different names weigh only ${nameElse.toFixed(2)}`);
    // Its model trusts nothing enough to link: every true pair would wait for a person.
    const q = linkQuality(links(res, f.records), truth);
    assert.ok(q.recall < 0.1, `unguarded links find ${q.truePositives} of ${q.truePairs} true pairs`);
  });

  test('guarded EM refuses the collapsed estimate and falls back to configured weights', () => {
    const res = deduplicate(rules, f.records);
    assert.ok(res.estimation?.guardTriggered, 'a guard fired');
    const session = res.estimation?.sessions.find((s) => s.blockingRule === 'town');
    assert.equal(session?.accepted, false);
    assert.match(session?.reasons.join(' ') ?? '', /matches among/);
    assert.deepEqual(res.model.mSource, ['configured', 'configured']);
    assert.ok((res.model.weights[0]?.[4] ?? 0) < -3, 'different names count against a match again');
    const q = linkQuality(flagged(res), truth);
    assert.ok(q.predicted <= 2 * q.truePairs, `flagged ${q.predicted} pairs for ${q.truePairs} true pairs`);
    assert.ok(q.precision >= 0.9 && q.recall >= 0.7, `guarded: precision ${q.precision.toFixed(3)}, recall ${q.recall.toFixed(3)}`);
  });
});
