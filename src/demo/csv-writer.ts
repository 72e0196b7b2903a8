/**
 * Buffered, hashing file writers for the demo output: text in UTF-8 (optionally with a BOM), GBK or
 * GB18030, LF or CRLF, written in 128 K-character chunks with synchronous writes so the generator's memory
 * stays bounded and its output order is fixed. CSV quoting follows RFC 4180.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { Encoding } from './systems.data.ts';

export interface WrittenFile {
  /** Path relative to the output directory, with forward slashes. */
  readonly path: string;
  /** Data rows (header and title rows not counted); lines for JSON Lines. */
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

const CHUNK = 16 * 1024;

export class TextFileWriter {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private pending = '';
  private bytes = 0;
  rows = 0;

  constructor(
    private readonly absolutePath: string,
    readonly path: string,
    private readonly encoding: Encoding = 'utf8',
    /** Characters buffered before a write; small for the many small files of changes/. */
    private readonly chunk: number = CHUNK,
  ) {
    this.fd = openSync(absolutePath, 'w');
    if (encoding === 'utf8-bom') this.emit(Buffer.from([0xef, 0xbb, 0xbf]));
  }

  /** Appends raw text (no row counting). */
  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= this.chunk) this.flush();
  }

  /** Appends bytes already in this file's encoding, holding `rows` data rows. */
  append(bytes: Uint8Array, rows: number): void {
    this.flush();
    if (bytes.length > 0) this.emit(bytes);
    this.rows += rows;
  }

  private flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.emit(this.encoding === 'gbk' || this.encoding === 'gb18030' ? iconv.encode(text, this.encoding) : Buffer.from(text, 'utf8'));
  }

  private emit(buffer: Uint8Array): void {
    this.hash.update(buffer);
    this.bytes += buffer.length;
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset, buffer.length - offset);
  }

  close(): WrittenFile {
    this.flush();
    closeSync(this.fd);
    return { path: this.path, rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  get file(): string {
    return this.absolutePath;
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export class CsvFileWriter {
  private readonly out: TextFileWriter;
  private readonly eol: string;

  constructor(absolutePath: string, path: string, encoding: Encoding = 'utf8', lineEnding: 'lf' | 'crlf' = 'lf', chunk = CHUNK) {
    this.out = new TextFileWriter(absolutePath, path, encoding, chunk);
    this.eol = lineEnding === 'crlf' ? '\r\n' : '\n';
  }

  writeHeader(values: readonly string[]): void {
    this.out.write(values.map(csvField).join(',') + this.eol);
  }

  /** Appends text holding `rows` data rows, already formatted. */
  writeText(text: string, rows: number): void {
    this.out.write(text);
    this.out.rows += rows;
  }

  /** Writes a data row and returns its 1-based number among the data rows. */
  writeRow(values: readonly string[]): number {
    let line = '';
    for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvField(values[i] ?? '');
    this.out.write(line + this.eol);
    return ++this.out.rows;
  }

  close(): WrittenFile {
    return this.out.close();
  }
}
