/**
 * Browser tests of the web console: the console built by Vite into a folder of this test process,
 * served by the real server (every route, the feed and reports) over a small demo street (scale
 * 0.02, loaded through the import pipeline into SQLite) on a free port, with the demo accounts
 * (admin, street, committee, police, civil, family, auditor; password TEST_PASSWORD), and Debian's
 * Chromium driven by playwright-core (never a downloaded browser). `shot()` saves a screenshot of
 * each step under test-output/web/<test>/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../../src/api/app.ts';
import { WEB_DIR } from '../../../src/api/console.ts';
import { createDemoAccounts } from '../../../src/access/demo-accounts.ts';
import { feedFor } from '../../../src/main.ts';
import { reportDemo, type ReportDemo } from '../../support/report-demo.ts';
import { TEST_PASSWORD } from '../../support/api-client.ts';

export { TEST_PASSWORD };
export const CHROMIUM = process.env['POPULUS_CHROMIUM'] ?? '/usr/bin/chromium';
const OUTPUT = fileURLToPath(new URL('../../../test-output/web/', import.meta.url));

/** Builds the console into a fresh folder (each test process its own: no races between files). */
export async function buildConsole(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'populus-console-'));
  const vite = await import('vite');
  await vite.build({ configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'error', mode: 'production', build: { outDir, emptyOutDir: true } });
  return outDir;
}

export interface ConsoleServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly demo: ReportDemo;
  close(): Promise<void>;
}

/** The server with the console and the demo street, listening on a free port. */
export async function startConsoleServer(scale = 0.02): Promise<ConsoleServer> {
  const consoleDir = await buildConsole();
  const demo = await reportDemo(scale);
  const feed = feedFor(demo.store, '310105004', demo.access, { services: demo.services, webhookAllowHttp: true });
  await createDemoAccounts(demo.access.identity, '310105004', TEST_PASSWORD);
  const app = await buildApp({
    services: demo.services,
    access: demo.access,
    feed,
    reports: demo.reports,
    cookieSecure: false,
    rateLimitPerMinute: 0,
    loginRateLimitPerMinute: 10_000,
    logLevel: 'warn',
    bodyLimitBytes: 64 * 1024 * 1024,
    consoleDir,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    demo,
    async close() {
      await app.close();
      await demo.close();
      await rm(consoleDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface Viewport {
  readonly width: number;
  readonly height: number;
}
export const DESKTOP: Viewport = { width: 1366, height: 768 };
export const PHONE: Viewport = { width: 390, height: 844 };

/** A new browser context (its own cookies) with a page, Chinese by default. */
export async function newPage(browser: Browser, viewport: Viewport = DESKTOP, locale = 'zh-CN'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale, ...(viewport === PHONE ? { isMobile: true, hasTouch: true } : {}) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  uncaught.set(page, errors);
  return { context, page };
}

const uncaught = new WeakMap<Page, string[]>();

/** Uncaught errors the page threw so far (a test asserts there were none). */
export function pageErrors(page: Page): readonly string[] {
  return uncaught.get(page) ?? [];
}

/** Logs in through the login page as one of the demo accounts and waits for the frame. */
export async function logIn(page: Page, baseUrl: string, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-name').waitFor();
}

const steps = new Map<string, number>();

/** Saves a full-page screenshot as test-output/web/<test>/<nn>-<step>.png; answers its path. */
export async function shot(page: Page, test: string, step: string): Promise<string> {
  const n = (steps.get(test) ?? 0) + 1;
  steps.set(test, n);
  const dir = join(OUTPUT, test.replace(/[^\w.-]+/g, '-'));
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${String(n).padStart(2, '0')}-${step.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * One console server and one browser for the tests of a `describe`: started before them, closed
 * after. `set` receives both once they are up (`consoleSuite((s) => void ({ server, browser } = s))`).
 */
export function consoleSuite(set: (s: { server: ConsoleServer; browser: Browser }) => void, scale?: number): void {
  let server: ConsoleServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startConsoleServer(scale);
    browser = await launchBrowser();
    set({ server, browser });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** Opens a confirmation and confirms it (again if a click during its opening animation was lost). */
export async function confirmed(page: Page, opener: string, ok: string): Promise<void> {
  await page.getByTestId(opener).click();
  const button = page.getByTestId(ok);
  for (let attempt = 0; attempt < 3; attempt++) {
    await button.click();
    try {
      await button.waitFor({ state: 'hidden', timeout: 5000 });
      return;
    } catch {
      if (!(await button.isVisible())) await page.getByTestId(opener).click();
    }
  }
}
