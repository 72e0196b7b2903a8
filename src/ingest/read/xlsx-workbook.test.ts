import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collectStringItems, dateStylesOf, isDateFormat, sheetsOf } from './xlsx-workbook.ts';
import { attribute, decodeOoxmlText, decodeXml } from './xml-text.ts';

describe('workbook parts', () => {
  test('sheets in workbook order with their entries and visibility', () => {
    const workbook =
      '<workbook><workbookPr date1904="0"/><sheets><sheet name="说明" sheetId="3" state="hidden" r:id="rId3"/><sheet name="A&amp;B" sheetId="1" r:id="rId1"/></sheets></workbook>';
    const rels =
      '<Relationships><Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="x" Target="/xl/worksheets/sheet3.xml"/></Relationships>';
    const entries = new Set(['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet3.xml']);
    assert.deepEqual(sheetsOf(workbook, rels, new Map([...entries].map((e) => [e, e]))), [
      { name: '说明', state: 'hidden', entry: 'xl/worksheets/sheet3.xml' },
      { name: 'A&B', state: 'visible', entry: 'xl/worksheets/sheet1.xml' },
    ]);
  });

  test('date styles: built-in date formats (also the Chinese ones) and custom codes', () => {
    const styles =
      '<styleSheet><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="0.00_ "/><numFmt numFmtId="166" formatCode="[$-F800]dddd"/></numFmts>' +
      '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="49"/><xf numFmtId="31"/><xf numFmtId="166"></xf></cellXfs></styleSheet>';
    assert.deepEqual([...dateStylesOf(styles)], [1, 2, 5, 6]);
    assert.equal(isDateFormat('"元"#,##0.00'), false);
    assert.equal(isDateFormat('General'), false);
    assert.equal(isDateFormat('0.00E+00'), false);
    assert.equal(isDateFormat('yyyy/m/d h:mm'), true);
  });

  test('shared strings, collected across chunks', () => {
    const xml = '<sst><si><t>姓名</t></si><si/><si><r><t>富</t></r><r><t>文本</t></r></si><si><t>a&lt;b</t></si></sst>';
    const out: string[] = [];
    let rest = '';
    for (let i = 0; i < xml.length; i += 5) rest = collectStringItems(rest + xml.slice(i, i + 5), out);
    assert.deepEqual(out, ['姓名', '', '富文本', 'a<b']);
  });
});

describe('XML text', () => {
  test('attributes, entities and OOXML escapes', () => {
    assert.equal(attribute('r="A1" t="s" s=\'3\'', 's'), '3');
    assert.equal(attribute('rs="x" r="A1"', 'r'), 'A1');
    assert.equal(attribute('name="A&amp;B"', 'name'), 'A&B');
    assert.equal(attribute('r="A1"', 't'), undefined);
    assert.equal(decodeXml('&lt;&#x5F20;&#20255;&gt;'), '<张伟>');
    assert.equal(decodeOoxmlText('a_x000D_b _x005F_x000D_'), 'a\rb _x000D_');
  });
});
