/**
 * 以房管人 on a phone (390×844) in a real browser: the committee worker goes from their committee's
 * buildings to a unit's dwelling and sees who lives there and who is registered there — the same
 * persons GET /api/v1/dwellings/{id} gives — with big touch targets and no wide table; a past
 * date shows who lived there then. The street administrator starts from the list of committees.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { todayIso } from '../../src/domain/dates.ts';
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

const T = 'housing';

describe('web console: housing on a phone', () => {
  let server: ConsoleServer;
  let browser: Browser;
  const committee = `${HOME}001`;
  let target: {
    dwellingId: string;
    buildingId: string;
    address: string;
    room: string;
    road: string;
    actual: string[];
    registered: string[];
  };

  before(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
    // A dwelling of the committee where several people live now.
    const today = todayIso();
    const db = server.demo.store.db;
    const rows = await db
      .selectFrom('residence as r')
      .innerJoin('dwelling as d', 'd.id', 'r.dwelling_id')
      .innerJoin('building as b', 'b.id', 'd.building_id')
      .select(['r.person_id', 'r.kind', 'd.id as dwelling', 'd.room', 'b.id as building', 'b.road', 'b.lane', 'b.number'])
      .where('b.area_code', 'like', `${committee}%`)
      .where((e) => e.or([e('r.valid_from', 'is', null), e('r.valid_from', '<=', today)]))
      .where((e) => e.or([e('r.valid_to', 'is', null), e('r.valid_to', '>', today)]))
      .execute();
    const byDwelling = new Map<string, typeof rows>();
    for (const r of rows) byDwelling.set(r.dwelling, [...(byDwelling.get(r.dwelling) ?? []), r]);
    const [dwellingId, list] = [...byDwelling]
      .filter(([, l]) => l.some((r) => r.kind === 'actual'))
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0]!;
    const first = list[0]!;
    target = {
      dwellingId,
      buildingId: first.building,
      address: first.lane ? `${first.road}${first.lane}弄${first.number}号` : `${first.road}${first.number}号`,
      room: first.room,
      road: first.road,
      actual: [...new Set(list.filter((r) => r.kind === 'actual').map((r) => r.person_id))].sort(),
      registered: [...new Set(list.filter((r) => r.kind === 'registered').map((r) => r.person_id))].sort(),
    };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('committee → building → dwelling with its residents, on a phone', async () => {
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'committee');
    await page.goto(`${server.url}/housing`);
    await page.getByTestId('building-list').waitFor();
    await shot(page, T, 'phone-buildings');
    await page.getByTestId('building-search').locator('input').fill(target.road);
    await page.getByTestId('building-search').locator('input').press('Enter');
    await page.waitForURL(/q=/);
    const building = page.locator('[data-testid="building-item"]', { hasText: target.address }).first();
    await building.waitFor();
    const box = await building.boundingBox();
    assert.ok(box && box.height >= 44, `a building row is a big touch target (${box?.height}px)`);
    await shot(page, T, 'phone-buildings-searched');
    await building.click();
    await page.getByTestId('building-view').waitFor();
    assert.equal(await page.locator('table').count(), 0, 'no tables on the phone pages');
    await shot(page, T, 'phone-building');
    await page
      .locator(`[data-testid="dwelling-item"]`, { hasText: target.room.replace(/室$/, '') })
      .first()
      .click();
    await page.getByTestId('dwelling-view').waitFor();
    assert.match(page.url(), new RegExp(`/housing/dwellings/${target.dwellingId}`));
    await page.locator('[data-testid="residents-actual"] [data-testid="resident-name"]').first().waitFor();
    const actual = await page
      .locator('[data-testid="residents-actual"] [data-testid="resident"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-person-id') ?? ''));
    const registered = await page
      .locator('[data-testid="residents-registered"] [data-testid="resident"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-person-id') ?? ''));
    assert.deepEqual(actual.sort(), target.actual, 'who lives there now');
    assert.deepEqual(registered.sort(), target.registered, 'who is registered there');
    // The names shown are the persons' names as the API gives them.
    const names = await page.locator('[data-testid="residents-actual"] [data-testid="resident-name"]').allInnerTexts();
    for (const [i, id] of actual.entries()) {
      const v = await server.demo.services.persons.get(id);
      assert.ok(names.includes(v.values.find((x) => x.elementId === 'person.name')?.value ?? '?'), `name of ${i}`);
    }
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 390, `nothing wider than the phone (${width}px)`);
    await shot(page, T, 'phone-dwelling');

    // Before everyone moved in: nobody lived there.
    await page.goto(`${server.url}/housing/dwellings/${target.dwellingId}?asOf=2000-01-01`);
    await page.locator('[data-testid="dwelling-view"][data-as-of="2000-01-01"]').waitFor();
    assert.equal(await page.locator('[data-testid="residents-actual"] [data-testid="resident"]').count(), 0);
    await shot(page, T, 'phone-dwelling-2000');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('the street administrator starts from the committees', async () => {
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/housing`);
    await page.getByTestId('committee-list').waitFor();
    const committees = await server.demo.services.areas.children(HOME);
    assert.equal(await page.getByTestId('committee-item').count(), committees.length);
    await shot(page, T, 'phone-committees');
    await page.locator('[data-testid="committee-item"]', { hasText: committees[0]!.name }).click();
    await page.getByTestId('building-list').waitFor();
    assert.match(page.url(), new RegExp(`/housing/area/${committees[0]!.code}`));
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
