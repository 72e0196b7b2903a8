/**
 * `populus match FILE [OTHER] --profile P [--out pairs.csv]`: record linkage for departments on plain
 * files — dedup of one file, or link of two — through a column-mapping profile and its rule file.
 * Writes the pairs (ids, decision, probability, weight, each comparison's level and weight) as CSV;
 * progress on stderr. No names or numbers are printed, only record ids and levels.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Command } from 'commander';
import { openSourceFile } from '../../ingest/read/record-reader.ts';
import { formatExplanation } from '../../match/fellegi-sunter.ts';
import { deduplicate, link, type LinkResult, type LinkStage } from '../../match/linker.ts';
import type { MatchRecord } from '../../match/match-record.ts';
import { withoutFields } from '../../match/match-rules.ts';
import { bindProfile, type MatchProfile } from '../../match/profile/match-profile.ts';
import { loadMatchProfile, loadMatchRules, profileRulesPath } from '../../match/profile/profile-files.ts';
import { matchDuplicatesCommand } from './match-duplicates.command.ts';
import { matchReevaluateCommand } from './match-reevaluate.command.ts';

interface MatchOptions {
  profile?: string;
  rules?: string;
  out?: string;
  em: boolean;
  all?: boolean;
  ignore?: string;
  explain?: string;
}

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? v.toFixed(6) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function readRecords(file: string, profile: MatchProfile, log: (s: string) => void): Promise<MatchRecord[]> {
  const source = await openSourceFile(file);
  const bound = bindProfile(profile, source.header.headers);
  log(
    `${file}: ${source.header.format}, ${source.header.encoding}; ${bound.mapped.map((m) => `${m.field} ← ${m.from}`).join(', ')}${bound.idColumn ? `; id ← ${bound.idColumn}` : '; ids are row numbers'}`,
  );
  const records: MatchRecord[] = [];
  const ids = new Set<string>();
  for await (const r of source.records) {
    const record = bound.toRecord(r.cells, r.row);
    // Ids repeat in some files; the row keeps them apart.
    const unique = ids.has(record.id) ? { id: `${record.id}#row-${r.row}`, fields: record.fields } : record;
    ids.add(unique.id);
    records.push(unique);
  }
  return records;
}

function writePairs(out: number, res: LinkResult, left: readonly MatchRecord[], right: readonly MatchRecord[], all: boolean): number {
  const comparisons = res.compiled.comparisons.map((c) => c.spec.id);
  const header = [
    'left_id',
    'right_id',
    'decision',
    'decided_by',
    'probability',
    'weight',
    ...comparisons.flatMap((c) => [`${c}_level`, `${c}_weight`]),
  ];
  let buffer = `${header.join(',')}\n`;
  let written = 0;
  for (let k = 0; k < res.count; k++) {
    const p = res.pair(k);
    if (!all && p.decision === 'new') continue;
    const e = res.explain(k);
    const cells: (string | number)[] = [left[p.left]?.id ?? '', right[p.right]?.id ?? '', p.decision, p.decidedBy, p.probability, p.weight];
    for (const c of e.comparisons) cells.push(c.level ?? '', c.level === null ? '' : c.weight);
    buffer += `${cells.map(csvCell).join(',')}\n`;
    written++;
    if (buffer.length > 1 << 20) {
      writeSync(out, buffer);
      buffer = '';
    }
  }
  writeSync(out, buffer);
  return written;
}

function progress(): (stage: LinkStage, done: number, total: number) => void {
  let last = '';
  let at = 0;
  return (stage, done, total) => {
    const now = Date.now();
    if (stage === last && now - at < 2000 && done < total) return;
    last = stage;
    at = now;
    process.stderr.write(`  ${stage} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}\n`);
  };
}

export function matchCommand(): Command {
  return new Command('match')
    .addCommand(matchDuplicatesCommand())
    .addCommand(matchReevaluateCommand())
    .description(
      'find the same person across plain files: dedup one file, or link two (CSV, XLSX, JSON Lines), through a match profile; writes the pairs with scores, levels and decisions',
    )
    .argument('<file>', 'the file to deduplicate, or the reference file when linking')
    .argument('[other]', 'a second file to link against the first')
    // Not a required option to commander: it would demand it of the subcommands (duplicates, reevaluate) too.
    .option('-p, --profile <name|path>', 'match profile: latin-generic, chinese-department, or a .profile.json file (required)')
    .option('--rules <path>', 'a rule file to use instead of the profile’s')
    .option('-o, --out <file.csv>', 'write the pairs here (default: standard output)')
    .option('--no-em', 'use the rule file’s configured weights instead of estimating them by EM')
    .option('--all', 'write every compared pair, also those decided "new"')
    .option('--ignore <fields>', 'leave out comparisons and blocking rules on these fields (comma separated)')
    .option('--explain <n>', 'print the explanation of the n best-scoring pairs')
    .action(async (file: string, other: string | undefined, o: MatchOptions, command: Command) => {
      if (o.profile === undefined) command.error("error: required option '-p, --profile <name|path>' not specified");
      const summary = o.out ? (s: string): void => console.log(s) : (s: string): void => void process.stderr.write(`${s}\n`);
      const { profile, path } = loadMatchProfile(o.profile ?? '');
      let rules = loadMatchRules(o.rules ?? profileRulesPath(path, profile));
      if (o.ignore)
        rules = withoutFields(
          rules,
          o.ignore.split(',').map((f) => f.trim()),
        );
      const log = (s: string): void => void process.stderr.write(`${s}\n`);
      const left = await readRecords(file, profile, log);
      const right = other === undefined ? undefined : await readRecords(other, profile, log);
      const started = Date.now();
      const options = { estimate: o.em, onProgress: progress() };
      const res = right === undefined ? deduplicate(rules, left, options) : link(rules, left, right, options);
      const seconds = (Date.now() - started) / 1000;
      const fd = o.out ? openSync(o.out, 'w') : 1;
      let written: number;
      try {
        written = writePairs(fd, res, left, right ?? left, o.all === true);
      } finally {
        if (o.out) closeSync(fd);
      }
      summary(
        `rules ${rules.id} v${rules.version}; ${res.mode === 'dedup' ? `dedup of ${left.length} records` : `link of ${left.length} × ${right?.length ?? 0} records`} in ${seconds.toFixed(2)} s`,
      );
      summary(
        `blocking: ${res.blocking.candidatePairs.toLocaleString('en-US')} pairs compared of ${res.blocking.allPairs.toLocaleString('en-US')} (${res.blocking.rules.map((r) => `${r.id} ${r.pairs}${r.oversizeBlocks > 0 ? ` (+${r.oversizeBlocks} blocks over ${res.blocking.maxBlockSize} skipped)` : ''}`).join(', ')})`,
      );
      if (res.estimation) {
        const e = res.estimation;
        summary(
          `model: estimated by EM (u from ${e.randomPairs} random pairs; ${e.sessions.filter((s) => s.accepted).length} EM sessions accepted; λ ${e.lambda.accepted ? 'estimated' : 'configured'}; m configured for ${e.configuredM.length === 0 ? 'none' : e.configuredM.join(', ')})`,
        );
        for (const r of e.reasons) summary(`  guard: ${r}`);
      } else summary('model: configured weights (--no-em)');
      summary(
        `decisions: ${res.counts.link} link, ${res.counts.review} review, ${res.counts.new} new; ${written} pairs written${o.out ? ` to ${o.out}` : ''}`,
      );
      const n = Number(o.explain ?? 0);
      if (n > 0) {
        const order = Array.from({ length: res.count }, (_, k) => k).sort((a, b) => (res.weight[b] ?? 0) - (res.weight[a] ?? 0));
        for (const k of order.slice(0, n)) {
          const p = res.pair(k);
          summary(`\n${left[p.left]?.id} ~ ${(right ?? left)[p.right]?.id}\n${formatExplanation(res.explain(k))}`);
        }
      }
    });
}
