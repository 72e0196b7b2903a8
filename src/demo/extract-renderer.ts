/**
 * Writes each department system's extract as the street's people are generated: picks the system's
 * own population (on its export date, or its old snapshot), renders each column from the true
 * value through the system's code list, date style and address style, applies the row's noise, and
 * links every written row to its true person in truth/links.csv.
 */
import { join } from 'node:path';
import { addDays, formatDate } from './calendar.ts';
import { codeList, encode, type CodeList } from './code-lists.ts';
import { CsvFileWriter, type WrittenFile } from './csv-writer.ts';
import { ELEMENTS, shownValue, type DemoElement, type ElementId, type ElementKind } from './elements.ts';
import type { Person, Street } from './model.ts';
import { canSwap, describeNoise, drawRowNoise, noiseIsOff, noisyId, noisyName, swapDayMonth, type NoiseRates, type RowNoise } from './noise.ts';
import { POPULATIONS, presentOn } from './populations.ts';
import { Random } from './random.ts';
import type { AddressStyle, SystemSpec } from './systems.data.ts';
import { XlsxFileWriter } from './xlsx-writer.ts';
import type { CommitteeBuild } from './committee-builder.ts';

interface PreparedColumn {
  readonly element: ElementId;
  readonly value: (p: Person, on: string) => string;
  readonly kind: ElementKind;
  readonly list: CodeList | undefined;
  readonly date: SystemSpec['dateStyle'];
  /** XLSX cells written as numbers (Excel serial dates, amounts). */
  readonly numeric: boolean;
}

interface SystemOutput {
  readonly spec: SystemSpec;
  readonly writer: CsvFileWriter | XlsxFileWriter;
  /** The date the extract shows: the export date, or the snapshot date of a single-PC system. */
  readonly on: string;
  readonly columns: readonly PreparedColumn[];
  readonly inPopulation: (p: Person, on: string) => boolean;
  readonly file: string;
}

export interface ExtractOptions {
  readonly outDir: string;
  readonly seed: string;
  readonly asOf: string;
  readonly noise: NoiseRates;
  /** Name used in XLSX titles: the street, or the district when several streets are generated. */
  readonly areaName: string;
}

const NAME_ELEMENTS = new Set<ElementId>(['person.name']);
const ID_ELEMENTS = new Set<ElementId>(['person.citizenIdNumber', 'person.identityDocumentNumber']);

export class ExtractWriters {
  private readonly outputs: SystemOutput[];
  private readonly noiseOn: boolean;
  rows = 0;

  constructor(
    systems: readonly SystemSpec[],
    private readonly options: ExtractOptions,
    private readonly links: CsvFileWriter,
  ) {
    this.noiseOn = !noiseIsOff(options.noise);
    const zhDate = formatDate(options.asOf, 'zh');
    this.outputs = systems.map((spec) => {
      const file = `extracts/${spec.id}.${spec.format}`;
      const header = spec.columns.map((c) => c.header);
      const columns = spec.columns.map((c) => {
        const element = ELEMENTS[c.element];
        const date = c.date ?? spec.dateStyle;
        const absent = (element as DemoElement).absentMeans ?? '';
        const get = element.value;
        return {
          element: c.element,
          value: c.element === 'person.age' ? (p: Person, on: string) => shownValue('person.age', p, on) : (p: Person, on: string) => get(p, on) || absent,
          kind: element.kind,
          list: c.codes ? codeList(c.codes) : undefined,
          date,
          numeric: spec.format === 'xlsx' && ((element.kind === 'date' && date === 'serial') || element.kind === 'number'),
        };
      });
      let writer: CsvFileWriter | XlsxFileWriter;
      if (spec.format === 'xlsx') {
        writer = new XlsxFileWriter(join(options.outDir, file), file, {
          sheetName: spec.nameZh.slice(0, 31),
          ...(spec.title ? { title: spec.title.replace('{street}', options.areaName) } : {}),
          ...(spec.subtitle ? { subtitle: `填报单位：${options.areaName}    导出日期：${zhDate}` } : {}),
          header,
          date: options.asOf,
        });
      } else {
        writer = new CsvFileWriter(join(options.outDir, file), file, spec.encoding, spec.lineEnding);
        writer.writeHeader(header);
      }
      const on = spec.snapshotDaysBack && this.noiseOn ? addDays(options.asOf, -spec.snapshotDaysBack) : options.asOf;
      return { spec, writer, on, columns, inPopulation: POPULATIONS[spec.population], file };
    });
  }

  /** Rows above the data in each file (1 for CSV; title, subtitle and header for XLSX). */
  headerRows(spec: SystemSpec): number {
    const out = this.outputs.find((o) => o.spec === spec);
    return out && out.writer instanceof XlsxFileWriter ? out.writer.headerRows : 1;
  }

  snapshotDate(spec: SystemSpec): string {
    return this.outputs.find((o) => o.spec === spec)?.on ?? this.options.asOf;
  }

  writeCommittee(build: CommitteeBuild): void {
    const street = build.committee.street;
    for (const out of this.outputs) {
      const random = Random.from(this.options.seed, 'extract', out.spec.id, build.committee.code);
      const snapshot = out.on !== this.options.asOf;
      for (const p of build.persons) {
        if (!out.inPopulation(p, out.on)) continue;
        if (snapshot && (p.category === 'RESIDENT_REGISTERED' || p.category === 'REGISTERED_ABSENT' ? p.registeredSince : p.actualSince) > out.on) continue;
        this.emit(out, p, random, street, snapshot);
      }
      if (out.spec.authoritative || !this.noiseOn) continue;
      const keep = Math.min(1, this.options.noise.departedKept * out.spec.noiseFactor);
      for (const g of build.ghosts) {
        const was = addDays(g.statusDate, -1);
        if (!out.inPopulation(g, was)) continue;
        if (snapshot ? presentOn(g, out.on) : random.chance(keep)) this.emit(out, g, random, street, snapshot);
      }
    }
  }

  private emit(out: SystemOutput, p: Person, random: Random, street: Street, snapshot: boolean): void {
    const copies = random.chance(this.options.noise.duplicate * out.spec.noiseFactor) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const noise = drawRowNoise(
        random,
        this.options.noise,
        out.spec.noiseFactor,
        p.latinFamily !== '',
        canSwap(p.birthDate),
        p.previousAddress !== '',
        p.idNumber !== '',
      );
      if (snapshot && p.previousAddress !== '' && p.actualSince > out.on) noise.staleAddress = true;
      const values = this.render(out, p, noise, random, street);
      const row = out.writer instanceof XlsxFileWriter ? out.writer.writeRow(values) : out.writer.writeRow(values.map(String));
      const described = describeNoise(noise);
      this.links.writeRow([out.spec.id, String(row), p.id, copy === 0 ? described : described ? `${described};duplicate` : 'duplicate']);
      this.rows++;
    }
  }

  private render(out: SystemOutput, p: Person, noise: RowNoise, random: Random, street: Street): (string | number)[] {
    const values: (string | number)[] = [];
    for (const col of out.columns) {
      let v = col.value(p, out.on);
      if (NAME_ELEMENTS.has(col.element)) v = noisyName(random, v, noise.name, p.latinFamily, p.latinGiven);
      else if (ID_ELEMENTS.has(col.element) && v === p.idNumber) v = noisyId(random, v, noise.id);
      else if (col.element === 'person.actualResidence' && noise.staleAddress) v = p.previousAddress;
      else if (col.element === 'person.birthDate' && noise.dateSwap) v = swapDayMonth(v);
      switch (col.kind) {
        case 'code':
          v = col.list ? encode(col.list, v) : v;
          break;
        case 'date':
          v = formatDate(v, col.date);
          break;
        case 'address':
          v = styleAddress(v, out.spec.addressStyle, street.districtName);
          break;
        case 'text':
        case 'number':
          break;
      }
      values.push(col.numeric && v !== '' ? Number(v) : v);
    }
    return values;
  }

  async close(): Promise<WrittenFile[]> {
    const files: WrittenFile[] = [];
    for (const out of this.outputs) files.push(out.writer instanceof XlsxFileWriter ? await out.writer.close() : out.writer.close());
    return files;
  }
}

/** full: 上海市长宁区番禺路…; district: 长宁区番禺路…; road: 番禺路… (only within the street's district). */
export function styleAddress(address: string, style: AddressStyle, districtName: string): string {
  if (style === 'full' || !address.startsWith('上海市')) return address;
  const withoutCity = address.slice(3);
  if (style === 'district') return withoutCity;
  return withoutCity.startsWith(districtName) ? withoutCity.slice(districtName.length) : withoutCity;
}
