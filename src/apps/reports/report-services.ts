/**
 * Builds the reports application (issue 8) over a node's data access: the engine, the renderers,
 * the definitions language, and the report, schedule and template services. The composition
 * root (src/main.ts) calls this once.
 */
import type { AccessServices } from '../../access/access-services.ts';
import { personGateFor } from '../../access/person-gate.ts';
import type { DataElement } from '../../domain/standard/types.ts';
import type { Services } from '../../services/services.ts';
import type { DataAccess } from '../../store/repositories.ts';
import {
  loadDefinitionCatalogue,
  loadShippedDefinitions,
  parseDefinition,
  validateDefinition,
  type DefinitionCatalogue,
  type FullReportDefinition,
} from './definition.ts';
import { createReportEngine } from './engine.ts';
import { render, type PdfFont } from './render/index.ts';
import { ReportService, type DefinitionLanguage, type ReportRunner } from './report.service.ts';
import { ScheduleService } from './schedule.service.ts';
import { TemplateService } from './template.service.ts';
import type { ReportDefinition } from './types.ts';
import { DashboardService } from '../dashboard/dashboard.service.ts';
import { loadKinds } from '../../reference/kind-loader.ts';
import { defaultDataDir } from '../../reference/data-dir.ts';

export interface ReportServices {
  readonly reports: ReportService;
  readonly schedules: ScheduleService;
  readonly templates: TemplateService;
  /** The console's dashboard (src/apps/dashboard): figures from the same bulk read and remit cut as reports. */
  readonly dashboard: DashboardService;
}

export interface ReportServicesOptions {
  readonly data: DataAccess;
  /** The 9-digit street this node serves. */
  readonly homeArea: string;
  readonly services: Pick<Services, 'persons' | 'households' | 'housing' | 'sources' | 'standard' | 'areas'>;
  readonly access: Pick<AccessServices, 'policy' | 'audit' | 'views'>;
  readonly elements: readonly DataElement[];
  readonly dataDir?: string;
  /** The shipped definitions' folder (default data/reports). */
  readonly definitionsDir?: string;
  readonly pdfFont?: PdfFont;
  /** Tests: another engine. */
  readonly engine?: ReportRunner;
  readonly clock?: () => Date;
}

/** The engine's full definition type, seen as the header every part reads (plus its other fields). */
const asDefinition = (d: FullReportDefinition): ReportDefinition => d as unknown as ReportDefinition;

/** The definitions language over the shipped catalogue; the shipped definitions are read once, on first use. */
export function definitionLanguage(dataDir?: string, definitionsDir?: string): DefinitionLanguage {
  let catalogue: DefinitionCatalogue | undefined;
  let shipped: ReportDefinition[] | undefined;
  const cat = (): DefinitionCatalogue => (catalogue ??= loadDefinitionCatalogue(dataDir));
  return {
    validate: (value) => asDefinition(validateDefinition(value, cat())),
    parse: (text, format) => asDefinition(parseDefinition(text, format, cat())),
    shipped: () => (shipped ??= loadShippedDefinitions(definitionsDir, cat()).map(asDefinition)),
  };
}

export function createReportServices(o: ReportServicesOptions): ReportServices {
  const { services, access } = o;
  const gate = personGateFor(services, access);
  const elementsById = new Map(o.elements.map((e) => [e.id, e]));
  const names = new Map<string, string | undefined>();
  const codeName = async (elementId: string, code: string): Promise<string | undefined> => {
    const table = elementsById.get(elementId)?.codeTableId;
    if (table === undefined || table === null) return undefined;
    const key = `${table}\u0000${code}`;
    if (!names.has(key))
      names.set(
        key,
        await services.standard
          .getEntry(table, code)
          .then((e) => e.nameZh)
          .catch(() => undefined),
      );
    return names.get(key);
  };
  const reports = new ReportService({
    data: o.data,
    engine: o.engine ?? createReportEngine(o.data, o.homeArea, o.dataDir),
    renderer: (result, format, meta) => render(result, format, meta, { pdfFont: o.pdfFont }),
    language: definitionLanguage(o.dataDir, o.definitionsDir),
    policy: access.policy,
    audit: access.audit,
    areaName: (code) =>
      services.areas
        .get(code)
        .then((a) => a.name)
        .catch(() => undefined),
    ...(o.clock ? { clock: () => (o.clock as () => Date)().toISOString() } : {}),
  });
  return {
    reports,
    dashboard: new DashboardService({
      data: o.data,
      homeArea: o.homeArea,
      kinds: loadKinds(o.dataDir ?? defaultDataDir()),
      audit: access.audit,
      ...(o.clock ? { clock: o.clock } : {}),
    }),
    schedules: new ScheduleService(o.data, reports, o.clock),
    templates: new TemplateService({
      data: o.data,
      gate,
      policy: access.policy,
      reports,
      elementIds: () => [...elementsById.keys()],
      codeName,
      ...(o.clock ? { today: () => (o.clock as () => Date)().toISOString().slice(0, 10) } : {}),
    }),
  };
}
