/**
 * The imports pages in a real browser: the imports as the API lists them, paged on the server (a
 * new page is a new request); an extract of a demo source uploaded and followed to the end, its
 * counts on the page equal to GET /imports/{id}; an officer sees only their department's sources,
 * and a file with bad rows shows the rejected rows (as the API gives them) and downloads them; a
 * mapping profile drafted from a new file, edited, checked as one types, stored as a new version
 * and used by an import.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import iconv from 'iconv-lite';
import { confirmed, launchBrowser, logIn, newPage, pageErrors, shot, startConsoleServer, type ConsoleServer } from './support/console-harness.ts';

interface Batch {
  id: string;
  fileName: string;
  status: string;
  rowsRead: number;
  rowsRejected: number;
  rowsUnchanged: number;
  personsCreated: number;
  personsLinked: number;
  recordsEnded: number;
  conflicts: number;
}

/** Picks an option of an Ant Design select (typing to filter long lists). */
async function choose(page: Page, testid: string, text: string, type = false): Promise<void> {
  // A drawer still sliding in can swallow the first choice: choose again until the select shows it.
  for (let attempt = 0; ; attempt++) {
    await page.getByTestId(testid).click();
    if (type) await page.keyboard.type(text);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
    if ((await page.getByTestId(testid).innerText()).includes(text) || attempt >= 2) break;
    await page.keyboard.press('Escape');
  }
  await dropdownsClosed(page);
}

/** Waits until no select's dropdown is showing (a closing one still answers `:visible` while it fades). */
async function dropdownsClosed(page: Page): Promise<void> {
  for (let i = 0; i < 100 && (await page.locator('.ant-select-dropdown:visible').count()) > 0; i++) await page.waitForTimeout(50);
}

/** A read through the browser's own session (its cookies), with the purpose the header bar chose. */
async function apiGet<T>(page: Page, url: string): Promise<T> {
  // The purpose the header bar chose (kept per user in the browser's sessionStorage).
  const purpose = await page.evaluate<string | null>("(() => { const k = Object.keys(sessionStorage).find((x) => x.startsWith('populus.purpose.')); return k ? sessionStorage.getItem(k) : null; })()");
  const session = (await (await page.request.get(`${new URL(page.url()).origin}/api/v1/session`)).json()) as { purposes: string[] };
  const r = await page.request.get(`${new URL(page.url()).origin}${url}`, { headers: { 'x-purpose': purpose ?? session.purposes[0] ?? '' } });
  assert.equal(r.status(), 200, `${url}: ${await r.text()}`);
  return (await r.json()) as T;
}

/** The number a result statistic shows. */
async function shown(page: Page, testid: string): Promise<number> {
  const text = await page.locator(`[data-testid="${testid}"] .ant-statistic-content-value`).innerText();
  return Number(text.replace(/[^\d]/g, ''));
}

/** The first `n` data rows of a demo extract (CSV, UTF-8 or GBK as departments send them), with its header. */
async function extract(server: ConsoleServer, name: string, n: number): Promise<string[]> {
  const bytes = await readFile(join(server.demo.dir, 'extracts', name));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = iconv.decode(bytes, 'gb18030');
  }
  return text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '').slice(0, n + 1);
}

async function waitCommitted(page: Page): Promise<string> {
  await page.waitForURL(/\/imports\/[\w-]+$/);
  await page.locator('[data-testid="import-status"][data-status="committed"]').waitFor().catch(async (e: unknown) => {
    await shot(page, 'imports', 'not-committed');
    throw e;
  });
  await page.locator('[data-testid="import-progress-bar"][data-percent="100"]').waitFor();
  return page.url().split('/').pop() ?? '';
}

async function compareCounts(page: Page, id: string): Promise<Batch> {
  const b = await apiGet<Batch>(page, `/api/v1/imports/${id}`);
  assert.equal(b.status, 'committed');
  assert.equal(await shown(page, 'result-rows-read'), b.rowsRead);
  assert.equal(await shown(page, 'result-created'), b.personsCreated);
  assert.equal(await shown(page, 'result-linked'), b.personsLinked);
  assert.equal(await shown(page, 'result-conflicts'), b.conflicts);
  assert.equal(await shown(page, 'result-rejected'), b.rowsRejected);
  assert.equal(await shown(page, 'result-unchanged'), b.rowsUnchanged);
  assert.equal(await shown(page, 'result-ended'), b.recordsEnded);
  return b;
}


describe('web console: imports', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let dir: string;
  before(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
    dir = await mkdtemp(join(tmpdir(), 'populus-web-imports-'));
    // A department system nobody has mapped yet (no profile): the editor's case.
    await server.demo.services.sources.define({ id: 'community-clinic', departmentId: 'street-population-office', nameZh: '社区卫生服务中心档案', nameEn: 'Community clinic records', level: 'street', owns: [] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('recent imports as the API lists them; an extract uploaded and followed to the end; counts equal the API', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/imports`);
    await page.getByTestId('imports-table').waitFor();
    const listed = await apiGet<{ items: Batch[]; total: number }>(page, '/api/v1/imports?limit=10');
    assert.ok(listed.total > 10, 'the demo street was loaded through imports, more than a page of them');
    const rows = page.locator('[data-testid="imports-table"] tr[data-testid^="import-row-"]');
    assert.equal(await rows.count(), 10);
    assert.match(await rows.first().innerText(), new RegExp(listed.items[0]?.fileName.replace(/\./g, '\\.') ?? 'x'));
    // antd puts the pager beside the table, inside its wrapper.
    const pager = page.locator('.ant-table-wrapper').filter({ has: page.getByTestId('imports-table') }).locator('.ant-pagination');
    assert.match(await pager.locator('.ant-pagination-total-text').innerText(), new RegExp(`共 ${listed.total} 条`));
    await shot(page, 'imports', 'list');
    // The second page is a new request for the next ten, as the API pages them.
    const second = await apiGet<{ items: Batch[]; total: number }>(page, '/api/v1/imports?limit=10&offset=10');
    const [asked] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/imports?') && r.url().includes('offset=10')),
      pager.locator('.ant-pagination-item-2').click(),
    ]);
    assert.equal(asked.status(), 200);
    await page.locator(`[data-testid="import-row-${second.items[0]?.id ?? ''}"]`).waitFor();
    const shownIds: (string | null)[] = [];
    for (let i = 0; i < (await rows.count()); i++) shownIds.push(await rows.nth(i).getAttribute('data-testid'));
    assert.deepEqual(shownIds, second.items.map((b) => `import-row-${b.id}`));
    await shot(page, 'imports', 'list-page-2');
    await pager.locator('.ant-pagination-item-1').click();
    await page.locator(`[data-testid="import-row-${listed.items[0]?.id ?? ''}"]`).waitFor();

    const lines = await extract(server, 'conscription-registration.csv', 8);
    const path = join(dir, '兵役登记-抽样.csv');
    await writeFile(path, `${lines.join('\n')}\n`);
    await choose(page, 'import-source', '兵役登记', true);
    await page.locator('input[type=file]').setInputFiles(path);
    await shot(page, 'imports', 'ready');
    await page.getByTestId('start-import').click();
    const id = await waitCommitted(page);
    await shot(page, 'imports', 'done');
    const b = await compareCounts(page, id);
    assert.equal(b.rowsRead, 8);
    assert.equal(b.fileName, '兵役登记-抽样.csv');
    // A sample of a full extract ends everyone it leaves out: roll it back, with a confirmation.
    assert.ok(b.recordsEnded > 0, 'the sample ended the records it left out');
    await confirmed(page, 'rollback', 'rollback-confirm');
    await page.locator('[data-testid="import-status"][data-status="rolled_back"]').waitFor();
    assert.equal((await apiGet<Batch>(page, `/api/v1/imports/${id}`)).status, 'rolled_back');
    await shot(page, 'imports', 'rolled-back');
    // The new import heads the list.
    await page.getByText('返回导入列表').click();
    await page.getByTestId('imports-table').waitFor();
    assert.match(await rows.first().innerText(), /兵役登记-抽样\.csv/);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('an officer sees their own sources only; bad rows are listed as the API gives them and download as CSV', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'civil');
    await page.goto(`${server.url}/imports`);
    await page.getByTestId('import-source').click();
    const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await options.first().waitFor();
    const all = await apiGet<{ id: string; departmentId: string; nameZh: string }[]>(page, '/api/v1/sources');
    const own = all.filter((s) => s.departmentId === 'civil-affairs');
    assert.ok(own.length > 0 && own.length < all.length);
    assert.equal(await options.count(), Math.min(own.length, await options.count()));
    // Read again while the dropdown re-renders (hidden for a moment): an empty look proves nothing.
    let texts: string[] = [];
    for (let i = 0; i < 50 && texts.length === 0; i++) {
      texts = await options.allInnerTexts();
      if (texts.length === 0) await page.waitForTimeout(100);
    }
    assert.ok(texts.length > 0, 'sources are offered');
    for (const t of texts) assert.ok(own.some((s) => s.nameZh === t), `${t} is a civil-affairs source`);
    assert.ok(!texts.some((t) => t.includes('公安')), 'no police source offered to civil affairs');
    await shot(page, 'imports', 'officer-sources');
    await page.keyboard.press('Escape');
    await dropdownsClosed(page);

    const lines = await extract(server, 'one-window-relief.csv', 8);
    const header = (lines[0] ?? '').split(',');
    const idCol = header.indexOf('身份证号码');
    const sexCol = header.indexOf('性别');
    const broken = lines.map((l, i) => {
      if (i !== 2 && i !== 5) return l;
      const cells = l.split(',');
      if (i === 2) cells[idCol] = `${(cells[idCol] ?? '').slice(0, 17)}${(cells[idCol] ?? '').endsWith('0') ? '1' : '0'}`;
      if (i === 5) cells[sexCol] = '不详x';
      return cells.join(',');
    });
    const path = join(dir, '一口上下-有错误.csv');
    await writeFile(path, `${broken.join('\n')}\n`);
    await choose(page, 'import-source', '一口上下', true);
    await page.locator('input[type=file]').setInputFiles(path);
    await page.getByTestId('start-import').click();
    const id = await waitCommitted(page);
    const b = await compareCounts(page, id);
    assert.ok(b.rowsRejected >= 2, `the two broken rows are rejected (${b.rowsRejected})`);
    await page.getByTestId('rejected-table').waitFor();
    const { items: rejected, total } = await apiGet<{ items: { row: number; reason: string }[]; total: number }>(page, `/api/v1/imports/${id}/rejected?limit=20`);
    assert.equal(total, rejected.length);
    const tableRows = page.locator('[data-testid="rejected-table"] tbody tr.ant-table-row');
    assert.equal(await tableRows.count(), rejected.length);
    const tableText = await page.getByTestId('rejected-table').innerText();
    for (const r of rejected) {
      assert.match(tableText, new RegExp(`\\b${r.row}\\b`));
      assert.match(tableText, new RegExp(r.reason));
    }
    assert.ok(rejected.some((r) => r.row === 3) && rejected.some((r) => r.row === 6), 'file rows 3 and 6 (after the header) are the broken ones');
    await shot(page, 'imports', 'rejected-rows');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('rejected-table').waitFor();
    await shot(page, 'imports', 'rejected-rows-phone');
    await page.setViewportSize({ width: 1366, height: 768 });

    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    assert.match(file.suggestedFilename(), /\.csv$/);
    const saved = join(dir, 'rejected.csv');
    await file.saveAs(saved);
    const csv = await readFile(saved, 'utf8');
    const csvRows = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '').slice(1);
    assert.equal(csvRows.length, rejected.length, 'one CSV line per rejected row');
    for (const [i, r] of rejected.entries()) assert.ok(csvRows[i]?.startsWith(`一口上下-有错误.csv,${r.row},`) && csvRows[i]?.includes(r.reason), csvRows[i]);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('a profile drafted from a new file, edited and checked as one types, stored as a new version and used by an import', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/imports`);
    const path = join(dir, 'clinic.csv');
    await writeFile(path, ['档案号,姓名,性别,出生日期,联系电话,婚姻状况,备注', 'C-001,陈晓明,男,1962-05-01,13912340001,已婚,', 'C-002,林美华,女,1971-11-23,13912340002,丧偶,随访', 'C-003,赵一鸣,男,1988-02-14,,未婚,'].join('\n') + '\n');
    await choose(page, 'import-source', '社区卫生服务中心', true);
    await page.locator('input[type=file]').setInputFiles(path);
    assert.equal(await page.getByTestId('start-import').isDisabled(), true, 'no import before the source has a profile');
    await page.getByTestId('draft-profile').click();
    await page.getByTestId('profile-table').waitFor();
    // The drafter's proposal: names, sex, birth date, phone, marital status mapped; 档案号 and 备注 not.
    const draft = await page.getByTestId('profile-table').innerText();
    for (const h of ['档案号', '姓名', '性别', '出生日期', '联系电话', '婚姻状况', '备注']) assert.match(draft, new RegExp(h));
    await page.getByTestId('unmapped-columns').waitFor();
    await shot(page, 'imports', 'draft');
    // The marital status column's local words mapped to the national codes (GB/T 2261.2) by the draft.
    await page.locator('[data-testid="profile-row-婚姻状况"] .ant-table-row-expand-icon').click();
    const codes = page.getByTestId('codemap-maritalStatus');
    await codes.waitFor();
    for (const local of ['已婚', '丧偶', '未婚']) assert.match(await codes.innerText(), new RegExp(local));
    await shot(page, 'imports', 'draft-codes');

    // 档案号 keeps the record key; without a key the check refuses as the API would.
    await choose(page, 'target-档案号', '仅保留在记录中');
    // Clear the drafted key through each tag's remove button (no dropdown to animate), wait until the
    // field is empty, then the check shows the problem.
    const keyTags = page.locator('[data-testid="record-key"] .ant-select-selection-item:visible');
    for (let i = 0; i < 10 && (await keyTags.count()) > 0; i++) await keyTags.first().locator('.ant-select-selection-item-remove').click();
    await keyTags.first().waitFor({ state: 'detached' });
    await page.getByTestId('profile-problems').waitFor();
    assert.match(await page.getByTestId('profile-problems').innerText(), /recordKey[\s\S]*记录标识列/, 'the API’s problem, in Chinese');
    assert.equal(await page.getByTestId('profile-save').isDisabled(), true, 'a profile with problems is not saved');
    await shot(page, 'imports', 'draft-problem');
    await page.getByTestId('record-key').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '档案号' }).first().click();
    await keyTags.filter({ hasText: '档案号' }).first().waitFor();
    await page.keyboard.press('Escape');
    await dropdownsClosed(page);
    await page.getByTestId('profile-valid').waitFor().catch(async (e: unknown) => {
      await shot(page, 'imports', 'not-valid-after-key');
      throw e;
    });
    await shot(page, 'imports', 'draft-valid');
    await page.getByTestId('profile-save').click();
    await page.getByTestId('profile-saved').waitFor();
    const stored = await apiGet<{ version: number; profile: { recordKey: string[]; columns: { column: string; target: Record<string, unknown> }[] } }>(page, '/api/v1/sources/community-clinic/profile');
    assert.equal(stored.version, 1);
    assert.deepEqual(stored.profile.recordKey, ['档案号']);
    assert.deepEqual(stored.profile.columns.find((c) => c.column === '档案号')?.target, { ignore: true });
    assert.ok(!stored.profile.columns.some((c) => c.column === '备注'), 'the column left unmapped is not in the profile');
    assert.match(await page.getByTestId('profile-saved').innerText(), /第 1 版/);
    await page.getByTestId('profile-close').click();
    await page.getByTestId('profile-version').waitFor();
    assert.match(await page.getByTestId('profile-version').innerText(), /第 1 版/);
    // The stored version opens again in the editor, as valid as it was saved.
    await page.getByTestId('edit-profile').click();
    await page.getByTestId('profile-valid').waitFor().catch(async (e: unknown) => {
      await shot(page, 'imports', 'current-not-valid');
      throw e;
    });
    assert.match(await page.getByTestId('profile-editor').innerText(), /当前映射方案第 1 版/);
    assert.equal(await page.locator('[data-testid="profile-table"] tr[data-testid^="profile-row-"]').count(), stored.profile.columns.length);
    await page.getByTestId('profile-close').click();

    // The stored profile imports the file.
    await page.getByTestId('start-import').click();
    const id = await waitCommitted(page);
    const b = await compareCounts(page, id);
    assert.equal(b.rowsRead, 3);
    assert.equal(b.rowsRejected, 0);
    await shot(page, 'imports', 'clinic-imported');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
