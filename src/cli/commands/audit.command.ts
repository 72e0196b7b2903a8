/**
 * `populus audit …`: verify the hash chain (exit 0 intact, 1 broken — naming the first broken
 * entry), print the chain head to anchor elsewhere, and prune entries past the retention period.
 */
import { Command, Option } from 'commander';
import { PopulusError } from '../../domain/errors.ts';
import type { AccessServices } from '../../access/access-services.ts';
import { formatAnchor, parseAnchor } from '../../access/audit-chain.ts';
import { withPlatform } from './with-platform.ts';

const db = new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)');

function withAudit<T>(database: string | undefined, work: (access: AccessServices) => Promise<T>): Promise<T> {
  return withPlatform(database, (platform) => work(platform.access));
}

export function auditCommand(): Command {
  const cmd = new Command('audit').description('the hash-chained audit log of every use of personal data');

  cmd
    .command('verify')
    .description('walk the whole chain; exit 0 when intact, 1 naming the first broken entry')
    .option('--anchor <line>', 'a head exported earlier by `populus audit head` (populus-audit-head:<seq>:<hash>); the chain must still contain it')
    .addOption(db)
    .action((o: { anchor?: string; database?: string }) =>
      withAudit(o.database, async ({ audit }) => {
        const anchor = o.anchor === undefined ? undefined : parseAnchor(o.anchor);
        if (o.anchor !== undefined && anchor === undefined) throw new PopulusError('VALIDATION_FAILED', 'the anchor is not a populus-audit-head:<seq>:<hash> line');
        const r = await audit.verify(anchor === undefined ? {} : { anchor });
        const from = r.checkpoint ? ` (from the checkpoint after entry ${r.checkpoint.throughSeq}; ${r.checkpoint.entries} older entries pruned)` : '';
        if (r.intact) {
          console.log(`audit chain intact: ${r.entries} entries verified${from}; head ${formatAnchor(r.head)}${r.anchorChecked === true ? '; the anchor matches' : ''}`);
          return;
        }
        const b = r.firstBreak;
        console.log(`audit chain BROKEN at entry ${b?.seq ?? '?'} (${b?.kind ?? '?'}): ${b?.message ?? ''}`);
        console.log(`${r.entries} entries before it verified${from}`);
        process.exitCode = 1;
      }),
    );

  cmd
    .command('head')
    .description('print the chain head (sequence number and hash) to keep somewhere the database’s administrators cannot change')
    .addOption(db)
    .action((o: { database?: string }) =>
      withAudit(o.database, async ({ audit }) => {
        console.log(await audit.anchor());
      }),
    );

  cmd
    .command('prune')
    .description('remove entries older than the retention period (at least 180 days), leaving a verifiable checkpoint; refused when the chain is broken')
    .addOption(db)
    .action((o: { database?: string }) =>
      withAudit(o.database, async ({ audit }) => {
        const { pruned, checkpoint } = await audit.prune();
        console.log(pruned === 0 ? `nothing older than ${audit.settings.retentionDays} days` : `${pruned} entries pruned through entry ${checkpoint?.throughSeq ?? '?'}; the chain continues from the checkpoint`);
      }),
    );

  return cmd;
}
