/** `populus housing import FILE`: the standard address database (buildings and dwellings under committees). */
import { Command, Option } from 'commander';
import { withPlatform } from './with-platform.ts';

export function housingCommand(): Command {
  const cmd = new Command('housing').description('housing: the standard address database (以房管人)');
  cmd
    .command('import')
    .description('load buildings and dwellings from a list with 居委会代码 (or 居委会), 地址 and 房屋用途 columns; re-loading changes nothing')
    .argument('<file>')
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)'))
    .action((file: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const r = await services.imports.housingRegister(file, (n) => process.stderr.write(`\r${file}: ${n.toLocaleString('en-US')} rows`));
        process.stderr.write('\n');
        console.log(`${file}: ${r.rowsRead} rows, ${r.buildingsCreated} buildings and ${r.dwellingsCreated} dwellings created, ${r.dwellingsUpdated} updated, ${r.rejected.length} rejected`);
        for (const x of r.rejected.slice(0, 20)) console.log(`  row ${x.row}: ${x.reason} ${x.message}`);
        if (r.rejected.length > 20) console.log(`  … ${r.rejected.length - 20} more`);
      }),
    );
  return cmd;
}
