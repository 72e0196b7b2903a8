/**
 * The web console (web/, built into web/dist by Vite) served by the same server at `/`: hashed
 * assets with a year's immutable caching, any other path that is not the API answered with
 * index.html (the console routes in the browser), the API's unknown paths still its JSON 404.
 * `ensureConsoleBuilt` builds it when web/dist is missing or older than its sources (`npm start`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type * as Vite from 'vite';

export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
export const CONSOLE_DIST = join(WEB_DIR, 'dist');

/** Serves the built console when web/dist holds one; answers whether it does. */
export async function registerConsole(app: FastifyInstance, dist = CONSOLE_DIST): Promise<boolean> {
  if (!existsSync(join(dist, 'index.html'))) return false;
  await app.register(fastifyStatic, { root: dist, serve: false, decorateReply: true });
  const pub = { access: { public: true } } as const;
  app.get('/assets/*', { schema: { hide: true }, config: pub }, (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    return reply.sendFile(join('assets', rest), { immutable: true, maxAge: '365d' });
  });
  app.get('/*', { schema: { hide: true }, config: pub }, (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/')) return reply.status(404).send({ code: 'ROUTE_NOT_FOUND', message: `no route GET ${path}`, details: {} });
    const file = path.slice(1);
    // Files at the top of dist (favicon, robots.txt); everything else is a console route.
    if (file !== '' && !file.includes('/') && existsSync(join(dist, file)) && statSync(join(dist, file)).isFile()) return reply.sendFile(file, { maxAge: '1h' });
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
  return true;
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** Is web/dist missing or older than any source of the console? */
export function consoleIsStale(web = WEB_DIR): boolean {
  const index = join(web, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => join(web, p)).filter((p) => existsSync(p));
  return sources.some((p) => newestMtime(p) > built);
}

export type ConsoleBuild = 'built' | 'current' | 'no-sources' | 'no-vite';

/**
 * Builds the console with Vite when it is stale. Vite is a development dependency: where it is not
 * installed (npm ci --omit=dev), a console already built is served as it is, and none is no error.
 */
export async function ensureConsoleBuilt(log: (message: string) => void = () => undefined, web = WEB_DIR): Promise<ConsoleBuild> {
  if (!existsSync(join(web, 'src'))) return existsSync(join(web, 'dist', 'index.html')) ? 'current' : 'no-sources';
  if (!consoleIsStale(web)) return 'current';
  let vite: typeof Vite;
  try {
    vite = await import('vite');
  } catch {
    log('the web console is not built and Vite is not installed (npm ci installs it); serving the API only');
    return 'no-vite';
  }
  log('building the web console (web/ → web/dist)…');
  const started = Date.now();
  await vite.build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  log(`built the web console in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}
