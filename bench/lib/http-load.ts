/**
 * A load generator in its own process (so it does not share the server's event loop): GET
 * requests over a list of paths, round-robin, with fixed headers, through autocannon. Prints one
 * JSON line: requests/s, latency p50/p99 and the count of non-2xx answers.
 *
 *   node --import tsx bench/lib/http-load.ts URL_BASE PATHS_FILE SECONDS CONNECTIONS HEADERS_JSON
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [base, pathsFile, seconds, connections, headersJson] = process.argv.slice(2);
if (!base || !pathsFile || !seconds || !connections || !headersJson) {
  console.error('usage: http-load.ts URL_BASE PATHS_FILE SECONDS CONNECTIONS HEADERS_JSON');
  process.exit(2);
}
const paths = readFileSync(pathsFile, 'utf8').split('\n').filter((l) => l !== '');
let next = 0;
const result = await autocannon({
  url: base,
  connections: Number(connections),
  duration: Number(seconds),
  headers: JSON.parse(headersJson) as Record<string, string>,
  requests: [
    {
      method: 'GET',
      setupRequest: (req) => {
        const path = paths[next++ % paths.length] ?? '/';
        return { ...req, path };
      },
    },
  ],
});
console.log(
  JSON.stringify({
    reqPerS: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  }),
);
