/**
 * Department form templates (issue 8, collect once, fill everywhere): a department uploads its own
 * XLSX form with `{{placeholders}}` (syntax in render/template.ts and docs/reports.md); Populus
 * checks it against the keys it can fill and keeps it, then fills it from the record for one
 * person, one household (its members as roster rows) or a roster report's rows.
 *
 * Persons and households are read through the PersonGate, so the caller's remit, masking and
 * audit apply exactly as for any read: an element out of remit is left blank, ID numbers and
 * phones are masked unless unmasking is asked and allowed. Roster fills run the report (or read a
 * kept run), audited as such.
 *
 * Field keys: every data element id (`person.name`: the code's Chinese name for coded elements;
 * `person.sex.code`: the code itself), `person.id`, `person.age`, `person.citizenIdNumber`,
 * `person.registeredAddress`, `person.actualResidence`, `person.populationCategory`;
 * `household.no`, `household.address`, `household.type`, `household.areaCode`; `area.code`,
 * `area.name`, `asOf`, `today`, `report.title`, `personCount`. Roster cells: `row.<column key>`
 * (a roster report's column keys; for a household, the member's field keys, e.g.
 * `row.person.name`, `row.relationship`).
 */
import { PopulusError } from '../../domain/errors.ts';
import { actorRef, type Principal } from '../../access/principal.ts';
import type { PersonGate } from '../../access/person-gate.ts';
import type { Access, RemitPolicy } from '../../access/remit-policy.ts';
import { CATEGORY_ELEMENT, identifierElement, RESIDENCE_ELEMENT } from '../../domain/registry/element-ids.ts';
import type { DataAccess } from '../../store/repositories.ts';
import type { TemplateRecord } from '../../store/report-store.repository.ts';
import { newId, nowIso } from '../../store/clock.ts';
import { checkTemplate, fillTemplate, type TemplateCheck, type TemplateData } from './render/index.ts';
import { mayDefineFor } from './report-access.ts';
import type { ReportService } from './report.service.ts';
import type { ReportResult } from './types.ts';

export type TemplateTarget = TemplateRecord['target'];

export interface TemplateServiceDeps {
  readonly data: DataAccess;
  readonly gate: PersonGate;
  readonly policy: RemitPolicy;
  readonly reports: ReportService;
  /** All data element ids of the catalogue. */
  readonly elementIds: () => readonly string[];
  /** The Chinese name of a code of an element's code table, when the element is coded. */
  readonly codeName: (elementId: string, code: string) => Promise<string | undefined>;
  readonly today?: () => string;
}

export interface NewTemplate {
  readonly name: string;
  readonly departmentId: string;
  readonly target: TemplateTarget;
  /** The purpose it is filled for (its department's); persons are read for it. */
  readonly purpose: string;
  /** Roster templates: the roster definition whose rows fill it. */
  readonly definitionId?: string | undefined;
  readonly content: Buffer;
}

export type FillRequest =
  | { readonly personId: string }
  | { readonly householdId: string }
  | { readonly runId: string }
  | { readonly areaCode: string; readonly asOf: string };

const GENERAL_KEYS = ['area.code', 'area.name', 'asOf', 'today', 'report.title', 'personCount'];
const PERSON_EXTRA = [
  'person.id',
  'person.age',
  'person.citizenIdNumber',
  'person.otherIdentityDocument',
  RESIDENCE_ELEMENT.registered,
  RESIDENCE_ELEMENT.actual,
  CATEGORY_ELEMENT,
];
const HOUSEHOLD_KEYS = ['household.no', 'household.address', 'household.type', 'household.areaCode', 'household.id'];

const notFound = (id: string): PopulusError =>
  new PopulusError('REPORT_TEMPLATE_NOT_FOUND', `there is no form template ${id}`, { templateId: id });

function ageOn(birthDate: string | undefined, on: string): string {
  if (birthDate === undefined || !/^\d{4}-\d{2}-\d{2}/.test(birthDate)) return '';
  let age = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (on.slice(5, 10) < birthDate.slice(5, 10)) age--;
  return String(age);
}

export class TemplateService {
  constructor(private readonly deps: TemplateServiceDeps) {}

  private today(): string {
    return this.deps.today?.() ?? new Date().toISOString().slice(0, 10);
  }

  /** The field keys a template of this target may use (roster keys with `row.`). */
  async knownKeys(target: TemplateTarget, definitionId?: string): Promise<Set<string>> {
    const elements = this.deps.elementIds();
    const personKeys = [...elements, ...elements.map((e) => `${e}.code`), ...PERSON_EXTRA];
    const keys = new Set(GENERAL_KEYS);
    if (target === 'person') for (const k of personKeys) keys.add(k);
    if (target === 'household') {
      for (const k of HOUSEHOLD_KEYS) keys.add(k);
      for (const k of [...personKeys, 'relationship', 'relationship.code']) keys.add(`row.${k}`);
    }
    if (target === 'roster') {
      if (definitionId === undefined)
        throw new PopulusError('VALIDATION_FAILED', 'a roster template names the roster definition whose rows fill it (definitionId)', {
          field: 'definitionId',
        });
      const { definition } = await this.deps.reports.get(definitionId);
      const columns = (definition['roster'] as { columns?: { key: string }[] } | undefined)?.columns;
      if (definition.kind !== 'roster' || !columns)
        throw new PopulusError('VALIDATION_FAILED', `${definitionId} is not a roster`, { field: 'definitionId' });
      for (const c of columns) keys.add(`row.${c.key}`);
    }
    return keys;
  }

  /** Checks and keeps a template; TEMPLATE_INVALID naming every bad placeholder with its cell. */
  async upload(p: Principal, input: NewTemplate): Promise<TemplateRecord & { check: TemplateCheck }> {
    if (!mayDefineFor(p, input.departmentId))
      throw new PopulusError('NOT_ALLOWED', 'you may upload templates of your own department only', { operation: 'report.define' });
    if (!this.deps.policy.isPurpose(input.purpose))
      throw new PopulusError('VALIDATION_FAILED', `${input.purpose} is not a purpose of the purpose code table`, { field: 'purpose' });
    const check = await checkTemplate(input.content, await this.knownKeys(input.target, input.definitionId));
    if (check.problems.length > 0) {
      throw new PopulusError(
        'TEMPLATE_INVALID',
        `the form template has ${check.problems.length} problem(s): ${check.problems.map((x) => x.message).join('; ')}`,
        {
          problems: check.problems.map(({ cell, placeholder, problem }) => ({ cell, placeholder, problem })),
        },
      );
    }
    const record: TemplateRecord = {
      id: newId(),
      departmentId: input.departmentId,
      name: input.name,
      target: input.target,
      purpose: input.purpose,
      definitionId: input.definitionId ?? null,
      placeholders: [...new Set(check.placeholders.map((x) => x.key))].sort(),
      createdBy: actorRef(p),
      createdAt: nowIso(),
    };
    await this.deps.data.repos.reports.insertTemplate(record, input.content);
    return { ...record, check };
  }

  async list(): Promise<TemplateRecord[]> {
    return this.deps.data.repos.reports.listTemplates();
  }

  async get(id: string): Promise<{ template: TemplateRecord; content: Buffer }> {
    const found = await this.deps.data.repos.reports.findTemplate(id);
    if (!found) throw notFound(id);
    return found;
  }

  async remove(p: Principal, id: string): Promise<void> {
    const { template } = await this.get(id);
    if (!mayDefineFor(p, template.departmentId)) throw notFound(id);
    await this.deps.data.repos.reports.deleteTemplate(id);
  }

  /** The values of one person the caller may read, by field key (blank where out of remit). */
  private async personFields(access: Access, personId: string, requestId: string | null, unmask: boolean): Promise<Record<string, string>> {
    const view = await this.deps.gate.read(access, personId, { requestId, unmask });
    const out: Record<string, string> = { 'person.id': view.person.id };
    for (const v of view.values) {
      out[`${v.elementId}.code`] = v.value;
      out[v.elementId] = (await this.deps.codeName(v.elementId, v.value)) ?? v.value;
    }
    for (const i of view.identifiers) if (out[identifierElement(i.type)] === undefined) out[identifierElement(i.type)] = i.number;
    const today = this.today();
    for (const r of view.residences)
      if (r.validTo === null || r.validTo > today) out[RESIDENCE_ELEMENT[r.kind]] = r.addressText ?? r.areaCode;
    if (view.category !== null && 'category' in view.category) {
      out[`${CATEGORY_ELEMENT}.code`] = view.category.category;
      out[CATEGORY_ELEMENT] = (await this.deps.codeName(CATEGORY_ELEMENT, view.category.category)) ?? view.category.category;
    }
    out['person.age'] = ageOn(out['person.birthDate.code'], today);
    return out;
  }

  /** Fills a template for a person, a household or a roster; the XLSX bytes and a file name. */
  async fill(
    p: Principal,
    id: string,
    req: FillRequest & { readonly unmask?: boolean; readonly requestId: string | null; readonly purpose?: string },
  ): Promise<{ body: Buffer; fileName: string }> {
    const { template, content } = await this.get(id);
    const today = this.today();
    const base: Record<string, string> = { today, asOf: today };
    const blankFor = (keys: readonly string[]): Record<string, string> =>
      Object.fromEntries(keys.filter((k) => !k.startsWith('row.') && k !== '#').map((k) => [k, '']));
    const fields: Record<string, string> = { ...blankFor(template.placeholders), ...base };
    const access = (): Access => this.deps.policy.access(p, req.purpose ?? template.purpose);
    let data: TemplateData;
    if ('personId' in req) {
      if (template.target !== 'person')
        throw new PopulusError('VALIDATION_FAILED', `template ${id} is filled for a ${template.target}, not a person`, {
          field: 'personId',
        });
      Object.assign(fields, await this.personFields(access(), req.personId, req.requestId, req.unmask === true));
      data = { fields };
    } else if ('householdId' in req) {
      if (template.target !== 'household')
        throw new PopulusError('VALIDATION_FAILED', `template ${id} is filled for a ${template.target}, not a household`, {
          field: 'householdId',
        });
      const a = access();
      const { household, members } = await this.deps.gate.household(a, req.householdId, { requestId: req.requestId });
      Object.assign(fields, {
        'household.id': household.id,
        'household.no': household.householdNo ?? '',
        'household.address': household.addressText ?? '',
        'household.type': household.type,
        'household.areaCode': household.areaCode,
      });
      const rowKeys = template.placeholders.filter((k) => k.startsWith('row.')).map((k) => k.slice(4));
      const rows: Record<string, string>[] = [];
      for (const m of members) {
        const row: Record<string, string> = Object.fromEntries(rowKeys.map((k) => [k, '']));
        Object.assign(row, await this.personFields(a, m.personId, req.requestId, req.unmask === true), {
          'relationship.code': m.relationship,
          relationship: (await this.deps.codeName('person.relationshipToHead', m.relationship)) ?? m.relationship,
        });
        rows.push(row);
      }
      data = { fields, rows };
    } else {
      if (template.target !== 'roster' || template.definitionId === null)
        throw new PopulusError('VALIDATION_FAILED', `template ${id} is filled for a ${template.target}, not a roster`, { field: 'runId' });
      const result: ReportResult =
        'runId' in req
          ? (await this.deps.reports.getRun(p, req.runId, req.requestId)).result
          : (
              await this.deps.reports.run(p, {
                definitionId: template.definitionId,
                areaCode: req.areaCode,
                asOf: req.asOf,
                format: 'xlsx',
                requestId: req.requestId,
                unmask: req.unmask,
              })
            ).result;
      if (result.definitionId !== template.definitionId)
        throw new PopulusError('VALIDATION_FAILED', `that run is of ${result.definitionId}, not ${template.definitionId}`, {
          field: 'runId',
        });
      Object.assign(fields, {
        asOf: result.asOf,
        'area.code': result.area.code,
        'area.name': result.area.name,
        'report.title': result.title.zh,
        personCount: String(result.personCount),
      });
      const rows = result.rows
        .filter((r) => r.role === 'data')
        .map((r) => Object.fromEntries(result.columns.map((c, i) => [c.key, r.cells[i] ?? null])));
      data = { fields, rows };
    }
    const body = await fillTemplate(content, data);
    return { body, fileName: `${template.name}-${today}.xlsx` };
  }
}
