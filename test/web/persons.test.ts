/**
 * Finding people and reading a profile in a real browser: by name and by ID number (masked in
 * the list), the dashboard's filters in the URL (the total equals the API's, the back button
 * returns to the previous filter), the profile's values equal GET /api/v1/persons/{id}, the
 * history as of another date equals GET /persons/{id}/values?validOn=…, and unmasking for the
 * stated purpose shows the full number. Screenshots of every step.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { residenceInForce } from '../../src/domain/population-category.ts';
import { todayIso } from '../../src/domain/dates.ts';
import type { PersonView } from '../../src/services/person.service.ts';
import { HOME } from '../support/report-demo.ts';
import {
  launchBrowser,
  logIn,
  newPage,
  pageErrors,
  PHONE,
  shot,
  startConsoleServer,
  type ConsoleServer,
} from './support/console-harness.ts';

const MASKED_ID = /^\d{3}\*{11}[\dX]{4}$/;
const T = 'persons';

/** A GET or POST of the API with the page's own session and the purpose it states. */
async function apiJson<R>(context: BrowserContext, base: string, purpose: string, path: string, body?: unknown): Promise<R> {
  const headers = { 'x-purpose': purpose };
  const r =
    body === undefined
      ? await context.request.get(`${base}${path}`, { headers })
      : await context.request.post(`${base}${path}`, { headers: { ...headers, 'x-csrf-token': await csrf(context, base) }, data: body });
  assert.equal(r.status(), 200, await r.text());
  return (await r.json()) as R;
}

async function csrf(context: BrowserContext, base: string): Promise<string> {
  const r = await context.request.get(`${base}/api/v1/session`);
  return ((await r.json()) as { csrfToken: string }).csrfToken;
}

async function purposeOf(context: BrowserContext, base: string): Promise<string> {
  const r = await context.request.get(`${base}/api/v1/session`);
  return ((await r.json()) as { purposes: string[] }).purposes[0] ?? '';
}

async function rowsShown(page: Page): Promise<{ element: string; value: string }[]> {
  return page
    .locator('[data-testid="current-values"] [data-testid="value-row"]')
    .evaluateAll((els) => els.map((e) => ({ element: e.getAttribute('data-element') ?? '', value: e.getAttribute('data-value') ?? '' })));
}

describe('web console: find people and their profile', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let someone: PersonView;
  let name: string;
  let idNumber: string;
  const today = todayIso();

  before(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
    // Someone living in the street, with a citizen ID, a name shared by few, and values from more than one source.
    const ids = (await server.demo.store.db.selectFrom('person').select('id').where('status', '=', 'active').orderBy('id').execute()).map(
      (r) => r.id,
    );
    const views = await Promise.all(ids.map((id) => server.demo.services.persons.get(id, undefined, { masked: false })));
    const named = new Map<string, number>();
    for (const v of views) {
      const n = v.values.find((x) => x.elementId === 'person.name')?.value ?? '';
      named.set(n, (named.get(n) ?? 0) + 1);
    }
    const pick = views.find(
      (v) =>
        v.category.status === 'determined' &&
        v.category.category === 'RESIDENT_REGISTERED' &&
        v.identifiers.some((i) => i.type === 'CN_ID') &&
        named.get(v.values.find((x) => x.elementId === 'person.name')?.value ?? '') === 1 &&
        residenceInForce(v.residences, 'actual', today)?.areaCode.startsWith(HOME) === true,
    );
    assert.ok(pick, 'a resident to look for');
    someone = pick;
    name = someone.values.find((x) => x.elementId === 'person.name')?.value ?? '';
    idNumber = someone.identifiers.find((i) => i.type === 'CN_ID')?.number ?? '';
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('find a person by name and by ID number; ID numbers are masked in the list', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/persons`);
    await page.getByTestId('search-idle').waitFor();
    await shot(page, T, 'search-empty');
    await page.getByTestId('search-q').fill(name.slice(0, 2));
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-results').waitFor();
    await page.locator('[data-testid="search-name"]', { hasText: name }).first().waitFor();
    assert.match(page.url(), /by=name/);
    assert.match(decodeURIComponent(page.url()), new RegExp(`q=${name.slice(0, 2)}`), 'the criteria are in the URL');
    const ids = await page.getByTestId('search-id').allTextContents();
    assert.ok(ids.length > 0);
    for (const id of ids.filter((x) => x !== '')) assert.match(id, /^.{3}\*+.{4}$/, `masked: ${id}`);
    assert.equal((await page.locator('body').innerText()).includes(idNumber), false, 'the full number is nowhere on the page');
    await shot(page, T, 'by-name');

    // By ID number: the one person, masked.
    await page.getByTestId('search-by').click();
    await page.locator('.ant-select-item-option', { hasText: '证件号码' }).click();
    await page.getByTestId('search-q').fill('12ab!');
    await page.getByText('证件号码为字母和数字').waitFor();
    assert.equal(await page.getByTestId('search-submit').isDisabled(), true, 'a malformed number is refused as it is typed');
    await page.getByTestId('search-q').fill(idNumber);
    await page.getByTestId('search-submit').click();
    await page.waitForURL(/by=idNumber/);
    await page.locator('[data-testid="search-total"][data-total="1"]').waitFor();
    assert.equal(await page.getByTestId('search-name').innerText(), name);
    assert.match(await page.getByTestId('search-id').innerText(), MASKED_ID);
    assert.equal((await page.locator('body').innerText()).includes(idNumber), false);
    await shot(page, T, 'by-id-number');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('the dashboard’s filters in the URL: the total is the API’s, and the back button returns', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    const purpose = await purposeOf(context, server.url);
    const committee = (await server.demo.services.areas.children(HOME))[0]!.code;
    const expect1 = await apiJson<{ total: number }>(context, server.url, purpose, '/api/v1/persons/search', {
      area: committee,
      category: 'FROM_OTHER_PROVINCE',
      limit: 1,
    });
    await page.goto(`${server.url}/persons?area=${committee}&category=FROM_OTHER_PROVINCE`);
    await page.locator(`[data-testid="search-total"][data-total="${expect1.total}"]`).waitFor();
    await shot(page, T, 'filter-category');
    const expect2 = await apiJson<{ total: number }>(context, server.url, purpose, '/api/v1/persons/search', {
      area: HOME,
      sex: '2',
      ageFrom: 60,
      ageTo: 64,
      limit: 1,
    });
    await page.goto(`${server.url}/persons?area=${HOME}&sex=2&ageFrom=60&ageTo=64`);
    await page.locator(`[data-testid="search-total"][data-total="${expect2.total}"]`).waitFor();
    assert.ok(expect2.total > 0);
    await shot(page, T, 'filter-sex-age');
    const expect3 = await apiJson<{ total: number }>(context, server.url, purpose, '/api/v1/persons/search', {
      area: committee,
      kind: 'elderly-60',
      limit: 1,
    });
    await page.goto(`${server.url}/persons?area=${committee}&kind=elderly-60`);
    await page.locator(`[data-testid="search-total"][data-total="${expect3.total}"]`).waitFor();
    await page.goBack();
    await page.waitForURL(/sex=2/);
    await page.locator(`[data-testid="search-total"][data-total="${expect2.total}"]`).waitFor();
    await shot(page, T, 'back-button');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('on a phone the committee worker gets a list of cards, not a wide table', async () => {
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'committee');
    const purpose = await purposeOf(context, server.url);
    const committee = `${HOME}001`;
    const expected = await apiJson<{ total: number }>(context, server.url, purpose, '/api/v1/persons/search', {
      area: committee,
      kind: 'elderly-60',
      limit: 1,
    });
    assert.ok(expected.total > 0);
    await page.goto(`${server.url}/persons?area=${committee}&kind=elderly-60`);
    await page.locator(`[data-testid="search-total"][data-total="${expected.total}"]`).waitFor();
    await page.getByTestId('search-row').first().waitFor();
    assert.equal(await page.locator('table').count(), 0, 'no table on a phone');
    const box = await page.getByTestId('search-row').first().boundingBox();
    assert.ok(box && box.height >= 44, `a row is a big touch target (${box?.height}px)`);
    for (const id of (await page.getByTestId('search-id').allTextContents()).filter((x) => x !== '')) assert.match(id, /^.{3}\*+.{4}$/);
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 390, `nothing wider than the phone (${width}px)`);
    await shot(page, T, 'phone-list');
    await page.getByTestId('search-name').first().click();
    await page.getByTestId('profile').waitFor();
    await page.getByTestId('value-row').first().waitFor();
    await shot(page, T, 'phone-profile');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('the profile shows what the API answers; the history follows the date; unmasking shows the number', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    const purpose = await purposeOf(context, server.url);
    await page.goto(`${server.url}/persons?by=name&q=${encodeURIComponent(name)}`);
    await page.locator('[data-testid="search-name"]', { hasText: name }).first().click();
    await page.getByTestId('profile').waitFor();
    assert.match(page.url(), new RegExp(`/persons/${someone.person.id}`));
    assert.equal(await page.getByTestId('profile-name').innerText(), name);
    const view = await apiJson<PersonView>(context, server.url, purpose, `/api/v1/persons/${someone.person.id}`);
    await page.locator('[data-testid="current-values"] [data-testid="value-row"]').first().waitFor();
    const shown = await rowsShown(page);
    assert.deepEqual(
      shown.sort((a, b) => a.element.localeCompare(b.element)),
      view.values.map((v) => ({ element: v.elementId, value: v.value })).sort((a, b) => a.element.localeCompare(b.element)),
      'every current value, as the API gives it',
    );
    assert.ok(shown.length >= 5);
    assert.match(await page.getByTestId('profile-category').innerText(), /人在户在/);
    await shot(page, T, 'profile');

    await page.getByRole('tab', { name: '居住与户籍' }).click();
    await page.getByTestId('residence-item').first().waitFor();
    const items = await page.getByTestId('residence-item').count();
    assert.equal(items, view.residences.length);
    await shot(page, T, 'profile-residences');

    await page.getByRole('tab', { name: '证件' }).click();
    assert.match(await page.getByTestId('document-number').first().innerText(), MASKED_ID);
    await page.getByTestId('unmask').click();
    await page.getByTestId('unmask-confirm').click();
    await page.getByTestId('unmask-state').waitFor();
    await page.locator('[data-testid="document-number"]', { hasText: idNumber }).waitFor();
    await shot(page, T, 'profile-unmasked');
    const auditor = await server.demo.access.identity.findUserByUsername('auditor');
    assert.ok(auditor);
    const uses = await server.demo.access.audit.tracker(
      {
        principal: {
          actor: { kind: 'user', id: auditor.id },
          role: 'auditor',
          departmentId: null,
          areaCodes: [],
          buildingIds: [],
          personId: null,
          purposes: null,
        },
        purpose: 'AUDIT',
      },
      someone.person.id,
      { requestId: null },
    );
    assert.ok(
      uses.uses.some((u) => u.elementIds.includes('person.citizenIdNumber')),
      'the unmasked read is in the person’s record of uses',
    );

    // History as of an earlier date: the values the API gives for that day.
    await page.getByRole('tab', { name: '历史值' }).click();
    await page.getByTestId('history').waitFor();
    const past = '2025-01-15';
    await page.getByTestId('history-date').click();
    await page.getByTestId('history-date').fill(past);
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="history"][data-valid-on="${past}"]`).waitFor();
    const history = await apiJson<{ values: { elementId: string; value: string }[] }>(
      context,
      server.url,
      purpose,
      `/api/v1/persons/${someone.person.id}/values?validOn=${past}`,
    );
    const shownPast = await page
      .locator('[data-testid="history-values"] [data-testid="value-row"]')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-element')}=${e.getAttribute('data-value')}`));
    assert.deepEqual(shownPast.sort(), history.values.map((v) => `${v.elementId}=${v.value}`).sort());
    assert.match(page.url(), new RegExp(`validOn=${past}`));
    await shot(page, T, 'profile-history');
    // Before any source reported anything: what the API says for that day (nothing).
    const early = '2010-06-01';
    await page.getByTestId('history-date').click();
    await page.getByTestId('history-date').fill(early);
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="history"][data-valid-on="${early}"]`).waitFor();
    const none = await apiJson<{ values: unknown[] }>(
      context,
      server.url,
      purpose,
      `/api/v1/persons/${someone.person.id}/values?validOn=${early}`,
    );
    assert.equal(await page.locator('[data-testid="history-values"] [data-testid="value-row"]').count(), none.values.length);
    assert.ok(none.values.length < history.values.length, 'fewer values were known for 2010');
    await shot(page, T, 'profile-history-2010');

    // The records of the departments linked to the person, and why.
    const links = await apiJson<{ links: { sourceId: string; linkRule: string | null }[] }>(
      context,
      server.url,
      purpose,
      `/api/v1/persons/${someone.person.id}/links`,
    );
    assert.ok(links.links.length > 0);
    await page.getByRole('tab', { name: '来源记录' }).click();
    await page.getByTestId('links').waitFor();
    assert.equal(await page.getByTestId('link').count(), links.links.length);
    assert.match(await page.getByTestId('links').innerText(), /证件号码一致|首次出现/);
    assert.doesNotMatch(await page.getByTestId('links').innerText(), new RegExp(idNumber), 'record keys are masked');
    await shot(page, T, 'profile-links');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
