/**
 * Renders one committee's year of changes: rows for changes/YYYY-MM/<system-id>.csv — each a dated
 * change the system would report (only for people in its population), in the system's own date
 * style and code lists — and the events themselves for truth/events.jsonl.
 */
import { formatDate } from './calendar.ts';
import type { ChangeEvent } from './change-planner.ts';
import { codeList, encode } from './code-lists.ts';
import { trueValue, type ElementId } from './elements.ts';
import { styleAddress } from './extract-renderer.ts';
import { canSwap, drawRowNoise, noisyId, noisyName, type NoiseRates } from './noise.ts';
import { POPULATIONS } from './populations.ts';
import { Random } from './random.ts';
import type { ChangeKind, ColumnSpec, SystemSpec } from './systems.data.ts';

export const CHANGE_LABELS: Readonly<Record<ChangeKind, string>> = {
  'move-in': '迁入',
  'move-out': '迁出',
  birth: '出生',
  death: '死亡',
  marriage: '结婚',
  'relief-start': '救助开始',
  'relief-end': '救助终止',
  'permit-expiry': '居住证到期',
};

const IDENTITY = new Set<ElementId>([
  'household.number',
  'person.name',
  'person.sex',
  'person.birthDate',
  'person.citizenIdNumber',
  'person.identityDocumentType',
  'person.identityDocumentNumber',
]);

/** The columns a system's change files repeat to say who changed. */
export function identityColumns(spec: SystemSpec): ColumnSpec[] {
  return spec.columns.filter((c) => IDENTITY.has(c.element));
}

export function changeHeader(spec: SystemSpec): string[] {
  return ['变动日期', '变动类型', ...identityColumns(spec).map((c) => c.header), '变动内容'];
}

export function changePath(spec: SystemSpec, date: string): string {
  return `changes/${date.slice(0, 7)}/${spec.id}.csv`;
}

/** Where change rows and events go (the output files). */
export interface ChangeSink {
  changeRow(spec: SystemSpec, path: string, values: readonly string[], eventId: string, personId: string): void;
  eventLine(json: string): void;
}

export interface ChangeRenderOptions {
  readonly seed: string;
  readonly asOf: string;
  readonly noise: NoiseRates;
}

export function renderChanges(
  systems: readonly SystemSpec[],
  events: readonly ChangeEvent[],
  options: ChangeRenderOptions,
  committeeCode: string,
  district: string,
  sink: ChangeSink,
): void {
  const random = Random.from(options.seed, 'change-rows', committeeCode);
  const reporting = systems
    .filter((s) => s.changes.length > 0)
    .map((spec) => ({ spec, identity: identityColumns(spec), kinds: new Set(spec.changes) }));
  for (const e of events) {
    sink.eventLine(
      JSON.stringify({ id: e.id, date: e.date, kind: e.kind, personId: e.personId, householdId: e.householdId, details: e.details }),
    );
    for (const system of reporting) {
      const spec = system.spec;
      if (
        !system.kinds.has(e.kind) ||
        !POPULATIONS[spec.population](e.person, e.kind === 'move-in' || e.kind === 'birth' ? e.date : options.asOf)
      )
        continue;
      const p = e.person;
      const noise = drawRowNoise(
        random,
        options.noise,
        spec.noiseFactor,
        p.latinFamily !== '',
        canSwap(p.birthDate),
        false,
        p.idNumber !== '',
      );
      const values = [formatDate(e.date, spec.dateStyle), CHANGE_LABELS[e.kind]];
      for (const col of system.identity) {
        let v = trueValue(col.element, p, e.date);
        if (col.element === 'person.name') v = noisyName(random, v, noise.name, p.latinFamily, p.latinGiven);
        else if (v !== '' && v === p.idNumber) v = noisyId(random, v, noise.id);
        if (col.codes) v = encode(codeList(col.codes), v);
        else if (col.element === 'person.birthDate') v = formatDate(v, col.date ?? spec.dateStyle);
        values.push(v);
      }
      values.push(details(spec, e, district));
      sink.changeRow(spec, changePath(spec, e.date), values, e.id, e.personId);
    }
  }
}

function details(spec: SystemSpec, e: ChangeEvent, district: string): string {
  const listOf = (element: ElementId, fallback: string): string => spec.columns.find((c) => c.element === element)?.codes ?? fallback;
  switch (e.kind) {
    case 'move-in':
      return styleAddress(e.details.address ?? '', spec.addressStyle, district);
    case 'move-out':
      return styleAddress(e.details.destination ?? '', spec.addressStyle, district);
    case 'marriage':
      return encode(codeList(listOf('person.maritalStatus', 'marital.zh')), '20');
    case 'relief-start':
    case 'relief-end':
      return encode(codeList(listOf('relief.programme', 'relief.zh')), e.details.programme ?? '');
    case 'permit-expiry':
      return e.details.renewedTo ? `续签至${formatDate(e.details.renewedTo, spec.dateStyle)}` : '未续签';
    case 'birth':
    case 'death':
      return '';
  }
}
