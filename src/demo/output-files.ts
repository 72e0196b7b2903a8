/**
 * The demo's output folder: every file opened once (headers, BOMs and XLSX title rows), then rows
 * streamed in as committees are rendered (it is the sink of committee-job.ts), with the links from
 * extract and change rows to people numbered as the rows land in their files.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { changeHeader } from './change-renderer.ts';
import type { CommitteeSink } from './committee-job.ts';
import { CsvFileWriter, TextFileWriter, type WrittenFile } from './csv-writer.ts';
import { formatDate } from './calendar.ts';
import type { SystemSpec } from './systems.data.ts';
import { XlsxFileWriter } from './xlsx-writer.ts';

/** The standard address database extract, beside the department extracts. */
export const HOUSING_REGISTER = 'extracts/housing-register.csv';

const HOUSING_USE_ZH: Readonly<Record<string, string>> = {
  OWNER: '自住',
  PUBLIC_RENTAL: '公房租赁',
  PRIVATE_RENTAL: '私房出租',
  COLLECTIVE_DORMITORY: '单位集体宿舍',
  LODGING: '借住',
  VACANT: '空置',
  OTHER: '其他',
};
const BUILDING_TYPE_ZH: Readonly<Record<string, string>> = { 'lane-house': '里弄住宅', 'tower-block': '高层住宅' };

export interface OutputOptions {
  readonly outDir: string;
  readonly asOf: string;
  /** Name used in XLSX titles: the street, or the district(s) when several streets are generated. */
  readonly areaName: string;
}

export class OutputFiles implements CommitteeSink {
  private readonly extracts: (CsvFileWriter | XlsxFileWriter)[];
  private readonly persons: TextFileWriter;
  private readonly households: TextFileWriter;
  private readonly dwellings: TextFileWriter;
  private readonly events: TextFileWriter;
  /** The street's standard address database (门牌/房屋基础信息): what Populus resolves addresses against. */
  private readonly housing: CsvFileWriter;
  private readonly links: CsvFileWriter;
  private readonly changeLinks: CsvFileWriter;
  private readonly changes = new Map<string, CsvFileWriter>();
  extractRows = 0;
  changeRows = 0;

  constructor(
    private readonly systems: readonly SystemSpec[],
    private readonly options: OutputOptions,
  ) {
    const { outDir, areaName } = options;
    const zhDate = formatDate(options.asOf, 'zh');
    this.extracts = systems.map((spec) => {
      const file = `extracts/${spec.id}.${spec.format}`;
      const header = spec.columns.map((c) => c.header);
      if (spec.format === 'xlsx') {
        return new XlsxFileWriter(join(outDir, file), file, {
          sheetName: spec.nameZh.slice(0, 31),
          ...(spec.title ? { title: spec.title.replace('{street}', areaName) } : {}),
          ...(spec.subtitle ? { subtitle: `填报单位：${areaName}    导出日期：${zhDate}` } : {}),
          header,
          date: options.asOf,
        });
      }
      const w = new CsvFileWriter(join(outDir, file), file, spec.encoding, spec.lineEnding);
      w.writeHeader(header);
      return w;
    });
    const jsonl = (path: string): TextFileWriter => new TextFileWriter(join(outDir, path), path);
    this.persons = jsonl('truth/persons.jsonl');
    this.households = jsonl('truth/households.jsonl');
    this.dwellings = jsonl('truth/dwellings.jsonl');
    this.events = jsonl('truth/events.jsonl');
    this.housing = new CsvFileWriter(join(outDir, HOUSING_REGISTER), HOUSING_REGISTER, 'utf8-bom', 'crlf');
    this.housing.writeHeader(['居委会代码', '居委会', '地址', '房屋用途', '建筑类型']);
    this.links = new CsvFileWriter(join(outDir, 'truth/links.csv'), 'truth/links.csv');
    this.links.writeHeader(['system', 'row', 'personId', 'noise']);
    this.changeLinks = new CsvFileWriter(join(outDir, 'truth/change-links.csv'), 'truth/change-links.csv');
    this.changeLinks.writeHeader(['file', 'row', 'eventId', 'personId']);
  }

  /** Rows above the data (1 for CSV; title, subtitle and header for XLSX). */
  headerRows(spec: SystemSpec): number {
    const w = this.extracts[this.systems.indexOf(spec)];
    return w instanceof XlsxFileWriter ? w.headerRows : 1;
  }

  extractRow(systemIndex: number, values: (string | number)[], personId: string, noise: string): void {
    const w = this.extracts[systemIndex];
    const spec = this.systems[systemIndex];
    if (!w || !spec) throw new Error(`no extract for system #${systemIndex}`);
    const row = w instanceof XlsxFileWriter ? w.writeRow(values) : w.writeRow(values as string[]);
    this.links.writeRow([spec.id, String(row), personId, noise]);
    this.extractRows++;
  }

  personLine(json: string): void {
    this.persons.write(`${json}\n`);
    this.persons.rows++;
  }

  householdLine(json: string): void {
    this.households.write(`${json}\n`);
    this.households.rows++;
  }

  dwellingLine(json: string): void {
    this.dwellings.write(`${json}\n`);
    this.dwellings.rows++;
    const d = JSON.parse(json) as { committeeCode: string; committeeName: string; address: string; housingUse: string; buildingType: string };
    this.housing.writeRow([d.committeeCode, d.committeeName, d.address, HOUSING_USE_ZH[d.housingUse] ?? d.housingUse, BUILDING_TYPE_ZH[d.buildingType] ?? d.buildingType]);
  }

  eventLine(json: string): void {
    this.events.write(`${json}\n`);
    this.events.rows++;
  }

  changeRow(spec: SystemSpec, path: string, values: readonly string[], eventId: string, personId: string): void {
    const w = this.changeFile(spec, path);
    const row = w.writeRow(values);
    this.changeLinks.writeRow([path, String(row), eventId, personId]);
    this.changeRows++;
  }

  private changeFile(spec: SystemSpec, path: string): CsvFileWriter {
    let w = this.changes.get(path);
    if (w) return w;
    mkdirSync(join(this.options.outDir, path.slice(0, path.lastIndexOf('/'))), { recursive: true });
    w = new CsvFileWriter(
      join(this.options.outDir, path),
      path,
      spec.format === 'xlsx' ? 'utf8-bom' : spec.encoding,
      spec.lineEnding,
      8 * 1024,
    );
    w.writeHeader(changeHeader(spec));
    this.changes.set(path, w);
    return w;
  }

  async close(): Promise<WrittenFile[]> {
    const files: WrittenFile[] = [];
    for (const w of this.extracts) files.push(w instanceof XlsxFileWriter ? await w.close() : w.close());
    for (const w of [this.persons, this.households, this.dwellings, this.events]) files.push(w.close());
    files.push(this.housing.close());
    files.push(this.links.close(), this.changeLinks.close());
    for (const w of this.changes.values()) files.push(w.close());
    return files;
  }
}
