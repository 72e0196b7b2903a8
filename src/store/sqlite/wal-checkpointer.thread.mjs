// The write-ahead log's checkpointer thread (SQLite files only; see wal-checkpointer.ts). Plain
// JavaScript, so that the thread starts without a TypeScript loader of its own.
//
// Every `pollMs` it reads how many frames of the log are not yet copied back into the database
// (the wal-index header in the `-shm` file: mxFrame at byte 16, nBackfill at byte 96, native byte
// order; https://www.sqlite.org/walformat.html) and, once `thresholdFrames` wait, runs a PASSIVE
// checkpoint on a connection of its own: it copies what no reader still needs, never waits for a
// lock and never blocks a writer, so the connection that writes goes on committing meanwhile.
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

/** @type {{ path: string; thresholdFrames: number; pollMs: number }} */
const { path, thresholdFrames, pollMs } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const little = endianness() === 'LE';
const header = Buffer.alloc(136);

/** @type {BetterSqlite3.Database | undefined} */
let db;
/** @type {number | undefined} */
let shm;
let checkpoints = 0;
let frames = 0;
let ms = 0;
let failures = 0;
/** @type {string | null} */
let lastError = null;

/** The log's frames (mxFrame) and those already copied back (nBackfill); zeros while there is no log to read. */
function logState() {
  try {
    shm ??= openSync(`${path}-shm`, 'r');
    if (readSync(shm, header, 0, header.length, 0) < header.length) return { mxFrame: 0, nBackfill: 0 };
  } catch {
    return { mxFrame: 0, nBackfill: 0 }; // no wal-index yet: nothing written ahead
  }
  const mxFrame = little ? header.readUInt32LE(16) : header.readUInt32BE(16);
  const nBackfill = little ? header.readUInt32LE(96) : header.readUInt32BE(96);
  return { mxFrame, nBackfill };
}

function tick() {
  const { mxFrame, nBackfill } = logState();
  if (mxFrame - nBackfill < thresholdFrames) return;
  const started = performance.now();
  try {
    if (!db) {
      db = new BetterSqlite3(path, { fileMustExist: true });
      // The copied pages are synced before the log may be reused, as on the writing connection.
      db.pragma('synchronous = FULL');
    }
    const [result] = /** @type {{ busy: number; log: number; checkpointed: number }[]} */ (db.pragma('wal_checkpoint(PASSIVE)'));
    checkpoints += 1;
    // `checkpointed` counts every frame of the log copied back so far, by any connection: this call's share is past nBackfill.
    frames += Math.max(0, (result?.checkpointed ?? 0) - nBackfill);
  } catch (e) {
    failures += 1;
    lastError = /** @type {Error} */ (e).message;
  }
  ms += performance.now() - started;
}

const timer = setInterval(tick, pollMs);

port.on('message', (/** @type {'stats' | 'close'} */ m) => {
  if (m === 'close') {
    clearInterval(timer);
    db?.close();
    if (shm !== undefined) closeSync(shm);
  }
  port.postMessage({ checkpoints, frames, ms, failures, lastError });
  if (m === 'close') port.close();
});
