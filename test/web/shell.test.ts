/**
 * The console's frame in a real browser: the login page, who is working always visible, the menu
 * of what the role may do, the language switch, the API's own 404 beside the console's routes,
 * and the phone layout.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { logIn, newPage, pageErrors, PHONE, shot, type ConsoleServer, consoleSuite } from './support/console-harness.ts';

describe('web console: the frame', () => {
  let server: ConsoleServer;
  let browser: Browser;
  consoleSuite((s) => void ({ server, browser } = s));

  test('a wrong password is refused in plain words; the right one shows who is working', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-card').waitFor();
    assert.match(page.url(), /\/login$/, 'an anonymous visit lands on the login page');
    await page.getByTestId('login-username').fill('street');
    await page.getByTestId('login-password').fill('not the password');
    await page.getByTestId('login-submit').click();
    const error = await page.getByTestId('login-error').textContent();
    assert.ok(error !== null && error.length > 0, 'the refusal is shown');
    await shot(page, 'shell', 'login-refused');
    await logIn(page, server.url, 'street');
    assert.equal(await page.getByTestId('user-name').textContent(), '街道人口办');
    assert.equal(await page.getByTestId('user-role').textContent(), '街道管理员');
    assert.equal(await page.getByTestId('user-area').textContent(), '新华路街道');
    await page.getByText('街道实有人口办公室').waitFor();
    assert.equal(await page.getByTestId('user-department').textContent(), '街道实有人口办公室', 'the department by name, from the standard');
    await page.getByTestId('purpose').getByText(/用途：(实有人口服务管理|信息采集核查|数据质量维护|人口统计)/).waitFor();
    await shot(page, 'shell', 'street-admin');
    const menu = await page.getByTestId('main-menu').innerText();
    assert.match(menu, /人员查询/);
    assert.doesNotMatch(menu, /审计日志/, 'a street administrator is not an auditor');
    await page.getByTestId('lang-switch').click();
    assert.equal(await page.getByTestId('user-role').textContent(), 'Street administrator');
    assert.match(await page.getByTestId('main-menu').innerText(), /People/);
    await shot(page, 'shell', 'english');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('the auditor sees the audit and not the people', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'auditor');
    const menu = await page.getByTestId('main-menu').innerText();
    assert.match(menu, /审计日志/);
    assert.doesNotMatch(menu, /人员查询/);
    await context.close();
  });

  test('console routes load the page; unknown API paths stay JSON 404', async () => {
    const deep = await fetch(`${server.url}/persons/anything`);
    assert.equal(deep.status, 200);
    assert.match(deep.headers.get('content-type') ?? '', /text\/html/);
    const api = await fetch(`${server.url}/api/v1/no-such-thing`);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { code: string }).code, 'ROUTE_NOT_FOUND');
  });

  test('on a phone the menu folds into a drawer', async () => {
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'committee');
    assert.equal(await page.getByTestId('main-menu').count(), 0, 'no side menu on a phone');
    const who = await page.getByTestId('user-name').boundingBox();
    assert.ok(who && who.height < 30, `the name stays on one line (${who?.height ?? '?'} px high)`);
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 390, `no sideways scrolling (${width} px wide)`);
    await shot(page, 'shell', 'phone-header');
    await page.getByRole('button', { name: 'menu' }).click();
    await page.getByTestId('main-menu').waitFor();
    await shot(page, 'shell', 'phone-menu');
    await context.close();
  });
});
