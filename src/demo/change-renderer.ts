/**
 * Writes the year of changes: changes/YYYY-MM/<system-id>.csv per month and system, each row a
 * dated change the system would report (only for people in its population), in the system's own
 * encoding, date style and code lists; truth/events.jsonl with every event, and
 * truth/change-links.csv from change rows to events and people.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDate } from './calendar.ts';
import { planYear, type ChangeEvent, type PlannedYear } from './change-planner.ts';
import { codeList, encode } from './code-lists.ts';
import type { CommitteeBuild, CommitteeBuilder } from './committee-builder.ts';
import { CsvFileWriter, JsonLinesWriter, type WrittenFile } from './csv-writer.ts';
import { trueValue, type ElementId } from './elements.ts';
import { styleAddress } from './extract-writer.ts';
import { kindsForLater } from './kinds.ts';
import { canSwap, drawRowNoise, noisyId, noisyName, type NoiseRates } from './noise.ts';
import { POPULATIONS } from './populations.ts';
import { Random } from './random.ts';
import type { DemoReference } from './reference-adapter.ts';
import type { ChangeKind, ColumnSpec, SystemSpec } from './systems.data.ts';
import type { TruthWriters } from './truth-writer.ts';

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

const IDENTITY = new Set<ElementId>(['household.number', 'person.name', 'person.sex', 'person.birthDate', 'person.citizenIdNumber', 'person.identityDocumentType', 'person.identityDocumentNumber']);

export interface ChangeOptions {
  readonly outDir: string;
  readonly seed: string;
  readonly asOf: string;
  readonly noise: NoiseRates;
  readonly reference: DemoReference;
}

interface ChangeSystem {
  readonly spec: SystemSpec;
  readonly identity: readonly ColumnSpec[];
  readonly kinds: ReadonlySet<ChangeKind>;
}

export class ChangeWriters {
  private readonly systems: ChangeSystem[];
  private readonly files = new Map<string, CsvFileWriter>();
  private readonly events: JsonLinesWriter;
  private readonly links: CsvFileWriter;
  private planned: PlannedYear | undefined;
  private eventSeq = 0;
  laterPersons = 0;
  rows = 0;

  constructor(
    systems: readonly SystemSpec[],
    private readonly options: ChangeOptions,
    private readonly truth: TruthWriters,
  ) {
    this.systems = systems
      .filter((s) => s.changes.length > 0)
      .map((spec) => ({ spec, identity: spec.columns.filter((c) => IDENTITY.has(c.element)), kinds: new Set(spec.changes) }));
    this.events = new JsonLinesWriter(join(options.outDir, 'truth/events.jsonl'), 'truth/events.jsonl');
    this.links = new CsvFileWriter(join(options.outDir, 'truth/change-links.csv'), 'truth/change-links.csv');
    this.links.writeHeader(['file', 'row', 'eventId', 'personId']);
  }

  planCommittee(build: CommitteeBuild, builder: CommitteeBuilder): void {
    this.planned = planYear(build, builder, this.options.seed, this.options.asOf, this.options.reference, () => `E${String(++this.eventSeq).padStart(8, '0')}`);
    kindsForLater(build, this.planned.laterPersons);
  }

  writeCommittee(build: CommitteeBuild): void {
    const planned = this.planned;
    if (!planned) return;
    for (const p of planned.laterPersons) this.truth.writePerson(p);
    for (const h of planned.laterHouseholds) this.truth.writeHousehold(h);
    this.laterPersons += planned.laterPersons.length;
    const random = Random.from(this.options.seed, 'change-rows', build.committee.code);
    const district = build.committee.street.districtName;
    for (const e of planned.events) {
      this.events.writeLine({ id: e.id, date: e.date, kind: e.kind, personId: e.personId, householdId: e.householdId, details: e.details });
      for (const system of this.systems) {
        if (!system.kinds.has(e.kind) || !POPULATIONS[system.spec.population](e.person, e.kind === 'move-in' || e.kind === 'birth' ? e.date : this.options.asOf)) continue;
        const file = this.file(system.spec, e.date.slice(0, 7));
        const row = file.writeRow(this.render(system, e, random, district));
        this.links.writeRow([`changes/${e.date.slice(0, 7)}/${system.spec.id}.csv`, String(row), e.id, e.personId]);
        this.rows++;
      }
    }
    this.planned = undefined;
  }

  private file(spec: SystemSpec, month: string): CsvFileWriter {
    const path = `changes/${month}/${spec.id}.csv`;
    let w = this.files.get(path);
    if (!w) {
      mkdirSync(join(this.options.outDir, 'changes', month), { recursive: true });
      const encoding = spec.format === 'xlsx' ? 'utf8-bom' : spec.encoding;
      w = new CsvFileWriter(join(this.options.outDir, path), path, encoding, spec.lineEnding, 8 * 1024);
      w.writeHeader(['变动日期', '变动类型', ...this.systems.find((s) => s.spec === spec)!.identity.map((c) => c.header), '变动内容']);
      this.files.set(path, w);
    }
    return w;
  }

  private render(system: ChangeSystem, e: ChangeEvent, random: Random, district: string): string[] {
    const spec = system.spec;
    const p = e.person;
    const noise = drawRowNoise(random, this.options.noise, spec.noiseFactor, p.latinFamily !== '', canSwap(p.birthDate), false, p.idNumber !== '');
    noise.dateSwap = false;
    const values = [formatDate(e.date, spec.dateStyle), CHANGE_LABELS[e.kind]];
    for (const col of system.identity) {
      let v = trueValue(col.element, p, e.date);
      if (col.element === 'person.name') v = noisyName(random, v, noise.name, p.latinFamily, p.latinGiven);
      else if (v !== '' && v === p.idNumber) v = noisyId(random, v, noise.id);
      if (col.codes) v = encode(codeList(col.codes), v);
      else if (col.element === 'person.birthDate') v = formatDate(v, col.date ?? spec.dateStyle);
      values.push(v);
    }
    values.push(this.details(spec, e, district));
    return values;
  }

  private details(spec: SystemSpec, e: ChangeEvent, district: string): string {
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

  close(): WrittenFile[] {
    const files = [...this.files.values()].map((w) => w.close());
    files.push(this.events.close(), this.links.close());
    return files;
  }
}
