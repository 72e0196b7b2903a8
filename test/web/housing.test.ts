/**
 * 以房管人 on a phone (390×844) in a real browser: the committee worker goes from their committee's
 * buildings to a unit's dwelling and sees who lives there and who is registered there — the same
 * persons GET /api/v1/dwellings/{id} gives — with big touch targets and no wide table; a past
 * date shows who lived there then, and a dwelling lists who lived there before (someone who moved
 * next door) with their period, and its rental registrations (the landlord masked, the tenants
 * named). The committee worker registers a rental through the dwelling's form (checked as they
 * type), sees it listed as entered by hand, and ends it; a department whose remit does not reach
 * the dwelling gets no form. The street administrator starts from the list of committees.
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
  /** Someone who moved out of another dwelling of the committee, to a third one, today. */
  let moved: { dwellingId: string; personId: string; validFrom: string | null; validTo: string };

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
    // The demo street has no ended residences yet: one resident of another dwelling moves next door today.
    const others = [...byDwelling].filter(([id, l]) => id !== dwellingId && l.some((r) => r.kind === 'actual' && !target.actual.includes(r.person_id) && !target.registered.includes(r.person_id)));
    const [fromDwelling, fromList] = others[0]!;
    const [toDwelling] = others[1]!;
    const mover = fromList.find((r) => r.kind === 'actual' && !target.actual.includes(r.person_id) && !target.registered.includes(r.person_id))!;
    const open = (await server.demo.services.persons.get(mover.person_id)).residences.filter((r) => r.kind === 'actual' && r.dwellingId === fromDwelling && r.validTo === null);
    for (const r of open) await server.demo.services.persons.endResidence(mover.person_id, r.id, today);
    await server.demo.services.persons.addResidence(mover.person_id, { kind: 'actual', dwellingId: toDwelling, validFrom: today });
    moved = { dwellingId: fromDwelling, personId: mover.person_id, validFrom: open[0]?.validFrom ?? null, validTo: today };
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

  test('a dwelling lists who lived there before, as the API gives them, with their period', async () => {
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'committee');
    await page.goto(`${server.url}/housing/dwellings/${moved.dwellingId}`);
    await page.locator('[data-testid="residents-past"] [data-testid="resident-name"]').first().waitFor();
    const shownPast: string[] = [];
    const past = page.locator('[data-testid="residents-past"] [data-testid="resident"]');
    for (let i = 0; i < (await past.count()); i++) shownPast.push((await past.nth(i).getAttribute('data-person-id')) ?? '');
    const purpose = (await (await page.request.get(`${server.url}/api/v1/session`)).json()) as { purposes: string[] };
    const api = (await (await page.request.get(`${server.url}/api/v1/dwellings/${moved.dwellingId}`, { headers: { 'x-purpose': purpose.purposes.includes('POPULATION_SERVICE') ? 'POPULATION_SERVICE' : (purpose.purposes[0] ?? '') } })).json()) as {
      residences: { personId: string; kind: string }[];
      pastResidences: { personId: string; kind: string; validFrom: string | null; validTo: string | null }[];
    };
    assert.deepEqual(shownPast, [...new Set(api.pastResidences.map((r) => `${r.personId}|${r.kind}|${r.validFrom}|${r.validTo}`))].map((k) => k.split('|')[0]), 'the stays the API gives, in its order, each once');
    assert.ok(shownPast.includes(moved.personId), 'who moved out today is among them');
    assert.ok(!api.residences.some((r) => r.personId === moved.personId && r.kind === 'actual'), 'they no longer live there');
    const row = page.locator(`[data-testid="residents-past"] [data-testid="resident"][data-person-id="${moved.personId}"]`);
    assert.match(await row.innerText(), new RegExp(`${moved.validFrom ?? '…'} 至 ${moved.validTo}`));
    assert.match(await row.innerText(), /居住地/);
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 390, `nothing wider than the phone (${width}px)`);
    await shot(page, T, 'phone-dwelling-past');
    // The day before the move they still lived there.
    const dayBefore = new Date(Date.parse(`${moved.validTo}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${server.url}/housing/dwellings/${moved.dwellingId}?asOf=${dayBefore}`);
    await page.locator(`[data-testid="dwelling-view"][data-as-of="${dayBefore}"]`).waitFor();
    await page.locator(`[data-testid="residents-actual"] [data-testid="resident"][data-person-id="${moved.personId}"]`).waitFor();
    assert.equal(await page.locator(`[data-testid="residents-past"] [data-testid="resident"][data-person-id="${moved.personId}"]`).count(), 0);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('a dwelling lists its rental registrations: number, period, masked landlord, the tenants', async () => {
    const today = todayIso();
    const rental = await server.demo.store.db
      .selectFrom('rental_registration as r')
      .innerJoin('dwelling as d', 'd.id', 'r.dwelling_id')
      .innerJoin('building as b', 'b.id', 'd.building_id')
      .select(['r.dwelling_id', 'r.registration_number', 'r.landlord_name', 'r.start_date', 'r.end_date', 'r.person_id'])
      .where('b.area_code', 'like', `${committee}%`)
      .where('r.ended_on', 'is', null)
      .where('r.start_date', '<=', today)
      .where((e) => e.or([e('r.end_date', 'is', null), e('r.end_date', '>=', today)]))
      .where('r.landlord_name', 'is not', null)
      .orderBy('r.registration_number')
      .executeTakeFirstOrThrow();
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'committee');
    await page.goto(`${server.url}/housing/dwellings/${rental.dwelling_id ?? ''}`);
    const item = page.locator(`[data-testid="rentals"] [data-testid="rental"][data-number="${rental.registration_number}"]`);
    await item.locator('[data-testid="rental-tenant"]').first().waitFor();
    assert.match(await item.getByTestId('rental-period').innerText(), new RegExp(rental.end_date ? `${rental.start_date} 至 ${rental.end_date}` : `${rental.start_date} 起`));
    const landlord = await item.getByTestId('rental-landlord').innerText();
    assert.equal(landlord, `${[...(rental.landlord_name ?? '')][0]}${'*'.repeat([...(rental.landlord_name ?? '')].length - 1)}`, 'the landlord’s name is masked');
    const tenants = await item.locator('[data-testid="rental-tenant"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-person-id') ?? ''));
    assert.ok(tenants.includes(rental.person_id), 'the tenant is named, linked to their profile');
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 390, `nothing wider than the phone (${width}px)`);
    await shot(page, T, 'phone-dwelling-rentals');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('the committee worker registers a rental through the form, checked as they type, and ends it; others get no form', async () => {
    const db = server.demo.store.db;
    const tenantName = async (id: string) => (await server.demo.services.persons.get(id)).values.find((x) => x.elementId === 'person.name')?.value ?? '';
    const names = new Map(await Promise.all(target.actual.map(async (id) => [id, await tenantName(id)] as const)));
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'committee');
    await page.goto(`${server.url}/housing/dwellings/${target.dwellingId}`);
    await page.getByTestId('rental-register-open').click();
    const form = page.getByTestId('rental-form');
    await form.waitFor();
    // Checked as one types: an emptied number, a last day before the first.
    const number = page.getByTestId('rental-number-input');
    await number.fill('x');
    await number.fill('');
    await form.getByText('请填写租赁登记号').waitFor();
    await number.fill('沪租测试2025001');
    await page.getByTestId('rental-landlord-input').fill('钱多多');
    await page.getByTestId('rental-start').click();
    await page.keyboard.type('2025-03-01');
    await page.keyboard.press('Enter');
    await page.getByTestId('rental-end').click();
    await page.keyboard.type('2025-02-01');
    await page.keyboard.press('Enter');
    await form.getByText('截止日期不能早于起始日期').waitFor();
    await page.getByTestId('rental-end').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2027-02-28');
    await page.keyboard.press('Enter');
    await form.getByText('截止日期不能早于起始日期').waitFor({ state: 'detached' });
    // The tenant: someone living there, by name.
    const [tenantId, name] = [...names][0]!;
    await page.getByTestId('rental-tenant-select').click();
    await page.locator('.ant-select-item-option', { hasText: name }).first().click();
    await shot(page, T, 'phone-rental-form');
    await page.getByTestId('rental-submit').click();
    const item = page.locator('[data-testid="rentals"] [data-testid="rental"][data-number="沪租测试2025001"]');
    await item.waitFor();
    await item.getByTestId('rental-by-hand').waitFor();
    assert.equal(await item.getByTestId('rental-landlord').innerText(), '钱**', 'read back masked, as every read');
    assert.match(await item.getByTestId('rental-period').innerText(), /2025-03-01 至 2027-02-28/);
    const committeeUser = (await server.demo.access.identity.listUsers()).find((u) => u.username === 'committee');
    const stored = await db.selectFrom('rental_registration').selectAll().where('registration_number', '=', '沪租测试2025001').execute();
    assert.equal(stored.length, 1);
    assert.deepEqual(
      [names.get(stored[0]!.person_id), stored[0]!.dwelling_id, stored[0]!.landlord_name, stored[0]!.end_date, stored[0]!.method, stored[0]!.recorded_by],
      [name, target.dwellingId, '钱多多', '2027-02-28', 'api', `user:${committeeUser?.id ?? ''}`],
      `registered for the chosen tenant (${tenantId}), by the committee worker`,
    );
    await shot(page, T, 'phone-rental-registered');
    // Ended today: it leaves the registrations in force for the earlier ones.
    await item.getByTestId('rental-end-open').click();
    await page.getByTestId('rental-end-confirm').click();
    await page.locator('[data-testid="rentals-past"] [data-testid="rental"][data-number="沪租测试2025001"]').waitFor();
    assert.equal(await item.count(), 0);
    const ended = await db.selectFrom('rental_registration').select(['ended_on', 'ended_by']).where('id', '=', stored[0]!.id).executeTakeFirstOrThrow();
    assert.deepEqual([ended.ended_on, ended.ended_by], [todayIso(), `user:${committeeUser?.id ?? ''}`]);
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 390, `nothing wider than the phone (${width}px)`);
    await shot(page, T, 'phone-rental-ended');
    assert.deepEqual(pageErrors(page), []);
    await context.close();

    // Family planning's remit reaches women of 15–49, not dwellings: the page has no form.
    const other = await newPage(browser, PHONE);
    await logIn(other.page, server.url, 'family');
    await other.page.goto(`${server.url}/housing/dwellings/${target.dwellingId}`);
    await other.page.getByTestId('dwelling-view').waitFor();
    await other.page.getByTestId('rentals').waitFor();
    assert.equal(await other.page.getByTestId('rental-register-open').count(), 0);
    assert.equal(await other.page.getByTestId('rental-end-open').count(), 0);
    assert.deepEqual(pageErrors(other.page), []);
    await other.context.close();
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
