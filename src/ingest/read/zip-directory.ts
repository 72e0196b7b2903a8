/**
 * Reading a zip (an XLSX workbook) without a zip library: the central directory at its end lists the
 * entries, so a workbook cut short, or a zip that is not a workbook, is refused before a row is read;
 * each entry is then inflated as a stream with node:zlib.
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

export type ZipDirectory =
  | { readonly ok: true; readonly entries: ReadonlyMap<string, ZipEntry> }
  | { readonly ok: false; readonly problem: 'NO_DIRECTORY' | 'BAD_DIRECTORY' };

/** The entries of the zip open in `handle` of `size` bytes, or why they cannot be listed. */
export async function readZipDirectory(handle: FileHandle, size: number): Promise<ZipDirectory> {
  const tailSize = Math.min(size, EOCD_SIZE + MAX_COMMENT);
  const tail = Buffer.alloc(tailSize);
  await handle.read(tail, 0, tailSize, size - tailSize);
  let eocd = -1;
  for (let i = tailSize - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, problem: 'NO_DIRECTORY' };
  const count = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  const eocdOffset = size - tailSize + eocd;
  // ZIP64 (0xffff / 0xffffffff markers) does not occur in workbooks of the sizes we read.
  if (directoryOffset + directorySize > eocdOffset) return { ok: false, problem: 'BAD_DIRECTORY' };
  const directory = Buffer.alloc(directorySize);
  await handle.read(directory, 0, directorySize, directoryOffset);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) return { ok: false, problem: 'BAD_DIRECTORY' };
    const nameLength = directory.readUInt16LE(at + 28);
    const entry: ZipEntry = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localOffset: directory.readUInt32LE(at + 42),
    };
    if (entry.localOffset + entry.compressedSize > directoryOffset) return { ok: false, problem: 'BAD_DIRECTORY' };
    entries.set(entry.name, entry);
    at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
  }
  return { ok: true, entries };
}

export class ZipEntryError extends Error {
  override readonly name = 'ZipEntryError';
}

/** Where the entry's compressed bytes start (after its local header, whose extra field may differ). */
async function dataStart(handle: FileHandle, entry: ZipEntry): Promise<number> {
  const header = Buffer.alloc(30);
  const { bytesRead } = await handle.read(header, 0, 30, entry.localOffset);
  if (bytesRead < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipEntryError(`zip entry ${entry.name}: bad local header`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipEntryError(`zip entry ${entry.name}: unsupported compression method ${entry.method}`);
  return entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** The whole entry, inflated (for the small parts of a workbook). */
export async function readZipEntry(handle: FileHandle, entry: ZipEntry): Promise<Buffer> {
  const start = await dataStart(handle, entry);
  const raw = Buffer.alloc(entry.compressedSize);
  await handle.read(raw, 0, raw.length, start);
  return entry.method === 0 ? raw : inflateRawSync(raw);
}

/** The entry as a stream of inflated bytes, reading the file at `path`. */
export interface ZipEntryStream {
  readonly stream: Readable;
  /** Bytes of the file read so far (as an offset into it, for progress). */
  bytesRead(): number;
  close(): void;
}

/** The entry as a stream of inflated bytes, reading the file at `path`. */
export async function openZipEntry(handle: FileHandle, path: string, entry: ZipEntry): Promise<ZipEntryStream> {
  const start = await dataStart(handle, entry);
  const file = createReadStream(path, { start, end: start + Math.max(entry.compressedSize, 1) - 1, highWaterMark: 256 * 1024 });
  const bytesRead = (): number => start + file.bytesRead;
  if (entry.method === 0) return { stream: file, bytesRead, close: () => file.destroy() };
  const inflate = createInflateRaw();
  file.on('error', (e) => inflate.destroy(e));
  return {
    stream: file.pipe(inflate),
    bytesRead,
    close: () => {
      file.destroy();
      inflate.destroy();
    },
  };
}
