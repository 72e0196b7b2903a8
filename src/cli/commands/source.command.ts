/** `populus source …`: department systems, the elements they own, their mapping profiles. */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { MappingProfile } from '../../domain/ingest/profile.ts';
import type { SourceDefinition } from '../../services/source.service.ts';
import { printRows, withPlatform } from './with-platform.ts';

const db = new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)');

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not readable JSON (${(e as Error).message})`);
  }
}

export function sourceCommand(): Command {
  const cmd = new Command('source').description('sources: the department systems that send data');
  cmd
    .command('list')
    .addOption(db)
    .action((o: { database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const list = await services.sources.list();
        printRows([['id', 'name', 'department', 'owns', 'profile'], ...list.map((s) => [s.id, s.nameZh, s.departmentId, s.owns.join(' '), s.profileVersion === null ? '-' : `v${s.profileVersion}`])]);
      }),
    );
  cmd
    .command('define')
    .description('register or update sources from a JSON file: { "sources": [{ id, departmentId, nameZh, nameEn, level, owns, profile? }] }')
    .argument('<file.json>')
    .addOption(db)
    .action((file: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const doc = readJson(file) as { sources?: (SourceDefinition & { profile?: MappingProfile })[] };
        for (const def of doc.sources ?? []) {
          const { profile, ...source } = def;
          await services.sources.define(source);
          const v = profile ? await services.sources.addProfile(source.id, profile) : undefined;
          console.log(`${source.id}: defined${v ? `, profile v${v.version}` : ''}`);
        }
      }),
    );
  cmd
    .command('draft')
    .description('propose a mapping profile for a file: element and code mappings by name and value similarity, and what could not be mapped')
    .argument('<file>')
    .option('--json', 'print only the draft profile as JSON (to edit and store with `source define`)')
    .addOption(db)
    .action((file: string, o: { json?: boolean; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const d = await services.imports.draft(file);
        if (o.json) {
          console.log(JSON.stringify(d.profile, null, 2));
          return;
        }
        console.log(`${file}: ${d.header.format}, ${d.header.encoding}, header on row ${d.header.headerRow}, ${d.header.headers.length} columns`);
        printRows([
          ['column', 'maps to', 'transforms', 'confidence', 'why'],
          ...d.columns.map((c) => {
            const t = c.mapping?.target;
            const to = !t ? '—' : 'element' in t ? t.element : 'identifier' in t ? `identifier ${t.identifier}` : 'residence' in t ? `${t.residence} residence ${t.part}` : 'rental' in t ? `rental ${t.rental}` : 'ignored';
            return [c.column, to, (c.mapping?.transforms ?? []).join(' '), c.confidence, c.why];
          }),
        ]);
        for (const [map, values] of Object.entries(d.unmappedValues)) console.log(`values of ${map} with no standard code: ${values.join(', ')}`);
        if (d.unmappedColumns.length > 0) console.log(`not mapped: ${d.unmappedColumns.join(', ')}`);
      }),
    );
  cmd
    .command('profile')
    .description('print a source’s mapping profile (latest, or --version N)')
    .argument('<source>')
    .option('--version <n>')
    .addOption(db)
    .action((source: string, o: { version?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const p = await services.sources.profile(source, o.version === undefined ? undefined : Number(o.version));
        console.log(JSON.stringify(p, null, 2));
      }),
    );
  return cmd;
}
