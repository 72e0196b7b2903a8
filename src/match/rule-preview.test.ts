import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configuredModel } from './fellegi-sunter.ts';
import { explainPair } from './linker.ts';
import type { MatchRecord } from './match-record.ts';
import { compileRules, parseMatchRules, type MatchRules } from './match-rules.ts';
import { previewExplanations, previewRuleChange, rescoreExplanation } from './rule-preview.ts';

const v1 = parseMatchRules(JSON.parse(readFileSync(new URL('../../data/match-rules/chinese-department.v1.json', import.meta.url), 'utf8')));
const rec = (id: string, fields: Record<string, string>): MatchRecord => ({ id, fields });
const pairs: [MatchRecord, MatchRecord][] = [
  [rec('a1', { name: '张伟', birthDate: '1980-01-01', sex: '1' }), rec('b1', { name: '章伟', birthDate: '1980-01-01', sex: '1' })],
  [rec('a2', { name: '李娜', birthDate: '1975-05-05', sex: '2', phone: '13912345678' }), rec('b2', { name: '李娜', birthDate: '1975-05-05', sex: '2', phone: '13912345678' })],
  [rec('a3', { name: '王芳', birthDate: '1990-01-01' }), rec('b3', { name: '刘强', birthDate: '1960-06-06' })],
  [rec('a4', { name: '赵敏', birthDate: '1984-03-07', sex: '2' }), rec('b4', { name: '趙敏', birthDate: '1984-07-03', sex: '2' })],
];

describe('re-deciding past decisions from their explanations', () => {
  const model = configuredModel(compileRules(v1), 10_000);
  const explanations = pairs.map(([a, b]) => explainPair(model, a, b));

  test('under the same rules, the explanation gives back the same decision and total', () => {
    for (const e of explanations) {
      const again = rescoreExplanation(model, e);
      assert.equal(again.decision, e.decision);
      assert.ok(Math.abs(again.total - e.total) < 1e-9);
    }
    assert.equal(previewExplanations(v1, explanations, 10_000).changed.length, 0);
  });

  test('new weights and thresholds decide as they would on the records themselves', () => {
    const variants: MatchRules[] = [
      { ...v1, version: 2, thresholds: { link: 0.999999, review: 0.6 } },
      { ...v1, version: 3, prior: { matchesPerRecord: 0.0001 } },
      {
        ...v1,
        version: 4,
        comparisons: v1.comparisons.map((c) => (c.id === 'name' ? { ...c, levels: c.levels.map((l) => (l.level === 'homophone' ? { ...l, m: 0.0003, u: 0.0003 } : l)) } : c)),
      },
    ];
    for (const v of variants) {
      const fromRecords = previewRuleChange(v1, v, pairs, 10_000);
      const fromExplanations = previewExplanations(v, explanations, 10_000);
      assert.deepEqual(fromExplanations.transitions, fromRecords.transitions, `version ${v.version}`);
      assert.deepEqual(fromExplanations.after, { id: v.id, version: v.version });
    }
  });

  test('a comparison the new rules drop no longer counts; one they add counts as missing', () => {
    const withoutName: MatchRules = { ...v1, version: 5, comparisons: v1.comparisons.filter((c) => c.id !== 'name') };
    const e = explanations[1];
    assert.ok(e);
    const again = rescoreExplanation(configuredModel(compileRules(withoutName), 10_000), e);
    assert.ok(!again.comparisons.some((c) => c.id === 'name'));
    assert.ok(again.total < e.total);
  });
});
