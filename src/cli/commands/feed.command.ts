/** `populus feed dispatch|status|events`: deliver the change feed, and look at it. */
import { Command } from 'commander';
import { loadConfig, type Config } from '../../config.ts';
import { Dispatcher, type DispatchLog } from '../../feed/dispatcher.ts';
import type { Platform } from '../../main.ts';
import { printRows, withPlatform } from './with-platform.ts';

/** The dispatcher of a platform, with the config's NATS server and a log line per problem (never personal data). */
export function dispatcherFor(platform: Platform, config: Pick<Config, 'homeArea' | 'natsUrl'>, log: DispatchLog): Dispatcher {
  return new Dispatcher({ feed: platform.feed, district: config.homeArea.slice(0, 6), ...(config.natsUrl !== '' ? { natsUrl: config.natsUrl } : {}), log });
}

const consoleLog: DispatchLog = (level, message, fields) => {
  const line = `${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`;
  if (level === 'info') console.log(line);
  else console.error(line);
};

export function feedCommand(): Command {
  const feed = new Command('feed').description('the change feed: deliver it to subscriptions, and look at it');
  feed
    .command('dispatch')
    .description('deliver new events to webhook and NATS subscriptions until stopped (serve does this too unless POPULUS_DISPATCHER=off)')
    .option('--once', 'one pass, then exit')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action(async (o: { once?: boolean; database?: string }) => {
      const config = loadConfig(process.env, { databaseUrl: o.database });
      await withPlatform(o.database, async (platform) => {
        const dispatcher = dispatcherFor(platform, config, consoleLog);
        if (o.once) {
          const n = await dispatcher.runOnce();
          console.log(`delivered ${n} event(s)`);
          return;
        }
        console.log(`dispatching the change feed (every ${config.dispatcherPollMs} ms when idle; Ctrl-C to stop)`);
        dispatcher.start({ pollMs: config.dispatcherPollMs });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await dispatcher.stop();
      });
    });
  feed
    .command('status')
    .description('the outbox head and every subscription: where its delivery stands, its lag and last error')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action(async (o: { database?: string }) =>
      withPlatform(o.database, async (platform) => {
        const repos = platform.feed.data.repos;
        const head = await repos.feed.head();
        console.log(`outbox head: ${head.seq}${head.time ? ` (${head.time})` : ''}`);
        const subs = await repos.subscriptions.list();
        if (subs.length === 0) {
          console.log('no subscriptions');
          return;
        }
        printRows([
          ['id', 'department', 'channel', 'status', 'cursor', 'lag', 'delivered', 'attempts', 'last error'],
          ...subs.map((s) => [s.id, s.departmentId, s.channel, s.status, s.cursor, head.seq - s.cursor, s.delivered, s.attempts, s.lastError ?? '']),
        ]);
      }),
    );
  feed
    .command('events')
    .description('the latest events in the outbox: sequence, time, type, person and cause (no values: they are personal data)')
    .option('--after <seq>', 'events after this sequence number (default: the last 20)')
    .option('--limit <n>', 'how many (default 20)', '20')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action(async (o: { after?: string; limit: string; database?: string }) =>
      withPlatform(o.database, async (platform) => {
        const repos = platform.feed.data.repos;
        const limit = Math.max(1, Math.min(1000, Number(o.limit) || 20));
        const after = o.after !== undefined ? Number(o.after) : Math.max(0, (await repos.feed.head()).seq - limit);
        const events = await repos.feed.after(after, limit);
        printRows([['seq', 'time', 'type', 'person', 'cause'], ...events.map((e) => [e.seq, e.time, e.type.replace('cn.populus.', ''), e.personId ?? '', e.cause.kind])]);
      }),
    );
  return feed;
}
