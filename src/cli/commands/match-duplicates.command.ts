/**
 * `populus match duplicates [--apply] [--merge]`: duplicate detection across the registry. Without
 * --apply it only reports; with it, pairs between the thresholds (and likely duplicates above
 * them) become possible-match review items; --merge merges the likely duplicates instead. Pairs
 * rejected before, and pairs already queued, are skipped. Ids and scores only, never names.
 */
import { Command, Option } from 'commander';
import { cliActor } from './review.command.ts';
import { printRows, withPlatform } from './with-platform.ts';

export function matchDuplicatesCommand(): Command {
  return new Command('duplicates')
    .description('find persons of the registry who are probably one (blocked, scored by the pipeline’s rules)')
    .option('--apply', 'write possible-match review items (otherwise only report)')
    .option('--merge', 'with --apply: merge pairs above the link threshold instead of queueing them')
    .option('--list <n>', 'list this many pairs', '20')
    .option('--actor <actor>', 'who decides (default cli:<login name>)')
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)'))
    .action((o: { apply?: boolean; merge?: boolean; list: string; actor?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const r = await services.duplicates.detect(cliActor(o.actor), { apply: o.apply === true, merge: o.merge === true, listLimit: Number(o.list) });
        console.log(`rules ${r.rules.id} v${r.rules.version}: ${r.persons} persons, ${r.pairsCompared} pairs compared`);
        console.log(`likely duplicates (above the link threshold): ${r.likelyDuplicates}; possible matches (between the thresholds): ${r.possibleMatches}`);
        console.log(`skipped: ${r.skippedRejected} rejected before, ${r.skippedQueued} already in the queue`);
        console.log(r.applied ? `written: ${r.itemsCreated} review item(s), ${r.merged} merge(s)` : 'nothing written (add --apply)');
        if (r.pairs.length > 0) printRows([['person', 'candidate', 'decision', 'probability'], ...r.pairs.map((p) => [p.personId, p.candidateId, p.decision, p.probability.toFixed(4)])]);
      }),
    );
}
