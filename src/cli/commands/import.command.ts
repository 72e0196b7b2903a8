/** `populus import --source ID FILE…`, and rollback / rejected rows of a batch. */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { rejectedRowsCsv, rejectedRowsXlsx } from '../../ingest/rejected-export.ts';
import { progressPrinter } from './progress-bar.ts';
import { printRows, withPlatform } from './with-platform.ts';

const db = new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)');

export function importCommand(): Command {
  const cmd = new Command('import')
    .description('import department files (CSV in UTF-8/GBK/GB18030, XLSX, JSON Lines) through a source’s mapping profile')
    .argument('[files...]', 'files to import, in order')
    .option('-s, --source <id>', 'the source (department system) the files come from')
    .option('--observed-at <date>', 'the date the extract describes (YYYY-MM-DD; default today)')
    .option('--resume <batch>', 'continue an interrupted import of the same file')
    .addOption(db)
    .action((files: string[], o: { source?: string; observedAt?: string; resume?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        if (!o.source) throw new Error('name the source with --source ID (see `populus source list`)');
        if (files.length === 0) throw new Error('name at least one file to import');
        for (const file of files) {
          const bar = progressPrinter(file);
          const r = await services.imports.importFile(o.source, file, {
            ...(o.observedAt ? { observedAt: o.observedAt } : {}),
            ...(o.resume ? { resume: o.resume } : {}),
            onProgress: (p) => bar.update(p),
          });
          bar.finish();
          if (r.identicalTo) {
            console.log(`${file}: identical to the last import ${r.identicalTo}; nothing changed`);
            continue;
          }
          console.log(
            `${file}: batch ${r.batchId} ${r.status} — ${r.rowsRead} rows read, ${r.rowsRejected} rejected, ${r.rowsUnchanged} unchanged, ${r.personsCreated} persons created, ${r.personsLinked} linked, ${r.recordsEnded} records ended, ${r.conflicts} conflicts`,
          );
          if (r.rowsRejected > 0) console.log(`  rejected rows: populus import rejected ${r.batchId}`);
        }
      }),
    );

  cmd
    .command('rejected')
    .description('the rejected rows of a batch (file row, column, value, reason); --out F.csv or F.xlsx to write them for Excel')
    .argument('<batch>')
    .option('--out <file.csv>')
    .addOption(db)
    .action((batch: string, o: { out?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const b = await services.imports.batch(batch);
        const rows = await services.imports.rejected(batch);
        if (o.out) {
          writeFileSync(o.out, o.out.toLowerCase().endsWith('.xlsx') ? await rejectedRowsXlsx(b.file_name, rows) : rejectedRowsCsv(b.file_name, rows));
          console.log(`wrote ${rows.length} rejected rows to ${o.out}`);
          return;
        }
        printRows([['row', 'column', 'value', 'reason', 'message'], ...rows.map((r) => [r.row, r.column, r.value, r.reason, r.message])]);
      }),
    );

  cmd
    .command('rollback')
    .description('undo an interrupted or finished import batch')
    .argument('<batch>')
    .addOption(db)
    .action((batch: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const r = await services.imports.rollback(batch);
        console.log(`batch ${r.batchId} ${r.status}`);
      }),
    );

  cmd
    .command('list')
    .description('recent imports')
    .option('-s, --source <id>')
    .addOption(db)
    .action((o: { source?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const list = await services.imports.listBatches(o.source, 30);
        printRows([['batch', 'source', 'file', 'status', 'rows', 'rejected', 'created', 'started'], ...list.map((b) => [b.id, b.source_id, b.file_name, b.status, b.rows_read, b.rows_rejected, b.persons_created, b.started_at])]);
      }),
    );
  return cmd;
}
