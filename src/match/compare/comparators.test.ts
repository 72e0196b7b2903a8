import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatchRecord } from '../match-record.ts';
import type { Comparator, ComparatorKind } from './comparator.ts';
import { COMPARATOR_KINDS } from './comparator-kinds.ts';
import { checkCitizenId } from './identity-comparators.ts';
import { computeCheckChar } from '../../domain/id-number.ts';

let n = 0;
const rec = (fields: Record<string, string>): MatchRecord => ({ id: String(n++), fields });

function kind(name: string): ComparatorKind {
  const k = COMPARATOR_KINDS.get(name);
  assert.ok(k, name);
  return k;
}

/** The level name the comparator gives two records, or 'null' when either lacks the data. */
function level(c: Comparator, a: MatchRecord, b: MatchRecord): string {
  const pa = c.prepare(a);
  const pb = c.prepare(b);
  if (pa === undefined || pb === undefined) return 'null';
  return c.levels[c.compare(pa, pb)] ?? '?';
}

function full(name: string, field?: string): Comparator {
  const k = kind(name);
  return k.create(k.allLevels, {}, field);
}

/** A valid 18-digit number with the given birth date (YYYYMMDD) and sequence. */
function idNumber(birth: string, seq: string): string {
  const body = `310105${birth}${seq}`;
  return body + computeCheckChar(body);
}

describe('name comparator (Chinese and latin)', () => {
  const c = full('name');
  const cases: [string, string, string][] = [
    ['张伟', '张伟', 'exact'],
    ['张伟', '張偉', 'folded'],
    ['张伟', '张 伟', 'folded'],
    ['ＳＡＴＯ　Ｈｉｒｏｓｈｉ', 'sato hiroshi', 'folded'],
    ['SATO HIROSHI', 'Hiroshi Sato', 'folded'],
    ['SMITH, John', 'john smith', 'folded'],
    ['张伟', '章伟', 'homophone'],
    ['张伟', '张玮', 'homophone'],
    ['曾国藩', '曾國藩', 'folded'],
    ['张伟', 'ZHANG Wei', 'homophone'],
    ['张伟', 'Wei Zhang', 'homophone'],
    ['吕小红', 'LYU Xiaohong', 'homophone'],
    ['吕小红', 'Lv Xiaohong', 'homophone'],
    ['欧阳修', 'OUYANG Xiu', 'homophone'],
    ['黄芳', '王芳', 'fuzzy-pinyin'],
    ['胡明', '吴明', 'fuzzy-pinyin'],
    ['欧阳明华', '欧阳明', 'similar'],
    ['张伟', '张文', 'else'],
    ['黄杰宇', '黄俊', 'else'],
    ['张伟', '李娜', 'else'],
    ['John Smith', 'Jon Smith', 'similar'],
    ['John Smith', 'Mary Jones', 'else'],
    ['张伟', '', 'null'],
  ];
  for (const [a, b, expected] of cases)
    test(`${a} / ${b}: ${expected}`, () => assert.equal(level(c, rec({ name: a }), rec({ name: b })), expected));
  test('a polyphonic surname read the other way is a homophone (曾 ceng, 单 dan, 解 jie, 乐 le)', () => {
    // A latin spelling from someone who heard the other reading.
    assert.equal(level(c, rec({ name: '曾国藩' }), rec({ name: 'CENG Guofan' })), 'homophone');
    assert.equal(level(c, rec({ name: '单田芳' }), rec({ name: 'Dan Tianfang' })), 'homophone');
    assert.equal(level(c, rec({ name: '解缙' }), rec({ name: 'JIE Jin' })), 'homophone');
    assert.equal(level(c, rec({ name: '乐嘉' }), rec({ name: 'Le Jia' })), 'homophone');
  });
  test('latin given and family fields are read when there is no name', () => {
    assert.equal(level(c, rec({ familyName: 'Sato', givenName: 'Hiroshi' }), rec({ name: 'SATO HIROSHI' })), 'folded');
  });
  test('levels left out of a rule are skipped', () => {
    const k = kind('name');
    const short = k.create(['exact', 'similar', 'else'], {}, undefined);
    assert.equal(level(short, rec({ name: '张伟' }), rec({ name: '章伟' })), 'similar');
    assert.throws(() => k.create(['similar', 'exact', 'else'], {}, undefined), /order/);
    assert.throws(() => k.create(['exact'], {}, undefined), /else/);
    assert.throws(() => k.create(['exact', 'nope', 'else'], {}, undefined), /no level/);
  });
});

describe('forename/surname comparator (latin, apart)', () => {
  const c = full('forenameSurname');
  const cases: [Record<string, string>, Record<string, string>, string][] = [
    [{ givenName: 'michaela', familyName: 'neumann' }, { givenName: 'Michaela', familyName: 'NEUMANN' }, 'exact'],
    [{ givenName: 'michaela', familyName: 'neumann' }, { givenName: 'neumann', familyName: 'michaela' }, 'swapped'],
    [{ givenName: 'michaela', familyName: 'neumann' }, { givenName: 'micheala', familyName: 'neuman' }, 'similar'],
    [{ givenName: 'michaela', familyName: 'neumann' }, { givenName: 'mikaela', familyName: 'newmann' }, 'close'],
    [{ givenName: 'michaela', familyName: 'neumann' }, { givenName: 'sarah', familyName: 'neumann' }, 'family-different-given'],
    [{ givenName: 'michaela', familyName: 'neumann' }, { familyName: 'neumann' }, 'family-only'],
    [{ givenName: 'michaela', familyName: 'neumann' }, { givenName: 'michaela', familyName: 'painter' }, 'given-only'],
    [{ givenName: 'michaela', familyName: 'neumann' }, { givenName: 'courtney', familyName: 'painter' }, 'else'],
    [{ givenName: 'michaela' }, {}, 'null'],
  ];
  for (const [a, b, expected] of cases)
    test(`${JSON.stringify(a)} / ${JSON.stringify(b)}: ${expected}`, () => assert.equal(level(c, rec(a), rec(b)), expected));
});

describe('birth date comparator', () => {
  const c = full('birthDate');
  const cases: [string, string, string][] = [
    ['1984-03-07', '1984-03-07', 'exact'],
    ['1984-03-07', '19840307', 'exact'],
    ['1984-03-07', '1984/3/7', 'exact'],
    ['1984-03-07', '1984年3月7日', 'exact'],
    ['1984-03-07', '1984-07-03', 'day-month-swapped'],
    ['1984-03-07', '1984-03-08', 'one-digit'],
    ['1984-03-07', '1948-03-07', 'one-digit'],
    ['19371233', '19371223', 'one-digit'],
    ['1984-03-07', '1984-11-23', 'year'],
    ['1984-03-07', '1990-01-01', 'else'],
    ['1984-03-07', '', 'null'],
  ];
  for (const [a, b, expected] of cases)
    test(`${a} / ${b}: ${expected}`, () => assert.equal(level(c, rec({ birthDate: a }), rec({ birthDate: b })), expected));
});

describe('sex, phone', () => {
  const sex = full('sex');
  const phone = full('phone');
  const cases: [Comparator, Record<string, string>, Record<string, string>, string][] = [
    [sex, { sex: '1' }, { sex: '男' }, 'exact'],
    [sex, { sex: 'F' }, { sex: '2' }, 'exact'],
    [sex, { sex: 'female' }, { sex: 'male' }, 'else'],
    [sex, { sex: '9' }, { sex: '1' }, 'null'],
    [phone, { phone: '13812345678' }, { phone: '+86 138-1234-5678' }, 'exact'],
    [phone, { phone: '021-62345678' }, { phone: '62345678' }, 'last8'],
    [phone, { phone: '13812345678' }, { phone: '13912345679' }, 'else'],
  ];
  for (const [c, a, b, expected] of cases)
    test(`${c.kind} ${JSON.stringify(a)} / ${JSON.stringify(b)}: ${expected}`, () => assert.equal(level(c, rec(a), rec(b)), expected));
});

describe('citizen ID comparator and the check against the record', () => {
  const c = full('citizenId');
  const id = idNumber('19840307', '123');
  const id15 = `310105840307123`;
  const other = idNumber('19840307', '125');
  test('15 digits are converted before comparing', () => assert.equal(level(c, rec({ citizenId: id }), rec({ citizenId: id15 })), 'exact'));
  test('a typo is one digit apart', () => {
    const typo = `${id.slice(0, 10)}${id.charAt(10) === '9' ? '8' : '9'}${id.slice(11)}`;
    assert.equal(level(c, rec({ citizenId: id }), rec({ citizenId: typo })), 'typo');
  });
  test('two valid numbers that agree with their records are a real disagreement', () => {
    assert.equal(
      level(
        c,
        rec({ citizenId: id, birthDate: '1984-03-07', sex: '1' }),
        rec({ citizenId: idNumber('19700101', '222'), birthDate: '1970-01-01', sex: '2' }),
      ),
      'else',
    );
  });
  test('a number contradicting its own record is suspect', () => {
    // other's birth date says 1984-03-07, the record says 1986-05-01: the number is probably wrong.
    assert.equal(
      level(c, rec({ citizenId: id, birthDate: '1984-03-07' }), rec({ citizenId: idNumber('19700101', '222'), birthDate: '1986-05-01' })),
      'suspect',
    );
    const check = checkCitizenId(rec({ citizenId: other, birthDate: '1986-05-01', sex: '1' }));
    assert.deepEqual(check && { valid: check.valid, birth: check.birthDateAgrees, sex: check.sexAgrees, consistent: check.consistent }, {
      valid: true,
      birth: false,
      sex: true,
      consistent: false,
    });
    const wrongSex = checkCitizenId(rec({ citizenId: other, sex: '2' }));
    assert.equal(wrongSex?.sexAgrees, false);
  });
  test('an invalid number (checksum) is suspect', () => {
    const bad = `${id.slice(0, 17)}${id.charAt(17) === '1' ? '2' : '1'}`;
    const check = checkCitizenId(rec({ citizenId: bad }));
    assert.equal(check?.valid, false);
    assert.equal(level(c, rec({ citizenId: bad }), rec({ citizenId: idNumber('19700101', '222') })), 'suspect');
  });
});

describe('address comparator', () => {
  const c = full('address');
  const cases: [Record<string, string>, Record<string, string>, string][] = [
    [{ address: '上海市长宁区新华路3弄1号101室' }, { address: '新华路3弄1号101室' }, 'dwelling'],
    [{ address: '上海市长寧區新華路3弄1號101室' }, { address: '新华路3弄1号101室' }, 'dwelling'],
    [{ address: '新华路3弄1号101室' }, { address: '新华路3弄1号202室' }, 'building'],
    [{ address: '新华路3弄1号101室' }, { address: '新华路5弄2号101室' }, 'road'],
    [{ address: '新华路3弄1号101室' }, { address: '番禺路3弄1号101室' }, 'else'],
    [{ dwellingId: 'D1', address: '新华路3弄1号101室' }, { dwellingId: 'D1', address: '新华路3弄1号前楼' }, 'dwelling'],
    [{ dwellingId: 'D1', buildingId: 'B1' }, { dwellingId: 'D2', buildingId: 'B1' }, 'building'],
    [{ address: '12 Stanley Street' }, { address: '12  stanley street' }, 'dwelling'],
    [{ address: '12 Stanley Street' }, {}, 'null'],
  ];
  for (const [a, b, expected] of cases)
    test(`${JSON.stringify(a)} / ${JSON.stringify(b)}: ${expected}`, () => assert.equal(level(c, rec(a), rec(b)), expected));
});

describe('string, code and exact comparators', () => {
  const s = full('string', 'suburb');
  const code = full('code', 'postcode');
  const exact = full('exact', 'state');
  const cases: [Comparator, string, string, string][] = [
    [s, 'Winston Hills', 'winston  hills', 'exact'],
    [s, 'winston hills', 'winston hils', 'similar'],
    [s, 'richlands', 'richmond', 'close'],
    [s, 'richlands', 'bega', 'else'],
    [code, '4223', '4223', 'exact'],
    [code, '4223', '4232', 'one-edit'],
    [code, '4223', '423', 'one-edit'],
    [code, '4223', '5223 1', 'else'],
    [exact, 'NSW', 'nsw', 'exact'],
    [exact, 'nsw', 'vic', 'else'],
  ];
  for (const [c, a, b, expected] of cases) {
    const field = c.fields[0] ?? '';
    test(`${c.kind} ${a} / ${b}: ${expected}`, () => assert.equal(level(c, rec({ [field]: a }), rec({ [field]: b })), expected));
  }
  test('a field-less string comparator is refused', () =>
    assert.throws(() => kind('string').create(['exact', 'else'], {}, undefined), /field/));
});
