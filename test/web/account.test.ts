/**
 * The account page in a real browser: a user turns the second factor on from the QR code's secret,
 * and the next login asks for the code; a resident's home is their own record.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { totpCode } from '../../src/access/totp.ts';
import { logIn, newPage, pageErrors, shot, TEST_PASSWORD, type ConsoleServer, consoleSuite } from './support/console-harness.ts';

describe('web console: account and security', () => {
  let server: ConsoleServer;
  let browser: Browser;
  consoleSuite((s) => void ({ server, browser } = s));

  test('turning the second factor on; the next login asks for the code', async () => {
    await server.demo.access.identity.createUser({ username: 'worker2fa', displayName: '二次验证社工', password: TEST_PASSWORD, role: 'committee-worker', areaCodes: ['310105004001'], departmentId: 'street-population-office' });
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'worker2fa');
    await page.goto(`${server.url}/account`);
    assert.equal(await page.getByTestId('totp-state').textContent(), '未开启');
    await page.getByTestId('totp-start').click();
    await page.getByTestId('totp-qr').waitFor();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    assert.match(secret, /^[A-Z2-7]{16,}$/, 'the base32 secret is shown to type in');
    await shot(page, 'account', 'totp-qr');
    await page.getByTestId('totp-code').fill('000000' === (await totpCode(secret, new Date())) ? '111111' : '000000');
    await page.getByTestId('totp-confirm').click();
    await page.getByTestId('totp-error').waitFor();
    await page.getByTestId('totp-code').fill(await totpCode(secret, new Date()));
    await page.getByTestId('totp-confirm').click();
    await page.getByTestId('totp-state').getByText('已开启').waitFor();
    await shot(page, 'account', 'totp-on');
    const users = await server.demo.access.identity.listUsers();
    assert.equal(users.find((u) => u.username === 'worker2fa')?.totpEnabled, true, 'the server has the second factor on');

    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').fill('worker2fa');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-code').waitFor();
    await shot(page, 'account', 'code-asked');
    // The code of the next time step (the one just used to confirm is never accepted twice).
    await page.getByTestId('login-code').fill(await totpCode(secret, new Date(Date.now() + 30_000)));
    await page.getByTestId('login-verify').click();
    await page.getByTestId('user-name').waitFor();
    assert.equal(await page.getByTestId('user-name').textContent(), '二次验证社工');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('a resident lands on their own record and sees no one else', async () => {
    const person = await server.demo.store.db.selectFrom('person').select('id').where('merged_into', 'is', null).orderBy('id').executeTakeFirstOrThrow();
    await server.demo.access.identity.createUser({ username: 'resident1', displayName: '居民甲', password: TEST_PASSWORD, role: 'resident', personId: person.id });
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'resident1');
    await page.waitForURL(`${server.url}/persons/${person.id}`);
    const menu = await page.getByTestId('main-menu').innerText();
    assert.match(menu, /我的信息/);
    assert.doesNotMatch(menu, /人员查询|数据导入|待审核/);
    await shot(page, 'account', 'resident-home');
    // Another person's record is not theirs to read.
    const other = await server.demo.store.db.selectFrom('person').select('id').where('merged_into', 'is', null).where('id', '!=', person.id).executeTakeFirstOrThrow();
    const r = await page.evaluate(async (id) => (await fetch(`/api/v1/persons/${id}`, { headers: { 'x-purpose': 'SELF_SERVICE' } })).status, other.id);
    assert.equal(r, 404, 'not found and not allowed look the same');
    await context.close();
  });
});
