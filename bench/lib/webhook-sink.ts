/**
 * Webhook receivers for the `feed` benchmark, in a process of their own (so they do not share the
 * dispatcher's event loop): one HTTP server, a path per subscriber (`/s/<n>`), answering 204.
 * For every event it takes it notes the latency from the event's `time` (stamped when the change
 * was written) to its arrival. Prints `{"port":N}` when listening; `GET /stats?reset=1` answers
 * {events, requests, p50Ms, p99Ms, maxMs} and starts counting afresh.
 *
 *   node --import tsx bench/lib/webhook-sink.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let latencies: number[] = [];
let requests = 0;

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/stats')) {
    const sorted = Float64Array.from(latencies).sort();
    const body = { events: sorted.length, requests, p50Ms: quantile([...sorted], 0.5), p99Ms: quantile([...sorted], 0.99), maxMs: sorted.at(-1) ?? 0 };
    if (req.url.includes('reset=1')) {
      latencies = [];
      requests = 0;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    requests++;
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { time: string } | { time: string }[];
    for (const e of Array.isArray(parsed) ? parsed : [parsed]) latencies.push(now - Date.parse(e.time));
    res.writeHead(204);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
