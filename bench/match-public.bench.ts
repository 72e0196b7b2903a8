/**
 * `npm run bench -- match-public [--only NAME,NAME] [--no-em] [--quick]`: the matching engine on the
 * public record-linkage data in ../shared/datasets (FEBRL 1–4 and the dsgen series, RLdata, Splink's
 * fake_1000 and historical_50k, the Census test files), every file with the same generic latin-name
 * profile and rules (data/match-rules/latin-generic.*), not tuned to any of them. Prints pairwise
 * precision, recall and F1 of the links, the share of records sent to review, pairs compared,
 * blocking recall and wall time, beside the published figures of other tools. `chineseStreet` is
 * generated (src/match/testing/chinese-fixtures.ts, street scale) and uses the Chinese rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSourceFile } from '../src/ingest/read/record-reader.ts';
import { clusterPairs, clusters } from '../src/match/cluster.ts';
import { linkQuality, truePairs, type LinkQuality } from '../src/match/evaluate.ts';
import { deduplicate, link, type LinkResult } from '../src/match/linker.ts';
import type { MatchRecord } from '../src/match/match-record.ts';
import { parseMatchRules, withoutFields, type MatchRules } from '../src/match/match-rules.ts';
import { bindProfile, parseMatchProfile } from '../src/match/profile/match-profile.ts';
import { generateFixture } from '../src/match/testing/chinese-fixtures.ts';
import { peakRssMB, printResult, printTable, type Figures } from './lib/report.ts';

const DATA = process.env['POPULUS_DATASETS'] ?? join(import.meta.dirname, '../../shared/datasets');
const RULES_DIR = join(import.meta.dirname, '../data/match-rules');
const args = process.argv.slice(2);
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : undefined;
const estimate = !args.includes('--no-em');
const quick = args.includes('--quick');

interface Labelled {
  readonly records: MatchRecord[];
  readonly entities: { id: string; entity: string }[];
}

interface Dataset {
  readonly key: string;
  readonly name: string;
  readonly files: readonly string[];
  readonly mode: 'dedup' | 'link';
  readonly entity: (id: string, cells: Readonly<Record<string, string>>) => string;
  readonly dropFields?: readonly string[];
  readonly big?: boolean;
  /** Generated instead of read: the Chinese street-scale data of src/match/testing (no file). */
  readonly generated?: () => Labelled[];
  /** Rules other than the generic latin ones. */
  readonly rulesFile?: string;
  /** Published figures of other tools on the same data, with their source. */
  readonly peers?: readonly { tool: string; f1: number | string; wallS?: number; source: string }[];
}

const febrlEntity = (id: string): string => /^rec-(\d+)-/.exec(id)?.[1] ?? id;
const dsgenEntity = (id: string): string => String(Math.floor(Number(id) / 10));
const column =
  (name: string) =>
  (_id: string, cells: Readonly<Record<string, string>>): string =>
    (cells[name] ?? '').trim();

const FEBRL4_PEERS = [
  { tool: 'Splink (SQLite)', f1: 0.9991, wallS: 36, source: "Splink docs' FEBRL4 example; 36 s measured on this machine (issue 5)" },
  { tool: 'Python recordlinkage, ECM', f1: 0.9998, wallS: 5.0, source: 'measured on this machine (issue 5)' },
];

const DATASETS: Dataset[] = [
  {
    key: 'febrl4',
    name: 'FEBRL 4a × 4b (link)',
    files: ['febrl/dataset4a.csv', 'febrl/dataset4b.csv'],
    mode: 'link',
    entity: febrlEntity,
    peers: FEBRL4_PEERS,
  },
  {
    key: 'febrl4NoSsn',
    name: 'FEBRL 4, without soc_sec_id',
    files: ['febrl/dataset4a.csv', 'febrl/dataset4b.csv'],
    mode: 'link',
    entity: febrlEntity,
    dropFields: ['identifier'],
    peers: [{ tool: 'Python recordlinkage, ECM', f1: 0.9965, source: 'measured on this machine (issue 5)' }],
  },
  { key: 'febrl1', name: 'FEBRL 1 (dedup)', files: ['febrl/dataset1.csv'], mode: 'dedup', entity: febrlEntity },
  { key: 'febrl2', name: 'FEBRL 2 (dedup)', files: ['febrl/dataset2.csv'], mode: 'dedup', entity: febrlEntity },
  { key: 'febrl3', name: 'FEBRL 3 (dedup)', files: ['febrl/dataset3.csv'], mode: 'dedup', entity: febrlEntity },
  ...[1000, 2500, 5000, 10000].flatMap((x): Dataset[] => [
    {
      key: `dsgenA${x}`,
      name: `dsgen A ${x} (dedup, easy)`,
      files: [`febrl/dsgen-series/dedup/dataset_A_${x}.csv`],
      mode: 'dedup',
      entity: dsgenEntity,
      big: x > 2500,
    },
    {
      key: `dsgenC${x}`,
      name: `dsgen C ${x} (dedup, hard)`,
      files: [`febrl/dsgen-series/dedup/dataset_C_${x}.csv`],
      mode: 'dedup',
      entity: dsgenEntity,
      big: x > 2500,
    },
    {
      key: `dsgenD${x}`,
      name: `dsgen D ${x} (link, easy)`,
      files: [`febrl/dsgen-series/link/dataset_D_org_${x}.csv`, `febrl/dsgen-series/link/dataset_D_dup_${x}.csv`],
      mode: 'link',
      entity: dsgenEntity,
      big: x > 2500,
    },
    {
      key: `dsgenF${x}`,
      name: `dsgen F ${x} (link, hard)`,
      files: [`febrl/dsgen-series/link/dataset_F_org_${x}.csv`, `febrl/dsgen-series/link/dataset_F_dup_${x}.csv`],
      mode: 'link',
      entity: dsgenEntity,
      big: x > 2500,
    },
  ]),
  {
    key: 'rldata500',
    name: 'RLdata500 (dedup)',
    files: ['rldata/RLdata500.csv'],
    mode: 'dedup',
    entity: column('label_true'),
  },
  {
    key: 'rldata10k',
    name: 'RLdata10000 (dedup)',
    files: ['rldata/RLdata10000.csv'],
    mode: 'dedup',
    entity: column('label_true'),
    peers: [{ tool: 'RecordLinkage (R), simple rules', f1: '≈ 0.9+', source: 'package docs (?RLdata): "90%+ precision and recall"' }],
  },
  { key: 'fake1000', name: 'Splink fake_1000 (dedup)', files: ['splink/fake_1000.csv'], mode: 'dedup', entity: column('cluster') },
  {
    key: 'historical50k',
    name: 'Splink historical_50k (dedup)',
    files: ['splink/historical_figures_with_errors_50k.csv'],
    mode: 'dedup',
    entity: column('cluster'),
    big: true,
  },
  {
    key: 'census',
    name: 'Census A × B (link)',
    files: ['census-secondstring/censusTextSegmentedA.tab', 'census-secondstring/censusTextSegmentedB.tab'],
    mode: 'link',
    entity: (id) => id,
  },
  {
    key: 'chineseStreet',
    name: 'Chinese street, generated (link)',
    files: [],
    mode: 'link',
    entity: (id) => id,
    big: true,
    rulesFile: 'chinese-department.v1.json',
    generated: () => {
      const f = generateFixture({ seed: 7, households: 30_000, duplicates: 0.01, noise: { idMissing: 0.3 } });
      const label = (records: MatchRecord[]): Labelled => ({
        records,
        entities: records.map((r) => ({ id: r.id, entity: f.truth.get(r.id) ?? '' })),
      });
      return [label(f.reference), label(f.department)];
    },
  },
];

const profile = parseMatchProfile(JSON.parse(readFileSync(join(RULES_DIR, 'latin-generic.profile.json'), 'utf8')));
const baseRules = parseMatchRules(JSON.parse(readFileSync(join(RULES_DIR, profile.rules), 'utf8')));

/** The Census files: tab separated, no header, fixed-width padded fields. */
function readCensus(path: string): Labelled {
  const headers = ['source', 'id', 'last_name', 'first_name', 'middle_initial', 'house_number', 'street'];
  const bound = bindProfile(profile, headers);
  const records: MatchRecord[] = [];
  const entities: { id: string; entity: string }[] = [];
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .forEach((line, n) => {
      const cells: Record<string, string> = {};
      line.split('\t').forEach((v, i) => (cells[headers[i] ?? `c${i}`] = v.trim()));
      // Ids repeat within B: the record id is the row, the entity is the census id.
      const r = bound.toRecord(cells, n + 1);
      const record = { id: `${cells['source']}-${n + 1}`, fields: r.fields };
      records.push(record);
      entities.push({ id: record.id, entity: cells['id'] ?? '' });
    });
  return { records, entities };
}

async function readFile(path: string, d: Dataset): Promise<Labelled> {
  if (path.endsWith('.tab')) return readCensus(path);
  const source = await openSourceFile(path);
  const bound = bindProfile(profile, source.header.headers);
  const records: MatchRecord[] = [];
  const entities: { id: string; entity: string }[] = [];
  for await (const r of source.records) {
    const record = bound.toRecord(r.cells, r.row);
    records.push(record);
    entities.push({ id: record.id, entity: d.entity(record.id, r.cells) });
  }
  return { records, entities };
}

interface Row {
  dataset: string;
  records: string;
  truePairs: number;
  pairsCompared: number;
  blockingRecall: number;
  precision: number;
  recall: number;
  f1: number;
  clusterF1: number | string;
  reviewPct: number;
  wallS: number;
  model: string;
}

function evaluateResult(
  res: LinkResult,
  left: Labelled,
  right: Labelled | undefined,
  truth: ReadonlySet<string>,
): { quality: LinkQuality; clustered: LinkQuality | undefined; review: number; blockingRecall: number } {
  const rightRecords = right ?? left;
  const predicted: [string, string][] = [];
  const linkedIndices: [number, number][] = [];
  const candidates: [string, string][] = [];
  let review = 0;
  for (let k = 0; k < res.count; k++) {
    const a = left.records[res.left[k] ?? 0]?.id ?? '';
    const b = rightRecords.records[res.right[k] ?? 0]?.id ?? '';
    candidates.push([a, b]);
    if (res.decisionCode[k] === 0) {
      predicted.push([a, b]);
      linkedIndices.push([res.left[k] ?? 0, res.right[k] ?? 0]);
    } else if (res.decisionCode[k] === 1) review++;
  }
  // Dedup: the links closed into clusters (A ~ B, B ~ C → one person), scored pairwise again.
  const clustered = right
    ? undefined
    : linkQuality(
        (function* () {
          for (const [i, j] of clusterPairs(clusters(left.records.length, linkedIndices))) {
            yield [left.records[i]?.id ?? '', left.records[j]?.id ?? ''] as const;
          }
        })(),
        truth,
      );
  return { quality: linkQuality(predicted, truth), clustered, review, blockingRecall: linkQuality(candidates, truth).recall };
}

function modelNote(res: LinkResult): string {
  if (!res.estimation) return 'configured';
  const e = res.estimation;
  const refused = e.sessions.filter((s) => !s.accepted && s.pairs > 0).length;
  return `EM${e.lambda.accepted ? '' : ', λ configured'}${refused > 0 ? `, ${refused} session(s) refused` : ''}${e.configuredM.length > 0 ? `, m configured: ${e.configuredM.join('/')}` : ''}`;
}

const selected = DATASETS.filter((d) => (only ? only.includes(d.key) : !(quick && d.big)));
const rows: Row[] = [];
const figures: Figures = {};
const peers: Record<string, string | number>[] = [];
for (const d of selected) {
  const paths = d.files.map((f) => join(DATA, f));
  if (!paths.every((p) => existsSync(p))) {
    console.error(`skipping ${d.name}: ${paths.find((p) => !existsSync(p))} not found`);
    continue;
  }
  process.stderr.write(`${d.name}…\n`);
  const loaded = d.generated ? d.generated() : await Promise.all(paths.map((p) => readFile(p, d)));
  const left = loaded[0] as Labelled;
  const right = d.mode === 'link' ? loaded[1] : undefined;
  const truth = truePairs(left.entities, right?.entities);
  const own = d.rulesFile ? parseMatchRules(JSON.parse(readFileSync(join(RULES_DIR, d.rulesFile), 'utf8'))) : baseRules;
  const rules: MatchRules = d.dropFields ? withoutFields(own, d.dropFields) : own;
  const started = performance.now();
  const res = right ? link(rules, left.records, right.records, { estimate }) : deduplicate(rules, left.records, { estimate });
  const wallS = (performance.now() - started) / 1000;
  const { quality, clustered, review, blockingRecall } = evaluateResult(res, left, right, truth);
  const records = left.records.length + (right?.records.length ?? 0);
  rows.push({
    dataset: d.name,
    records: right ? `${left.records.length} × ${right.records.length}` : String(records),
    truePairs: quality.truePairs,
    pairsCompared: res.count,
    blockingRecall: Number(blockingRecall.toFixed(4)),
    precision: Number(quality.precision.toFixed(4)),
    recall: Number(quality.recall.toFixed(4)),
    f1: Number(quality.f1.toFixed(4)),
    clusterF1: clustered ? Number(clustered.f1.toFixed(4)) : '—',
    reviewPct: Number(((100 * review) / records).toFixed(2)),
    wallS: Number(wallS.toFixed(3)),
    model: modelNote(res),
  });
  figures[`${d.key}F1`] = Number(quality.f1.toFixed(4));
  if (clustered) figures[`${d.key}ClusterF1`] = Number(clustered.f1.toFixed(4));
  figures[`${d.key}Precision`] = Number(quality.precision.toFixed(4));
  figures[`${d.key}Recall`] = Number(quality.recall.toFixed(4));
  figures[`${d.key}ReviewPct`] = Number(((100 * review) / records).toFixed(2));
  figures[`${d.key}Pairs`] = res.count;
  figures[`${d.key}WallS`] = Number(wallS.toFixed(3));
  for (const p of d.peers ?? []) peers.push({ dataset: d.name, tool: p.tool, f1: p.f1, wallS: p.wallS ?? '—', source: p.source });
  peers.push({
    dataset: d.name,
    tool: `Populus (${estimate ? 'EM' : 'configured'})`,
    f1: Number(quality.f1.toFixed(4)),
    wallS: Number(wallS.toFixed(3)),
    source: 'this run',
  });
}

printTable(
  `Matching — rules ${baseRules.id} v${baseRules.version} (the generated Chinese street: chinese-department), ${estimate ? 'weights estimated by EM' : 'configured weights'}; F1 of links (review counted as not linked)`,
  rows as unknown as Record<string, string | number>[],
);
printTable('Beside other tools (published or measured figures)', peers);
figures['peakRssMB'] = peakRssMB();
figures['em'] = estimate;
printResult(figures);
