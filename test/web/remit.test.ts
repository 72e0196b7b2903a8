/**
 * The remit in a real browser: a department officer (the family-planning office, whose remit is
 * identity, residence, household, marital status and phone of women aged 15–49, by
 * catalogue/remits.json) visits the search, a profile (every tab), the dwelling the person lives
 * in, the housing start and the dashboard, and no element outside the remit appears anywhere in
 * the page text — neither its name nor the person's value of it (both taken from what the street
 * administrator is shown of the same person) — nor anyone outside the remit living in the same
 * dwelling; ID numbers appear only masked (first 3 and last 4). Screenshots of each step.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { defaultDataDir } from '../../src/reference/data-dir.ts';
import { ageOn, todayIso } from '../../src/domain/dates.ts';
import { residenceInForce } from '../../src/domain/population-category.ts';
import type { PersonView } from '../../src/services/person.service.ts';
import { HOME } from '../support/report-demo.ts';
import { logIn, newPage, pageErrors, shot, type ConsoleServer, consoleSuite } from './support/console-harness.ts';

const T = 'remit';
const FULL_ID = /(?<![\d*])\d{17}[\dX](?![\d*])/;
const MASKED_ID = /\d{3}\*{11}[\dX]{4}/;

interface RemitFile {
  elementGroups: Record<string, string[]>;
  departments: {
    departmentId: string;
    grants: { purposes: string[]; elements?: string[]; sensitivityUpTo?: string; kinds?: string[] }[];
  }[];
}

/** The elements a department's grant for a purpose lets it read, expanded from the remit file itself. */
function allowedElements(departmentId: string, purpose: string): { elements: Set<string>; kinds: string[] } {
  const remits = JSON.parse(readFileSync(join(defaultDataDir(), 'catalogue', 'remits.json'), 'utf8')) as RemitFile;
  const grant = remits.departments.find((d) => d.departmentId === departmentId)?.grants.find((g) => g.purposes.includes(purpose));
  assert.ok(grant, `a grant of ${departmentId} for ${purpose}`);
  assert.equal(grant.sensitivityUpTo, undefined, 'the grant names its elements');
  const elements = new Set((grant.elements ?? []).flatMap((e) => (e.startsWith('$') ? (remits.elementGroups[e] ?? []) : [e])));
  return { elements, kinds: grant.kinds ?? [] };
}

async function get<R>(context: BrowserContext, base: string, purpose: string, path: string): Promise<{ status: number; body: R }> {
  const r = await context.request.get(`${base}${path}`, { headers: { 'x-purpose': purpose } });
  return { status: r.status(), body: (await r.json()) as R };
}

describe('web console: nothing outside the remit', () => {
  let server: ConsoleServer;
  let browser: Browser;
  const today = todayIso();

  consoleSuite((s) => void ({ server, browser } = s));

  test('a family-planning officer sees only identity, residence, household, marital status and phone of women aged 15–49', async () => {
    const purpose = 'FAMILY_PLANNING_SERVICE';
    const { elements: allowed, kinds } = allowedElements('health-family-planning', purpose);
    assert.deepEqual(kinds, ['women-15-49']);
    const catalogue = (
      JSON.parse(readFileSync(join(defaultDataDir(), 'catalogue', 'elements.json'), 'utf8')) as {
        elements: { id: string; nameZh: string; codeTableId: string | null }[];
      }
    ).elements;

    // Of the women 15–49 living here, the one with most values outside the remit, sharing a dwelling with someone outside it.
    const db = server.demo.store.db;
    const ids = (await db.selectFrom('person').select('id').where('status', '=', 'active').orderBy('id').execute()).map((r) => r.id);
    const views = await Promise.all(ids.map((id) => server.demo.services.persons.get(id, undefined, { masked: false })));
    const byId = new Map(views.map((v) => [v.person.id, v]));
    const val = (v: PersonView, e: string): string | undefined => v.values.find((x) => x.elementId === e)?.value;
    const woman = (v: PersonView): boolean => {
      const b = val(v, 'person.birthDate');
      return val(v, 'person.sex') === '2' && b !== undefined && ageOn(b, today) >= 15 && ageOn(b, today) < 50;
    };
    const dwellingOf = (v: PersonView): string | null => residenceInForce(v.residences, 'actual', today)?.dwellingId ?? null;
    const housemates = new Map<string, PersonView[]>();
    for (const v of views) {
      const d = dwellingOf(v);
      if (d && residenceInForce(v.residences, 'actual', today)?.areaCode.startsWith(HOME))
        housemates.set(d, [...(housemates.get(d) ?? []), v]);
    }
    const candidates = views.filter(
      (v) =>
        woman(v) &&
        v.identifiers.some((i) => i.type === 'CN_ID') &&
        residenceInForce(v.residences, 'actual', today)?.areaCode.startsWith(HOME) === true &&
        (housemates.get(dwellingOf(v) ?? '') ?? []).some((h) => !woman(h)),
    );
    const outside = (v: PersonView): number => v.values.filter((x) => !allowed.has(x.elementId)).length;
    const her = candidates.sort((a, b) => outside(b) - outside(a) || a.person.id.localeCompare(b.person.id))[0];
    assert.ok(her, 'a woman of 15–49 living with someone outside the remit');
    const herName = val(her, 'person.name') ?? '';
    const others = (housemates.get(dwellingOf(her) ?? '') ?? []).filter((h) => !woman(h));
    const otherNames = others
      .map((o) => val(o, 'person.name') ?? '')
      .filter((n) => n.length >= 2 && n !== herName && !views.some((v) => woman(v) && val(v, 'person.name') === n));

    // What the street administrator is shown of her: the elements and values outside the family office's remit.
    const street = await newPage(browser);
    await logIn(street.page, server.url, 'street');
    const streetView = await get<PersonView>(street.context, server.url, 'POPULATION_SERVICE', `/api/v1/persons/${her.person.id}`);
    assert.equal(streetView.status, 200);
    await street.page.goto(`${server.url}/persons/${her.person.id}`);
    await street.page.locator('[data-testid="current-values"] [data-testid="value-row"]').first().waitFor();
    await shot(street.page, T, 'street-sees');
    const forbidden = streetView.body.values.filter((x) => !allowed.has(x.elementId));
    assert.ok(forbidden.length >= 3, `the street sees more of her (${forbidden.map((f) => f.elementId).join(', ')})`);
    const allowedShown = new Set(streetView.body.values.filter((x) => allowed.has(x.elementId)).map((x) => x.value));
    const forbiddenTexts = new Set<string>();
    for (const f of forbidden) {
      const el = catalogue.find((e) => e.id === f.elementId);
      assert.ok(el);
      forbiddenTexts.add(el.nameZh);
      // A coded value is shown by its name (学历 20 → 大学本科); a bare code or number would match any date on the page.
      const words: string[] = /^[\d.-]+$/.test(f.value) ? [] : [f.value];
      if (el.codeTableId) {
        const entry = await get<{ nameZh: string }>(
          street.context,
          server.url,
          'POPULATION_SERVICE',
          `/api/v1/standard/code-tables/${el.codeTableId}/entries/${encodeURIComponent(f.value)}`,
        );
        assert.equal(entry.status, 200, `${el.codeTableId} ${f.value}`);
        words.push(entry.body.nameZh);
      }
      for (const w of words) if (w.length >= 2 && w !== 'true' && w !== 'false' && !allowedShown.has(w)) forbiddenTexts.add(w);
    }
    await street.context.close();

    const { context, page } = await newPage(browser);
    await logIn(page, server.url, 'family');
    const session = (await (await context.request.get(`${server.url}/api/v1/session`)).json()) as { purposes: string[] };
    assert.equal(session.purposes[0], purpose, 'the console states the family-planning purpose (the first of the officer’s)');
    // The dashboard names catalogue things whose names contain a kind's name (its freshness list names the sources' systems: 工会困难职工帮扶系统); those are reference data, not a person's values.
    const kindNames = new Set(
      (JSON.parse(readFileSync(join(defaultDataDir(), 'catalogue', 'kinds.json'), 'utf8')) as { kinds: { nameZh: string }[] }).kinds.map(
        (k) => k.nameZh,
      ),
    );
    const check = async (where: string, catalogueListed = false): Promise<string> => {
      const text = await page.locator('body').innerText();
      for (const w of forbiddenTexts)
        if (!(catalogueListed && kindNames.has(w))) assert.equal(text.includes(w), false, `${where}: "${w}" is outside the remit`);
      for (const n of otherNames) assert.equal(text.includes(n), false, `${where}: ${n} is outside the remit`);
      assert.doesNotMatch(text, FULL_ID, `${where}: a full ID number`);
      return text;
    };

    // The search, by her name: found, masked.
    await page.goto(`${server.url}/persons?by=name&q=${encodeURIComponent(herName)}`);
    await page.locator('[data-testid="search-name"]', { hasText: herName }).first().waitFor();
    assert.match(await check('search'), MASKED_ID);
    await shot(page, T, 'family-search');
    // The dashboard's kind of filter within the remit; a kind outside it finds nobody.
    await page.goto(`${server.url}/persons?area=${HOME}&kind=party-member`);
    await page.locator('[data-testid="search-total"][data-total="0"]').waitFor();
    await check('search by a kind outside the remit');
    await page.goto(`${server.url}/persons?area=${HOME}&sex=1`);
    await page.locator('[data-testid="search-total"][data-total="0"]').waitFor();
    await shot(page, T, 'family-no-men');

    // Her profile, every tab.
    await page.goto(`${server.url}/persons/${her.person.id}`);
    await page.locator('[data-testid="current-values"] [data-testid="value-row"]').first().waitFor();
    const shownElements = await page
      .locator('[data-testid="current-values"] [data-testid="value-row"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-element') ?? ''));
    for (const e of shownElements) assert.ok(allowed.has(e), `${e} is within the remit`);
    assert.ok(shownElements.includes('person.name'));
    await check('profile');
    await shot(page, T, 'family-profile');
    for (const [tab, key] of [
      ['居住与户籍', 'residence'],
      ['家庭户', 'household'],
      ['证件', 'documents'],
      ['历史值', 'history'],
      ['数据使用记录', 'uses'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tab', { name: tab, selected: true }).waitFor();
      await page.waitForLoadState('networkidle');
      const text = await check(`profile ${tab}`);
      if (tab === '证件') assert.match(text, MASKED_ID);
      await shot(page, T, `family-profile-${key}`);
    }

    // The dwelling she lives in: only the residents within the remit.
    await page.goto(`${server.url}/housing/dwellings/${dwellingOf(her)}`);
    await page.getByTestId('dwelling-view').waitFor();
    await page.locator('[data-testid="residents-actual"] [data-testid="resident-name"]', { hasText: herName }).waitFor();
    await page.waitForLoadState('networkidle');
    const residents = await page
      .locator('[data-testid="resident"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-person-id') ?? ''));
    for (const id of residents) assert.ok(woman(byId.get(id) as PersonView), 'every resident shown is a woman of 15–49');
    await check('dwelling');
    await shot(page, T, 'family-dwelling');

    // Someone outside the remit is answered as missing.
    const man = others[0]!;
    await page.goto(`${server.url}/persons/${man.person.id}`);
    await page.getByTestId('profile-not-found').waitFor();
    await check('a person outside the remit');
    await shot(page, T, 'family-outside');

    // The other pages the officer can reach.
    await page.goto(`${server.url}/housing`);
    await page.waitForLoadState('networkidle');
    await check('housing');
    await page.goto(`${server.url}/`);
    await page.waitForLoadState('networkidle');
    await shot(page, T, 'family-dashboard');
    await check('dashboard', true);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
