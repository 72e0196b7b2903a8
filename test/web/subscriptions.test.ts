/**
 * The subscription pages in a real browser, as the civil-affairs officer: a webhook subscription to
 * a small receiver this test runs on 127.0.0.1, the signing secret shown once (and checked by
 * verifying the signature of what the receiver got), a test event, a replay from a sequence number
 * delivered by the dispatcher and shown in the delivery log (paged on the server) with the lag the
 * API reports, and a request outside the remit refused naming every item the API names.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { feedFor } from '../../src/main.ts';
import { Dispatcher } from '../../src/feed/dispatcher.ts';
import { sign } from '../../src/feed/webhook/signing.ts';
import { launchBrowser, logIn, newPage, pageErrors, shot, startConsoleServer, type ConsoleServer } from './support/console-harness.ts';

/** Waits until the condition holds (checked every 100 ms; the page's CSP forbids string predicates in the page). */
async function until(page: Page, what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Picks an option of an antd Select by typing into it (the list is virtual: only what matches is drawn). */
async function choose(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.keyboard.type(text);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
  await page.keyboard.press('Escape');
}

async function chooseOption(page: Page, testId: string, title: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: title }).click();
}

describe('web console: subscriptions', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** What the receiver answers (a failing endpoint makes dead letters). */
  const receiverStatus = { value: 200 };

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(receiverStatus.value, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/populus-hook`;
    server = await startConsoleServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  });

  test('a webhook subscription: the secret once, a test event, a replay delivered and logged with its lag', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'civil');
    await page.goto(`${server.url}/subscriptions`);
    await page.getByTestId('subscriptions-empty').waitFor();
    await shot(page, 'subscriptions', 'empty-list');

    await page.getByTestId('new-subscription').click();
    await page.getByTestId('subscription-form').waitFor();
    // The form checks as one types: a wrong URL is named before anything is sent.
    await page.getByTestId('sub-url').fill('not a url');
    await page.getByText('不是有效的 http(s) 地址').waitFor();
    await page.getByTestId('sub-name').fill('民政统计推送');
    await chooseOption(page, 'sub-purpose', 'POPULATION_STATISTICS');
    await page.getByTestId('sub-url').fill(receiverUrl);
    await choose(page, 'sub-elements', 'person.maritalStatus');
    await shot(page, 'subscriptions', 'new-form');
    await page.getByTestId('sub-submit').click();

    const secretText = (await page.getByTestId('secret-value').innerText()).trim();
    assert.match(secretText, /^whsec_/, 'the signing secret is shown');
    assert.match(await page.getByTestId('secret-modal').innerText(), /只显示这一次/, 'with the warning that it will not be shown again');
    await shot(page, 'subscriptions', 'secret-once');
    await page.getByTestId('secret-saved').click();
    await page.getByTestId('subscription-detail').waitFor();
    const id = page.url().split('/').pop() ?? '';

    const listed = (await (await page.request.get(`${server.url}/api/v1/subscriptions`)).json()) as { items: { id: string; name: string; url: string; elements: string[]; purpose: string }[] };
    const mine = listed.items.find((s) => s.id === id);
    assert.ok(mine, 'the API holds the subscription the page created');
    assert.equal(mine.url, receiverUrl);
    assert.deepEqual(mine.elements, ['person.maritalStatus']);
    assert.equal(mine.purpose, 'POPULATION_STATISTICS');
    assert.doesNotMatch(await page.locator('body').innerText(), /whsec_/, 'the secret is not shown again');

    // A test event: the receiver gets it, signed with the secret shown; the page shows the result.
    await page.getByTestId('send-test').click();
    await page.getByTestId('test-result').waitFor();
    assert.match(await page.getByTestId('test-result-text').innerText(), /HTTP 200/);
    const testDelivery = received.find((r) => r.body.includes('cn.populus.feed.test'));
    assert.ok(testDelivery, 'the receiver got the test event');
    const wid = String(testDelivery.headers['webhook-id']);
    const ts = Number(testDelivery.headers['webhook-timestamp']);
    assert.equal(String(testDelivery.headers['webhook-signature']), sign([secretText], wid, ts, testDelivery.body), 'signed with the secret the page showed');
    assert.match(await page.getByTestId('subscription-detail').innerText(), new RegExp(wid));
    await shot(page, 'subscriptions', 'test-event');

    // Replay from sequence 1: the lag the page shows is the API's; the dispatcher delivers and the log shows it.
    await page.locator('input[data-testid="replay-seq"], [data-testid="replay-seq"] input').first().fill('1');
    await page.getByTestId('replay-from').click();
    await page.getByTestId('replay-confirm').click();
    const status = async () => (await (await page.request.get(`${server.url}/api/v1/subscriptions/${id}/status`)).json()) as { lagEvents: number; head: number; cursor: number; delivered: number };
    await until(page, 'the cursor shows 0', async () => (await page.getByTestId('status-cursor').locator('.ant-statistic-content-value').innerText()).trim() === '0');
    const rewound = await status();
    assert.equal(rewound.cursor, 0);
    assert.ok(rewound.lagEvents > 0);
    const lagShown = (await page.getByTestId('status-lag-events').locator('.ant-statistic-content-value').innerText()).replace(/[^\d]/g, '');
    assert.equal(Number(lagShown), rewound.lagEvents, 'the page shows the lag the API reports');
    await shot(page, 'subscriptions', 'replayed-lag');

    const before = received.length;
    const feed = feedFor(server.demo.store, '310105004', server.demo.access, { services: server.demo.services, webhookAllowHttp: true });
    const dispatcher = new Dispatcher({ feed, district: '310105', maxPerPass: 5 });
    await dispatcher.runOnce();
    const after = await status();
    assert.ok(after.delivered > 0, 'the dispatcher delivered events');
    assert.ok(received.length > before, 'the receiver got them');
    const change = JSON.parse(received[received.length - 1]?.body ?? '{}') as { type?: string; data?: unknown };
    assert.match(String(change.type), /^cn\.populus\./);
    await page.getByRole('button', { name: '刷新' }).first().click();
    await page.getByTestId('deliveries-table').waitFor();
    const rows = await page.getByTestId('deliveries-table').locator('tbody tr.ant-table-row').count();
    const log = (await (await page.request.get(`${server.url}/api/v1/subscriptions/${id}/deliveries`)).json()) as { items: { statusCode: number | null }[]; total: number };
    assert.equal(rows, Math.min(20, log.total), 'the log lists the attempts the API has');
    assert.ok(log.items.length > 0);
    assert.match(await page.getByTestId('deliveries-table').innerText(), /200/);
    await shot(page, 'subscriptions', 'delivery-log');

    // A longer log pages on the server: 30 older attempts (as a dispatcher records them), then page 2 is a new request.
    for (let i = 1; i <= 30; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 8, 0, i)).toISOString();
      await feed.data.repos.subscriptions.recordAttempt({ subscriptionId: id, webhookId: `msg_old_${i}`, fromSeq: i, toSeq: i, attempt: 1, at, statusCode: 204, error: null, durationMs: 2 });
    }
    const longer = (await (await page.request.get(`${server.url}/api/v1/subscriptions/${id}/deliveries?limit=20&offset=20`)).json()) as { items: { id: string }[]; total: number };
    assert.equal(longer.total, log.total + 30);
    await page.getByRole('button', { name: '刷新' }).first().click();
    const deliveries = page.getByTestId('deliveries-table');
    // antd puts the pager beside the table, inside its wrapper.
    const pager = page.locator('.ant-table-wrapper').filter({ has: deliveries }).locator('.ant-pagination');
    await pager.locator('.ant-pagination-total-text', { hasText: `共 ${longer.total} 条` }).waitFor();
    const [asked] = await Promise.all([
      page.waitForResponse((r) => r.url().includes(`/subscriptions/${id}/deliveries?`) && r.url().includes('offset=20')),
      pager.locator('.ant-pagination-item-2').click(),
    ]);
    assert.equal(asked.status(), 200);
    await deliveries.locator(`tr[data-row-key="${longer.items[0]?.id ?? ''}"]`).waitFor();
    assert.equal(await deliveries.locator('tbody tr.ant-table-row').count(), longer.items.length);
    await shot(page, 'subscriptions', 'delivery-log-page-2');

    // A failing endpoint: past the retry horizon (none, here) the delivery becomes a dead letter; replayed once the endpoint works.
    receiverStatus.value = 500;
    const strict = new Dispatcher({ feed, district: '310105', maxPerPass: 2, retrySchedule: { delaysMs: [1], horizonMs: 0 } });
    await strict.runOnce();
    const dead = (await (await page.request.get(`${server.url}/api/v1/subscriptions/${id}/dead-letters`)).json()) as { items: { id: string; replayedAt: string | null }[] };
    assert.ok(dead.items.length > 0, 'the failed delivery is a dead letter');
    await page.getByRole('button', { name: '刷新' }).first().click();
    await page.getByRole('tab', { name: /死信/ }).click();
    await page.getByTestId('dead-letters-table').waitFor();
    await until(page, 'each dead letter offers a replay', async () => (await page.getByTestId('dead-letter-replay').count()) === Math.min(20, dead.items.length));
    await until(page, 'the status shows the failure', async () => /HTTP 500/.test(await page.getByTestId('delivery-status').innerText()));
    await shot(page, 'subscriptions', 'dead-letters');
    receiverStatus.value = 200;
    const beforeReplay = received.length;
    await page.getByTestId('dead-letter-replay').first().click();
    await page.getByText('死信已重放').waitFor();
    assert.equal(received.length, beforeReplay + 1, 'the dead letter was sent again');
    const replayed = (await (await page.request.get(`${server.url}/api/v1/subscriptions/${id}/dead-letters`)).json()) as { items: { id: string; replayedAt: string | null }[] };
    assert.equal(replayed.items.filter((d) => d.replayedAt !== null).length, 1);
    await until(page, 'the replayed dead letter no longer offers a replay', async () => (await page.getByTestId('dead-letter-replay').count()) === Math.min(20, dead.items.length - 1));

    // Pause and resume.
    await page.getByTestId('pause-resume').click();
    await page.getByText('已暂停', { exact: true }).first().waitFor();
    assert.equal(((await (await page.request.get(`${server.url}/api/v1/subscriptions/${id}`)).json()) as { status: string }).status, 'paused');
    await page.getByTestId('pause-resume').click();
    await page.getByText('运行中', { exact: true }).first().waitFor();

    // A new secret, shown once; the next test event is signed with it.
    await page.getByTestId('rotate-secret').click();
    await page.locator('.ant-popconfirm:visible').getByRole('button').last().click();
    const rotated = (await page.getByTestId('secret-value').innerText()).trim();
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, secretText);
    await shot(page, 'subscriptions', 'rotated-secret');
    await page.getByTestId('secret-saved').click();
    const beforeTest = received.length;
    await page.getByTestId('send-test').click();
    await until(page, 'the receiver got the second test event', async () => received.length > beforeTest);
    const second = received[received.length - 1];
    assert.ok(second);
    const signatures = String(second.headers['webhook-signature']).split(' ');
    assert.ok(signatures.includes(sign([rotated], String(second.headers['webhook-id']), Number(second.headers['webhook-timestamp']), second.body)), 'signed with the new secret');

    // Deleted after confirmation.
    await page.getByTestId('delete-subscription').click();
    await page.getByTestId('confirm-delete').click();
    await page.getByTestId('subscriptions-empty').waitFor();
    const left = (await (await page.request.get(`${server.url}/api/v1/subscriptions`)).json()) as { items: { id: string }[] };
    assert.ok(!left.items.some((x) => x.id === id), 'the subscription is gone');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('an element outside the remit is refused, naming it', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'civil');
    await page.goto(`${server.url}/subscriptions`);
    await page.getByTestId('new-subscription').click();
    await page.getByTestId('sub-name').fill('越权订阅');
    await chooseOption(page, 'sub-purpose', 'ELDERLY_CARE');
    await page.getByTestId('sub-channel').getByText('拉取').click();
    // The remit's elements only are offered; the whole catalogue on request.
    await page.getByTestId('sub-elements').click();
    await page.keyboard.type('person.religion');
    assert.equal(await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'person.religion' }).count(), 0, 'not offered within the remit');
    await page.keyboard.press('Escape');
    await page.getByTestId('sub-all-elements').click();
    await choose(page, 'sub-elements', 'person.religion');
    await choose(page, 'sub-elements', 'person.name');
    await page.getByTestId('sub-submit').click();
    await page.getByTestId('outside-remit').waitFor();
    const shown = await page.getByTestId('outside-item').allInnerTexts();
    await shot(page, 'subscriptions', 'outside-remit');

    const r = await page.request.post(`${server.url}/api/v1/subscriptions`, {
      headers: { 'x-csrf-token': await page.evaluate(async () => ((await (await fetch('/api/v1/session')).json()) as { csrfToken: string }).csrfToken) },
      data: { name: '越权订阅', channel: 'pull', purpose: 'ELDERLY_CARE', elements: ['person.religion', 'person.name'], areas: [], categories: [], eventTypes: [], unmask: false },
    });
    assert.equal(r.status(), 403);
    const body = (await r.json()) as { code: string; details: { outside: { field: string; value: string }[] } };
    assert.equal(body.code, 'SUBSCRIPTION_OUTSIDE_REMIT');
    assert.equal(shown.length, body.details.outside.length, 'every item the API names is shown');
    for (const o of body.details.outside) assert.ok(shown.some((s) => s.includes(o.value)), `${o.value} is named`);
    assert.ok(shown.some((s) => s.includes('person.religion')));
    const list = (await (await page.request.get(`${server.url}/api/v1/subscriptions`)).json()) as { items: { name: string }[] };
    assert.ok(!list.items.some((s) => s.name === '越权订阅'), 'nothing was created');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('a platform administrator subscribes for a department, offered that department’s purposes', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'admin');
    await page.goto(`${server.url}/subscriptions`);
    await page.getByTestId('new-subscription').click();
    await page.getByTestId('sub-name').fill('计生拉取');
    await choose(page, 'sub-department', '计划生育');
    await page.getByTestId('sub-purpose').click();
    const remit = (await (await page.request.get(`${server.url}/api/v1/subscriptions/remit?departmentId=health-family-planning`)).json()) as { purposes: string[] };
    const dropdown = page.locator('.ant-select-dropdown:visible', { hasText: 'FAMILY_PLANNING_SERVICE' });
    // The texts are read in the same look that counts them: the dropdown may re-render (hidden for a moment) between two looks.
    let offered: string[] = [];
    await until(page, 'the purposes are offered', async () => {
      offered = await dropdown.locator('.ant-select-item-option').allInnerTexts();
      return offered.length === remit.purposes.length;
    });
    assert.equal(offered.length, remit.purposes.length, 'the department’s purposes, as the API tells them');
    for (const p of remit.purposes) assert.ok(offered.some((o) => o.includes(p)), `${p} offered`);
    await dropdown.locator('.ant-select-item-option', { hasText: 'FAMILY_PLANNING_SERVICE' }).click();
    await page.getByTestId('sub-channel').getByText('拉取').click();
    await shot(page, 'subscriptions', 'admin-new');
    await page.getByTestId('sub-submit').click();
    await page.getByTestId('sub-name-title').getByText('计生拉取').waitFor();
    await page.getByTestId('pause-resume').waitFor();
    assert.equal(await page.getByTestId('send-test').count(), 0, 'a pull subscription has no test event');
    await page.goto(`${server.url}/subscriptions`);
    await page.getByTestId('subscriptions-table').waitFor();
    const list = (await (await page.request.get(`${server.url}/api/v1/subscriptions`)).json()) as { items: { name: string; departmentId: string; channel: string }[] };
    const made = list.items.find((x) => x.name === '计生拉取');
    assert.ok(made);
    assert.equal(made.departmentId, 'health-family-planning');
    assert.equal(made.channel, 'pull');
    assert.match(await page.getByTestId('subscriptions-table').innerText(), /计划生育|卫生/);
    await shot(page, 'subscriptions', 'admin-list');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
