import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  checkIdNumber,
  computeCheckChar,
  convert15To18,
  maskIdNumber,
  normaliseIdNumber,
  parseCompactDate,
  type IdNumberCheckOptions,
  type IdNumberFacts,
  type IdNumberFailure,
  type IdNumberVerdict,
} from './id-number.ts';
import { defaultAreaCodeHistory } from '../reference/area-code-history.ts';
import { mulberry32 } from './random.ts';

interface ValidCase {
  id: string;
  address_code: string;
  birth_date: string;
  sequence: string;
  sex: string;
  check_char: string;
  note: string;
}
interface InvalidCase {
  id: string;
  reason: string;
  normalizable?: boolean;
}
interface Fixture {
  structure: { weights: number[]; check_chars_by_remainder: string[] };
  valid: ValidCase[];
  invalid: InvalidCase[];
  conversion_example_15_to_18: { old_15_digit: string; new_18_digit: string };
}

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/gb11643-1999-id-number-test-cases.json', import.meta.url), 'utf8')) as Fixture;

/** A fixed "today", so no test depends on the clock. */
const TODAY = '2026-11-01';
const options: IdNumberCheckOptions = { areas: defaultAreaCodeHistory(), today: TODAY };
const strict: IdNumberCheckOptions = { ...options, strict: true };

function facts(v: IdNumberVerdict): IdNumberFacts {
  if (!v.valid) assert.fail(`expected a valid number, got ${v.reason}: ${v.message}`);
  return v.facts;
}

function failure(v: IdNumberVerdict): IdNumberFailure {
  if (v.valid) assert.fail(`expected an invalid number, got a valid one (${v.facts.kind})`);
  assert.ok(v.message.length > 0 && v.messageZh.length > 0, 'every failure explains itself in English and Chinese');
  return v.reason;
}

/** A whole number: the 17-digit body and its computed check character. */
const withCheck = (body17: string): string => body17 + computeCheckChar(body17);

/** The fixture's reasons are prose; each maps to exactly one failure code. */
const REASONS: readonly [RegExp, IdNumberFailure][] = [
  [/lower-case x/i, 'NOT_CANONICAL'],
  [/check character wrong|X where the computed check character is a digit/i, 'CHECKSUM'],
  [/in the future/i, 'FUTURE_BIRTH_DATE'],
  [/does not exist|month 13/i, 'BIRTH_DATE'],
  [/address code .* (is not a GB\/T 2260 code|never existed)/i, 'AREA_CODE'],
  [/\b(17|19) characters/i, 'LENGTH'],
  [/non-digit character/i, 'FORMAT'],
];

function expectedFailure(reason: string): IdNumberFailure {
  const hits = REASONS.filter(([re]) => re.test(reason));
  assert.equal(hits.length, 1, `the fixture reason "${reason}" must map to exactly one failure code`);
  return (hits[0] as [RegExp, IdNumberFailure])[1];
}

/** mulberry32, so the property loops draw the same numbers every run. */
const seeded = mulberry32;
const randomBody = (next: () => number): string => Array.from({ length: 17 }, () => String(next() % 10)).join('');

describe('GB 11643-1999 fixture: valid numbers', () => {
  assert.ok(fixture.valid.length >= 10, 'the fixture has its valid cases');
  for (const c of fixture.valid) {
    test(`${c.id} — ${c.note}`, () => {
      const f = facts(checkIdNumber(c.id, strict));
      assert.equal(f.number, c.id);
      assert.equal(f.addressCode, c.address_code);
      assert.equal(f.birthDate, `${c.birth_date.slice(0, 4)}-${c.birth_date.slice(4, 6)}-${c.birth_date.slice(6, 8)}`);
      assert.equal(f.sequence, c.sequence);
      assert.equal(f.sex, /\((\d)\)/.exec(c.sex)?.[1]);
      assert.equal(computeCheckChar(c.id.slice(0, 17)), c.check_char);
      assert.equal(f.normalised, false);
      assert.equal(f.convertedFrom15, undefined);
    });
  }
});

describe('GB 11643-1999 fixture: invalid numbers', () => {
  assert.ok(fixture.invalid.length >= 10, 'the fixture has its invalid cases');
  for (const c of fixture.invalid) {
    test(`${c.id} — ${c.reason}`, () => {
      const expected = expectedFailure(c.reason);
      assert.equal(failure(checkIdNumber(c.id, strict)), expected);
      if (c.normalizable) {
        // Not strict: the input is upper-cased and accepted, and says it was normalised.
        const f = facts(checkIdNumber(c.id, options));
        assert.equal(f.number, c.id.toUpperCase());
        assert.equal(f.normalised, true);
      } else {
        assert.equal(failure(checkIdNumber(c.id, options)), expected, 'fails the same way when not strict');
      }
    });
  }
});

describe('15-digit numbers (GB 11643-1989)', () => {
  const { old_15_digit: old15, new_18_digit: new18 } = fixture.conversion_example_15_to_18;

  test('convert15To18 inserts 19 and appends the check character', () => {
    assert.equal(convert15To18(old15), new18);
  });

  test('checkIdNumber accepts the old form and reports the conversion', () => {
    const f = facts(checkIdNumber(old15, strict));
    assert.equal(f.number, new18);
    assert.equal(f.convertedFrom15, old15);
    assert.equal(f.birthDate, '1990-03-07');
    assert.equal(f.sex, '1');
  });

  test('old numbers with letters or an impossible date are rejected', () => {
    assert.equal(failure(checkIdNumber('31010590030712X', options)), 'FORMAT');
    assert.equal(failure(checkIdNumber('310105901301123', options)), 'BIRTH_DATE');
  });

  test('convert15To18 refuses anything but 15 digits', () => {
    assert.throws(() => convert15To18('31010519900307123'), /15 digits/);
    assert.throws(() => convert15To18('31010590030712X'), /15 digits/);
  });
});

describe('address codes and the GB/T 2260 history', () => {
  test('310108 (闸北, retired 2015) is valid for someone born in 1980, and says it is retired', () => {
    const f = facts(checkIdNumber('310108198001010119', strict));
    assert.equal(f.addressCodeRetired, true);
    assert.equal(f.addressName, '闸北区');
  });

  test('310108 is still valid for someone born in 2015, its last year', () => {
    assert.equal(facts(checkIdNumber(withCheck('31010820150601012'), strict)).addressCodeRetired, true);
  });

  test('310108 is invalid for someone born in 2016, after it was retired', () => {
    const v = checkIdNumber(withCheck('31010820160101011'), strict);
    assert.equal(failure(v), 'AREA_CODE');
    assert.ok(!v.valid && v.message.includes('2015'), 'the message names the year the code was retired');
  });

  test('a code in use today is not retired', () => {
    const f = facts(checkIdNumber('310105199003071236', strict));
    assert.equal(f.addressCodeRetired, false);
    assert.equal(f.addressName, '长宁区');
  });
});

describe('Hong Kong, Macao and Taiwan residence permits', () => {
  const cases = [
    ['810000199505200174', 'hk-resident-permit'],
    [withCheck('82000019900101002'), 'mo-resident-permit'],
    ['830000198811110248', 'tw-resident-permit'],
  ] as const;
  for (const [number, kind] of cases) {
    test(`${number.slice(0, 6)} is a ${kind}`, () => {
      const f = facts(checkIdNumber(number, strict));
      assert.equal(f.kind, kind);
      assert.equal(f.addressCodeRetired, false);
    });
  }

  test('a permit number still needs a correct check character', () => {
    assert.equal(failure(checkIdNumber('810000199505200175', strict)), 'CHECKSUM');
  });

  test('an ordinary number is a citizen number', () => {
    assert.equal(facts(checkIdNumber('310105199003071236', strict)).kind, 'citizen');
  });
});

describe('other documents and odd input', () => {
  test('a number starting with 9 is a foreigner’s permanent residence ID, not a citizen number', () => {
    assert.equal(failure(checkIdNumber(withCheck('93310519900307123'), strict)), 'FOREIGN_PERMANENT_RESIDENCE');
  });

  test('empty input', () => {
    assert.equal(failure(checkIdNumber('', options)), 'EMPTY');
    assert.equal(failure(checkIdNumber('  \u3000 ', options)), 'EMPTY');
  });

  test('full-width digits and X are normalised when not strict, refused when strict', () => {
    const fullWidth = '１１０１０１１９４９１００１００１Ｘ';
    const f = facts(checkIdNumber(fullWidth, options));
    assert.equal(f.number, '11010119491001001X');
    assert.equal(f.normalised, true);
    assert.equal(failure(checkIdNumber(fullWidth, strict)), 'NOT_CANONICAL');
  });

  test('spaces (ASCII and ideographic) are removed when not strict', () => {
    const f = facts(checkIdNumber(' 310105 19900307\u30001236 ', options));
    assert.equal(f.number, '310105199003071236');
    assert.equal(f.normalised, true);
    assert.equal(failure(checkIdNumber('310105 19900307 1236', strict)), 'NOT_CANONICAL');
  });

  test('normaliseIdNumber folds width and case only', () => {
    assert.equal(normaliseIdNumber(' ３１０１０５１９９００３０７１２３ｘ '), '31010519900307123X');
    assert.equal(normaliseIdNumber('31010519900307123A'), '31010519900307123A');
  });

  test('a check character that is neither a digit nor X is a format error', () => {
    assert.equal(failure(checkIdNumber('31010519900307123A', strict)), 'FORMAT');
  });

  test('a birth date today is allowed, tomorrow is not', () => {
    assert.equal(facts(checkIdNumber(withCheck('31010520261101002'), strict)).birthDate, TODAY);
    assert.equal(failure(checkIdNumber(withCheck('31010520261102002'), strict)), 'FUTURE_BIRTH_DATE');
  });
});

describe('parseCompactDate', () => {
  test('real dates, leap years included', () => {
    assert.equal(parseCompactDate('20000229'), '2000-02-29');
    assert.equal(parseCompactDate('20240229'), '2024-02-29');
    assert.equal(parseCompactDate('19991231'), '1999-12-31');
  });
  test('impossible dates and malformed input', () => {
    for (const bad of ['20230229', '19000229', '19900230', '19901301', '19900001', '19900100', '19900431', '1990031', 'abcdefgh']) {
      assert.equal(parseCompactDate(bad), undefined, bad);
    }
  });
});

describe('masking', () => {
  test('keeps the first 3 and last 4 characters', () => {
    assert.equal(maskIdNumber('310105199003071236'), '310***********1236');
    assert.equal(maskIdNumber('11010119491001001X'), '110***********001X');
    assert.equal(maskIdNumber('310105900307123'), '310********7123');
  });
  test('hides short input entirely', () => {
    assert.equal(maskIdNumber('1234567'), '*******');
    assert.equal(maskIdNumber(''), '');
  });
});

describe('ISO 7064 MOD 11-2 check character (seeded property checks)', () => {
  const weights = fixture.structure.weights;
  const byRemainder = fixture.structure.check_chars_by_remainder;

  test('matches the fixture’s formula for 2,000 random bodies', () => {
    const next = seeded(11643);
    for (let n = 0; n < 2000; n++) {
      const body = randomBody(next);
      const s = weights.reduce((sum, w, i) => sum + w * Number(body[i]), 0);
      assert.equal(computeCheckChar(body), byRemainder[s % 11], body);
    }
  });

  test('the whole number, check character weighted 1 and X = 10, sums to 1 mod 11', () => {
    const next = seeded(1999);
    for (let n = 0; n < 2000; n++) {
      const number = withCheck(randomBody(next));
      const check = number.charAt(17);
      const s = weights.reduce((sum, w, i) => sum + w * Number(number[i]), 0) + (check === 'X' ? 10 : Number(check));
      assert.equal(s % 11, 1, number);
    }
  });

  test('every single-digit change and every adjacent transposition in the body is detected', () => {
    const next = seeded(7064);
    for (let n = 0; n < 200; n++) {
      const body = randomBody(next);
      const check = computeCheckChar(body);
      const pos = next() % 17;
      const digit = (Number(body[pos]) + 1 + (next() % 9)) % 10;
      assert.notEqual(computeCheckChar(body.slice(0, pos) + String(digit) + body.slice(pos + 1)), check, `change at ${pos}`);
      const t = next() % 16;
      if (body[t] !== body[t + 1]) {
        const swapped = body.slice(0, t) + (body[t + 1] ?? '') + (body[t] ?? '') + body.slice(t + 2);
        assert.notEqual(computeCheckChar(swapped), check, `swap at ${t}`);
      }
    }
  });

  test('computeCheckChar needs exactly 17 digits', () => {
    assert.throws(() => computeCheckChar('1234567890123456'), /17 digits/);
    assert.throws(() => computeCheckChar('1234567890123456X'), /17 digits/);
  });
});
