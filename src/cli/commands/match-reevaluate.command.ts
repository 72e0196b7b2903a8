/**
 * `populus match reevaluate RULES.json [--apply]`: what a new match rule file would change in the
 * decisions made by score (the import's links, the possible matches still queued) — link→review,
 * review→new, … — and, with --apply, the change: links split off, items accepted or superseded.
 * People's decisions stand.
 */
import { Command, Option } from 'commander';
import { loadMatchRules } from '../../match/profile/profile-files.ts';
import { printRows, withPlatform } from './with-platform.ts';

export function matchReevaluateCommand(): Command {
  return new Command('reevaluate')
    .description('preview (or --apply) what a new match rule file changes in past scored decisions')
    .argument('<rules>', 'the new rule file (data/match-rules/ID.vN.json)')
    .option('--apply', 'make the changes (otherwise only preview)')
    .option('--list <n>', 'list this many changed decisions', '20')
    .option('--actor <actor>', 'who decides (default rule:<id>@<version>)')
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)'))
    .action((file: string, o: { apply?: boolean; list: string; actor?: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const rules = loadMatchRules(file);
        const r = o.apply ? await services.reevaluation.apply(rules, o.actor ?? `rule:${rules.id}@${rules.version}`) : await services.reevaluation.preview(rules);
        console.log(`${r.before.id} v${r.before.version} → ${r.after.id} v${r.after.version}: ${r.pairs} scored decision(s)`);
        console.log(`transitions: ${Object.entries(r.transitions).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
        if (r.applied) console.log(`applied: ${r.actions.split} split off, ${r.actions.queued} queued for review, ${r.actions.merged} merged, ${r.actions.superseded} superseded`);
        else console.log('nothing changed (add --apply)');
        if (r.changed.length > 0) {
          printRows([
            ['kind', 'id', 'person', 'candidate', 'before', 'after', 'p before', 'p after'],
            ...r.changed.slice(0, Number(o.list)).map((c) => [c.kind, c.id, c.personId, c.candidateId, c.before, c.after, c.probabilityBefore.toFixed(4), c.probabilityAfter.toFixed(4)]),
          ]);
        }
      }),
    );
}
