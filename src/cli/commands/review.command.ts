/**
 * `populus review list|show|accept|reject|acknowledge`: the review queue from the command line.
 * Accepting a possible match merges the item's person into the candidate; rejecting keeps them
 * apart for good; acknowledging leaves a value conflict as it is. Every decision records its actor
 * (`--actor`, default `cli:<login name>`) and the reason given.
 */
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import type { DecisionResult, ReviewItem } from '../../services/review.service.ts';
import { printRows, withPlatform } from './with-platform.ts';

const db = new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)');

export function cliActor(actor: string | undefined): string {
  return actor ?? `cli:${userInfo().username}`;
}

interface DecideOptions {
  database?: string;
  reason?: string;
  actor?: string;
}

function printDecision(r: DecisionResult): void {
  console.log(`${r.item.id}: ${r.item.decision ?? r.item.status} by ${r.item.decidedBy ?? '?'}${r.mergeId ? `; merged into ${r.personId ?? '?'} (merge ${r.mergeId}; undo with populus persons unmerge ${r.mergeId})` : ''}`);
}

function summary(i: ReviewItem): string {
  const d = i.detail;
  if (i.kind === 'possible-match') {
    const explanation = typeof d['explanation'] === 'string' ? (JSON.parse(d['explanation']) as { probability?: number }) : undefined;
    return `candidate ${String(d['candidateId'])}${explanation?.probability !== undefined ? `, p=${explanation.probability.toFixed(3)}` : ''}${d['likelyDuplicate'] === true ? ', likely duplicate' : ''}`;
  }
  if (i.kind === 'identifier-clash') return `number held by ${String(d['heldBy'])}`;
  return `${i.elementId ?? ''} from ${i.sourceId ?? '?'}`;
}

export function reviewCommand(): Command {
  const cmd = new Command('review').description('the review queue: possible matches, value conflicts, identifier clashes, and decisions on them');
  cmd
    .command('list')
    .description('review items, newest first')
    .addOption(new Option('--status <status>', 'open, resolved or superseded').default('open'))
    .addOption(new Option('--kind <kind>', 'possible-match, conflict or identifier-clash'))
    .addOption(new Option('--decision <decision>', 'accepted, rejected or acknowledged'))
    .addOption(new Option('--limit <n>', 'at most this many').default('50'))
    .addOption(db)
    .action((o: { status: string; kind?: string; decision?: string; limit: string; database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        const r = await services.reviews.list({ status: o.status === 'all' ? undefined : o.status, kind: o.kind, decision: o.decision, limit: Number(o.limit), offset: 0 });
        console.log(`${r.total} item(s)`);
        printRows([
          ['id', 'kind', 'status', 'decision', 'person', 'about', 'created'],
          ...r.items.map((i) => [i.id, i.kind, i.status, i.decision ? `${i.decision} by ${i.decidedBy ?? '?'}` : '', i.personId, summary(i), i.createdAt.slice(0, 19)]),
        ]);
      }),
    );
  cmd
    .command('show')
    .description('one review item with its explanation')
    .argument('<id>')
    .addOption(db)
    .action((id: string, o: { database?: string }) =>
      withPlatform(o.database, async ({ services }) => {
        console.log(JSON.stringify(await services.reviews.get(id), null, 2));
      }),
    );
  for (const [name, description] of [
    ['accept', 'the same person: merge the item’s person into the candidate (a conflict: acknowledge it)'],
    ['reject', 'different people: keep them apart; the pair is not asked again'],
    ['acknowledge', 'a value conflict seen: the owner’s value stands'],
  ] as const) {
    cmd
      .command(name)
      .description(description)
      .argument('<id>', 'the review item')
      .option('--reason <text>', 'why (kept with the decision)')
      .option('--actor <actor>', 'who decides (default cli:<login name>)')
      .addOption(db)
      .action((id: string, o: DecideOptions) =>
        withPlatform(o.database, async ({ services }) => {
          const actor = cliActor(o.actor);
          const r = name === 'accept' ? await services.reviews.accept(id, actor, o.reason) : name === 'reject' ? await services.reviews.reject(id, actor, o.reason) : await services.reviews.acknowledge(id, actor, o.reason);
          printDecision(r);
        }),
      );
  }
  return cmd;
}
