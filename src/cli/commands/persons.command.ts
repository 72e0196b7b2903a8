/**
 * `populus persons merge SURVIVOR LOSER` and `populus persons unmerge MERGE_ID`: two persons who are
 * one become one (the loser's records, values, documents, residences and memberships go to the
 * survivor; reads of the loser's id are redirected), and back, exactly. Recorded with the actor.
 */
import { Command, Option } from 'commander';
import type { MergeSummary } from '../../services/merge.service.ts';
import { cliActor } from './review.command.ts';
import { withPlatform } from './with-platform.ts';

const db = new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)');

function printMerge(m: MergeSummary): void {
  const moved = Object.entries(m.moved)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  console.log(`merge ${m.mergeId}: ${m.loserId} → ${m.survivorId} by ${m.decidedBy}${m.undoneAt ? `; undone by ${m.undoneBy ?? '?'}` : ''}; moved: ${moved || 'nothing'}`);
}

export function personsCommand(): Command {
  const cmd = new Command('persons').description('persons: merge two who are one, and undo a merge');
  cmd
    .command('merge')
    .description('merge LOSER into SURVIVOR (reversible: prints the merge id for unmerge)')
    .argument('<survivor>', 'the person who stays')
    .argument('<loser>', 'the person merged away')
    .option('--reason <text>', 'why (kept with the merge)')
    .option('--force', 'merge even when both hold different citizen ID numbers')
    .option('--actor <actor>', 'who decides (default cli:<login name>)')
    .addOption(db)
    .action((survivor: string, loser: string, o: { reason?: string; force?: boolean; actor?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => printMerge(await services.merges.merge(survivor, loser, cliActor(o.actor), { reason: o.reason, force: o.force === true }))),
    );
  cmd
    .command('unmerge')
    .description('undo a merge: every row it moved goes back, both persons are as they were')
    .argument('<merge-id>')
    .option('--reason <text>', 'why (kept with the merge)')
    .option('--actor <actor>', 'who decides (default cli:<login name>)')
    .addOption(db)
    .action((mergeId: string, o: { reason?: string; actor?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => printMerge(await services.merges.unmerge(mergeId, cliActor(o.actor), o.reason))),
    );
  return cmd;
}
