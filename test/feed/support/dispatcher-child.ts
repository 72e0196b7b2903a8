/**
 * The dispatcher as its own process, for the crash test. It loads and opens the (already
 * migrated) database given as the first argument, prints `ready`, and waits on stdin for `go`
 * before starting the dispatcher loop (printing `started`) — so the test can have the next
 * process loaded while the current one runs, and kill and replace it without waiting for a
 * start-up. The test kills it with SIGKILL at random points; SIGTERM stops it cleanly.
 */
import { accessServicesFromCatalogue } from '../../../src/access/access-services.ts';
import { Dispatcher } from '../../../src/feed/dispatcher.ts';
import { createFeedServices } from '../../../src/feed/feed-services.ts';
import { loadElements } from '../../../src/reference/catalogue-loader.ts';
import { defaultDataDir } from '../../../src/reference/data-dir.ts';
import { loadKinds } from '../../../src/reference/kind-loader.ts';
import { createDataAccess } from '../../../src/store/repositories.ts';
import { openStore } from '../../../src/store/store.ts';

const HOME = '310105004';
const url = process.argv[2];
if (url === undefined) throw new Error('usage: dispatcher-child.ts DATABASE_URL');

const store = await openStore(url);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  let input = '';
  process.stdin.on('data', (b: Buffer) => {
    input += b.toString();
    if (input.includes('go')) resolve();
  });
});

// What src/main.ts feedFor builds, without loading the HTTP server.
const dataDir = defaultDataDir();
const access = accessServicesFromCatalogue(store, HOME, dataDir, { audit: { retentionDays: 180, windowMs: 1 }, auditThread: false });
const dispatcher = new Dispatcher({
  feed: createFeedServices(createDataAccess(store, HOME.slice(0, 6)), access, { elements: loadElements(dataDir), kinds: loadKinds(dataDir) }),
  district: HOME.slice(0, 6),
  concurrency: 3,
  timeoutMs: 5000,
  // Every restart is the same dispatcher: it takes its lease back at once instead of waiting for it to run out.
  holder: 'crash-test-dispatcher',
  retrySchedule: { delaysMs: [20], horizonMs: 3600_000 },
  log: (level, message, fields) => process.stderr.write(`${level}: ${message} ${JSON.stringify(fields ?? {})}\n`),
});
dispatcher.start({ pollMs: 5 });
process.stdout.write('started\n');
process.once('SIGTERM', () => {
  void (async () => {
    await dispatcher.stop();
    await access.audit.close();
    await store.close();
    process.exit(0);
  })();
});
