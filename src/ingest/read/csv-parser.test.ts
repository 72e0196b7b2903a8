import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { CsvParser, CsvSyntaxError } from './csv-parser.ts';
import type { RawRow } from './source-record.ts';
import { seededRandom } from '../../domain/random.ts';

function parseAll(text: string, delimiter = ',', chunkSizes: readonly number[] = [text.length || 1]): RawRow[] {
  const parser = new CsvParser(delimiter);
  const out: RawRow[] = [];
  let at = 0;
  let k = 0;
  while (at < text.length) {
    const size = Math.max(1, chunkSizes[k++ % chunkSizes.length] ?? 1);
    parser.push(text.slice(at, at + size), out);
    at += size;
  }
  parser.end(out);
  return out;
}

const random = seededRandom;

const PIECES = ['a', 'b', '张', '伟', ' ', ',', '"', '\n', '\r\n', '1', '号', '\t', ';'];

function randomField(next: () => number): string {
  let s = '';
  const length = Math.floor(next() * 6);
  for (let i = 0; i < length; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

function quote(field: string, delimiter: string, force: boolean): string {
  return force || field.includes('"') || field.includes(delimiter) || field.includes('\n') || field.includes('\r')
    ? `"${field.replaceAll('"', '""')}"`
    : field;
}

describe('CsvParser', () => {
  test('splits plain lines, keeps empty fields and spaces, skips blank lines but counts them', () => {
    const rows = parseAll('a,b,c\n\n1, 2 ,\r\n\r\nx,y,z');
    assert.deepEqual(
      rows.map((r) => [r.row, r.cells]),
      [
        [1, ['a', 'b', 'c']],
        [3, ['1', ' 2 ', '']],
        [5, ['x', 'y', 'z']],
      ],
    );
  });

  test('quoted fields: delimiters, doubled quotes, line breaks (CRLF becomes LF), and the line a record starts on', () => {
    const rows = parseAll('h1,h2\r\n"a,b","say ""hi"""\r\n"two\r\nlines",x\r\nlast,"q"\r\n');
    assert.deepEqual(
      rows.map((r) => [r.row, r.cells]),
      [
        [1, ['h1', 'h2']],
        [2, ['a,b', 'say "hi"']],
        [3, ['two\nlines', 'x']],
        [5, ['last', 'q']],
      ],
    );
  });

  test('relaxed quotes: a quote inside an unquoted field, or text after a closing quote, is kept as it stands', () => {
    const rows = parseAll('5\'2",a"b,"bad"q,z\n');
    assert.deepEqual(rows[0]?.cells, ['5\'2"', 'a"b', '"bad"q', 'z']);
  });

  test('a byte-order mark at the start is dropped', () => {
    assert.deepEqual(parseAll('\ufeffa,b\n1,2\n')[0]?.cells, ['a', 'b']);
  });

  test('tab and semicolon delimiters', () => {
    assert.deepEqual(parseAll('a\tb,c\t"d\te"\n', '\t')[0]?.cells, ['a', 'b,c', 'd\te']);
    assert.deepEqual(parseAll('a;b\n', ';')[0]?.cells, ['a', 'b']);
  });

  test('an unclosed quote is a CsvSyntaxError naming the line the record starts on', () => {
    assert.throws(
      () => parseAll('a,b\n1,2\n3,"never closed\nmore\n'),
      (e: unknown) => e instanceof CsvSyntaxError && e.kind === 'UNCLOSED_QUOTE' && e.line === 3,
    );
  });

  test('a record longer than the limit is refused instead of swallowing the file', () => {
    const parser = new CsvParser(',', 100);
    assert.throws(
      () => parser.push(`a,"${'x'.repeat(200)}`, []),
      (e: unknown) => e instanceof CsvSyntaxError && e.kind === 'RECORD_TOO_LONG',
    );
  });

  test('generated files: same records as written, as csv-parse reads them, however the text is chunked', () => {
    const next = random(42);
    for (let file = 0; file < 150; file++) {
      const delimiter = file % 3 === 0 ? '\t' : ',';
      const width = 1 + Math.floor(next() * 4);
      const records: string[][] = [];
      for (let r = 0; r < 1 + Math.floor(next() * 8); r++) {
        const record = Array.from({ length: width }, () => randomField(next));
        if (record.every((f): boolean => f === '')) record[0] = 'x'; // an all-empty one-field line would be a blank line
        records.push(record);
      }
      const eol = next() < 0.5 ? '\n' : '\r\n';
      const text =
        records.map((r) => r.map((f) => quote(f, delimiter, next() < 0.2)).join(delimiter)).join(eol) + (next() < 0.5 ? eol : '');
      const expected = records.map((r) => r.map((f) => f.replaceAll('\r\n', '\n')));
      const whole = parseAll(text, delimiter).map((r) => r.cells);
      assert.deepEqual(whole, expected, `file ${file}: ${JSON.stringify(text)}`);
      const chunked = parseAll(text, delimiter, [1 + Math.floor(next() * 7), 1, 3]).map((r) => r.cells);
      assert.deepEqual(chunked, expected, `file ${file} chunked`);
      const reference = (
        parse(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true }) as string[][]
      ).map((r) => r.map((f) => f.replaceAll('\r\n', '\n')));
      assert.deepEqual(whole, reference, `file ${file} vs csv-parse`);
    }
  });

  test('row numbers stay right after quoted line breaks and blank lines, however the text is chunked', () => {
    const text = 'h\n\n"a\nb"\n\n\nc\n"d\r\ne\r\nf"\ng\n';
    for (const size of [1, 2, 3, 5, 100]) {
      assert.deepEqual(
        parseAll(text, ',', [size]).map((r) => r.row),
        [1, 3, 7, 8, 11],
        `chunks of ${size}`,
      );
    }
  });
});
