/**
 * The data-standard pages in a real browser: as the platform administrator, a new code value
 * (分居 for marital status, effective from a date) is checked as it is typed, added, found in the
 * server-paginated list and held by the API; the element catalogue is searched on the server and an
 * element shown in full; a source's code mappings are shown as its profile holds them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { logIn, newPage, pageErrors, shot, type ConsoleServer, consoleSuite } from './support/console-harness.ts';

/** Waits until the condition holds (checked every 100 ms; the page's CSP forbids string predicates in the page). */
async function until(page: Page, what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('web console: the data standard', () => {
  let server: ConsoleServer;
  let browser: Browser;
  consoleSuite((s) => void ({ server, browser } = s));

  test('the administrator adds 分居 to marital status and finds it in the list', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'admin');
    await page.goto(`${server.url}/standard/code-tables`);
    await page.getByTestId('code-tables-table').waitFor();
    await page.getByTestId('table-search').locator('input').fill('婚姻');
    await page.getByTestId('code-tables-table').getByText('婚姻状况代码').waitFor();
    await shot(page, 'standard', 'code-tables');
    const tables = (await (await page.request.get(`${server.url}/api/v1/standard/code-tables?q=${encodeURIComponent('婚姻')}`)).json()) as { id: string; nameZh: string }[];
    const marital = tables.find((x) => x.nameZh === '婚姻状况代码');
    assert.ok(marital, 'the API has the marital-status table');
    await page.getByTestId('code-tables-table').getByText('婚姻状况代码').click();
    await page.getByTestId('code-table-detail').waitFor();
    await page.getByTestId('entries-table').locator('tbody tr.ant-table-row').first().waitFor();
    const before = (await (await page.request.get(`${server.url}/api/v1/standard/code-tables/${marital.id}/entries?limit=1`)).json()) as { total: number };
    assert.equal(await page.getByTestId('entry-count').innerText(), String(before.total), 'the page shows the count the API has');
    const rowsShown = await page.getByTestId('entries-table').locator('tbody tr.ant-table-row').count();
    assert.equal(rowsShown, Math.min(20, before.total));
    await shot(page, 'standard', 'marital-status');

    await page.getByTestId('add-entry').click();
    await page.getByTestId('entry-form').waitFor();
    // Checked as typed, with the API's rule for codes.
    await page.getByTestId('entry-code').fill('分居');
    await page.getByText('代码为 1–32 位字母、数字、点、短横线或下划线').waitFor();
    await shot(page, 'standard', 'code-checked-as-typed');
    await page.getByTestId('entry-code').fill('50');
    await page.getByTestId('entry-nameZh').fill('分居');
    await page.getByTestId('entry-nameEn').fill('Separated');
    const validFrom = await page.locator('input[data-testid="entry-validFrom"], [data-testid="entry-validFrom"] input').first().inputValue();
    assert.match(validFrom, /^\d{4}-\d{2}-\d{2}$/, 'effective from a date (today by default)');
    await page.getByTestId('entry-submit').click();
    // After adding, the list shows the new value (searched by its code on the server).
    await page.getByTestId('entries-table').getByText('分居').waitFor();
    await shot(page, 'standard', 'entry-added');

    const found = (await (await page.request.get(`${server.url}/api/v1/standard/code-tables/${marital.id}/entries?q=50`)).json()) as { items: { code: string; nameZh: string; status: string; validFrom: string }[] };
    const added = found.items.find((e) => e.code === '50');
    assert.ok(added, 'the API holds the new value');
    assert.equal(added.nameZh, '分居');
    assert.equal(added.status, 'local');
    assert.equal(added.validFrom, validFrom);
    const afterCount = (await (await page.request.get(`${server.url}/api/v1/standard/code-tables/${marital.id}/entries?limit=1`)).json()) as { total: number };
    assert.equal(afterCount.total, before.total + 1);

    // Clearing the search: the whole table again, the new value among the entries (paginated on the server).
    await page.getByTestId('entry-search').locator('input').fill('');
    await until(page, 'the whole table is listed again', async () => (await page.getByTestId('entry-count').innerText()) === String(afterCount.total) && (await page.getByTestId('entries-table').locator('tbody tr.ant-table-row').count()) === Math.min(20, afterCount.total));
    assert.match(await page.getByTestId('entries-table').innerText(), /分居/);

    // The same code twice is refused in plain words.
    await page.getByTestId('add-entry').click();
    await page.getByTestId('entry-code').fill('50');
    await page.getByTestId('entry-nameZh').fill('分居');
    await page.getByTestId('entry-submit').click();
    await page.getByTestId('entry-form').getByTestId('error-note').waitFor();
    assert.match(await page.getByTestId('entry-form').getByTestId('error-note').innerText(), /already exists/);
    await shot(page, 'standard', 'duplicate-refused');
    await page.locator('.ant-modal:visible').getByRole('button', { name: /取\s*消/ }).click();

    // Retire 复婚 (23), replaced by 再婚 (22).
    await page.getByTestId('entry-search').locator('input').fill('23');
    await until(page, 'only 23 is listed', async () => (await page.getByTestId('entries-table').locator('tbody tr.ant-table-row').count()) === 1);
    await page.getByTestId('entries-table').getByTestId('retire-entry').click();
    await page.getByTestId('retire-form').waitFor();
    await page.getByTestId('retire-replacedBy').click();
    await page.keyboard.type('22');
    await until(page, 'the search for 22 answered', async () => (await page.locator('.ant-select-dropdown:visible .ant-select-item-option').count()) === 1);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '再婚' }).click();
    await page.getByTestId('retire-form').locator('[title="22 再婚"]').waitFor();
    await shot(page, 'standard', 'retire');
    await page.getByTestId('retire-submit').click();
    await page.getByText('已停用代码值 23').waitFor();
    const retired = (await (await page.request.get(`${server.url}/api/v1/standard/code-tables/${marital.id}/entries/23`)).json()) as { validTo: string | null; replacedBy: string | null };
    assert.equal(retired.replacedBy, '22');
    assert.ok(retired.validTo !== null);
    await until(page, 'the row shows the replacement', async () => (await page.getByTestId('entries-table').innerText()).includes(retired.validTo ?? 'x'));
    assert.match(await page.getByTestId('entries-table').innerText(), /22/);
    assert.equal(await page.getByTestId('entries-table').getByTestId('retire-entry').count(), 0, 'a retired value is not retired again');
    await shot(page, 'standard', 'retired');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('elements are searched on the server and shown in full; mappings as the profile holds them', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/standard/elements`);
    await page.getByTestId('elements-table').waitFor();
    await page.getByTestId('element-search').locator('input').fill('婚姻');
    const api = (await (await page.request.get(`${server.url}/api/v1/standard/elements?q=${encodeURIComponent('婚姻')}`)).json()) as { id: string; definition: string; freshnessDays: number | null }[];
    assert.ok(api.length > 0);
    await until(page, 'the search result is listed', async () => (await page.getByTestId('elements-table').locator('tbody tr.ant-table-row').count()) === Math.min(20, api.length));
    await shot(page, 'standard', 'elements-search');
    const first = api[0];
    assert.ok(first);
    await page.getByTestId('elements-table').getByText(first.id, { exact: true }).click();
    await page.getByTestId('element-detail').locator('.ant-descriptions').waitFor();
    const detail = await page.getByTestId('element-detail').innerText();
    assert.ok(detail.includes(first.definition), 'the definition is shown');
    if (first.freshnessDays !== null) assert.ok(detail.includes(String(first.freshnessDays)));
    await shot(page, 'standard', 'element-detail');

    const sources = (await (await page.request.get(`${server.url}/api/v1/sources`)).json()) as { id: string; nameZh: string }[];
    let withMap: { id: string; nameZh: string; local: string; code: string } | undefined;
    for (const s of sources) {
      const r = await page.request.get(`${server.url}/api/v1/sources/${s.id}/profile`);
      if (!r.ok()) continue;
      const p = ((await r.json()) as { profile: { codeMaps?: Record<string, { map: Record<string, string> }> } }).profile;
      const entry = Object.values(p.codeMaps ?? {}).flatMap((m) => Object.entries(m.map))[0];
      if (entry) {
        withMap = { id: s.id, nameZh: s.nameZh, local: entry[0], code: entry[1] };
        break;
      }
    }
    assert.ok(withMap, 'some demo source maps local codes');
    await page.goto(`${server.url}/standard/mappings/${withMap.id}`);
    await page.getByTestId('code-map').first().waitFor();
    const text = await page.getByTestId('mappings-view').innerText();
    assert.ok(text.includes(withMap.local) && text.includes(withMap.code), 'the local code and its standard code are shown');
    await shot(page, 'standard', 'mappings');
    await page.goto(`${server.url}/standard/kinds`);
    await page.getByTestId('kinds-table').getByText('年满 60 周岁').first().waitFor();
    await shot(page, 'standard', 'kinds');

    // A new local element, checked as typed with the API's rules.
    await page.goto(`${server.url}/standard/elements`);
    await page.getByTestId('add-element').click();
    await page.getByTestId('element-form').waitFor();
    await page.getByTestId('element-id').fill('Person.retired-rehired');
    await page.getByText('标识须为 对象.属性 形式').waitFor();
    await page.getByTestId('element-id').fill('person.retiredRehired');
    await page.getByTestId('element-nameZh').fill('退休返聘');
    await page.getByTestId('element-nameEn').fill('rehired after retirement');
    await page.getByTestId('element-definition').fill('退休后被原单位或其他单位重新聘用。');
    await page.getByTestId('element-owner').click();
    await page.keyboard.type('人力');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '人力资源' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('element-owner').locator('[title="人力资源和社会保障"]').waitFor();
    await shot(page, 'standard', 'new-element');
    await page.getByTestId('element-submit').click();
    await page.getByTestId('element-detail').getByText('person.retiredRehired').first().waitFor();
    const el = (await (await page.request.get(`${server.url}/api/v1/standard/elements/person.retiredRehired`)).json()) as { nameZh: string; status: string; valueType: string };
    assert.equal(el.nameZh, '退休返聘');
    assert.equal(el.status, 'local');
    assert.equal(el.valueType, 'string');
    await shot(page, 'standard', 'element-added');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
