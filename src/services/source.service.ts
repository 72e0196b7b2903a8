/**
 * Sources: the department systems that send data. Each belongs to a department, names the data
 * elements it is the authoritative source of (唯一数据产生源: an element is owned by one
 * department, and only that department's sources may claim it), and has versioned mapping
 * profiles. A new profile version never changes what earlier imports recorded.
 */
import { PopulusError } from '../domain/errors.ts';
import { checkProfileShape, type MappingProfile, type ProfileProblem } from '../domain/ingest/profile.ts';
import type { DataAccess, Repositories } from '../store/repositories.ts';
import type { SourceRow } from '../store/source.repository.ts';

export interface SourceDefinition {
  readonly id: string;
  readonly departmentId: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly level: 'city' | 'district' | 'street';
  /** Elements this source is authoritative for. */
  readonly owns: readonly string[];
}

export interface SourceView extends SourceRow {
  readonly owns: string[];
  readonly profileVersion: number | null;
}

const IDENTIFIER_TABLE = 'identifier-type';

export class SourceService {
  constructor(
    private readonly data: DataAccess,
    private readonly unknownTransforms: (steps: readonly (string | { readonly id: string })[]) => string[],
  ) {}

  /** The source that owns each element (its one authoritative source), where one is defined. */
  async ownerSourceOf(elementIds: readonly string[]): Promise<Map<string, string>> {
    const owners = await this.data.repos.sources.owners(elementIds);
    return new Map([...owners].flatMap(([element, sources]) => {
      const first = [...sources].sort()[0];
      return first === undefined ? [] : [[element, first] as const];
    }));
  }

  /** Registers a source or updates its names and owned elements. */
  async define(def: SourceDefinition): Promise<SourceView> {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(def.id)) {
      throw new PopulusError('INVALID_VALUE', `source id "${def.id}" must be lower-case letters, digits and dashes`, { field: 'id' });
    }
    return this.data.transaction(async (repos) => {
      const department = await repos.standard.findDepartment(def.departmentId);
      if (!department) throw new PopulusError('INVALID_VALUE', `there is no department "${def.departmentId}"`, { field: 'departmentId' });
      const elements = await repos.standard.findElements(def.owns);
      for (const id of def.owns) {
        const e = elements.find((x) => x.id === id);
        if (!e) throw new PopulusError('UNKNOWN_ELEMENT', `there is no data element "${id}"`, { element: id });
        if (e.ownerDepartmentId !== def.departmentId) {
          throw new PopulusError('INVALID_VALUE', `${id} is owned by ${e.ownerDepartmentId}; a source of ${def.departmentId} cannot be its authoritative source`, {
            element: id,
            owner: e.ownerDepartmentId,
          });
        }
      }
      await repos.sources.upsertSource({ id: def.id, departmentId: def.departmentId, nameZh: def.nameZh, nameEn: def.nameEn, level: def.level });
      await repos.sources.setOwnedElements(def.id, [...new Set(def.owns)]);
      return this.viewIn(repos, def.id);
    });
  }

  async get(id: string): Promise<SourceView> {
    return this.viewIn(this.data.repos, id);
  }

  async list(): Promise<SourceView[]> {
    const rows = await this.data.repos.sources.listSources();
    return Promise.all(rows.map((r) => this.viewIn(this.data.repos, r.id)));
  }

  /** Checks a profile against the standard and stores it as the source's next version. */
  async addProfile(sourceId: string, profile: MappingProfile): Promise<{ version: number }> {
    return this.data.transaction(async (repos) => {
      if (!(await repos.sources.findSource(sourceId))) throw sourceNotFound(sourceId);
      const problems = await this.checkProfile(repos, profile);
      if (problems.length > 0) {
        throw new PopulusError('INVALID_PROFILE', `the profile has ${problems.length} problem(s): ${problems[0]?.path}: ${problems[0]?.message}`, { problems });
      }
      const latest = await repos.sources.latestProfile(sourceId);
      const text = JSON.stringify(profile);
      if (latest && latest.profile === text) return { version: latest.version };
      const version = (latest?.version ?? 0) + 1;
      await repos.sources.insertProfile(sourceId, version, text);
      return { version };
    });
  }

  /** The problems addProfile would refuse the profile for (nothing is stored): the same checks, for an editor validating as one types. */
  async checkProfileOf(profile: MappingProfile): Promise<ProfileProblem[]> {
    return this.checkProfile(this.data.repos, profile);
  }

  async profile(sourceId: string, version?: number): Promise<{ version: number; profile: MappingProfile }> {
    const repos = this.data.repos;
    if (!(await repos.sources.findSource(sourceId))) throw sourceNotFound(sourceId);
    if (version === undefined) {
      const latest = await repos.sources.latestProfile(sourceId);
      if (!latest) throw new PopulusError('PROFILE_NOT_FOUND', `source ${sourceId} has no mapping profile yet`, { source: sourceId });
      return { version: latest.version, profile: JSON.parse(latest.profile) as MappingProfile };
    }
    const text = await repos.sources.profile(sourceId, version);
    if (!text) throw new PopulusError('PROFILE_NOT_FOUND', `source ${sourceId} has no profile version ${version}`, { source: sourceId, version });
    return { version, profile: JSON.parse(text) as MappingProfile };
  }

  private async checkProfile(repos: Repositories, p: MappingProfile): Promise<ProfileProblem[]> {
    const problems = checkProfileShape(p);
    for (const [i, c] of (p.columns ?? []).entries()) {
      for (const t of this.unknownTransforms(c.transforms ?? [])) problems.push({ path: `columns[${i}].transforms`, message: `unknown transform "${t}"` });
      const target = c.target;
      if ('element' in target) {
        const e = await repos.standard.findElement(target.element);
        if (!e) problems.push({ path: `columns[${i}].target.element`, message: `unknown element ${target.element}` });
        else if (e.storage !== 'value') problems.push({ path: `columns[${i}].target.element`, message: `${e.id} is stored as ${e.storage}: map it with an identifier or residence target` });
      } else if ('identifier' in target) {
        if (!(await repos.standard.findEntry(IDENTIFIER_TABLE, target.identifier))) problems.push({ path: `columns[${i}].target.identifier`, message: `unknown identifier type ${target.identifier}` });
      }
    }
    for (const [i, c] of (p.constants ?? []).entries()) {
      const e = await repos.standard.findElement(c.element);
      if (!e || e.storage !== 'value') problems.push({ path: `constants[${i}].element`, message: `unknown element ${c.element}` });
    }
    for (const [id, map] of Object.entries(p.codeMaps ?? {})) {
      if (map.table === 'boolean') {
        for (const [local, v] of Object.entries(map.map)) if (v !== 'true' && v !== 'false') problems.push({ path: `codeMaps.${id}.map.${local}`, message: 'a yes/no map gives true or false' });
        continue;
      }
      if (!(await repos.standard.findCodeTable(map.table))) {
        problems.push({ path: `codeMaps.${id}.table`, message: `unknown code table ${map.table}` });
        continue;
      }
      for (const [local, code] of Object.entries(map.map)) {
        if (!(await repos.standard.findEntry(map.table, code))) problems.push({ path: `codeMaps.${id}.map.${local}`, message: `${code} is not in ${map.table}` });
      }
    }
    return problems;
  }

  private async viewIn(repos: Repositories, id: string): Promise<SourceView> {
    const s = await repos.sources.findSource(id);
    if (!s) throw sourceNotFound(id);
    const [owns, latest] = await Promise.all([repos.sources.ownedElements(id), repos.sources.latestProfile(id)]);
    return { ...s, owns, profileVersion: latest?.version ?? null };
  }
}

export function sourceNotFound(id: string): PopulusError {
  return new PopulusError('SOURCE_NOT_FOUND', `there is no source "${id}"`, { source: id });
}
