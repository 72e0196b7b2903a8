/**
 * The report pages in a real browser, as the street administrator: the monthly actual-population
 * report run for the street, a figure on the page checked against the API's kept run, the XLSX of
 * that run downloaded and opened (exceljs) with the same figure, a second run shown as unchanged,
 * and a schedule created and deleted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, logIn, newPage, pageErrors, PHONE, shot, startConsoleServer, type ConsoleServer } from './support/console-harness.ts';

/** Waits until the condition holds (checked every 100 ms; the page's CSP forbids string predicates in the page). */
async function until(page: Page, what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

interface Result {
  area: { code: string; name: string };
  asOf: string;
  columns: { key: string; label: { zh: string }; type: string }[];
  rows: { cells: (string | number | null)[]; role: string; label?: { zh: string } }[];
  personCount: number;
}

const digits = (s: string): number => Number(s.replace(/[^\d.-]/g, ''));

describe('web console: reports', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'populus-report-dl-'));
    server = await startConsoleServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the street runs the monthly actual-population report; page, API and XLSX agree', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/reports`);
    await page.getByTestId('reports-table').waitFor();
    await shot(page, 'reports', 'catalogue');
    await page.getByTestId('report-actual-population-monthly').click();
    await page.getByTestId('report-detail').waitFor();
    await page.getByTestId('run-form').getByText('新华路街道').waitFor();
    await page.getByTestId('run-report').click();
    await page.getByTestId('run-view').waitFor();
    await page.getByTestId('report-result').waitFor();
    await shot(page, 'reports', 'result');

    const runId = (await page.getByTestId('run-id').innerText()).trim();
    const kept = (await (await page.request.get(`${server.url}/api/v1/reports/actual-population-monthly/runs/${runId}`)).json()) as { run: { areaCode: string; comparison: string; personCount: number }; result: Result };
    assert.equal(kept.run.areaCode, '310105004', 'run for the street');
    assert.equal(kept.run.comparison, 'first');
    assert.equal(digits(await page.getByTestId('run-persons').innerText()), kept.run.personCount);
    const r = kept.result;
    const totalIndex = r.rows.findIndex((x) => x.role === 'total');
    assert.ok(totalIndex >= 0, 'the report has a total row');
    const colIndex = r.columns.findIndex((c) => c.label.zh === '实有人口小计');
    assert.ok(colIndex > 0, 'the report has the actual-population subtotal');
    const col = r.columns[colIndex];
    assert.ok(col);
    // On screen as a chart too: one bar per committee of the last count column (合计) by default, any numeric column chosen.
    const chart = page.getByTestId('report-chart');
    await chart.waitFor();
    const lastCount = r.columns.filter((c) => c.type === 'count').at(-1);
    assert.ok(lastCount);
    assert.match((await chart.getAttribute('aria-label')) ?? '', new RegExp(lastCount.label.zh));
    await page.getByTestId('chart-column').click();
    await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: '实有人口小计' }).click();
    await until(page, 'the chart shows the chosen column', async () => ((await chart.getAttribute('aria-label')) ?? '').includes('实有人口小计'));
    assert.ok(((await chart.boundingBox())?.height ?? 0) > 100, 'the chart is drawn');
    const figure = r.rows[totalIndex]?.cells[colIndex];
    assert.equal(typeof figure, 'number');
    assert.ok((figure as number) > 0);
    const shown = await page.getByTestId(`cell-${totalIndex}-${col.key}`).innerText();
    assert.equal(digits(shown), figure, 'the page shows the API’s figure');
    // Every committee row as the API has it too.
    for (const [i, row] of r.rows.entries()) {
      if (row.role !== 'data') continue;
      assert.equal(digits(await page.getByTestId(`cell-${i}-${col.key}`).innerText()), row.cells[colIndex]);
    }
    assert.match(await page.getByTestId('report-result').locator('thead').innerText(), /人在户在/);

    // The XLSX of the kept run, downloaded by the page.
    await page.getByTestId('download-menu').hover();
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
    const path = join(dir, dl.suggestedFilename());
    await dl.saveAs(path);
    assert.match(dl.suggestedFilename(), /\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const sheet = wb.worksheets[0];
    assert.ok(sheet, 'the workbook has a sheet');
    const totalLabel = String(r.rows[totalIndex]?.cells[0] ?? '合计');
    let headerCol = -1;
    let headerRow = -1;
    let totalRow = -1;
    sheet.eachRow((row, rowNo) => {
      row.eachCell((cell, colNo) => {
        const text = String(cell.value ?? '').trim();
        if (text === '实有人口小计' && headerRow === -1) {
          headerCol = colNo;
          headerRow = rowNo;
        } else if (text === totalLabel && headerRow > 0 && rowNo > headerRow && totalRow === -1) totalRow = rowNo;
      });
    });
    assert.ok(headerCol > 0 && totalRow > 0, 'the XLSX has the subtotal column and the total row');
    const v = sheet.getRow(totalRow).getCell(headerCol).value;
    const number = typeof v === 'object' && v !== null && 'result' in v ? Number(v.result) : Number(v);
    assert.equal(number, figure, `the XLSX holds the same figure (${JSON.stringify(v)})`);
    await shot(page, 'reports', 'downloaded');

    // Run again: kept, and unchanged since the first.
    await page.getByTestId('run-report').click();
    await until(page, 'the second run is shown', async () => (await page.getByTestId('run-id').innerText()).trim() !== runId);
    await page.getByTestId('run-view').getByTestId('run-comparison').getByText('无变化').waitFor();
    const runs = (await (await page.request.get(`${server.url}/api/v1/reports/actual-population-monthly/runs`)).json()) as { id: string; comparison: string }[];
    assert.equal(runs.length, 2, 'both runs are kept');
    assert.equal(runs[0]?.comparison, 'unchanged');
    await until(page, 'both runs are listed', async () => (await page.getByTestId('runs-table').locator('tbody tr.ant-table-row').count()) === 2);
    assert.match(await page.getByTestId('runs-table').innerText(), /无变化/);
    assert.match(await page.getByTestId('runs-table').innerText(), /首次生成/);
    await shot(page, 'reports', 'second-run-unchanged');
    // English a click away: the same result, its labels in English.
    await page.getByTestId('lang-switch').click();
    assert.equal(await page.getByTestId('report-title').innerText(), 'Actual population monthly report');
    assert.match(await page.getByTestId('report-result').locator('thead').innerText(), /Registered and living here/);
    assert.equal(digits(await page.getByTestId(`cell-${totalIndex}-${col.key}`).innerText()), figure);
    await shot(page, 'reports', 'english');
    await page.getByTestId('lang-switch').click();

    // Someone moves in: the next run is changed, and the page says what changed as the API does.
    await server.demo.services.persons.create({
      values: { 'person.name': '新来者', 'person.sex': '2', 'person.birthDate': '1990-05-06' },
      residences: [
        { kind: 'registered', areaCode: '310105004001', validFrom: '2020-01-01' },
        { kind: 'actual', areaCode: '310105004001', validFrom: '2020-01-01' },
      ],
    });
    const secondId = (await page.getByTestId('run-id').innerText()).trim();
    await page.getByTestId('run-report').click();
    await until(page, 'the third run is shown', async () => (await page.getByTestId('run-id').innerText()).trim() !== secondId);
    await page.getByTestId('run-view').getByTestId('run-comparison').getByText('有变化').waitFor();
    const thirdId = (await page.getByTestId('run-id').innerText()).trim();
    const third = (await (await page.request.get(`${server.url}/api/v1/reports/actual-population-monthly/runs/${thirdId}`)).json()) as { run: { comparison: string; summary: { zh: string } | null; changes: { cells: { row: string; column: string; old: number; new: number }[] } | null } };
    assert.equal(third.run.comparison, 'changed');
    const changesText = await page.getByTestId('run-changes').innerText();
    assert.ok(third.run.summary !== null && changesText.includes(third.run.summary.zh), 'the summary is shown');
    const cells = third.run.changes?.cells ?? [];
    assert.ok(cells.length > 0);
    for (const c of cells.slice(0, 10)) assert.ok(changesText.includes(c.row) && changesText.includes(c.column), `${c.row} / ${c.column} is shown`);
    await shot(page, 'reports', 'changed');

    // The second run reproduced as the record was known when it read: the newcomer is not counted, and it is unchanged.
    await until(page, 'three runs are listed', async () => (await page.getByTestId('runs-table').locator('tbody tr.ant-table-row').count()) === 3);
    const secondPersons = digits(await page.getByTestId('runs-table').locator('tbody tr.ant-table-row').nth(1).locator('td').nth(3).innerText());
    await page.getByTestId('runs-table').locator('tbody tr.ant-table-row').nth(1).getByTestId('reproduce-run').click();
    await until(page, 'the reproduction is shown', async () => ![secondId, thirdId].includes((await page.getByTestId('run-id').innerText()).trim()));
    await page.getByTestId('run-view').getByTestId('run-comparison').getByText('无变化').waitFor();
    assert.equal(digits(await page.getByTestId('run-persons').innerText()), secondPersons, 'counted as the second run counted, before the newcomer');
    const second = (await (await page.request.get(`${server.url}/api/v1/reports/actual-population-monthly/runs/${secondId}`)).json()) as { run: { knownAt: string } };
    assert.ok((await page.getByTestId('run-known-at').innerText()).includes(second.run.knownAt.slice(0, 10)), 'the instant of the record is shown');
    await shot(page, 'reports', 'reproduced');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('a statistical table with a multi-row header shows merged header cells; its figures are the API’s', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/reports/elderly-statistics`);
    await page.getByTestId('run-form').getByText('新华路街道').waitFor();
    await page.getByTestId('run-report').click();
    await page.getByTestId('report-result').waitFor();
    const runId = (await page.getByTestId('run-id').innerText()).trim();
    const kept = (await (await page.request.get(`${server.url}/api/v1/reports/elderly-statistics/runs/${runId}`)).json()) as { result: Result & { header: { label: { zh: string }; colSpan: number; rowSpan: number }[][] } };
    const header = kept.result.header;
    assert.ok(header.length > 1, 'the definition has a multi-row header');
    const thead = page.getByTestId('report-result').locator('thead');
    assert.equal(await thead.locator('tr').count(), header.length, 'as many header rows as the result has');
    for (const cell of header.flat().filter((c) => c.colSpan > 1)) {
      assert.equal(await thead.locator(`th[colspan="${cell.colSpan}"]`, { hasText: cell.label.zh }).count() >= 1, true, `${cell.label.zh} spans ${cell.colSpan} columns`);
    }
    const total = kept.result.rows.findIndex((x) => x.role === 'total');
    assert.ok(total >= 0);
    for (const [i, c] of kept.result.columns.entries()) {
      const v = kept.result.rows[total]?.cells[i];
      if (typeof v !== 'number' || c.type !== 'count') continue;
      assert.equal(digits(await page.getByTestId(`cell-${total}-${c.key}`).innerText()), v, `${c.key} of the total row`);
    }
    await shot(page, 'reports', 'merged-header');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('schedules are created and deleted by those who may define reports', async () => {
    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'street');
    await page.goto(`${server.url}/reports/schedules`);
    await page.getByTestId('new-schedule').click();
    const modal = page.locator('.ant-modal:visible');
    await modal.locator('.ant-select').first().click();
    await page.keyboard.type('实有人口');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '实有人口情况月报表' }).first().waitFor();
    await page.keyboard.press('Enter');
    await modal.locator('.ant-select').nth(1).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '新华路街道' }).first().waitFor();
    await page.keyboard.press('Enter');
    await shot(page, 'reports', 'new-schedule');
    await modal.getByRole('button', { name: '创 建' }).or(modal.getByRole('button', { name: '创建' })).click();
    await page.getByTestId('schedules-table').waitFor();
    const list = (await (await page.request.get(`${server.url}/api/v1/report-schedules`)).json()) as { id: string; definitionId: string; areaCode: string; period: string; nextDue: string }[];
    assert.equal(list.length, 1);
    assert.equal(list[0]?.definitionId, 'actual-population-monthly');
    assert.equal(list[0]?.areaCode, '310105004');
    assert.equal(list[0]?.period, 'monthly');
    assert.match(await page.getByTestId('schedules-table').innerText(), new RegExp(list[0]?.nextDue ?? 'x'));
    await shot(page, 'reports', 'schedules');
    await page.getByTestId('delete-schedule').click();
    await page.locator('.ant-popconfirm:visible').getByRole('button', { name: '删除' }).or(page.locator('.ant-popconfirm:visible').getByRole('button', { name: '删 除' })).click();
    await page.getByText('还没有定时生成的报表').waitFor();
    assert.deepEqual((await (await page.request.get(`${server.url}/api/v1/report-schedules`)).json()) as unknown[], []);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('on a phone, the committee worker runs the report for the committee; the figures are the committee’s', async () => {
    const { context, page } = await newPage(browser, PHONE);
    await logIn(page, server.url, 'committee');
    await page.goto(`${server.url}/reports/actual-population-monthly`);
    await page.getByTestId('run-form').getByText('番禺居委会').waitFor();
    await page.getByTestId('run-report').click();
    await page.getByTestId('report-result').waitFor();
    await shot(page, 'reports', 'phone-committee');
    const runId = (await page.getByTestId('run-id').innerText()).trim();
    const kept = (await (await page.request.get(`${server.url}/api/v1/reports/actual-population-monthly/runs/${runId}`)).json()) as { run: { areaCode: string; personCount: number }; result: Result };
    assert.equal(kept.run.areaCode, '310105004001', 'run for the worker’s committee');
    assert.equal(digits(await page.getByTestId('run-persons').innerText()), kept.run.personCount);
    const width = await page.locator('html').evaluate((el: { scrollWidth: number }) => el.scrollWidth);
    assert.ok(Number(width) <= 390 + 1, `the page does not scroll sideways on a phone (${String(width)})`);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
