/** `populus serve` and `populus migrate`. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { generateDemo } from '../../demo/demo-generator.ts';
import { loadDemoWithProgress } from './demo.command.ts';
import { loadConfig } from '../../config.ts';
import { buildServer, migrateStore, openPlatform } from '../../main.ts';
import { createDataAccess } from '../../store/repositories.ts';
import { openStore } from '../../store/store.ts';
import { createDemoAccounts } from '../../access/demo-accounts.ts';
import { dispatcherFor } from './feed.command.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../../api/console.ts';
import { startScheduler } from '../../apps/reports/schedule.service.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the API (creates and migrates the database on first start)')
    .option('-p, --port <port>', 'port to listen on (default 8080, or PORT)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or HOST)')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL, or sqlite:./data/populus.db)')
    .option('--demo-dir <dir>', 'where the demo street is generated before it is loaded into an empty database (default ./data)')
    .action(async (opts: { port?: string; host?: string; database?: string; demoDir?: string }) => {
      const config = loadConfig(process.env, { port: opts.port, host: opts.host, databaseUrl: opts.database });
      const platform = await openPlatform(config);
      if (config.demo === 'auto' && (await platform.services.imports.listBatches(undefined, 1)).length === 0 && (await platform.services.persons.search({ limit: 1, offset: 0 })).total === 0) {
        const dir = join(opts.demoDir ?? 'data', `demo-street-${config.demoScale}`);
        console.log(`The database is empty: loading the demo street 新华路街道 (scale ${config.demoScale}; POPULUS_DEMO_SCALE=1 for all 81,800 residents, POPULUS_DEMO=off to skip)`);
        if (!existsSync(join(dir, 'manifest.json'))) await generateDemo({ seed: 'xinhua', outDir: dir, scale: config.demoScale, noise: 1 });
        await loadDemoWithProgress(platform.services, dir);
        const accounts = await createDemoAccounts(platform.access.identity, config.homeArea, config.demoPassword);
        if (accounts) {
          console.log(`Demo accounts (password ${config.demoPassword === '' ? `${accounts.password} — shown once; set POPULUS_DEMO_PASSWORD to choose it` : 'from POPULUS_DEMO_PASSWORD'}):`);
          for (const u of accounts.users) console.log(`  ${u.username.padEnd(10)} ${u.role.padEnd(19)} ${u.scope}`);
        }
      }
      if ((await platform.access.identity.listUsers()).length === 0) {
        console.log('No users yet: create the first administrator with `npx populus user add admin --role platform-admin` (every API route but health needs a login or a token).');
      }
      await ensureConsoleBuilt((message) => console.log(message)).catch((e: unknown) => console.error(`the web console could not be built: ${e instanceof Error ? e.message : String(e)}; serving the API only`));
      const app = await buildServer(config, platform);
      const dispatcher = config.dispatcher ? dispatcherFor(platform, config, (level, message, fields) => app.log[level]({ ...fields }, `feed: ${message}`)) : undefined;
      const scheduler = config.reportScheduler ? startScheduler(platform.reports.schedules, (message, fields) => app.log.info({ ...fields }, `reports: ${message}`)) : undefined;
      const close = async (): Promise<void> => {
        await app.close();
        await scheduler?.stop();
        await dispatcher?.stop();
        await platform.close();
      };
      process.once('SIGINT', () => void close());
      process.once('SIGTERM', () => void close());
      await app.listen({ port: config.port, host: config.host });
      const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
      const consoleServed = existsSync(join(CONSOLE_DIST, 'index.html'));
      console.log(
        `Populus is serving ${consoleServed ? `the web console at http://${shownHost}:${config.port}/ and ` : ''}the API at http://${shownHost}:${config.port}/api/v1 (database: ${platform.store.description})`,
      );
      console.log(`OpenAPI: http://${shownHost}:${config.port}/api/v1/openapi.json`);
      // The street's residences into memory now, so that the first dashboard or report does not wait for them.
      void createDataAccess(platform.store, config.homeArea.slice(0, 6))
        .repos.reportReads.warm()
        .catch((e: unknown) => app.log.warn(`the residences could not be loaded ahead: ${e instanceof Error ? e.message : String(e)}`));
      if (dispatcher) {
        dispatcher.start({ pollMs: config.dispatcherPollMs });
        console.log(`Delivering the change feed to subscriptions${config.natsUrl !== '' ? ' (and NATS JetStream)' : ''}; POPULUS_DISPATCHER=off to leave it to \`populus feed dispatch\``);
      }
    });
}

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('create or update the database schema and load the shipped reference data')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)')
    .action(async (opts: { database?: string }) => {
      const config = loadConfig(process.env, { databaseUrl: opts.database });
      const store = await openStore(config.databaseUrl);
      try {
        const report = await migrateStore(store);
        console.log(`${store.description}: ${report.applied.length === 0 ? 'schema already current' : `applied ${report.applied.join(', ')}`}; reference data ${report.referenceUpdated ? 'loaded' : 'already current'}`);
      } finally {
        await store.close();
      }
    });
}
