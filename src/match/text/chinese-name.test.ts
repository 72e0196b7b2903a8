import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  foldChineseName,
  foldUmlaut,
  fuzzySyllable,
  latinSpellsChinese,
  latinTokens,
  readChineseName,
  splitChineseName,
} from './chinese-name.ts';

describe('folding Chinese names', () => {
  const cases: [string, string][] = [
    ['張偉', '张伟'],
    ['张 伟', '张伟'],
    ['张　伟', '张伟'],
    ['阿卜杜·热合曼', '阿卜杜热合曼'],
    ['歐陽修', '欧阳修'],
  ];
  for (const [input, folded] of cases) test(`${input} → ${folded}`, () => assert.equal(foldChineseName(input), folded));
});

describe('compound surnames', () => {
  const cases: [string, string, string][] = [
    ['欧阳修', '欧阳', '修'],
    ['司马光', '司马', '光'],
    ['诸葛亮', '诸葛', '亮'],
    ['欧阳', '欧阳', ''],
    ['张伟', '张', '伟'],
    ['马光明', '马', '光明'],
  ];
  for (const [name, family, given] of cases) {
    test(`${name} → ${family} + ${given}`, () => assert.deepEqual(splitChineseName(name), { family, given }));
  }
  test('a compound surname gives its initials and its own reading', () => {
    assert.deepEqual(readChineseName('欧阳修').initials, ['oyx']);
    assert.deepEqual(readChineseName('尉迟恭').keys, ['yuchigong']);
    assert.deepEqual(readChineseName('单于朗').keys, ['chanyulang']);
  });
});

describe('pinyin keys', () => {
  test('homophones share a key (张伟 / 章伟)', () => {
    assert.deepEqual(readChineseName('张伟').keys, readChineseName('章伟').keys);
  });
  const polyphonic: [string, string[]][] = [
    ['曾国藩', ['zengguofan', 'cengguofan']],
    ['单田芳', ['shantianfang', 'dantianfang']],
    ['解缙', ['xiejin', 'jiejin']],
    ['乐嘉', ['yuejia', 'lejia']],
    ['仇英', ['qiuying', 'chouying']],
  ];
  for (const [name, keys] of polyphonic) {
    test(`a polyphonic surname yields every reading: ${name}`, () => {
      const r = readChineseName(name);
      assert.deepEqual([...r.keys].sort(), [...keys].sort());
      assert.equal(r.keys[0], keys[0], 'the surname reading comes first');
    });
  }
  test('ü spellings fold to one key', () => {
    for (const s of ['lü', 'lu', 'lv', 'lyu']) assert.equal(foldUmlaut(s), 'lu');
    for (const s of ['nü', 'nv', 'nyu']) assert.equal(foldUmlaut(s), 'nu');
    assert.equal(foldUmlaut('lüe'), 'lue');
    assert.deepEqual(readChineseName('吕小红').keys, ['luxiaohong']);
    assert.deepEqual(latinTokens('LYU Xiaohong'), ['lu', 'xiaohong']);
    assert.deepEqual(latinTokens('Lv Xiaohong'), ['lu', 'xiaohong']);
    assert.deepEqual(latinTokens('Lü Xiaohong'), ['lu', 'xiaohong']);
  });
  test('fuzzy pinyin merges what Shanghai speakers merge', () => {
    assert.equal(fuzzySyllable('huang'), fuzzySyllable('wang'));
    assert.equal(fuzzySyllable('hu'), fuzzySyllable('wu'));
    assert.equal(fuzzySyllable('zhang'), fuzzySyllable('zan'));
    assert.equal(fuzzySyllable('ning'), fuzzySyllable('lin'));
    assert.notEqual(fuzzySyllable('zhang'), fuzzySyllable('zhong'));
    assert.deepEqual(readChineseName('黄芳').fuzzyKeys, readChineseName('王芳').fuzzyKeys);
  });
  test('a latin name spells a Chinese one in either order and any case', () => {
    const r = readChineseName('张伟');
    for (const latin of ['ZHANG Wei', 'Wei Zhang', 'zhang wei', 'ZHANGWEI']) assert.ok(latinSpellsChinese(latinTokens(latin), r), latin);
    assert.ok(!latinSpellsChinese(latinTokens('Zhang Wen'), r));
    assert.ok(latinSpellsChinese(latinTokens('Ouyang Xiu'), readChineseName('欧阳修')));
    assert.ok(latinSpellsChinese(latinTokens('Xiu OUYANG'), readChineseName('欧阳修')));
  });
});
