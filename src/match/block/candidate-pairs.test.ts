import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatchRecord } from '../match-record.ts';
import { candidatePairs, compileBlockingRule } from './candidate-pairs.ts';
import { parseBlockingKey, soundex } from './blocking-keys.ts';

const rec = (id: string, fields: Record<string, string>): MatchRecord => ({ id, fields });

const people: MatchRecord[] = [
  rec('a', { name: '张伟', birthDate: '1980-01-02', phone: '13800000001' }),
  rec('b', { name: '章伟', birthDate: '1980-01-02' }),
  rec('c', { name: '張偉', birthDate: '1980-02-01', phone: '13800000001' }),
  rec('d', { name: '李娜', birthDate: '1975-05-05' }),
  rec('e', { name: '李娜', birthDate: '1975-05-05', phone: '13800000009' }),
  rec('f', { name: 'ZHANG Wei', birthDate: '1980-01-02' }),
];

function pairs(result: ReturnType<typeof candidatePairs>, left: readonly MatchRecord[], right = left): string[] {
  const out: string[] = [];
  for (let k = 0; k < result.count; k++) out.push(`${left[result.left[k] ?? 0]?.id}-${right[result.right[k] ?? 0]?.id}`);
  return out.sort();
}

describe('blocking keys', () => {
  test('Soundex', () => {
    for (const [w, code] of [
      ['Robert', 'R163'],
      ['Rupert', 'R163'],
      ['Ashcraft', 'A261'],
      ['Tymczak', 'T522'],
      ['Pfister', 'P236'],
      ['Lee', 'L000'],
    ])
      assert.equal(soundex(w ?? ''), code);
  });
  test('key expressions', () => {
    const r = rec('x', {
      name: '曾国藩',
      birthDate: '1811-11-26',
      phone: '+86 138 0000 0001',
      familyName: "O'Neill",
      citizenId: '310105840307123',
    });
    assert.deepEqual(parseBlockingKey('initials(name)').keys(r), ['zgf', 'cgf']);
    assert.deepEqual(parseBlockingKey('year(birthDate)').keys(r), ['1811']);
    assert.deepEqual(
      parseBlockingKey('dateBag(birthDate)').keys(r),
      parseBlockingKey('dateBag(birthDate)').keys(rec('y', { birthDate: '1811-26-11' })),
    );
    assert.deepEqual(parseBlockingKey('digits(phone)').keys(r), ['13800000001']);
    assert.deepEqual(parseBlockingKey('prefix3(familyName)').keys(r), ["o'n"]);
    assert.equal(parseBlockingKey('id(citizenId)').keys(r)[0]?.length, 18);
    assert.deepEqual(parseBlockingKey('birthDate').keys(rec('z', {})), []);
    assert.throws(() => parseBlockingKey('nope(name)'), /unknown blocking key function/);
  });
});

describe('candidate pairs', () => {
  test('dedup: the union of the rules, each pair once, with per-rule counts', () => {
    const rules = [
      compileBlockingRule({ id: 'dob', keys: ['date(birthDate)'] }),
      compileBlockingRule({ id: 'pinyin', keys: ['pinyin(name)'] }),
      compileBlockingRule({ id: 'phone', keys: ['digits(phone)'] }),
    ];
    const result = candidatePairs(rules, people, undefined, 100);
    // dob: {a,b,f} → 3 pairs, {d,e} → 1; pinyin zhangwei: {a,b,c,f} → 6, lina {d,e} → 1; phone: {a,c} → 1.
    assert.deepEqual(
      result.report.rules.map((r) => [r.id, r.blocks, r.pairs]),
      [
        ['dob', 2, 4],
        ['pinyin', 2, 7],
        ['phone', 1, 1],
      ],
    );
    assert.deepEqual(pairs(result, people), ['a-b', 'a-c', 'a-f', 'b-c', 'b-f', 'c-f', 'd-e']);
    assert.equal(result.report.candidatePairs, 7);
    assert.equal(result.report.allPairs, 15);
    const ac = pairs(result, people).indexOf('a-c');
    assert.equal(result.ruleMask[ac], 0b110, 'a-c came from the pinyin and the phone rule');
  });

  test('link: only pairs across the two lists', () => {
    const left = people.slice(0, 3);
    const right = people.slice(3);
    const result = candidatePairs([compileBlockingRule({ id: 'pinyin', keys: ['pinyin(name)'] })], left, right, 100);
    assert.deepEqual(pairs(result, left, right), ['a-f', 'b-f', 'c-f']);
    assert.equal(result.report.allPairs, 9);
  });

  test('a block over the size cap is skipped and reported, never compared', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      rec(String(i), { birthDate: '2000-01-01', phone: i < 2 ? '13800000000' : `1390000${String(i).padStart(4, '0')}` }),
    );
    const rules = [
      compileBlockingRule({ id: 'dob', keys: ['date(birthDate)'] }),
      compileBlockingRule({ id: 'phone', keys: ['digits(phone)'] }),
    ];
    const result = candidatePairs(rules, many, undefined, 20);
    assert.deepEqual(result.report.rules[0], { id: 'dob', blocks: 0, pairs: 0, oversizeBlocks: 1, skippedPairs: 435 });
    assert.equal(result.count, 1);
  });

  test('sorted neighbourhood pairs each record with the next window − 1', () => {
    const names = ['anderson', 'andersen', 'andrews', 'baker', 'bakker', 'carter'].map((n, i) => rec(String(i), { familyName: n }));
    const result = candidatePairs(
      [compileBlockingRule({ id: 'sn', sortedNeighbourhood: { key: 'familyName', window: 2 } })],
      names,
      undefined,
      100,
    );
    assert.equal(result.count, 5);
    // Sorted: andersen(1) anderson(0) andrews(2) baker(3) bakker(4) carter(5).
    assert.deepEqual(pairs(result, names), ['0-1', '0-2', '2-3', '3-4', '4-5']);
    assert.throws(() => compileBlockingRule({ id: 'sn', sortedNeighbourhood: { key: 'familyName', window: 1 } }), /window/);
  });
});
