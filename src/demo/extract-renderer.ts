/**
 * Renders each department system's extract rows for one committee: picks the system's own
 * population (on its export date, or its old snapshot), renders each column from the true value
 * through the system's code list, date style and address style, applies the row's noise, and
 * remembers which true person each row is (for truth/links.csv).
 */
import { addDays, formatDate } from './calendar.ts';
import { codeList, encode, type CodeList } from './code-lists.ts';
import type { CommitteeBuild } from './committee-builder.ts';
import { ELEMENTS, shownValue, type DemoElement, type ElementId, type ElementKind } from './elements.ts';
import type { Person, Street } from './model.ts';
import {
  canSwap,
  describeNoise,
  drawRowNoise,
  noiseIsOff,
  noisyId,
  noisyName,
  swapDayMonth,
  type NoiseRates,
  type RowNoise,
} from './noise.ts';
import { POPULATIONS, presentOn } from './populations.ts';
import { Random } from './random.ts';
import type { AddressStyle, SystemSpec } from './systems.data.ts';

interface PreparedColumn {
  readonly element: ElementId;
  readonly value: (p: Person, on: string) => string;
  readonly kind: ElementKind;
  readonly list: CodeList | undefined;
  readonly date: SystemSpec['dateStyle'];
  /** XLSX cells written as numbers (Excel serial dates, amounts). */
  readonly numeric: boolean;
}

interface PreparedSystem {
  readonly spec: SystemSpec;
  readonly on: string;
  readonly columns: readonly PreparedColumn[];
  readonly inPopulation: (p: Person, on: string) => boolean;
}

export interface RenderOptions {
  readonly seed: string;
  readonly asOf: string;
  readonly noise: NoiseRates;
}

/** Where rendered rows go (the output files): system by its index in the systems list. */
export interface ExtractSink {
  extractRow(systemIndex: number, values: (string | number)[], personId: string, noise: string): void;
}

const NAME_ELEMENTS = new Set<ElementId>(['person.name']);
const ID_ELEMENTS = new Set<ElementId>(['person.citizenIdNumber', 'person.identityDocumentNumber']);

/** The date a system's extract shows: the export date, or a single-PC system's old snapshot when noise is on. */
export function extractDate(spec: SystemSpec, asOf: string, noise: NoiseRates): string {
  return spec.snapshotDaysBack && !noiseIsOff(noise) ? addDays(asOf, -spec.snapshotDaysBack) : asOf;
}

export class ExtractRenderer {
  private readonly systems: PreparedSystem[];
  private readonly noiseOn: boolean;

  constructor(
    systems: readonly SystemSpec[],
    private readonly options: RenderOptions,
  ) {
    this.noiseOn = !noiseIsOff(options.noise);
    this.systems = systems.map((spec) => ({
      spec,
      on: extractDate(spec, options.asOf, options.noise),
      inPopulation: POPULATIONS[spec.population],
      columns: spec.columns.map((c) => {
        const element: DemoElement = ELEMENTS[c.element];
        const date = c.date ?? spec.dateStyle;
        const absent = element.absentMeans ?? '';
        const get = element.value;
        return {
          element: c.element,
          value:
            c.element === 'person.age'
              ? (p: Person, on: string) => shownValue('person.age', p, on)
              : (p: Person, on: string) => get(p, on) || absent,
          kind: element.kind,
          list: c.codes ? codeList(c.codes) : undefined,
          date,
          numeric: spec.format === 'xlsx' && ((element.kind === 'date' && date === 'serial') || element.kind === 'number'),
        };
      }),
    }));
  }

  renderCommittee(build: CommitteeBuild, sink: ExtractSink): void {
    const street = build.committee.street;
    this.systems.forEach((sys, index) => {
      const emit = (p: Person, random: Random, snapshot: boolean): void => this.emit(sink, index, sys, p, random, street, snapshot);
      const random = Random.from(this.options.seed, 'extract', sys.spec.id, build.committee.code);
      const snapshot = sys.on !== this.options.asOf;
      for (const p of build.persons) {
        if (!sys.inPopulation(p, sys.on)) continue;
        if (
          snapshot &&
          (p.category === 'RESIDENT_REGISTERED' || p.category === 'REGISTERED_ABSENT' ? p.registeredSince : p.actualSince) > sys.on
        )
          continue;
        emit(p, random, snapshot);
      }
      if (sys.spec.authoritative || !this.noiseOn) return;
      const keep = Math.min(1, this.options.noise.departedKept * sys.spec.noiseFactor);
      for (const g of build.ghosts) {
        if (!sys.inPopulation(g, addDays(g.statusDate, -1))) continue;
        if (snapshot ? presentOn(g, sys.on) : random.chance(keep)) emit(g, random, snapshot);
      }
    });
  }

  private emit(sink: ExtractSink, index: number, sys: PreparedSystem, p: Person, random: Random, street: Street, snapshot: boolean): void {
    const copies = random.chance(this.options.noise.duplicate * sys.spec.noiseFactor) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const noise = drawRowNoise(
        random,
        this.options.noise,
        sys.spec.noiseFactor,
        p.latinFamily !== '',
        canSwap(p.birthDate),
        p.previousAddress !== '',
        p.idNumber !== '',
      );
      if (snapshot && p.previousAddress !== '' && p.actualSince > sys.on) noise.staleAddress = true;
      const values = this.render(sys, p, noise, random, street);
      const described = describeNoise(noise);
      sink.extractRow(index, values, p.id, copy === 0 ? described : described ? `${described};duplicate` : 'duplicate');
    }
  }

  private render(sys: PreparedSystem, p: Person, noise: RowNoise, random: Random, street: Street): (string | number)[] {
    const values: (string | number)[] = [];
    for (const col of sys.columns) {
      let v = col.value(p, sys.on);
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
          v = styleAddress(v, sys.spec.addressStyle, street.districtName);
          break;
        case 'text':
        case 'number':
          break;
      }
      values.push(col.numeric && v !== '' ? Number(v) : v);
    }
    return values;
  }
}

/** full: 上海市长宁区番禺路…; district: 长宁区番禺路…; road: 番禺路… (only within the street's district). */
export function styleAddress(address: string, style: AddressStyle, districtName: string): string {
  if (style === 'full' || !address.startsWith('上海市')) return address;
  const withoutCity = address.slice(3);
  if (style === 'district') return withoutCity;
  return withoutCity.startsWith(districtName) ? withoutCity.slice(districtName.length) : withoutCity;
}
