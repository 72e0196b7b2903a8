/**
 * Which encoding a department's text file is in, decided from the whole file before a record is read:
 * a byte-order mark (UTF-8, UTF-16) decides; otherwise UTF-8 if every byte sequence is valid UTF-8;
 * otherwise GBK/GB18030 if every sequence is valid GB18030 and the text is plausibly Chinese (most
 * double-byte characters in the GB2312 region, no control characters). Anything else is refused.
 * The scan reads the file in 1 MB chunks, so memory stays bounded.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import iconv from 'iconv-lite';

export type DetectedEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'gbk' | 'gb18030';

export type EncodingVerdict =
  | { readonly ok: true; readonly encoding: DetectedEncoding; readonly bomLength: number }
  | { readonly ok: false; readonly problem: 'BINARY' | 'NOT_TEXT'; readonly utf8ErrorAt: number };

const CHUNK = 1024 * 1024;

/** Decides the encoding of the text file open in `handle` (of `size` bytes). */
export async function detectTextEncoding(handle: FileHandle, size: number): Promise<EncodingVerdict> {
  const head = Buffer.alloc(Math.min(size, 64 * 1024));
  await handle.read(head, 0, head.length, 0);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { ok: true, encoding: 'utf8-bom', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { ok: true, encoding: 'utf16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { ok: true, encoding: 'utf16be', bomLength: 2 };
  if (head.includes(0)) return { ok: false, problem: 'BINARY', utf8ErrorAt: head.indexOf(0) };
  const utf8ErrorAt = await firstInvalidUtf8(handle, size);
  if (utf8ErrorAt < 0) return { ok: true, encoding: 'utf8', bomLength: 0 };
  const gb = await scanGb18030(handle, size);
  if (gb.valid && gb.plausible) return { ok: true, encoding: gb.fourByte > 0 ? 'gb18030' : 'gbk', bomLength: 0 };
  return { ok: false, problem: 'NOT_TEXT', utf8ErrorAt };
}

async function* chunks(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
  for (let position = 0; position < size;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
    position += bytesRead;
  }
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the whole file is valid. */
export async function firstInvalidUtf8(handle: FileHandle, size: number): Promise<number> {
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of chunks(handle, size)) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const end = completeUtf8Prefix(data);
    const body = data.subarray(0, end);
    if (!isUtf8(body)) return offset + invalidUtf8Offset(body);
    carry = Buffer.from(data.subarray(end));
    offset += end;
  }
  return carry.length > 0 ? offset : -1;
}

/** Length of the longest prefix that does not end inside a multi-byte character. */
function completeUtf8Prefix(data: Buffer): number {
  const n = data.length;
  for (let back = 1; back <= Math.min(4, n); back++) {
    const b = data[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

function invalidUtf8Offset(body: Buffer): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Narrow down by halving: the prefix before the first bad sequence is valid.
    let lo = 0;
    let hi = body.length;
    while (hi - lo > 1) {
      const mid = completeUtf8Prefix(body.subarray(0, (lo + hi) >> 1));
      if (mid <= lo) break;
      if (isUtf8(body.subarray(0, mid))) lo = mid;
      else hi = mid;
    }
    return lo;
  }
  return 0;
}

interface GbScan {
  readonly valid: boolean;
  readonly plausible: boolean;
  readonly fourByte: number;
}

/**
 * Checks the GB18030 byte structure of the whole file and counts how Chinese it looks: the share of
 * double-byte characters in the GB2312 punctuation and hanzi rows (A1–A3, B0–F7 × A1–FE), which
 * carry nearly all real text; Big5 or Latin-1 read as GBK lands mostly outside them.
 */
async function scanGb18030(handle: FileHandle, size: number): Promise<GbScan> {
  // state: 0 between characters; 1 after a lead byte; 2 and 3 inside a four-byte sequence.
  let state = 0;
  let lead = 0;
  let doubleByte = 0;
  let common = 0;
  let fourByte = 0;
  let controls = 0;
  let bytes = 0;
  const invalid = (): GbScan => ({ valid: false, plausible: false, fourByte });
  for await (const chunk of chunks(handle, size)) {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      switch (state) {
        case 0:
          if (b < 0x80) {
            if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) controls++;
          } else if (b === 0x80 || b === 0xff) return invalid();
          else {
            lead = b;
            state = 1;
          }
          break;
        case 1:
          if ((b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfe)) {
            doubleByte++;
            if (b >= 0xa1 && ((lead >= 0xa1 && lead <= 0xa3) || (lead >= 0xb0 && lead <= 0xf7))) common++;
            state = 0;
          } else if (b >= 0x30 && b <= 0x39) state = 2;
          else return invalid();
          break;
        case 2:
          if (b < 0x81 || b > 0xfe) return invalid();
          state = 3;
          break;
        default:
          if (b < 0x30 || b > 0x39) return invalid();
          fourByte++;
          state = 0;
      }
    }
  }
  if (state !== 0) return invalid();
  const multi = doubleByte + fourByte;
  const plausible = controls <= bytes / 1000 && (multi < 20 ? common * 2 >= multi : common >= multi * 0.8);
  return { valid: true, plausible, fourByte };
}

/** The iconv-lite name to decode a detected (or given) encoding with. */
export function decoderName(encoding: string): string {
  switch (encoding) {
    case 'utf8-bom':
      return 'utf8';
    case 'gbk':
      return 'gb18030';
    default:
      return encoding;
  }
}

export function isKnownEncoding(encoding: string): boolean {
  return encoding === 'utf8-bom' || iconv.encodingExists(encoding);
}

/** Decodes a buffer (a sample; a trailing partial character becomes U+FFFD and should be dropped). */
export function decodeSample(buffer: Buffer, encoding: string): string {
  const text = iconv.decode(buffer, decoderName(encoding));
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export interface TextStream {
  readonly text: Readable;
  /** Bytes of the file read so far (including the skipped start). */
  bytesRead(): number;
}

/**
 * The file as a stream of decoded strings from byte `start`. UTF-8 goes through Node's own decoder;
 * everything else through iconv-lite, which drops a byte-order mark.
 */
export function openTextStream(path: string, encoding: string, start: number): TextStream {
  const name = decoderName(encoding);
  const utf8 = name === 'utf8' || name === 'utf-8';
  const file = createReadStream(path, utf8 ? { start, encoding: 'utf8', highWaterMark: 256 * 1024 } : { start, highWaterMark: 256 * 1024 });
  const bytesRead = (): number => start + file.bytesRead;
  if (utf8) return { text: file, bytesRead };
  const decoder = iconv.decodeStream(name) as unknown as NodeJS.ReadWriteStream;
  return { text: pipeline(file, decoder, () => {}) as unknown as Readable, bytesRead };
}
