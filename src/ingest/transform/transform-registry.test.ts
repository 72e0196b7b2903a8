import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyTransforms, compileTransforms, TRANSFORM_DOCS, TRANSFORMS, unknownTransforms } from './transform-registry.ts';

describe('transform registry', () => {
  test('every transform is documented, and nothing else is', () => {
    assert.deepEqual(Object.keys(TRANSFORM_DOCS).sort(), Object.keys(TRANSFORMS).sort());
    for (const doc of Object.values(TRANSFORM_DOCS)) assert.ok(doc.summary.length > 10);
  });

  test('every transform passes an empty value through', () => {
    for (const [id, transform] of Object.entries(TRANSFORMS)) assert.deepEqual(transform(''), { ok: true, value: '' }, id);
  });

  test('steps apply in order', () => {
    assert.deepEqual(applyTransforms(' ２００８年９月５日 ', ['trim', 'halfWidth', 'date']), { ok: true, value: '2008-09-05' });
    assert.deepEqual(applyTransforms('張　偉', ['removeSpaces', 'simplified']), { ok: true, value: '张伟' });
    assert.deepEqual(applyTransforms('hiroshi SATO', ['givenName', 'upper']), { ok: true, value: 'HIROSHI' });
  });

  test('options go with their step; the first failure stops the chain', () => {
    const clean = compileTransforms(['trim', { id: 'date', options: { dayFirst: true } }, 'upper']);
    assert.deepEqual(clean(' 5/9/2008 '), { ok: true, value: '2008-09-05' });
    const r = clean('2008-02-30');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'IMPOSSIBLE_DATE');
  });

  test('an unknown transform is a profile error, found when compiling', () => {
    assert.throws(() => compileTransforms(['trim', 'toString']), /unknown transform "toString"/);
    assert.deepEqual(unknownTransforms(['trim', { id: 'nope' }, 'constructor']), ['nope', 'constructor']);
  });
});
