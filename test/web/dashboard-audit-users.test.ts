/**
 * The dashboard, the audit log and user administration in a real browser (issue 9): the street
 * administrator's figures on the page equal GET /api/v1/dashboard and the report engine's count;
 * a category figure leads to the persons list with its filter in the URL; on a phone the
 * committee worker's cards stack; the freshness card shows each source's share of values past their
 * freshness; the auditor sees the chain verified, searches and exports; the platform administrator
 * creates a committee worker (rules checked as one types) who then logs in, and reads each
 * department's remit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { createReportEngine } from '../../src/apps/reports/engine.ts';
import { principalOfUser } from '../../src/access/principal.ts';
import { createDataAccess } from '../../src/store/repositories.ts';
import { categoryTable } from '../support/report-demo.ts';
import { DESKTOP, logIn, newPage, pageErrors, PHONE, shot, TEST_PASSWORD, type ConsoleServer, consoleSuite } from './support/console-harness.ts';

const HOME = '310105004';

interface DashboardBody {
  area: { code: string; name: string };
  asOf: string;
  moves: { month: string; in: number; out: number }[];
  purpose: string;
  population: { actual: number; undetermined: number; categories: { code: string; count: number; share: number | null }[] };
  freshness: { sourceId: string; staleShare: number | null }[];
}

/** The figures on the page as numbers ("12,345" → 12345). */
const figure = async (page: Page, testId: string): Promise<number> => Number(((await page.getByTestId(testId).first().textContent()) ?? '').replace(/[^\d]/g, ''));

/** GET /api/v1/dashboard from inside the page (its cookie), with the purpose the console states. */
const dashboardOf = (page: Page, query = ''): Promise<DashboardBody> =>
  page.evaluate(async (q) => {
    const s = (await (await fetch('/api/v1/session')).json()) as { purposes: string[]; user: { id: string } };
    const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
    const purpose = store.getItem(`populus.purpose.${s.user.id}`) ?? s.purposes[0] ?? '';
    const r = await fetch(`/api/v1/dashboard${q}`, { headers: { 'x-purpose': purpose } });
    return (await r.json()) as DashboardBody;
  }, query);

/** An option of the open Ant Design select dropdown. */
const option = (page: Page, text: string) => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first();

describe('web console: dashboard, audit, users', () => {
  let server: ConsoleServer;
  let browser: Browser;
  consoleSuite((s) => void ({ server, browser } = s));

  /** The report engine's persons per category for a user and purpose: the independent count. */
  const engineCounts = async (username: string, purpose: string, area: string, asOf: string): Promise<Map<string, number>> => {
    const u = await server.demo.access.identity.findUserByUsername(username);
    assert.ok(u);
    const p = principalOfUser(u);
    const def = categoryTable(purpose);
    const engine = createReportEngine(createDataAccess(server.demo.store, HOME.slice(0, 6)), HOME);
    const out = await engine.run(def, { areaCode: area, asOf, access: server.demo.access.policy.access(p, purpose) });
    return new Map(out.result.rows.filter((r) => r.role === 'data').map((r) => [String(r.label?.en), Number(r.cells.at(-1))]));
  };

  test('the street administrator’s figures equal the API’s and the report engine’s; a figure leads to its list', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    await logIn(page, server.url, 'street');
    await page.getByTestId('category-table').waitFor();
    await page.getByTestId('chart-pyramid').locator('canvas').first().waitFor();
    await shot(page, 'dashboard', 'street-dashboard');
    const api = await dashboardOf(page);
    assert.equal(api.area.code, HOME);
    assert.equal(await page.getByTestId('dash-area-name').textContent(), api.area.name);
    assert.equal(await figure(page, 'fig-actual-value'), api.population.actual);
    assert.ok(api.population.actual > 0);
    const asOf = await page.getByTestId('dash-asof').first().evaluate((e) => {
      const el = e as unknown as { value?: string; querySelector(q: string): { value?: string } | null };
      return el.value ?? el.querySelector('input')?.value ?? '';
    });
    assert.equal(asOf, api.asOf, 'the page shows the date the figures are for');
    const engine = await engineCounts('street', api.purpose, HOME, asOf);
    for (const c of api.population.categories) {
      const shown = await figure(page, `cat-${c.code}`);
      assert.equal(shown, c.count, `${c.code} on the page equals the API`);
      assert.equal(shown, engine.get(c.code) ?? 0, `${c.code} equals the report engine's count`);
      assert.equal(await figure(page, `fig-${c.code}-value`), c.count);
    }
    assert.equal(await figure(page, 'undetermined'), api.population.undetermined);
    // Freshness: each source's share of values past their freshness, as the API gives it.
    const shares = api.freshness.filter((f) => f.staleShare !== null);
    assert.ok(shares.length > 0, 'the demo sources hold values of elements with a freshness');
    for (const f of shares) assert.equal(await page.getByTestId(`stale-${f.sourceId}`).getAttribute('data-share'), String(f.staleShare), f.sourceId);
    assert.match((await page.getByTestId(`stale-${shares[0]!.sourceId}`).innerText()).trim(), new RegExp(`^${Math.round(shares[0]!.staleShare! * 1000) / 10}%$`));
    // Another date: the record as it stood then, with the moves of the twelve months before it.
    const latest = await server.demo.store.db.selectFrom('residence').select((eb) => eb.fn.max('valid_from').as('d')).where('kind', '=', 'actual').executeTakeFirstOrThrow();
    const past = String(latest.d);
    assert.match(past, /^\d{4}-\d{2}-\d{2}$/);
    const input = page.getByTestId('dash-asof').first();
    await input.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(past);
    await page.keyboard.press('Enter');
    await page.getByTestId('chart-moves').locator('canvas').first().waitFor();
    const then = await dashboardOf(page, `?asOf=${past}`);
    assert.equal(then.asOf, past);
    assert.equal(await figure(page, 'fig-actual-value'), then.population.actual);
    assert.ok(then.moves.some((x) => x.in > 0), 'the residences that began in the twelve months show as moves in');
    await shot(page, 'dashboard', 'street-past-date');
    // A click on the last month's bar of moves in (the left half of its column: the plot ends 16 px
    // from the chart's right edge) opens the list behind it, with as many people as the bar counts.
    const last = then.moves.at(-1)!;
    assert.ok(last.in > 0, 'the extracts’ month has moves in');
    await page.getByTestId('chart-moves').scrollIntoViewIfNeeded();
    const box = await page.getByTestId('chart-moves').boundingBox();
    assert.ok(box);
    const column = (box.width - 16 - 8 - 30) / 12;
    await page.mouse.click(box.x + box.width - 16 - column * 0.75, box.y + box.height / 2);
    await page.waitForURL(/\/dashboard\/moves\?/);
    const movesUrl = new URL(page.url());
    assert.deepEqual(
      ['area', 'month', 'direction', 'asOf'].map((k) => movesUrl.searchParams.get(k)),
      [HOME, last.month, 'in', past],
    );
    await page.getByTestId('moves-total').waitFor();
    assert.equal(await figure(page, 'moves-total'), last.in, 'the list holds the bar’s count');
    assert.equal(await page.getByTestId('move-row').count(), Math.min(last.in, 20), 'the first page of rows');
    await shot(page, 'dashboard', 'moves-list');
    // Moves out of the same month, a switch away; then a person's profile from the list.
    await page.getByTestId('moves-direction').getByText('迁出').click();
    await page.waitForURL(/direction=out/);
    await page.getByTestId('moves-total').filter({ hasText: String(last.out) }).waitFor();
    assert.equal(await figure(page, 'moves-total'), last.out);
    await page.getByTestId('moves-direction').getByText('迁入').click();
    await page.getByTestId('move-row').first().waitFor();
    await page.getByTestId('move-row').first().locator('a[data-testid="move-person"]').click();
    await page.waitForURL(/\/persons\/[0-9a-f-]{36}$/);
    await page.goto(`${server.url}/`);
    await page.getByTestId('category-table').waitFor();
    // English too.
    await page.getByTestId('lang-switch').click();
    await page.getByText('Population structure').waitFor();
    await shot(page, 'dashboard', 'street-dashboard-en');
    await page.getByTestId('lang-switch').click();
    await page.getByText('人口结构').waitFor();
    // A category figure opens the persons list filtered the same way.
    await page.getByTestId('cat-FROM_OTHER_PROVINCE').click();
    await page.waitForURL(/\/persons\?/);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/persons');
    assert.equal(url.searchParams.get('area'), HOME);
    assert.equal(url.searchParams.get('category'), 'FROM_OTHER_PROVINCE');
    await shot(page, 'dashboard', 'persons-from-figure');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('a committee worker on a phone: their committee, cards stacked; another committee of the street is chosen from the selector by the street', async () => {
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'committee');
    await page.getByTestId('category-table').waitFor();
    const api = await dashboardOf(page);
    assert.equal(api.area.code, `${HOME}001`, 'a committee worker starts at their committee');
    assert.equal(await figure(page, 'fig-actual-value'), api.population.actual);
    const a = await page.getByTestId('fig-actual').boundingBox();
    const b = await page.getByTestId('fig-RESIDENT_REGISTERED').boundingBox();
    const c = await page.getByTestId('fig-RESIDENT_REGISTERED_ELSEWHERE_LOCAL').boundingBox();
    assert.ok(a && b && c);
    assert.ok(c.y > a.y + a.height - 1, 'the cards wrap onto further rows on a phone');
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width + 1, `no sideways scrolling (${width}px)`);
    await shot(page, 'dashboard', 'committee-phone');
    // The list behind a moves bar on a phone: cards, no sideways scrolling.
    const latest = await server.demo.store.db.selectFrom('residence').select((eb) => eb.fn.max('valid_from').as('d')).where('kind', '=', 'actual').executeTakeFirstOrThrow();
    const day = String(latest.d);
    const bar = (await dashboardOf(page, `?asOf=${day}`)).moves.at(-1)!;
    assert.ok(bar.in > 0);
    await page.goto(`${server.url}/dashboard/moves?area=${HOME}001&month=${bar.month}&direction=in&asOf=${day}`);
    await page.getByTestId('moves-total').waitFor();
    assert.equal(await figure(page, 'moves-total'), bar.in);
    assert.equal(await page.getByTestId('move-row').count(), Math.min(bar.in, 20));
    const listWidth = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    assert.ok(listWidth <= PHONE.width + 1, `no sideways scrolling on the moves list (${listWidth}px)`);
    await shot(page, 'dashboard', 'committee-moves-phone');
    assert.deepEqual(pageErrors(page), []);
    await context.close();

    // The street administrator switches to a committee from the selector.
    const desk = await newPage(browser, DESKTOP);
    await logIn(desk.page, server.url, 'street');
    await desk.page.getByTestId('category-table').waitFor();
    const committee = await dashboardOf(desk.page, `?area=${HOME}001`);
    await desk.page.getByTestId('dash-area').click();
    await option(desk.page, committee.area.name).click();
    await desk.page.getByTestId('dash-area-name').filter({ hasText: committee.area.name }).waitFor();
    assert.equal(await figure(desk.page, 'fig-actual-value'), committee.population.actual);
    await shot(desk.page, 'dashboard', 'street-picks-committee');
    assert.deepEqual(pageErrors(desk.page), []);
    await desk.context.close();
  });

  test('the auditor lands on the audit log: the chain verified, a search, the CSV export', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    await logIn(page, server.url, 'auditor');
    await page.waitForURL(/\/audit$/);
    const status = page.getByTestId('verify-status');
    await status.waitFor();
    assert.equal(await status.getAttribute('data-intact'), 'true');
    assert.match((await page.getByTestId('chain-anchor').textContent()) ?? '', /^populus-audit-head:\d+:[0-9a-f]{64}/);
    await shot(page, 'audit', 'chain-verified');
    // Search the dashboard reads the other tests made.
    await page.getByTestId('audit-action').click();
    await page.keyboard.type('dashboard.read');
    await option(page, 'dashboard.read').click();
    await page.getByTestId('audit-submit').click();
    await page.locator('[data-testid="audit-table"] tbody tr.ant-table-row').first().waitFor();
    const actions = await page.locator('[data-testid="audit-table"] tbody tr.ant-table-row .ant-tag').allTextContents();
    assert.ok(actions.length > 0);
    const rows = await page.locator('[data-testid="audit-table"] tbody tr.ant-table-row').count();
    const expected = await server.demo.store.db.selectFrom('audit_entry').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'dashboard.read').executeTakeFirstOrThrow();
    assert.equal(rows, Math.min(50, Number(expected.n)), 'the table shows the matching entries');
    assert.ok(actions.filter((a) => a.includes('.')).every((a) => a === 'dashboard.read'));
    await shot(page, 'audit', 'search-dashboard-reads');
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
    const path = await file.path();
    const csv = await readFile(path, 'utf8');
    const lines = csv.trim().split('\n');
    assert.match(lines[0] ?? '', /^seq,at,actor/);
    assert.equal(lines.length - 1, Number(expected.n), 'the export holds every matching entry');
    assert.ok(lines.slice(1).every((l) => l.includes(',dashboard.read,')));
    await shot(page, 'audit', 'exported');

    // Keyset paging, newer and older, over 30 entries of one action.
    const auditor = await server.demo.access.identity.findUserByUsername('auditor');
    assert.ok(auditor);
    const who = { principal: { actor: { kind: 'user' as const, id: auditor.id }, role: auditor.role, departmentId: null, areaCodes: [], buildingIds: [], personId: null, purposes: null }, purpose: 'AUDIT' };
    for (let i = 0; i < 30; i++) await server.demo.access.audit.record(who, { action: 'test.paging', personIds: [], elementIds: [], result: 'ok', requestId: `paging-${i}` });
    const seqs = (await server.demo.store.db.selectFrom('audit_entry').select('seq').where('action', '=', 'test.paging').orderBy('seq', 'desc').execute()).map((r) => r.seq);
    await page.getByTestId('audit-action').locator('input').first().fill('test.paging');
    await page.getByTestId('audit-size').click();
    await option(page, '每页 20 条').click();
    await page.getByTestId('audit-submit').click();
    const firstSeq = () => page.locator('[data-testid="audit-table"] tbody tr.ant-table-row td:nth-child(2)').first().textContent();
    const rowCount = () => page.locator('[data-testid="audit-table"] tbody tr.ant-table-row').count();
    await page.locator('[data-testid="audit-table"] tbody tr.ant-table-row td:nth-child(2)', { hasText: String(seqs[0]) }).first().waitFor();
    assert.equal(await rowCount(), 20);
    await page.getByTestId('audit-older').click();
    await page.locator('[data-testid="audit-table"] tbody tr.ant-table-row td:nth-child(2)', { hasText: String(seqs[20]) }).first().waitFor();
    assert.equal(await rowCount(), 10);
    assert.ok(await page.getByTestId('audit-older').isDisabled(), 'no older page after the last');
    await shot(page, 'audit', 'older-page');
    await page.getByTestId('audit-newer').click();
    await page.locator('[data-testid="audit-table"] tbody tr.ant-table-row td:nth-child(2)', { hasText: String(seqs[0]) }).first().waitFor();
    assert.equal(await firstSeq(), String(seqs[0]));
    assert.equal(await rowCount(), 20);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('the administrator creates a committee worker, checked as they type, who then logs in', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    await logIn(page, server.url, 'admin');
    await page.getByTestId('category-table').waitFor();
    await shot(page, 'users', 'admin-dashboard');
    await page.goto(`${server.url}/users`);
    await page.getByTestId('users-table').waitFor();
    assert.ok((await page.getByTestId('user-row-street').count()) === 1, 'the demo accounts are listed');
    await shot(page, 'users', 'list');
    await page.getByTestId('user-new').click();
    await page.getByTestId('user-username').fill('Bad Name');
    await page.getByText('3–64位小写字母').first().waitFor();
    await page.getByTestId('user-username').fill('wang.fang');
    await page.getByTestId('user-displayname').fill('王芳');
    await page.getByTestId('user-password').fill('short');
    await page.getByText('密码长度为 12–128 个字符').first().waitFor();
    await shot(page, 'users', 'checked-as-typed');
    await page.getByTestId('user-password').fill(TEST_PASSWORD);
    await page.getByTestId('user-confirm').fill(TEST_PASSWORD);
    const committeeName = (await server.demo.services.areas.children(HOME)).find((a) => a.code === `${HOME}001`)?.name ?? '';
    assert.ok(committeeName !== '');
    await page.getByTestId('user-areas').click();
    await page.keyboard.type(committeeName);
    await option(page, `${HOME}001`).click();
    await page.keyboard.press('Escape');
    await shot(page, 'users', 'filled');
    await page.getByTestId('user-save').click();
    await page.getByTestId('user-row-wang.fang').waitFor();
    await shot(page, 'users', 'created');
    const created = await server.demo.access.identity.findUserByUsername('wang.fang');
    assert.ok(created);
    assert.deepEqual([created.role, [...created.areaCodes], created.status], ['committee-worker', [`${HOME}001`], 'active']);

    const fresh = await newPage(browser, DESKTOP);
    await logIn(fresh.page, server.url, 'wang.fang');
    assert.equal(await fresh.page.getByTestId('user-name').textContent(), '王芳');
    await fresh.page.getByTestId('category-table').waitFor();
    await shot(fresh.page, 'users', 'new-user-logged-in');
    assert.deepEqual(pageErrors(fresh.page), []);

    // Disabled: their session ends at once.
    const row = page.locator('[data-testid="users-table"] tr', { has: page.getByTestId('user-row-wang.fang') });
    await row.getByRole('button', { name: '停 用' }).or(row.getByRole('button', { name: '停用' })).first().click();
    await page.locator('.ant-popconfirm .ant-btn-primary').first().click();
    await row.getByText('已停用').waitFor();
    await shot(page, 'users', 'disabled');
    assert.equal((await server.demo.access.identity.findUserByUsername('wang.fang'))?.status, 'disabled');
    await fresh.page.reload();
    await fresh.page.getByTestId('login-card').waitFor();
    assert.deepEqual(pageErrors(page), []);
    await fresh.context.close();
    await context.close();
  });

  test('the administrator reads each department’s remit: purposes, areas, kinds and the elements it may read, as the API gives them', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    await logIn(page, server.url, 'admin');
    await page.goto(`${server.url}/users`);
    await page.getByRole('tab', { name: '部门' }).click();
    await page.getByTestId('departments-table').waitFor();
    const remit = (await (await page.request.get(`${server.url}/api/v1/departments/civil-affairs/remit`)).json()) as {
      grants: { purposes: string[]; elements: string[]; unmask: string[]; areas: string[]; kinds: string[] | null }[];
    };
    assert.ok(remit.grants.length > 1);
    const purposes = page.getByTestId('remit-purposes-civil-affairs');
    await purposes.waitFor();
    assert.equal(await purposes.locator('.ant-tag').count(), new Set(remit.grants.flatMap((g) => g.purposes)).size);
    await page.locator('tr[data-row-key="civil-affairs"] .ant-table-row-expand-icon').click();
    const shownRemit = page.getByTestId('remit-civil-affairs');
    await shownRemit.waitFor();
    const grants = shownRemit.getByTestId('remit-grant');
    assert.equal(await grants.count(), remit.grants.length);
    for (const g of remit.grants) {
      const card = shownRemit.locator(`[data-testid="remit-grant"][data-purposes="${g.purposes.join(',')}"]`);
      const tags = card.locator('[data-element]');
      assert.equal(await tags.count(), g.elements.length, g.purposes.join(','));
      for (let i = 0; i < g.elements.length; i++) {
        const e = g.elements[i]!;
        assert.equal(await tags.nth(i).getAttribute('data-element'), e);
        assert.equal(await tags.nth(i).getAttribute('data-unmask'), String(g.unmask.includes(e)), e);
      }
      if (g.kinds === null) assert.match(await card.innerText(), /区域内所有人员/);
    }
    await shot(page, 'users', 'department-remit');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('the administrator issues an API token (shown once) and revokes it', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    await logIn(page, server.url, 'admin');
    await page.goto(`${server.url}/users`);
    await page.getByRole('tab', { name: 'API令牌' }).click();
    await page.getByTestId('token-new').click();
    await page.getByTestId('token-department').click();
    await page.keyboard.type('民政');
    await option(page, '民政').click();
    await page.getByTestId('token-name').fill('relief-system');
    await page.getByTestId('token-purposes').click();
    await page.keyboard.type('RELIEF_ASSESSMENT');
    await option(page, 'RELIEF_ASSESSMENT').click();
    await page.keyboard.press('Escape');
    await page.getByTestId('token-save').click();
    const token = (await page.getByTestId('token-value').textContent()) ?? '';
    assert.match(token, /^ppl_/);
    await shot(page, 'users', 'token-shown-once');
    const principal = await server.demo.access.identity.authenticateToken(token);
    assert.equal(principal.departmentId, 'civil-affairs', 'the token shown works');
    await page.getByTestId('token-close').click();
    const row = page.locator('[data-testid="tokens-table"] tr', { has: page.getByTestId('token-row-relief-system') });
    await row.getByRole('button').first().click();
    await page.locator('.ant-popconfirm .ant-btn-primary').first().click();
    await row.getByText('已吊销').waitFor();
    await shot(page, 'users', 'token-revoked');
    await assert.rejects(server.demo.access.identity.authenticateToken(token), 'a revoked token no longer works');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
