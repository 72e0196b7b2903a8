/**
 * The review queue in a real browser, over possible matches the import pipeline itself raised (a
 * clinic's file without ID numbers whose birth dates only agree on the year): the queue by type as
 * the dashboard links to it, paginated on the server; a possible match side by side with the
 * matcher's explanation, accepted (the persons merged, checked through the API) and the merge
 * undone from the page; another rejected and gone from the queue; a conflict acknowledged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import iconv from 'iconv-lite';
import type { MappingProfile } from '../../src/domain/ingest/profile.ts';
import { confirmed, launchBrowser, logIn, newPage, pageErrors, shot, startConsoleServer, type ConsoleServer } from './support/console-harness.ts';

interface Item {
  id: string;
  kind: string;
  status: string;
  personId: string | null;
  decision: string | null;
  mergeId: string | null;
  elementId: string | null;
  detail: Record<string, unknown>;
}
interface Merge {
  mergeId: string;
  survivorId: string;
  loserId: string;
  undoneAt: string | null;
}

/** A department file without ID numbers: records keyed by the clinic's own file number. */
const CLINIC: MappingProfile = {
  extract: 'delta',
  recordKey: ['档案号'],
  columns: [
    { column: '档案号', target: { ignore: true } },
    { column: '姓名', target: { element: 'person.name' }, transforms: ['simplified', 'removeSpaces'] },
    { column: '性别', target: { element: 'person.sex' }, codeMap: 'sex' },
    { column: '出生日期', target: { element: 'person.birthDate' }, transforms: ['date'] },
    // The clinic knows its patients live in the street (no address): the new persons are within the street's remit.
    { column: '所属街道', target: { residence: 'actual', part: 'areaCode' } },
  ],
  codeMaps: { sex: { table: 'sex', map: { 男: '1', 女: '2' } } },
};

async function apiGet<T>(page: Page, url: string): Promise<T> {
  const origin = new URL(page.url()).origin;
  const session = (await (await page.request.get(`${origin}/api/v1/session`)).json()) as { purposes: string[] };
  // The purpose the header bar chose (kept per user in the browser's sessionStorage).
  const purpose = await page.evaluate<string | null>("(() => { const k = Object.keys(sessionStorage).find((x) => x.startsWith('populus.purpose.')); return k ? sessionStorage.getItem(k) : null; })()");
  const r = await page.request.get(`${origin}${url}`, { headers: { 'x-purpose': purpose ?? session.purposes[0] ?? '' } });
  assert.equal(r.status(), 200, `${url}: ${await r.text()}`);
  return (await r.json()) as T;
}

async function totalShown(page: Page): Promise<number> {
  return Number((await page.getByTestId('review-total').innerText()).replace(/[^\d]/g, ''));
}


describe('web console: the review queue', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let dir: string;
  before(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
    dir = await mkdtemp(join(tmpdir(), 'populus-web-review-'));
    // People of the street population database, as a clinic writes them down: the same name and
    // sex, the birth date only as the year (1 January) — the matcher is unsure: possible matches.
    const bytes = await readFile(join(server.demo.dir, 'extracts', 'street-population-database.csv'));
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = iconv.decode(bytes, 'gb18030');
    }
    const [head = '', ...rows] = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '');
    const h = head.split(',');
    const [name, sex, birth] = [h.indexOf('姓名'), h.indexOf('性别'), h.indexOf('出生日期')];
    const lines = ['档案号,姓名,性别,出生日期,所属街道'];
    for (const [i, l] of rows.slice(0, 60).entries()) {
      const c = l.split(',');
      const year = (c[birth] ?? '').slice(0, 4);
      if (!/^\d{4}$/.test(year) || /\/0?1\/0?1$/.test(c[birth] ?? '')) continue;
      lines.push(`K-${i},${c[name]},${c[sex]},${year}/1/1,310105004`);
    }
    await writeFile(join(dir, 'clinic.csv'), `${lines.join('\n')}\n`);
    const { sources, imports } = server.demo.services;
    await sources.define({ id: 'community-clinic', departmentId: 'street-population-office', nameZh: '社区卫生服务中心档案', nameEn: 'Community clinic records', level: 'street', owns: [] });
    await sources.addProfile('community-clinic', CLINIC);
    await imports.importFile('community-clinic', join(dir, 'clinic.csv'), { observedAt: '2026-01-10' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the queue by type as the dashboard links to it, paginated on the server', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/review?type=possible-match`);
    await page.getByTestId('review-total').waitFor();
    const matches = await apiGet<{ items: Item[]; total: number }>(page, '/api/v1/review-items?kind=possible-match&status=open&limit=20');
    assert.ok(matches.total >= 2, `the clinic's file raised possible matches (${matches.total})`);
    assert.equal(await totalShown(page), matches.total);
    for (const i of matches.items) await page.getByTestId(`review-row-${i.id}`).waitFor();
    assert.match(await page.getByTestId('review-table').innerText(), /疑似同一人/);
    await shot(page, 'review', 'possible-matches');

    await page.goto(`${server.url}/review?type=conflict`);
    await page.getByTestId('review-total').waitFor();
    const conflicts = await apiGet<{ items: Item[]; total: number }>(page, '/api/v1/review-items?kind=conflict&status=open&limit=20&offset=20');
    assert.equal(await totalShown(page), conflicts.total);
    assert.ok(conflicts.total > 20, `enough conflicts for a second page (${conflicts.total})`);
    const rows = page.locator('[data-testid="review-table"] tr[data-testid^="review-row-"]');
    assert.equal(await rows.count(), 20);
    await page.locator('.ant-pagination-item-2').click();
    await page.waitForURL(/page=2/);
    await page.getByTestId(`review-row-${conflicts.items[0]?.id ?? ''}`).waitFor();
    assert.equal(await rows.count(), conflicts.items.length, 'the second page is the API’s second page');
    await shot(page, 'review', 'conflicts-page-2');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('a possible match side by side with its explanation: accepted (merged), then the merge undone from the page', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/review?type=possible-match`);
    await page.getByTestId('review-total').waitFor();
    const open = await apiGet<{ items: Item[] }>(page, '/api/v1/review-items?kind=possible-match&status=open');
    const item = open.items[0];
    assert.ok(item?.personId);
    const candidate = String(item.detail['candidateId']);
    await page.getByTestId(`review-open-${item.id}`).click();
    await page.getByTestId('side-by-side').waitFor();
    await page.getByTestId('comparisons').waitFor();
    await page.locator('[data-testid="compare-person.name"]').waitFor();
    // Name and sex agree; the birth dates differ (the clinic wrote 1 January) and are highlighted.
    assert.equal(await page.locator('[data-testid="compare-person.name"]').getAttribute('data-differs'), 'no');
    await page.locator('[data-testid="compare-person.birthDate"][data-differs="yes"]').waitFor();
    const explanation = JSON.parse(String(item.detail['explanation'])) as { probability: number; thresholds: { link: { probability: number } } };
    assert.equal(Number((await page.getByTestId('probability').innerText()).replace(/[^\d.]/g, '')), Math.round(explanation.probability * 1000) / 10);
    assert.match(await page.getByTestId('thresholds').innerText(), new RegExp(`${Math.round(explanation.thresholds.link.probability * 100)}%`));
    assert.match(await page.getByTestId('comparisons').innerText(), /出生日期[\s\S]*year/);
    await shot(page, 'review', 'possible-match');
    await page.getByTestId('lang-switch').click();
    assert.match(await page.getByTestId('side-by-side').innerText(), /The two records side by side/);
    assert.match(await page.getByTestId('decide').innerText(), /Same person: merge/);
    await shot(page, 'review', 'possible-match-english');
    await page.getByTestId('lang-switch').click();

    await page.getByTestId('decision-reason').fill('同一人，出生日期为诊所登记时的估计');
    await confirmed(page, 'accept', 'accept-confirm');
    await page.locator('[data-testid="item-status"][data-status="resolved"][data-decision="accepted"]').waitFor();
    await page.getByTestId('merge-id').waitFor();
    const decided = await apiGet<Item>(page, `/api/v1/review-items/${item.id}`);
    assert.equal(decided.decision, 'accepted');
    assert.ok(decided.mergeId);
    assert.equal((await page.getByTestId('merge-id').innerText()).trim(), decided.mergeId);
    const merge = await apiGet<Merge>(page, `/api/v1/merges/${decided.mergeId}`);
    assert.deepEqual([merge.survivorId, merge.loserId, merge.undoneAt], [candidate, item.personId, null]);
    const redirected = await apiGet<{ person: { id: string } }>(page, `/api/v1/persons/${item.personId}`);
    assert.equal(redirected.person.id, candidate, 'the merged person now reads as the candidate');
    await shot(page, 'review', 'accepted');

    await confirmed(page, 'undo-merge', 'undo-confirm');
    await page.getByTestId('merge-undone').waitFor();
    const undone = await apiGet<Merge>(page, `/api/v1/merges/${decided.mergeId}`);
    assert.ok(undone.undoneAt !== null, 'the merge is undone');
    assert.equal((await apiGet<{ person: { id: string } }>(page, `/api/v1/persons/${item.personId}`)).person.id, item.personId, 'both persons are themselves again');
    assert.equal((await apiGet<Item>(page, `/api/v1/review-items/${item.id}`)).status, 'open', 'the item is back in the queue');
    await page.locator('[data-testid="item-status"][data-status="open"]').waitFor();
    await shot(page, 'review', 'merge-undone');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('a possible match rejected leaves the queue; a conflict is acknowledged with both values shown', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/review?type=possible-match`);
    await page.getByTestId('review-total').waitFor();
    const before = await apiGet<{ items: Item[]; total: number }>(page, '/api/v1/review-items?kind=possible-match&status=open&limit=20');
    const item = before.items[before.items.length - 1];
    assert.ok(item);
    await page.getByTestId(`review-open-${item.id}`).click();
    await page.getByTestId('decide').waitFor();
    await confirmed(page, 'reject', 'reject-confirm');
    await page.locator('[data-testid="item-status"][data-decision="rejected"]').waitFor().catch(async (e: unknown) => {
      await shot(page, 'review', 'not-rejected');
      throw e;
    });
    assert.equal((await apiGet<Item>(page, `/api/v1/review-items/${item.id}`)).decision, 'rejected');
    await shot(page, 'review', 'rejected');
    await page.getByText('返回待审核列表').click();
    await page.getByTestId('review-total').waitFor();
    const after = await apiGet<{ total: number }>(page, '/api/v1/review-items?kind=possible-match&status=open');
    assert.equal(after.total, before.total - 1);
    assert.equal(await totalShown(page), after.total);
    assert.equal(await page.getByTestId(`review-row-${item.id}`).count(), 0, 'the rejected item is gone from the open queue');

    const conflicts = await apiGet<{ items: Item[] }>(page, '/api/v1/review-items?kind=conflict&status=open&limit=1');
    const conflict = conflicts.items[0];
    assert.ok(conflict);
    await page.goto(`${server.url}/review/${conflict.id}`);
    await page.getByTestId('conflict').waitFor();
    assert.match(await page.getByTestId('owner-value').innerText(), new RegExp(String(conflict.detail['ownerValue'])));
    assert.match(await page.getByTestId('other-value').innerText(), new RegExp(String(conflict.detail['value'])));
    await shot(page, 'review', 'conflict');
    await page.getByTestId('acknowledge').click();
    await page.locator('[data-testid="item-status"][data-decision="acknowledged"]').waitFor();
    assert.equal((await apiGet<Item>(page, `/api/v1/review-items/${conflict.id}`)).decision, 'acknowledged');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
