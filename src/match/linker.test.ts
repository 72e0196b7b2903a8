import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { computeCheckChar } from '../domain/id-number.ts';
import { configuredModel, formatExplanation, log2Odds, probabilityOf, type Explanation } from './fellegi-sunter.ts';
import { deduplicate, explainPair, link } from './linker.ts';
import type { MatchRecord } from './match-record.ts';
import { compileRules, parseMatchRules, type MatchRules } from './match-rules.ts';

const chinese: MatchRules = parseMatchRules(
  JSON.parse(readFileSync(new URL('../../data/match-rules/chinese-department.v1.json', import.meta.url), 'utf8')),
);
const noEm: MatchRules = { ...chinese, em: { ...chinese.em, enabled: false } };

function id(birth: string, seq: string): string {
  const body = `310105${birth}${seq}`;
  return body + computeCheckChar(body);
}

const rec = (rid: string, fields: Record<string, string>): MatchRecord => ({ id: rid, fields });

function sumOf(e: Explanation): number {
  return e.comparisons.reduce((s, c) => s + c.weight, e.priorWeight);
}

describe('explained decisions', () => {
  const model = configuredModel(compileRules(noEm), 10_000);
  const a = rec('a', { name: '张伟', birthDate: '1984-03-07', sex: '1', phone: '13812345678', address: '上海市长宁区新华路3弄1号101室' });
  const b = rec('b', { name: '章伟', birthDate: '1984-07-03', sex: '男', address: '新华路3弄1号101室' });

  test('the total is the prior plus every comparison weight, and decides against the thresholds', () => {
    const e = explainPair(model, a, b);
    assert.ok(Math.abs(e.total - sumOf(e)) < 1e-9);
    assert.ok(Math.abs(e.probability - probabilityOf(e.total)) < 1e-12);
    assert.equal(e.thresholds.link.weight, log2Odds(chinese.thresholds.link));
    assert.equal(e.thresholds.review.weight, log2Odds(chinese.thresholds.review));
    const expected = e.total >= e.thresholds.link.weight ? 'link' : e.total >= e.thresholds.review.weight ? 'review' : 'new';
    assert.equal(e.decision, expected);
    assert.equal(e.decidedBy, 'score');
    const levels = Object.fromEntries(e.comparisons.map((c) => [c.id, c.level]));
    assert.deepEqual(levels, {
      citizenId: null,
      document: null,
      name: 'homophone',
      birthDate: 'day-month-swapped',
      sex: 'exact',
      household: 'dwelling',
    });
    for (const c of e.comparisons) {
      if (c.level === null) assert.equal(c.weight, 0);
      else assert.ok(Math.abs(c.weight - Math.log2((c.m ?? 0) / (c.u ?? 1))) < 1e-9, c.id);
    }
  });

  test('the printed explanation shows levels and weights, never the names or numbers compared', () => {
    const text = formatExplanation(explainPair(model, a, b));
    assert.match(text, /homophone/);
    assert.match(text, /total/);
    assert.doesNotMatch(text, /张|章|138|新华路/);
  });

  test('a valid citizen ID number agreeing with both records links exactly', () => {
    const n = id('19840307', '123');
    const e = explainPair(
      model,
      rec('x', { name: '王芳', citizenId: n, birthDate: '1984-03-07', sex: '1' }),
      rec('y', { name: '汪方', citizenId: n.slice(0, 6) + n.slice(8, 17), birthDate: '1984-03-07' }),
    );
    assert.equal(e.decision, 'link');
    assert.equal(e.decidedBy, 'citizen-id');
    assert.ok(Math.abs(e.total - sumOf(e)) < 1e-9, 'still explained with its weights');
  });

  test('the same number contradicting a record’s birth date is left to the score', () => {
    const n = id('19840307', '123');
    const e = explainPair(
      model,
      rec('x', { name: '王芳', citizenId: n, birthDate: '1984-03-07' }),
      rec('y', { name: '李强', citizenId: n, birthDate: '1990-10-10' }),
    );
    assert.equal(e.decidedBy, 'score');
    assert.notEqual(e.decision, 'link');
  });
});

describe('link and dedup', () => {
  const n1 = id('19500101', '111');
  const n2 = id('19600202', '222');
  const reference = [
    rec('r1', { name: '曾国藩', birthDate: '1950-01-01', sex: '1', citizenId: n1, address: '新华路1弄1号101室' }),
    rec('r2', { name: '单田芳', birthDate: '1960-02-02', sex: '2', citizenId: n2, address: '番禺路2弄2号202室' }),
    rec('r3', { name: '单丽', birthDate: '1985-11-12', sex: '2', address: '番禺路2弄2号202室' }),
  ];
  const incoming = [
    rec('d1', { name: '曾國藩', birthDate: '1950-01-01', sex: '男', address: '上海市长宁区新华路1弄1号101室' }),
    rec('d2', { name: 'DAN Tianfang', birthDate: '1960-02-02', sex: '女', citizenId: n2 }),
  ];

  test('each incoming record links to its person; the explanation of every pair adds up', () => {
    const res = link(noEm, reference, incoming);
    const linked = new Map<string, string>();
    for (let k = 0; k < res.count; k++) {
      const e = res.explain(k);
      assert.ok(Math.abs(e.total - sumOf(e)) < 1e-9);
      assert.ok(Math.abs(e.total - (res.weight[k] ?? 0)) < 1e-9, 'the explained total is the scored weight');
      if (res.decisionCode[k] === 0) linked.set(incoming[res.right[k] ?? 0]?.id ?? '', reference[res.left[k] ?? 0]?.id ?? '');
    }
    assert.deepEqual(Object.fromEntries(linked), { d1: 'r1', d2: 'r2' });
    assert.equal(res.counts.link, 2);
  });

  test('an incoming record links to one person at most: a weaker candidate above the threshold is outranked', () => {
    const twins = [
      rec('t1', { name: '李娜', birthDate: '1990-05-05', sex: '2', address: '新华路9弄9号909室' }),
      rec('t2', { name: '李娜', birthDate: '1990-05-05', sex: '2', address: '新华路9弄9号909室' }),
    ];
    const res = link(noEm, twins, [rec('q', { name: '李娜', birthDate: '1990-05-05', sex: '2', address: '新华路9弄9号909室' })]);
    assert.equal(res.counts.link, 1);
    const outranked = res.pair(res.pair(0).decision === 'link' ? 1 : 0);
    assert.equal(outranked.decidedBy, 'outranked');
    assert.equal(outranked.decision, 'review', 'an equal candidate goes to a person');
    assert.match(res.explain(res.pair(0).decidedBy === 'outranked' ? 0 : 1).note ?? '', /another candidate/);
  });

  test('dedup finds the two records of one person within a list', () => {
    const res = deduplicate(noEm, [...reference, ...incoming]);
    const found = new Set<string>();
    const all = [...reference, ...incoming];
    for (let k = 0; k < res.count; k++)
      if (res.decisionCode[k] === 0) found.add([all[res.left[k] ?? 0]?.id, all[res.right[k] ?? 0]?.id].sort().join('-'));
    assert.ok(found.has('d1-r1') && found.has('d2-r2'), [...found].join(' '));
    assert.ok(!found.has('r2-r3'), 'two people of one household are not one person');
  });
});

describe('term frequency', () => {
  test('a shared common name weighs less than a shared rare one', () => {
    const common = Array.from({ length: 40 }, (_, i) => rec(`c${i}`, { name: '张伟', birthDate: `19${50 + i}-01-01` }));
    const rare = [rec('x1', { name: '诸葛亮', birthDate: '1981-04-04' }), rec('x2', { name: '诸葛亮', birthDate: '1981-04-05' })];
    const pair = [rec('y1', { name: '张伟', birthDate: '1981-04-04' }), rec('y2', { name: '张伟', birthDate: '1981-04-05' })];
    const res = deduplicate(noEm, [...common, ...rare, ...pair]);
    const records = [...common, ...rare, ...pair];
    const weightOf = (a: string, b: string): { weight: number; adjustment: number } => {
      for (let k = 0; k < res.count; k++) {
        const ids = [records[res.left[k] ?? 0]?.id, records[res.right[k] ?? 0]?.id].sort().join('-');
        if (ids === [a, b].sort().join('-')) {
          const name = res.explain(k).comparisons.find((c) => c.id === 'name');
          return { weight: name?.weight ?? 0, adjustment: name?.termFrequency?.adjustment ?? 0 };
        }
      }
      throw new Error(`pair ${a}-${b} not compared`);
    };
    const rareName = weightOf('x1', 'x2');
    const commonName = weightOf('y1', 'y2');
    assert.ok(rareName.weight > commonName.weight + 3, `rare ${rareName.weight.toFixed(2)} vs common ${commonName.weight.toFixed(2)}`);
    assert.ok(rareName.adjustment > 0 && commonName.adjustment < 0);
  });
});
