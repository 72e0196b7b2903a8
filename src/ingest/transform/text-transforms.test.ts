import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blankIf, collapseSpaces, digitsOnly, halfWidth, removeSpaces, simplified, toSimplified, trim } from './text-transforms.ts';
import type { TransformResult } from './transform.ts';

function v(r: TransformResult): string {
  return r.ok ? r.value : `!${r.code}`;
}

describe('text transforms', () => {
  test('trim removes ASCII, ideographic, no-break and zero-width spaces at the edges only', () => {
    assert.equal(v(trim('\u3000 张\u3000伟\u00a0\u200b\ufeff')), '张\u3000伟');
    assert.equal(v(trim('')), '');
  });

  test('collapseSpaces and removeSpaces', () => {
    assert.equal(v(collapseSpaces('新华路\u3000\u3000211号 \t\n 3室')), '新华路 211号 3室');
    assert.equal(v(removeSpaces('张 \u3000伟')), '张伟');
  });

  test('halfWidth: full-width letters, digits, punctuation and the ideographic space', () => {
    assert.equal(v(halfWidth('ＡＢｃ１２３，！（）－＠\u3000￥')), 'ABc123,!()-@ ¥');
    assert.equal(v(halfWidth('张伟。、')), '张伟。、');
  });

  test('simplified: traditional and Hong Kong forms; simplified text unchanged', () => {
    assert.equal(v(simplified('張偉')), '张伟');
    assert.equal(v(simplified('誌')), '志');
    assert.equal(v(simplified('陳淑芬 衞')), '陈淑芬 卫');
    assert.equal(toSimplified('张伟 乾隆 上海市长宁区'), '张伟 乾隆 上海市长宁区');
    assert.equal(toSimplified('SMITH John'), 'SMITH John');
  });

  test('digitsOnly keeps digits, full-width ones too', () => {
    assert.equal(v(digitsOnly('电话：１３８-1234 5678')), '13812345678');
  });

  test('blankIf turns placeholders into empty values', () => {
    assert.equal(v(blankIf(' 无 ')), '');
    assert.equal(v(blankIf('NULL')), '');
    assert.equal(v(blankIf('无业')), '无业');
    assert.equal(v(blankIf('不详', { values: ['不详'] })), '');
    assert.equal(v(blankIf('无', { values: ['不详'] })), '无');
  });
});
