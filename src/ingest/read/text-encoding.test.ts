import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { detectTextEncoding, type EncodingVerdict } from './text-encoding.ts';
import { FixtureDir } from './test-fixtures.ts';

const dir = new FixtureDir();
after(() => dir.remove());

async function detect(path: string): Promise<EncodingVerdict> {
  const handle = await open(path, 'r');
  try {
    return await detectTextEncoding(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

const TEXT = '姓名,性别,地址\n张伟,男,上海市长宁区新华路211号\n王芳,女,长宁区番禺路１２号（后门）\n';

describe('detectTextEncoding', () => {
  test('UTF-8, with and without a byte-order mark', async () => {
    assert.deepEqual(await detect(dir.text('u.csv', TEXT)), { ok: true, encoding: 'utf8', bomLength: 0 });
    assert.deepEqual(await detect(dir.text('b.csv', TEXT, 'utf8-bom')), { ok: true, encoding: 'utf8-bom', bomLength: 3 });
  });

  test('plain ASCII is UTF-8', async () => {
    assert.deepEqual(await detect(dir.text('a.csv', 'a,b\n1,2\n')), { ok: true, encoding: 'utf8', bomLength: 0 });
  });

  test('GBK, and GB18030 when four-byte characters occur (㐀 is not in GBK)', async () => {
    assert.deepEqual(await detect(dir.text('g.csv', TEXT, 'gbk')), { ok: true, encoding: 'gbk', bomLength: 0 });
    assert.deepEqual(await detect(dir.text('g18.csv', `${TEXT}㐀,男,新华路\n`, 'gb18030')), {
      ok: true,
      encoding: 'gb18030',
      bomLength: 0,
    });
  });

  test('UTF-16 with a byte-order mark', async () => {
    assert.deepEqual(await detect(dir.text('w.txt', TEXT, 'utf16le')), { ok: true, encoding: 'utf16le', bomLength: 2 });
  });

  test('a UTF-8 character cut by the 1 MB scan chunk is still valid UTF-8', async () => {
    const line = '张伟,男,新华路\n';
    const big = 'x'.repeat(1024 * 1024 - 1) + '\n' + line.repeat(10);
    assert.equal((await detect(dir.text('cut.csv', big))).ok, true);
  });

  test('random bytes, Big5 text and binary files are refused', async () => {
    let seed = 7;
    const noise = Buffer.alloc(4096).map(() => 1 + ((((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff) % 255));
    const verdict = await detect(dir.bytes('noise.csv', noise));
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.problem, 'NOT_TEXT');
    assert.deepEqual(await detect(dir.bytes('bad.csv', Buffer.concat([Buffer.from('abc'), Buffer.from([0xff, 0x41])]))), {
      ok: false,
      problem: 'NOT_TEXT',
      utf8ErrorAt: 3,
    });
    const big5 = dir.text(
      'big5.csv',
      '姓名,地址\n張偉,臺北市信義區\n陳淑芬,高雄市鼓山區\n黃志明,臺中市北屯區\n林美玲,新竹縣竹北市\n'.repeat(3),
      'big5',
    );
    assert.equal((await detect(big5)).ok, false);
    assert.deepEqual(await detect(dir.bytes('x.bin', Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0x02]))), {
      ok: false,
      problem: 'BINARY',
      utf8ErrorAt: 4,
    });
  });
});
