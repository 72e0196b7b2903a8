/**
 * A department's webhook endpoint for tests: a node:http server on 127.0.0.1 (port 0) that checks
 * every request's signature with the `standardwebhooks` package and parses its body with the
 * `cloudevents` SDK, as a receiving department would, and answers what the test tells it to.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP, type CloudEventV1 } from 'cloudevents';
import { Webhook } from 'standardwebhooks';

export interface Received {
  readonly webhookId: string;
  readonly contentType: string;
  /** Verified with the receiver's secret. */
  readonly verified: boolean;
  /** Parsed by the cloudevents SDK (one, or the batch); empty when parsing failed. */
  readonly events: readonly CloudEventV1<unknown>[];
  readonly parseError: string | null;
  /** The status answered. */
  readonly status: number;
}

export type Answer = number | { readonly status: number; readonly headers?: Readonly<Record<string, string>> };

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Changes what the next requests are answered (by 0-based request number). */
  answer: (n: number) => Answer;
  close(): Promise<void>;
}

function plainHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export async function startReceiver(secret: string, answer: (n: number) => Answer = () => 204): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const received: Received[] = [];
  const self: Receiver = { url: '', received, answer, close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = plainHeaders(req.headers);
      let verified = true;
      try {
        webhook.verify(body, headers);
      } catch {
        verified = false;
      }
      let events: CloudEventV1<unknown>[] = [];
      let parseError: string | null = null;
      try {
        const parsed = HTTP.toEvent<unknown>({ headers, body });
        events = Array.isArray(parsed) ? parsed : [parsed];
      } catch (e) {
        parseError = e instanceof Error ? e.message : String(e);
      }
      const a = self.answer(received.length);
      const status = typeof a === 'number' ? a : a.status;
      received.push({ webhookId: headers['webhook-id'] ?? '', contentType: headers['content-type'] ?? '', verified, events, parseError, status });
      res.writeHead(status, typeof a === 'number' ? {} : (a.headers ?? {}));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(self, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
