/**
 * Candidate pairs from blocking: records that share a key in at least one blocking rule (the union
 * of the rules' blocks), or that sit near each other when sorted on a key (sorted neighbourhood).
 * Never the full cross product: a block larger than the cap is skipped and reported, and every
 * rule's block and pair counts are reported so that a rule file can be judged by its cost.
 * Dedup (one list: pairs i < j) or link (two lists: pairs left × right).
 */
import type { FieldName, MatchRecord } from '../match-record.ts';
import { parseBlockingKey, type BlockingKey } from './blocking-keys.ts';

export interface BlockingRuleSpec {
  readonly id: string;
  /** Key expressions; records agreeing on all of them share a block. */
  readonly keys?: readonly string[];
  /** Sort on one key expression and pair each record with the next window − 1. */
  readonly sortedNeighbourhood?: { readonly key: string; readonly window: number };
}

export interface BlockingRule {
  readonly id: string;
  readonly keys: readonly BlockingKey[];
  /** Sorted-neighbourhood window; undefined for a plain blocking rule. */
  readonly window: number | undefined;
  readonly fields: readonly FieldName[];
}

export const MAX_BLOCKING_RULES = 30;

export function compileBlockingRule(spec: BlockingRuleSpec): BlockingRule {
  if (spec.sortedNeighbourhood) {
    const key = parseBlockingKey(spec.sortedNeighbourhood.key);
    const window = spec.sortedNeighbourhood.window;
    if (!Number.isInteger(window) || window < 2) throw new Error(`blocking rule ${spec.id}: the window must be an integer ≥ 2`);
    return { id: spec.id, keys: [key], window, fields: [key.field] };
  }
  const keys = (spec.keys ?? []).map(parseBlockingKey);
  if (keys.length === 0) throw new Error(`blocking rule ${spec.id} has no keys`);
  return { id: spec.id, keys, window: undefined, fields: [...new Set(keys.map((k) => k.field))] };
}

export interface BlockingRuleReport {
  readonly id: string;
  readonly blocks: number;
  /** Pairs the rule produced (before the union removed those other rules found too). */
  readonly pairs: number;
  readonly oversizeBlocks: number;
  readonly skippedPairs: number;
}

export interface BlockingReport {
  readonly rules: readonly BlockingRuleReport[];
  /** Distinct pairs after the union: the pairs compared. */
  readonly candidatePairs: number;
  /** Pairs of the full cross product. */
  readonly allPairs: number;
  readonly maxBlockSize: number;
}

export interface CandidatePairs {
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Bit r set when blocking rule r produced the pair. */
  readonly ruleMask: Uint32Array;
  readonly count: number;
  readonly report: BlockingReport;
}

/**
 * Each key expression's values for every record as numbers (value ids from a dictionary shared by
 * both sides of a link), computed once and shared by the rules that use the expression. Numbers
 * because hashing millions of composite strings is what blocking would otherwise spend its time on.
 */
interface IdColumn {
  /** The record's one value id; −1 when it has none, −2 when it has several (see `multi`). */
  readonly single: Int32Array;
  readonly multi: Map<number, number[]>;
}

type Dictionaries = Map<string, Map<string, number>>;
type IdColumns = Map<string, IdColumn>;

function idColumn(key: BlockingKey, records: readonly MatchRecord[], cache: IdColumns, dictionaries: Dictionaries): IdColumn {
  const hit = cache.get(key.expression);
  if (hit) return hit;
  let dict = dictionaries.get(key.expression);
  if (!dict) {
    dict = new Map();
    dictionaries.set(key.expression, dict);
  }
  const d = dict;
  const idOf = (v: string): number => {
    let id = d.get(v);
    if (id === undefined) {
      id = d.size;
      d.set(v, id);
    }
    return id;
  };
  const single = new Int32Array(records.length);
  const multi = new Map<number, number[]>();
  for (let i = 0; i < records.length; i++) {
    const values = key.keys(records[i] as MatchRecord);
    if (values.length === 0) single[i] = -1;
    else if (values.length === 1) single[i] = idOf(values[0] ?? '');
    else {
      single[i] = -2;
      multi.set(i, [...new Set(values.map(idOf))]);
    }
  }
  const column = { single, multi };
  cache.set(key.expression, column);
  return column;
}

/** Up to 2^21 distinct values per key: two keys make an exact number, more fall back to strings. */
const RADIX = 2 ** 21;

/** Composite keys of record i under one rule (most often one). */
function recordKeys(columns: readonly IdColumn[], i: number, out: (number | string)[]): void {
  out.length = 0;
  let any = false;
  for (const c of columns) {
    const v = c.single[i] ?? -1;
    if (v === -1) return;
    if (v === -2) any = true;
  }
  if (!any) {
    if (columns.length <= 2) {
      let key = 0;
      for (const c of columns) key = key * RADIX + (c.single[i] ?? 0);
      out.push(key);
    } else out.push(columns.map((c) => c.single[i] ?? 0).join(':'));
    return;
  }
  let keys: string[] = [''];
  for (const [n, c] of columns.entries()) {
    const v = c.single[i] ?? -1;
    const ids = v === -2 ? (c.multi.get(i) ?? []) : [v];
    keys = keys.flatMap((prefix) => ids.map((id) => (n === 0 ? String(id) : `${prefix}:${id}`)));
  }
  if (columns.length <= 2) {
    for (const k of keys) {
      const [a, b] = k.split(':').map(Number);
      out.push(columns.length === 1 ? (a ?? 0) : (a ?? 0) * RADIX + (b ?? 0));
    }
  } else out.push(...keys);
}

/** Records grouped by block without an array per block: block b holds members[offsets[b] … offsets[b + 1]). */
interface BlockIndex {
  readonly offsets: Int32Array;
  readonly members: Int32Array;
}

/** Groups the records by their keys; `ids` numbers the blocks and is shared by the two sides of a link. */
function index(
  rule: BlockingRule,
  records: readonly MatchRecord[],
  cache: IdColumns,
  dictionaries: Dictionaries,
  ids: Map<number | string, number>,
): BlockIndex {
  const columns = rule.keys.map((k) => idColumn(k, records, cache, dictionaries));
  let blockOf: Int32Array = new Int32Array(records.length + 16);
  let recordOf: Int32Array = new Int32Array(records.length + 16);
  let n = 0;
  const keys: (number | string)[] = [];
  for (let i = 0; i < records.length; i++) {
    recordKeys(columns, i, keys);
    for (const key of keys) {
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      if (n === blockOf.length) {
        const grow = (a: Int32Array): Int32Array => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        blockOf = grow(blockOf);
        recordOf = grow(recordOf);
      }
      blockOf[n] = id;
      recordOf[n] = i;
      n++;
    }
  }
  // Counting sort of the entries by block.
  const offsets = new Int32Array(ids.size + 1);
  for (let e = 0; e < n; e++) offsets[(blockOf[e] ?? 0) + 1]! += 1;
  for (let b = 0; b < ids.size; b++) offsets[b + 1]! += offsets[b] ?? 0;
  const fill = offsets.slice(0, ids.size);
  const members = new Int32Array(n);
  for (let e = 0; e < n; e++) members[fill[blockOf[e] ?? 0]!++] = recordOf[e] ?? 0;
  return { offsets, members };
}

class PairCodes {
  codes = new Float64Array(1 << 16);
  length = 0;
  push(code: number): void {
    if (this.length === this.codes.length) {
      const bigger = new Float64Array(this.codes.length * 2);
      bigger.set(this.codes);
      this.codes = bigger;
    }
    this.codes[this.length++] = code;
  }
}

/**
 * Candidate pairs of `left` with itself (dedup, when `right` is undefined) or with `right` (link).
 * In dedup the pair (i, j) has i < j; in link i indexes left and j right.
 */
export function candidatePairs(
  rules: readonly BlockingRule[],
  left: readonly MatchRecord[],
  right: readonly MatchRecord[] | undefined,
  maxBlockSize: number,
): CandidatePairs {
  if (rules.length > MAX_BLOCKING_RULES) throw new Error(`at most ${MAX_BLOCKING_RULES} blocking rules`);
  const link = right !== undefined;
  const nRight = link ? right.length : left.length;
  const out = new PairCodes();
  const reports: BlockingRuleReport[] = [];
  const leftCache: IdColumns = new Map();
  const rightCache: IdColumns = new Map();
  const dictionaries: Dictionaries = new Map();
  const push = (i: number, j: number, r: number): void => {
    if (!link && i > j) [i, j] = [j, i];
    out.push((i * nRight + j) * 32 + r);
  };
  for (const [r, rule] of rules.entries()) {
    let blocks = 0;
    let pairs = 0;
    let oversizeBlocks = 0;
    let skippedPairs = 0;
    if (rule.window !== undefined) {
      const entries: { key: string; i: number; side: 0 | 1 }[] = [];
      const key = rule.keys[0];
      if (key) {
        left.forEach((rec, i) => {
          const k = key.keys(rec)[0];
          if (k !== undefined) entries.push({ key: k, i, side: 0 });
        });
        right?.forEach((rec, i) => {
          const k = key.keys(rec)[0];
          if (k !== undefined) entries.push({ key: k, i, side: 1 });
        });
      }
      entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.side - b.side || a.i - b.i));
      blocks = entries.length;
      for (let p = 0; p < entries.length; p++) {
        const a = entries[p];
        if (!a) continue;
        for (let q = p + 1; q < Math.min(entries.length, p + rule.window); q++) {
          const b = entries[q];
          if (!b) continue;
          if (link) {
            if (a.side === b.side) continue;
            if (a.side === 0) push(a.i, b.i, r);
            else push(b.i, a.i, r);
          } else push(a.i, b.i, r);
          pairs++;
        }
      }
    } else if (!link) {
      const { offsets, members } = index(rule, left, leftCache, dictionaries, new Map());
      for (let b = 0; b + 1 < offsets.length; b++) {
        const start = offsets[b] ?? 0;
        const n = (offsets[b + 1] ?? 0) - start;
        if (n < 2) continue;
        if (n > maxBlockSize) {
          oversizeBlocks++;
          skippedPairs += (n * (n - 1)) / 2;
          continue;
        }
        blocks++;
        for (let x = 0; x < n; x++) for (let y = x + 1; y < n; y++) push(members[start + x] ?? 0, members[start + y] ?? 0, r);
        pairs += (n * (n - 1)) / 2;
      }
    } else {
      const ids = new Map<number | string, number>();
      const l = index(rule, left, leftCache, dictionaries, ids);
      const rr = index(rule, right, rightCache, dictionaries, ids);
      for (let b = 0; b + 1 < l.offsets.length; b++) {
        const ls = l.offsets[b] ?? 0;
        const ln = (l.offsets[b + 1] ?? 0) - ls;
        if (ln === 0 || b + 1 >= rr.offsets.length) continue;
        const rs = rr.offsets[b] ?? 0;
        const rn = (rr.offsets[b + 1] ?? 0) - rs;
        if (rn === 0) continue;
        if (ln > maxBlockSize || rn > maxBlockSize) {
          oversizeBlocks++;
          skippedPairs += ln * rn;
          continue;
        }
        blocks++;
        for (let x = 0; x < ln; x++) for (let y = 0; y < rn; y++) push(l.members[ls + x] ?? 0, rr.members[rs + y] ?? 0, r);
        pairs += ln * rn;
      }
    }
    reports.push({ id: rule.id, blocks, pairs, oversizeBlocks, skippedPairs });
  }

  const codes = out.codes.subarray(0, out.length).sort();
  const leftIdx = new Int32Array(codes.length);
  const rightIdx = new Int32Array(codes.length);
  const mask = new Uint32Array(codes.length);
  let count = 0;
  let previous = -1;
  for (let k = 0; k < codes.length; k++) {
    const code = codes[k] ?? 0;
    const pair = Math.floor(code / 32);
    const r = code - pair * 32;
    if (pair !== previous) {
      leftIdx[count] = Math.floor(pair / nRight);
      rightIdx[count] = pair % nRight;
      mask[count] = 0;
      count++;
      previous = pair;
    }
    mask[count - 1] = (mask[count - 1] ?? 0) | (1 << r);
  }
  const allPairs = link ? left.length * right.length : (left.length * (left.length - 1)) / 2;
  return {
    left: leftIdx.subarray(0, count),
    right: rightIdx.subarray(0, count),
    ruleMask: mask.subarray(0, count),
    count,
    report: { rules: reports, candidatePairs: count, allPairs, maxBlockSize },
  };
}
