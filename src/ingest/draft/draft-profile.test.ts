import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReferenceData } from '../../reference/reference-data.ts';
import type { CodeEntry } from '../../domain/standard/types.ts';
import { draftProfile, similarity } from './draft-profile.ts';

const ref = loadReferenceData();
const codes = new Map<string, CodeEntry[]>();
for (const e of ref.entries) codes.set(e.tableId, [...(codes.get(e.tableId) ?? []), e]);

test('similarity: same text 1, unrelated 0, near headers in between', () => {
  assert.equal(similarity('婚姻状况', '婚姻状况'), 1);
  assert.equal(similarity('婚姻状况', '联系电话'), 0);
  assert.ok(similarity('文化程度', '文化程度（学历）') > 0.6);
});

test('a family-planning style file: headers, ID numbers, dates and local codes placed; the rest listed', () => {
  const d = draftProfile({
    headers: ['序号', '姓名', '身份证号码', '出生年月', '婚姻状况', '文化程度', '联系电话', '现住址', '备注'],
    samples: [
      { 序号: '1', 姓名: '王芳', 身份证号码: '310105199003071236', 出生年月: '1990/3/7', 婚姻状况: '已婚', 文化程度: '大学本科', 联系电话: '13812345678', 现住址: '番禺路100号', 备注: '' },
      { 序号: '2', 姓名: '李娜', 身份证号码: '310105200108152468', 出生年月: '2001/8/15', 婚姻状况: '分居', 文化程度: '大专', 联系电话: '13912345678', 现住址: '新华路1号', 备注: '' },
    ],
    elements: ref.elements,
    codes,
    homeArea: '310105004',
  });
  const target = (c: string) => d.profile.columns.find((m) => m.column === c);
  assert.deepEqual(target('姓名')?.target, { element: 'person.name' });
  assert.deepEqual(target('身份证号码')?.target, { identifier: 'CN_ID' });
  assert.deepEqual(target('出生年月')?.target, { element: 'person.birthDate' });
  assert.ok(target('出生年月')?.transforms?.includes('date'));
  assert.deepEqual(target('联系电话')?.target, { element: 'person.phone' });
  assert.deepEqual(target('现住址')?.target, { residence: 'actual', part: 'address', areaCode: '310105004' });
  assert.equal(d.profile.codeMaps?.['maritalStatus']?.map['已婚'], '20');
  assert.deepEqual(d.unmappedValues['maritalStatus'], ['分居'], '分居 has no standard code: listed, not guessed');
  assert.deepEqual(d.profile.recordKey, ['身份证号码']);
  assert.ok(d.unmappedColumns.includes('备注'));
});

test('an actual-population file: its rental columns drafted as the rental target; without the actual address they are left unmapped', () => {
  const headers = ['姓名', '证件号码', '居住地址', '房屋用途', '房东姓名', '租赁登记号', '租赁起始日期', '租赁截止日期'];
  const sample = { 姓名: '王芳', 证件号码: '310105199003071236', 居住地址: '新华路1号101室', 房屋用途: '私房出租', 房东姓名: '李建国', 租赁登记号: '沪租2024001', 租赁起始日期: '2024-03-01', 租赁截止日期: '2026-02-28' };
  const d = draftProfile({ headers, samples: [sample], elements: ref.elements, codes, homeArea: '310105004' });
  const target = (c: string) => d.profile.columns.find((m) => m.column === c);
  assert.deepEqual(
    ['房东姓名', '租赁登记号', '租赁起始日期', '租赁截止日期'].map((c) => target(c)?.target),
    [{ rental: 'landlordName' }, { rental: 'registrationNumber' }, { rental: 'startDate' }, { rental: 'endDate' }],
  );
  assert.deepEqual(target('租赁起始日期')?.transforms, ['date']);
  assert.ok(!('rental' in (target('房屋用途')?.target ?? {})), '房屋用途 is no rental column');
  const withoutAddress = draftProfile({ headers: headers.filter((h) => h !== '居住地址'), samples: [sample], elements: ref.elements, codes, homeArea: '310105004' });
  assert.ok(!withoutAddress.profile.columns.some((m) => 'rental' in m.target));
  assert.ok(withoutAddress.unmappedColumns.includes('租赁登记号'));
  assert.match(withoutAddress.columns.find((c) => c.column === '租赁登记号')?.why ?? '', /actual address/);
});
