/** `populus serve` and `populus migrate`. */
import { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { buildServer, migrateStore, openPlatform } from '../../main.ts';
import { openStore } from '../../store/store.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the API (creates and migrates the database on first start)')
    .option('-p, --port <port>', 'port to listen on (default 8080, or PORT)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or HOST)')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL, or sqlite:./data/populus.db)')
    .action(async (opts: { port?: string; host?: string; database?: string }) => {
      const config = loadConfig(process.env, { port: opts.port, host: opts.host, databaseUrl: opts.database });
      const platform = await openPlatform(config);
      const app = await buildServer(config, platform);
      const close = async (): Promise<void> => {
        await app.close();
        await platform.close();
      };
      process.once('SIGINT', () => void close());
      process.once('SIGTERM', () => void close());
      await app.listen({ port: config.port, host: config.host });
      const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
      console.log(`Populus is serving http://${shownHost}:${config.port}/api/v1 (database: ${platform.store.description})`);
      console.log(`OpenAPI: http://${shownHost}:${config.port}/api/v1/openapi.json`);
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
