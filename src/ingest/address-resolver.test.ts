import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReferenceData } from '../reference/reference-data.ts';
import { AddressResolver } from './address-resolver.ts';
import { parseAddress, standardStreetAddress } from '../domain/address/parse-address.ts';

const { areas } = loadReferenceData();
const resolver = new AddressResolver(
  areas,
  '310105004',
  [{ id: 'B1', areaCode: '310105004001', road: '新华路', lane: '3', number: '1' }],
  [{ id: 'D1', buildingId: 'B1', unit: '', room: '101' }],
);

test('addresses are taken apart into administrative names and the street address', () => {
  const p = parseAddress('上海市长宁区新华路街道番禺居委会番禺路100号1单元1201室');
  assert.deepEqual([p.province, p.county, p.township, p.committee, p.road, p.lane, p.number, p.unit, p.room], ['上海市', '长宁区', '新华路街道', '番禺居委会', '番禺路', null, '100', '1', '1201']);
  assert.equal(standardStreetAddress(parseAddress('长宁区 新华路３弄１号１０１室')), '新华路3弄1号101室', 'full-width digits and spaces folded');
  const q = parseAddress('安徽省合肥市蜀山区五里墩街道长江西路100号');
  assert.deepEqual([q.province, q.prefecture, q.county, q.township, q.road, q.number], ['安徽省', '合肥市', '蜀山区', '五里墩街道', '长江西路', '100']);
});

test('the same dwelling written three ways resolves to one dwelling and its committee', () => {
  for (const text of ['上海市长宁区新华路3弄1号101室', '长宁区新华路3弄1号101室', '新华路3弄1号101室']) {
    assert.deepEqual(resolver.resolve(text), { areaCode: '310105004001', precision: 'dwelling', buildingId: 'B1', dwellingId: 'D1' }, text);
  }
  assert.deepEqual(resolver.resolve('新华路3弄1号一层'), { areaCode: '310105004001', precision: 'building', buildingId: 'B1', dwellingId: null });
});

test('addresses elsewhere resolve as precisely as their names allow', () => {
  assert.equal(resolver.resolve('安徽省合肥市蜀山区长江西路100号')?.areaCode, '340104');
  assert.equal(resolver.resolve('上海市闵行区七宝镇七莘路1885号')?.precision, 'township');
  assert.equal(resolver.resolve('江苏省南通市海门市三星镇')?.areaCode.slice(0, 4), '3206');
  assert.equal(resolver.resolve('上海市长宁区番禺路800号')?.areaCode, '310105', 'a road not in the building registry: district only');
  assert.equal(resolver.resolve('上海市长宁区新华路街道番禺居委会')?.areaCode, '310105004001');
  assert.equal(resolver.resolve('火星基地'), undefined);
});
