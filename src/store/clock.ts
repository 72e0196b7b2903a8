/** Timestamps and ids made in the store. UUID v7: time-ordered (index-friendly) yet not guessable (74 random bits). */
import { randomBytes } from 'node:crypto';

export function nowIso(): string {
  return new Date().toISOString();
}

/** Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of one per id. */
let pool = Buffer.alloc(0);
let offset = 0;

function random16(): Buffer {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + 16));
  offset += 16;
  return out;
}

export function newId(): string {
  const bytes = random16();
  const ms = Date.now();
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
