/**
 * `npm run openapi` writes docs/openapi.json from the route schemas (with --check, fails when the
 * committed file differs). The spec needs no data, so an empty in-memory store serves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.ts';
import { feedFor, reportsFor, servicesFor } from '../main.ts';
import { accessServicesFromCatalogue } from '../access/access-services.ts';
import { openStore } from '../store/store.ts';

export const OPENAPI_PATH = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

export async function generateOpenApi(): Promise<string> {
  const store = await openStore('sqlite::memory:');
  try {
    const access = accessServicesFromCatalogue(store, '310105004');
    const services = servicesFor(store, '310105004');
    const app = await buildApp({ services, access, feed: feedFor(store, '310105004', access), reports: reportsFor(store, '310105004', services, access), logLevel: 'silent' });
    await app.ready();
    const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
    await app.close();
    return text;
  } finally {
    await store.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await generateOpenApi();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OPENAPI_PATH, 'utf8');
    if (committed !== text) {
      console.error('docs/openapi.json is out of date: run `npm run openapi`');
      process.exit(1);
    }
    console.log('docs/openapi.json is current');
  } else {
    writeFileSync(OPENAPI_PATH, text);
    console.log(`wrote ${OPENAPI_PATH}`);
  }
}
