/**
 * `COPY … FROM STDIN` over node-postgres without pg-copy-streams: a Submittable that answers the
 * server's CopyInResponse by sending the text-format chunks it is given (respecting the socket's
 * back-pressure), then CopyDone. Resolves with the row count the server reports.
 */
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type pg from 'pg';

/** The parts of pg's internal Connection this uses (present since pg 8.0). */
interface CopyConnection {
  readonly stream: Duplex;
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

class CopyIn implements pg.Submittable {
  readonly text: string;
  readonly done: Promise<number>;
  private settle!: { resolve: (rows: number) => void; reject: (e: Error) => void };
  private failed = false;
  private rows = 0;

  constructor(
    sql: string,
    private readonly chunks: Iterable<string>,
  ) {
    this.text = sql;
    this.done = new Promise<number>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: pg.Connection): void {
    (connection as unknown as CopyConnection).query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    void this.send(connection);
  }

  private async send(connection: CopyConnection): Promise<void> {
    try {
      for (const chunk of this.chunks) {
        if (this.failed) return;
        connection.sendCopyFromChunk(Buffer.from(chunk, 'utf8'));
        if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
      }
      connection.endCopyFrom();
    } catch (e) {
      connection.sendCopyFail(`client failed while sending: ${(e as Error).message}`);
    }
  }

  handleCommandComplete(msg: { text?: string }): void {
    const m = /^COPY (\d+)/.exec(msg.text ?? '');
    this.rows = m ? Number(m[1]) : 0;
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.settle.resolve(this.rows);
  }

  handleError(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.settle.reject(error);
  }

  // Messages a COPY FROM never receives; present so the client can call them safely.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `sql` (a `COPY table (cols) FROM STDIN`) on the client, streaming `chunks` (text format). */
export function copyFrom(client: pg.PoolClient, sql: string, chunks: Iterable<string>): Promise<number> {
  const q = new CopyIn(sql, chunks);
  client.query(q);
  return q.done;
}

/** Escapes one value for COPY's text format; null becomes \N. */
export function copyValue(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}
