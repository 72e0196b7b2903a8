/**
 * Reports over HTTP (issue 8): runs by a street administrator, a committee worker (only their
 * committee's persons counted) and a department officer (refused outside their remit); downloads
 * as XLSX, CSV and PDF; a custom YAML definition created, versioned and run; re-runs unchanged
 * (same hash) and changed (saying what changed); the audit entry durable before the answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { buildApp } from '../../src/api/app.ts';
import { signedIn, type Client } from '../support/api-client.ts';
import { HOME, reportDemo, type ReportDemo } from '../support/report-demo.ts';

interface RunBody {
  run: {
    id: string;
    areaCode: string;
    contentHash: string;
    comparison: string;
    personCount: number;
    changes: { cells: { row: string; column: string; old: unknown; new: unknown }[] } | null;
    summary: { zh: string; en: string } | null;
    purpose: string;
  };
  result: {
    personCount: number;
    rows: { cells: (string | number | null)[]; role: string }[];
    columns: { key: string }[];
    area: { code: string };
  };
}

describe('reports API', () => {
  let demo: ReportDemo;
  let app: FastifyInstance;
  let street: Client;
  let committee: Client;
  let civil: Client;
  let committeeCode: string;
  const asOf = new Date().toISOString().slice(0, 10);

  const audited = async (action: string): Promise<{ detail: string | null; person_ids: string; purpose: string }[]> =>
    demo.store.db
      .selectFrom('audit_entry')
      .select(['detail', 'person_ids', 'purpose'])
      .where('action', '=', action)
      .orderBy('seq')
      .execute();

  const run = async (c: Client, id: string, body: Record<string, unknown>) =>
    c({ method: 'POST', url: `/api/v1/reports/${id}/runs`, payload: body });

  before(async () => {
    demo = await reportDemo();
    app = await buildApp({ services: demo.services, access: demo.access, reports: demo.reports, logLevel: 'silent' });
    const committees = await demo.services.areas.children(HOME);
    assert.ok(committees.length > 1);
    committeeCode = committees[0]!.code;
    street = await signedIn(app, demo.access, { role: 'street-admin', areaCodes: [HOME] }, null);
    committee = await signedIn(app, demo.access, { role: 'committee-worker', areaCodes: [committeeCode] }, null);
    civil = await signedIn(app, demo.access, { role: 'department-officer', departmentId: 'civil-affairs' }, null);
  });
  after(async () => {
    await app.close();
    await demo.close();
  });

  test('lists the shipped definitions and reads one in full', async () => {
    const list = await street('/api/v1/reports');
    assert.equal(list.statusCode, 200, list.body);
    const ids = (list.json() as { id: string; origin: string }[]).map((d) => d.id);
    assert.ok(ids.includes('actual-population-monthly'));
    const one = await street('/api/v1/reports/actual-population-monthly');
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().definition.kind, 'table');
    assert.equal((await street('/api/v1/reports/no-such-report')).json().code, 'REPORT_NOT_FOUND');
  });

  test('a street administrator runs the monthly report; audited (durable) before the answer', async () => {
    const before = (await audited('report.run')).length;
    const r = await run(street, 'actual-population-monthly', { area: HOME, asOf, format: 'xlsx' });
    assert.equal(r.statusCode, 201, r.body);
    const body = r.json() as RunBody;
    assert.ok(body.result.personCount > 0);
    assert.match(body.run.contentHash, /^[0-9a-f]{64}$/);
    const entries = await audited('report.run');
    assert.equal(entries.length, before + 1, 'the audit entry is in the log when the answer arrives');
    const detail = JSON.parse(entries.at(-1)!.detail ?? '{}') as { report: string; area: string; asOf: string };
    assert.deepEqual([detail.report, detail.area, detail.asOf], ['actual-population-monthly', HOME, asOf]);
    assert.equal((JSON.parse(entries.at(-1)!.person_ids) as string[]).length, body.result.personCount);
  });

  test('a report for every committee at once: one run each, equal to running them one by one, each audited', async () => {
    const codes = (await demo.services.areas.children(HOME)).map((a) => a.code);
    const before = (await audited('report.run')).length;
    const r = await street({
      method: 'POST',
      url: '/api/v1/reports/actual-population-monthly/runs/batch',
      payload: { areas: codes, asOf },
    });
    assert.equal(r.statusCode, 201, r.body);
    const runs = (r.json() as { runs: RunBody[] }).runs;
    assert.deepEqual(
      runs.map((x) => x.run.areaCode),
      codes,
      'one run per committee, in the order asked',
    );
    assert.equal((await audited('report.run')).length, before + codes.length, 'one audit entry per committee');
    for (const [i, code] of codes.slice(0, 3).entries()) {
      const alone = (await run(street, 'actual-population-monthly', { area: code, asOf })).json() as RunBody;
      assert.deepEqual(alone.result.rows, runs[i]?.result.rows, `committee ${code}: the same table as a run of its own`);
      assert.equal(alone.run.contentHash, runs[i]?.run.contentHash);
    }
    const street1 = (await run(street, 'actual-population-monthly', { area: HOME, asOf })).json() as RunBody;
    assert.equal(
      runs.reduce((n, x) => n + x.result.personCount, 0),
      street1.result.personCount,
      'the committees together count the street',
    );
    const refused = await street({
      method: 'POST',
      url: '/api/v1/reports/actual-population-monthly/runs/batch',
      payload: { areas: [codes[0], '310105999001'], asOf },
    });
    assert.equal(refused.json().code, 'AREA_NOT_FOUND', 'an area outside the street refuses the whole batch');
  });

  test('a committee worker counts only their own committee, even for the whole street', async () => {
    const mine = (await run(committee, 'actual-population-monthly', { area: HOME, asOf })).json() as RunBody;
    const theirs = (await run(street, 'actual-population-monthly', { area: committeeCode, asOf })).json() as RunBody;
    const all = (await run(street, 'actual-population-monthly', { area: HOME, asOf })).json() as RunBody;
    assert.ok(mine.result, JSON.stringify(mine));
    assert.equal(mine.result.personCount, theirs.result.personCount, 'the committee worker sees exactly their committee');
    assert.ok(mine.result.personCount < all.result.personCount);
  });

  test('a department officer runs their department’s report, and is refused outside their remit; residents and auditors never', async () => {
    const ok = await run(civil, 'elderly-statistics', { area: HOME, asOf });
    assert.equal(ok.statusCode, 201, ok.body);
    const refused = await run(civil, 'women-15-49', { area: HOME, asOf });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json().code, 'NOT_ALLOWED');
    const notTheirs = await run(street, 'elderly-roster', { area: HOME, asOf });
    assert.equal(notTheirs.json().code, 'PURPOSE_NOT_ALLOWED', 'a street administrator does not hold ELDERLY_CARE');
    const auditor = await signedIn(app, demo.access, { role: 'auditor' }, null);
    assert.equal((await run(auditor, 'actual-population-monthly', { area: HOME, asOf })).statusCode, 403);
  });

  test('downloads a kept run as XLSX, CSV and PDF with the right content type and file name', async () => {
    const made = (await run(street, 'actual-population-monthly', { area: HOME, asOf, format: 'xlsx' })).json() as RunBody;
    const types = {
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      csv: 'text/csv',
      pdf: 'application/pdf',
    } as const;
    for (const [format, type] of Object.entries(types)) {
      const r = await street(
        `/api/v1/reports/actual-population-monthly/runs/${made.run.id}/download?format=${format}&preparedBy=${encodeURIComponent('张三')}`,
      );
      assert.equal(r.statusCode, 200, `${format}: ${r.body.slice(0, 200)}`);
      assert.ok(String(r.headers['content-type']).startsWith(type), `${format}: ${String(r.headers['content-type'])}`);
      assert.match(String(r.headers['content-disposition']), new RegExp(`attachment;.*\\.${format}`));
      assert.ok(r.rawPayload.length > 100);
    }
    const xlsx = await street(`/api/v1/reports/actual-population-monthly/runs/${made.run.id}/download?format=xlsx`);
    assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
    const pdf = await street(`/api/v1/reports/actual-population-monthly/runs/${made.run.id}/download?format=pdf`);
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    // Another street's administrator cannot see the run.
    const other = await signedIn(app, demo.access, { role: 'street-admin', areaCodes: ['310105005'] }, null);
    assert.equal((await other(`/api/v1/reports/actual-population-monthly/runs/${made.run.id}`)).json().code, 'REPORT_RUN_NOT_FOUND');
  });

  test('a kept run is seen by its producer and the administrators of its street; an unmasked one by its producer only', async () => {
    const colleague = await signedIn(app, demo.access, { role: 'street-admin', areaCodes: [HOME] }, null);
    const plain = (await run(street, 'actual-population-monthly', { area: HOME, asOf })).json() as RunBody;
    assert.equal((await colleague(`/api/v1/reports/actual-population-monthly/runs/${plain.run.id}`)).statusCode, 200);
    const unmasked = await run(street, 'actual-population-monthly', { area: HOME, asOf, unmask: true });
    assert.equal(unmasked.statusCode, 201, unmasked.body);
    const id = (unmasked.json() as RunBody).run.id;
    assert.equal((await street(`/api/v1/reports/actual-population-monthly/runs/${id}`)).statusCode, 200);
    assert.equal((await colleague(`/api/v1/reports/actual-population-monthly/runs/${id}`)).json().code, 'REPORT_RUN_NOT_FOUND');
    const reads = await audited('report.run.read');
    assert.ok(reads.length >= 2, 'reading a kept run is audited');
  });

  test('a custom YAML definition is created, versioned and run', async () => {
    const yaml = (title: string) =>
      [
        'id: custom-sex-by-committee',
        'version: 1',
        'kind: table',
        `title: { zh: ${title}, en: Persons by sex }`,
        'departmentId: street-population-office',
        'purpose: POPULATION_STATISTICS',
        'period: monthly',
        'table:',
        '  rows: [{ by: committee }]',
        '  columns: [{ by: element, element: person.sex }]',
        '  measures: [persons]',
      ].join('\n');
    const created = await street({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': 'application/yaml' },
      payload: yaml('分性别人口'),
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().version, 1);
    const again = await street({
      method: 'PUT',
      url: '/api/v1/reports/custom-sex-by-committee',
      headers: { 'content-type': 'application/yaml' },
      payload: yaml('分性别实有人口'),
    });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().version, 2);
    assert.deepEqual(again.json().versions, [1, 2]);
    assert.equal((await street('/api/v1/reports/custom-sex-by-committee?version=1')).json().definition.title.zh, '分性别人口');
    const r = await run(street, 'custom-sex-by-committee', { area: HOME, asOf });
    assert.equal(r.statusCode, 201, r.body);
    assert.ok((r.json() as RunBody).result.personCount > 0);
    const bad = await street({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': 'application/yaml' },
      payload: yaml('x').replace('person.sex', 'person.noSuchElement'),
    });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().code, 'REPORT_DEFINITION_INVALID');
    const officer = await civil({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': 'application/yaml' },
      payload: yaml('x').replace('id: custom-sex-by-committee', 'id: civil-try'),
    });
    assert.equal(officer.json().code, 'NOT_ALLOWED', 'a department officer defines only their own department’s reports');
  });

  test('a re-run is unchanged (same hash); after a change it differs and says what changed', async () => {
    const first = (await run(street, 'actual-population-monthly', { area: committeeCode, asOf })).json() as RunBody;
    const second = (await run(street, 'actual-population-monthly', { area: committeeCode, asOf })).json() as RunBody;
    assert.equal(second.run.contentHash, first.run.contentHash);
    assert.equal(second.run.comparison, 'unchanged');
    assert.equal(second.run.changes, null);
    await demo.services.persons.create({
      values: { 'person.name': '新来者', 'person.sex': '2', 'person.birthDate': '1990-05-06' },
      residences: [
        { kind: 'registered', areaCode: committeeCode, validFrom: '2020-01-01' },
        { kind: 'actual', areaCode: committeeCode, validFrom: '2020-01-01' },
      ],
    });
    const third = (await run(street, 'actual-population-monthly', { area: committeeCode, asOf })).json() as RunBody;
    assert.notEqual(third.run.contentHash, second.run.contentHash);
    assert.equal(third.run.comparison, 'changed');
    assert.equal(third.result.personCount, second.result.personCount + 1);
    const cells = third.run.changes?.cells ?? [];
    assert.ok(cells.length > 0, 'the changed cells are named');
    assert.ok(cells.every((c) => typeof c.row === 'string' && typeof c.column === 'string' && c.old !== c.new));
    assert.ok(cells.some((c) => typeof c.old === 'number' && typeof c.new === 'number' && c.new === c.old + 1));
    assert.match(third.run.summary?.en ?? '', /cell\(s\) changed/);
    const listed = (await street(`/api/v1/reports/actual-population-monthly/runs?area=${committeeCode}`)).json() as {
      comparison: string;
    }[];
    assert.deepEqual(
      listed.slice(0, 2).map((r) => r.comparison),
      ['changed', 'unchanged'],
    );
    assert.equal(listed.at(-1)?.comparison, 'first', 'the oldest run kept for this area and date is the first');
  });

  const workbook = async (cells: Record<string, string>): Promise<string> => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('表1');
    for (const [address, value] of Object.entries(cells)) ws.getCell(address).value = value;
    return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
  };
  const readBack = async (payload: Buffer): Promise<ExcelJS.Worksheet> => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(payload as unknown as ExcelJS.Buffer);
    return wb.worksheets[0]!;
  };

  test('form templates: uploaded and checked, filled for one person within the remit, and for a roster', async () => {
    const bad = await street({
      method: 'POST',
      url: '/api/v1/report-templates',
      payload: {
        name: '坏表',
        departmentId: 'street-population-office',
        target: 'person',
        purpose: 'POPULATION_SERVICE',
        contentBase64: await workbook({ A1: '{{person.noSuchThing}}' }),
      },
    });
    assert.equal(bad.statusCode, 422, bad.body);
    assert.equal(bad.json().code, 'TEMPLATE_INVALID');
    assert.equal(bad.json().details.problems[0].cell, '表1!A1');

    const up = await street({
      method: 'POST',
      url: '/api/v1/report-templates',
      payload: {
        name: '居民信息登记表',
        departmentId: 'street-population-office',
        target: 'person',
        purpose: 'POPULATION_SERVICE',
        contentBase64: await workbook({ A1: '姓名：{{person.name}}', B1: '{{person.sex}}', C1: '{{person.phone}}' }),
      },
    });
    assert.equal(up.statusCode, 201, up.body);
    const template = up.json() as { id: string; placeholders: string[] };
    assert.deepEqual(template.placeholders, ['person.name', 'person.phone', 'person.sex']);
    const p = await demo.services.persons.create({
      values: { 'person.name': '表单人', 'person.sex': '1', 'person.birthDate': '1970-01-01', 'person.phone': '13912345678' },
      residences: [{ kind: 'actual', areaCode: committeeCode, validFrom: '2020-01-01' }],
    });
    const filled = await committee({
      method: 'POST',
      url: `/api/v1/report-templates/${template.id}/fill`,
      payload: { personId: p.person.id },
    });
    assert.equal(filled.statusCode, 200, filled.body);
    assert.match(String(filled.headers['content-disposition']), /attachment/);
    const sheet = await readBack(filled.rawPayload);
    assert.equal(sheet.getCell('A1').value, '姓名：表单人');
    assert.equal(sheet.getCell('B1').value, '男性', 'coded elements by the code’s Chinese name');
    assert.notEqual(sheet.getCell('C1').value, '13912345678', 'the phone is masked unless unmasked');
    const reads = await audited('person.read');
    assert.ok(
      reads.some((e) => (JSON.parse(e.person_ids) as string[]).includes(p.person.id)),
      'the fill is audited as a read of the person',
    );
    // Another committee's worker: the person does not exist for them.
    const elsewhere = await signedIn(
      app,
      demo.access,
      { role: 'committee-worker', areaCodes: [(await demo.services.areas.children(HOME))[1]!.code] },
      null,
    );
    const hidden = await elsewhere({
      method: 'POST',
      url: `/api/v1/report-templates/${template.id}/fill`,
      payload: { personId: p.person.id },
    });
    assert.equal(hidden.json().code, 'PERSON_NOT_FOUND');

    const roster = await civil({
      method: 'POST',
      url: '/api/v1/report-templates',
      payload: {
        name: '老年人名单',
        departmentId: 'civil-affairs',
        target: 'roster',
        purpose: 'ELDERLY_CARE',
        definitionId: 'elderly-roster',
        contentBase64: await workbook({ A1: '{{area.name}} {{asOf}}', A3: '{{#}}', B3: '{{row.name}}', C3: '{{row.age}}' }),
      },
    });
    assert.equal(roster.statusCode, 201, roster.body);
    const rosterFill = await civil({
      method: 'POST',
      url: `/api/v1/report-templates/${roster.json().id as string}/fill`,
      payload: { area: committeeCode, asOf },
    });
    assert.equal(rosterFill.statusCode, 200, rosterFill.body);
    const rows = await readBack(rosterFill.rawPayload);
    const kept = (await civil(`/api/v1/reports/elderly-roster/runs?area=${committeeCode}`)).json() as { personCount: number }[];
    const n = kept[0]!.personCount;
    assert.ok(n > 0);
    assert.equal(rows.getCell(`A${2 + n}`).value, n, 'one numbered row per person of the roster');
    assert.ok(typeof rows.getCell('B3').value === 'string' && (rows.getCell('B3').value as string).length > 0);
  });

  test('a household form: the household’s fields, its members as roster rows, within the remit', async () => {
    const hh = await demo.store.db
      .selectFrom('household')
      .innerJoin('household_member', 'household_member.household_id', 'household.id')
      .select(['household.id as id', (eb) => eb.fn.countAll().as('n')])
      .where('household.area_code', 'like', `${HOME}%`)
      .where('household_member.valid_to', 'is', null)
      .groupBy('household.id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .limit(1)
      .executeTakeFirstOrThrow();
    const up = await street({
      method: 'POST',
      url: '/api/v1/report-templates',
      payload: {
        name: '户成员登记表',
        departmentId: 'street-population-office',
        target: 'household',
        purpose: 'POPULATION_SERVICE',
        contentBase64: await workbook({ A1: '户号：{{household.no}}', A3: '{{#}}', B3: '{{row.person.name}}', C3: '{{row.relationship}}' }),
      },
    });
    assert.equal(up.statusCode, 201, up.body);
    const filled = await street({
      method: 'POST',
      url: `/api/v1/report-templates/${up.json().id as string}/fill`,
      payload: { householdId: hh.id },
    });
    assert.equal(filled.statusCode, 200, filled.body);
    const sheet = await readBack(filled.rawPayload);
    assert.match(String(sheet.getCell('A1').value), /^户号：/);
    const members = Number(hh.n);
    assert.equal(sheet.getCell(`A${2 + members}`).value, members, 'one numbered row per member');
    assert.ok(String(sheet.getCell('B3').value).length > 0);
    const wrongTarget = await street({
      method: 'POST',
      url: `/api/v1/report-templates/${up.json().id as string}/fill`,
      payload: { personId: 'x' },
    });
    assert.equal(wrongTarget.json().code, 'VALIDATION_FAILED');
  });
});
