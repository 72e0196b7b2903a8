/** `populus standard …`: list and search the data standard, add a local code value or element. */
import { Command, Option } from 'commander';
import { SENSITIVITIES, VALUE_TYPES, type Sensitivity, type ValueType } from '../../domain/standard/types.ts';
import { printRows, withPlatform } from './with-platform.ts';

const db = new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)');

export function standardCommand(): Command {
  const cmd = new Command('standard').description('the data standard: code tables, elements, departments');

  cmd
    .command('tables')
    .description('list code tables (search by id, name or standard)')
    .option('-q, --query <text>')
    .addOption(db)
    .action((o: { query?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const tables = await services.standard.listCodeTables(o.query);
        printRows([['id', 'name', 'standard', 'version'], ...tables.map((t) => [t.id, t.nameZh, t.standard, t.version])]);
      }),
    );

  cmd
    .command('codes')
    .description('list the entries of a code table (search by code prefix or name)')
    .argument('<table>', 'code table id, e.g. marital-status')
    .option('-q, --query <text>')
    .option('--as-of <date>', 'only entries valid on this date (YYYY-MM-DD)')
    .option('--limit <n>', 'at most this many', '200')
    .addOption(db)
    .action((table: string, o: { query?: string; asOf?: string; limit: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const { items, total } = await services.standard.listEntries(table, { q: o.query, asOf: o.asOf, limit: Number(o.limit), offset: 0 });
        printRows([['code', 'name', 'name (en)', 'status', 'valid from', 'valid to'], ...items.map((e) => [e.code, e.nameZh, e.nameEn, e.status, e.validFrom, e.validTo])]);
        if (total > items.length) console.log(`… ${total - items.length} more (use --query or --limit)`);
      }),
    );

  cmd
    .command('add-code')
    .description('add a local code value to a table, effective from a date (e.g. add-code marital-status 50 分居 --valid-from 2026-01-01)')
    .argument('<table>')
    .argument('<code>')
    .argument('<nameZh>')
    .requiredOption('--valid-from <date>', 'effective date, YYYY-MM-DD')
    .option('--name-en <name>')
    .option('--parent <code>')
    .option('--note <text>')
    .addOption(db)
    .action((table: string, code: string, nameZh: string, o: { validFrom: string; nameEn?: string; parent?: string; note?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const e = await services.standard.addEntry(table, { code, nameZh, nameEn: o.nameEn, parentCode: o.parent, validFrom: o.validFrom, note: o.note });
        console.log(`added ${e.tableId} ${e.code} ${e.nameZh} (local, valid from ${e.validFrom})`);
      }),
    );

  cmd
    .command('elements')
    .description('list the data-element catalogue (search by id or name)')
    .option('-q, --query <text>')
    .addOption(db)
    .action((o: { query?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const list = await services.standard.listElements(o.query);
        printRows([['id', 'name', 'type', 'code table', 'sensitivity', 'owner'], ...list.map((e) => [e.id, e.nameZh, e.valueType, e.codeTableId, e.sensitivity, e.ownerDepartmentId])]);
      }),
    );

  cmd
    .command('add-element')
    .description('add a local data element')
    .argument('<id>', 'objectClass.property, e.g. person.retiredRehired')
    .requiredOption('--name-zh <name>')
    .requiredOption('--name-en <name>')
    .requiredOption('--definition <text>')
    .addOption(new Option('--type <type>', 'value type').choices(VALUE_TYPES).makeOptionMandatory())
    .option('--code-table <id>', 'for --type code')
    .addOption(new Option('--sensitivity <class>').choices(SENSITIVITIES).default('internal'))
    .requiredOption('--owner <department>', 'owning department id (see `populus standard departments`)')
    .option('--freshness-days <n>')
    .addOption(db)
    .action(
      (
        id: string,
        o: { nameZh: string; nameEn: string; definition: string; type: ValueType; codeTable?: string; sensitivity: Sensitivity; owner: string; freshnessDays?: string; database?: string },
      ) =>
        withPlatform(o.database, async ({ services }) => {
          const e = await services.standard.addElement({
            id,
            nameZh: o.nameZh,
            nameEn: o.nameEn,
            definition: o.definition,
            valueType: o.type,
            codeTableId: o.codeTable,
            sensitivity: o.sensitivity,
            ownerDepartmentId: o.owner,
            freshnessDays: o.freshnessDays === undefined ? undefined : Number(o.freshnessDays),
          });
          console.log(`added element ${e.id} (${e.nameZh}, ${e.valueType}, owner ${e.ownerDepartmentId})`);
        }),
    );

  cmd
    .command('departments')
    .description('list the departments that own data elements')
    .addOption(db)
    .action((o: { database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const list = await services.standard.listDepartments();
        printRows([['id', 'name', 'name (en)', 'level'], ...list.map((d) => [d.id, d.nameZh, d.nameEn, d.level])]);
      }),
    );
  return cmd;
}
