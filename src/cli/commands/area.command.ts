/** `populus area …`: the area tree by code or name, children and path. */
import { Command, Option } from 'commander';
import { printRows, withPlatform } from './with-platform.ts';
import type { Area } from '../../domain/standard/types.ts';

const db = new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)');
const row = (a: Area): (string | null)[] => [a.code, a.name, a.level, a.status === 'retired' ? `retired ${a.endYear ?? ''}`.trim() : ''];

export function areaCommand(): Command {
  const cmd = new Command('area').description('the area tree: GB/T 2260 to county level, Shanghai streets and committees');
  cmd
    .command('get')
    .argument('<code>')
    .description('one area and its path from the province down')
    .addOption(db)
    .action((code: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        printRows((await services.areas.path(code)).map(row));
      }),
    );
  cmd
    .command('children')
    .argument('[code]', 'parent code; none for the provinces')
    .option('--include-retired')
    .addOption(db)
    .action((code: string | undefined, o: { includeRetired?: boolean; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        printRows((await services.areas.children(code ?? null, o.includeRetired ?? false)).map(row));
      }),
    );
  cmd
    .command('search')
    .argument('<text>', 'code prefix or part of a name')
    .option('--include-retired')
    .addOption(db)
    .action((text: string, o: { includeRetired?: boolean; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const { items, total } = await services.areas.search({ q: text, includeRetired: o.includeRetired ?? false, limit: 100, offset: 0 });
        printRows(items.map(row));
        if (total > items.length) console.log(`… ${total - items.length} more`);
      }),
    );
  return cmd;
}
