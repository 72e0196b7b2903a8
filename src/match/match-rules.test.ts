import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { isPopulusError } from '../domain/errors.ts';
import { compileRules, parseMatchRules, withoutFields, type MatchRules } from './match-rules.ts';
import { previewRuleChange } from './rule-preview.ts';
import type { MatchRecord } from './match-record.ts';

const dir = new URL('../../data/match-rules/', import.meta.url);
const load = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

const minimal = {
  id: 't',
  version: 1,
  comparisons: [
    {
      id: 'name',
      comparator: 'name',
      levels: [
        { level: 'exact', m: 0.9, u: 0.001 },
        { level: 'else', m: 0.1, u: 0.999 },
      ],
    },
  ],
  blocking: [{ id: 'b', keys: ['pinyin(name)'] }],
  thresholds: { link: 0.9, review: 0.5 },
};

function fault(raw: unknown): string {
  try {
    parseMatchRules(raw);
  } catch (e) {
    assert.ok(isPopulusError(e));
    assert.equal(e.code, 'INVALID_PROFILE');
    return e.message;
  }
  throw new Error('expected the rules to be refused');
}

describe('rule files', () => {
  test('every shipped rule file parses and compiles', () => {
    const files = readdirSync(dir).filter((f) => /\.v\d+\.json$/.test(f));
    assert.ok(files.length >= 2, files.join(', '));
    for (const f of files) {
      const rules = parseMatchRules(load(f));
      assert.equal(compileRules(rules).comparisons.length, rules.comparisons.length, f);
      assert.ok(f.startsWith(`${rules.id}.v${rules.version}.`), `${f} is named after its id and version`);
    }
  });

  test('defaults are filled in', () => {
    const r = parseMatchRules(minimal);
    assert.equal(r.em.enabled, true);
    assert.equal(r.em.guard, true);
    assert.equal(r.oneLinkPerRecord, true);
    assert.equal(r.citizenIdLinks, false);
    assert.equal(r.prior.matchesPerRecord, 0.5);
  });

  const faults: [string, unknown, RegExp][] = [
    ['not an object', [], /JSON object/],
    ['no comparisons', { ...minimal, comparisons: [] }, /comparisons/],
    [
      'unknown comparator',
      { ...minimal, comparisons: [{ ...minimal.comparisons[0], comparator: 'soundalike' }] },
      /unknown comparator "soundalike"/,
    ],
    [
      'levels out of order',
      {
        ...minimal,
        comparisons: [
          {
            ...minimal.comparisons[0],
            levels: [
              { level: 'else', m: 0.1, u: 0.9 },
              { level: 'exact', m: 0.9, u: 0.1 },
            ],
          },
        ],
      },
      /order|last level/,
    ],
    [
      'm not adding up to 1',
      {
        ...minimal,
        comparisons: [
          {
            ...minimal.comparisons[0],
            levels: [
              { level: 'exact', m: 0.5, u: 0.001 },
              { level: 'else', m: 0.1, u: 0.999 },
            ],
          },
        ],
      },
      /add up/,
    ],
    [
      'a probability of 0',
      {
        ...minimal,
        comparisons: [
          {
            ...minimal.comparisons[0],
            levels: [
              { level: 'exact', m: 1, u: 0 },
              { level: 'else', m: 0, u: 1 },
            ],
          },
        ],
      },
      /probability/,
    ],
    [
      'a string comparator without field',
      {
        ...minimal,
        comparisons: [
          {
            ...minimal.comparisons[0],
            comparator: 'string',
            levels: [
              { level: 'exact', m: 0.9, u: 0.1 },
              { level: 'else', m: 0.1, u: 0.9 },
            ],
          },
        ],
      },
      /field/,
    ],
    ['review above link', { ...minimal, thresholds: { link: 0.5, review: 0.9 } }, /review/],
    ['an unknown key function', { ...minimal, blocking: [{ id: 'b', keys: ['sound(name)'] }] }, /unknown blocking key/],
    ['a duplicate comparison id', { ...minimal, comparisons: [minimal.comparisons[0], minimal.comparisons[0]] }, /used twice/],
  ];
  for (const [what, raw, message] of faults) test(`refused with the place of the fault: ${what}`, () => assert.match(fault(raw), message));

  test('leaving a field out drops its comparisons and blocking rules', () => {
    const rules = parseMatchRules(load('latin-generic.v1.json'));
    const without = withoutFields(rules, ['identifier']);
    assert.ok(!without.comparisons.some((c) => c.id === 'identifier'));
    assert.ok(!without.blocking.some((b) => b.id === 'identifier'));
    assert.equal(without.comparisons.length, rules.comparisons.length - 1);
  });
});

describe('previewing a rule change', () => {
  const v1 = parseMatchRules(load('chinese-department.v1.json'));
  const rec = (id: string, fields: Record<string, string>): MatchRecord => ({ id, fields });
  const pairs: [MatchRecord, MatchRecord][] = [
    [rec('a1', { name: '张伟', birthDate: '1980-01-01', sex: '1' }), rec('b1', { name: '章伟', birthDate: '1980-01-01', sex: '1' })],
    [rec('a2', { name: '李娜', birthDate: '1975-05-05', sex: '2' }), rec('b2', { name: '李娜', birthDate: '1975-05-05', sex: '2' })],
    [rec('a3', { name: '王芳', birthDate: '1990-01-01' }), rec('b3', { name: '刘强', birthDate: '1960-06-06' })],
  ];

  test('no change, nothing to show', () => {
    const p = previewRuleChange(v1, v1, pairs, 10_000);
    assert.equal(p.changed.length, 0);
    assert.equal(
      Object.values(p.transitions).reduce((a, b) => a + b, 0),
      pairs.length,
    );
  });

  test('a stricter link threshold shows which links would go to review, with both explanations', () => {
    const v2: MatchRules = { ...v1, version: 2, thresholds: { link: 0.999999, review: 0.5 } };
    const p = previewRuleChange(v1, v2, pairs, 10_000);
    assert.deepEqual(p.before, { id: v1.id, version: 1 });
    assert.deepEqual(p.after, { id: v1.id, version: 2 });
    assert.ok(p.changed.length >= 1);
    for (const c of p.changed) {
      assert.equal(c.before.decision, 'link');
      assert.notEqual(c.after.decision, 'link');
      assert.equal(c.before.total, c.after.total, 'same weights, other thresholds');
      assert.ok(c.after.probability < 0.999999);
    }
    assert.equal(
      (p.transitions['link→link'] ?? 0) + p.changed.length,
      (p.transitions['link→link'] ?? 0) + (p.transitions['link→review'] ?? 0) + (p.transitions['link→new'] ?? 0),
    );
  });

  test('dropping the pinyin levels turns a homophone pair into a disagreement', () => {
    const v2: MatchRules = {
      ...v1,
      version: 2,
      comparisons: v1.comparisons.map((c) =>
        c.id === 'name' ? { ...c, levels: c.levels.filter((l) => l.level === 'exact' || l.level === 'folded' || l.level === 'else') } : c,
      ),
    };
    const p = previewRuleChange(v1, v2, pairs.slice(0, 1), 10_000);
    assert.equal(p.changed.length, 1);
    const name = (e: (typeof p.changed)[number]['before']): string | null => e.comparisons.find((c) => c.id === 'name')?.level ?? null;
    assert.equal(name(p.changed[0]!.before), 'homophone');
    assert.equal(name(p.changed[0]!.after), 'else');
  });
});
