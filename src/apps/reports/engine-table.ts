/**
 * Lays out a statistical table: each person's row and column slots (buckets, subtotals, totals),
 * the counts of every cell (persons, distinct households, distinct dwellings, shares of the row
 * total), and the multi-level header with merged cells that Chinese forms use. Subtotals and
 * totals count distinct persons, so a person in two kinds counts once in the total. Pure.
 */
import type { Measure, TableSpec } from './definition-schema.ts';
import { displayOrder, type ResolvedDimension } from './dimensions.ts';
import type { PersonFacts } from './engine-facts.ts';
import type { HeaderCell, Label, ResultColumn, ResultRow } from './types.ts';

const TOTAL = '\u0000T';
const SEP = '\u0001';

const MEASURE_LABELS: Readonly<Record<Measure, Label>> = {
  persons: { zh: '人数', en: 'Persons' },
  households: { zh: '户数', en: 'Households' },
  dwellings: { zh: '房屋套数', en: 'Dwellings' },
  share: { zh: '占比', en: 'Share' },
};
const TOTAL_LABEL: Label = { zh: '合计', en: 'Total' };
const SUBTOTAL_LABEL: Label = { zh: '小计', en: 'Subtotal' };

/** A cell: persons counted (each once: a person's slots are distinct), distinct households and dwellings (kept only when asked for). */
interface Agg {
  persons: number;
  readonly households: Set<string>;
  readonly dwellings: Set<string>;
}

/** A person's slots without repeats (two slots at most cannot repeat: the total and one key). */
const distinct = (slots: string[]): string[] => (slots.length <= 2 ? slots : [...new Set(slots)]);

/** The slots of one axis for a person's keys along its dimensions (one or two nested; none = only the total). */
function slotsFrom(d1: ResolvedDimension, k1: readonly string[], d2: ResolvedDimension | undefined, k2: readonly string[]): string[] {
  const out: string[] = [TOTAL];
  const subs = (d: ResolvedDimension, keys: readonly string[]): string[] =>
    d.subtotals.filter((s) => keys.some((k) => s.of.has(k))).map((s) => s.key);
  out.push(...subs(d1, k1));
  if (!d2) {
    out.push(...k1);
    return out;
  }
  const s2 = subs(d2, k2);
  for (const a of k1) {
    out.push(a);
    for (const b of k2) out.push(`${a}${SEP}${b}`);
    for (const b of s2) out.push(`${a}${SEP}${b}`);
  }
  return out;
}

const TOTAL_ONLY: readonly string[] = [TOTAL];

/**
 * The distinct slots of one person along one axis; undefined = not in the table. Persons with the same
 * keys share one array (made once, kept in `seen`), so the table can count them together.
 */
function slotsOf(dims: readonly ResolvedDimension[], p: PersonFacts, seen: Map<string, readonly string[]>): readonly string[] | undefined {
  const [d1, d2] = dims;
  if (!d1) return TOTAL_ONLY;
  const k1 = d1.keysOf(p);
  if (k1.length === 0) return undefined;
  const k2 = d2 ? d2.keysOf(p) : [];
  if (d2 && k2.length === 0) return undefined;
  const key = d2 ? `${k1.join('\u0002')}\u0001${k2.join('\u0002')}` : k1.join('\u0002');
  let slots = seen.get(key);
  if (!slots) seen.set(key, (slots = distinct(slotsFrom(d1, k1, d2, k2))));
  return slots;
}

interface ColumnNode {
  readonly label: Label;
  readonly slot?: string;
  readonly measure?: Measure;
  readonly children: ColumnNode[];
}

function measureLeaves(slot: string, measures: readonly Measure[]): ColumnNode[] {
  return measures.length > 1 ? measures.map((m) => ({ label: MEASURE_LABELS[m], slot, measure: m, children: [] })) : [];
}

function slotNode(label: Label, slot: string, measures: readonly Measure[]): ColumnNode {
  return measures.length > 1
    ? { label, children: measureLeaves(slot, measures) }
    : { label, slot, measure: measures[0] ?? 'persons', children: [] };
}

function columnTree(dims: readonly ResolvedDimension[], spec: TableSpec): ColumnNode[] {
  const m = spec.measures;
  const [c1, c2] = dims;
  if (!c1) return m.map((x) => ({ label: MEASURE_LABELS[x], slot: TOTAL, measure: x, children: [] }));
  const nodes: ColumnNode[] = [];
  for (const e of displayOrder(c1)) {
    if (!c2 || e.subtotal) {
      nodes.push(slotNode(e.label, e.key, m));
      continue;
    }
    const children = displayOrder(c2).map((f) => slotNode(f.label, `${e.key}${SEP}${f.key}`, m));
    children.push(slotNode(SUBTOTAL_LABEL, e.key, m));
    nodes.push({ label: e.label, children });
  }
  if (spec.totalColumn !== false) nodes.push(slotNode(TOTAL_LABEL, TOTAL, m));
  return nodes;
}

function depth(n: ColumnNode): number {
  return n.children.length === 0 ? 1 : 1 + Math.max(...n.children.map(depth));
}
function width(n: ColumnNode): number {
  return n.children.length === 0 ? 1 : n.children.reduce((s, c) => s + width(c), 0);
}
function leaves(n: ColumnNode): ColumnNode[] {
  return n.children.length === 0 ? [n] : n.children.flatMap(leaves);
}

export interface TableLayout {
  readonly header: HeaderCell[][];
  readonly columns: ResultColumn[];
  readonly rows: ResultRow[];
  /** Persons in the table (at least one bucket in every dimension). */
  readonly personIds: string[];
}

export function buildTable(
  spec: TableSpec,
  rowDims: readonly ResolvedDimension[],
  colDims: readonly ResolvedDimension[],
  persons: readonly PersonFacts[],
): TableLayout {
  const aggs = new Map<string, Map<string, Agg>>();
  const counted: string[] = [];
  const wantHouseholds = spec.measures.includes('households');
  const wantDwellings = spec.measures.includes('dwellings');
  const cell = (r: string, c: string): Agg => {
    let row = aggs.get(r);
    if (!row) aggs.set(r, (row = new Map()));
    let a = row.get(c);
    if (!a) row.set(c, (a = { persons: 0, households: new Set(), dwellings: new Set() }));
    return a;
  };
  const rowSeen = new Map<string, readonly string[]>();
  const colSeen = new Map<string, readonly string[]>();
  // Persons counted only (no households or dwellings to tell apart): counted by their pair of slot lists, spread once.
  const byPair = new Map<readonly string[], Map<readonly string[], number>>();
  for (const p of persons) {
    const rs = slotsOf(rowDims, p, rowSeen);
    const cs = slotsOf(colDims, p, colSeen);
    if (!rs || !cs) continue;
    counted.push(p.id);
    if (!wantHouseholds && !wantDwellings) {
      let m = byPair.get(rs);
      if (!m) byPair.set(rs, (m = new Map()));
      m.set(cs, (m.get(cs) ?? 0) + 1);
      continue;
    }
    for (const r of rs)
      for (const c of cs) {
        const a = cell(r, c);
        a.persons++;
        if (wantHouseholds && p.householdId) a.households.add(p.householdId);
        if (wantDwellings && p.dwelling) a.dwellings.add(p.dwelling.id);
      }
  }
  for (const [rs, m] of byPair) for (const [cs, n] of m) for (const r of rs) for (const c of cs) cell(r, c).persons += n;

  // Columns and header.
  const tree = columnTree(colDims, spec);
  const h = Math.max(1, ...tree.map(depth));
  const corner: Label =
    rowDims.length > 1
      ? { zh: rowDims.map((d) => d.label.zh).join(' / '), en: rowDims.map((d) => d.label.en).join(' / ') }
      : (rowDims[0]?.label ?? { zh: '项目', en: 'Item' });
  const header: HeaderCell[][] = Array.from({ length: h }, () => []);
  header[0]?.push({ label: corner, colSpan: 1, rowSpan: h });
  const walk = (n: ColumnNode, level: number): void => {
    header[level]?.push({ label: n.label, colSpan: width(n), rowSpan: n.children.length === 0 ? h - level : 1 });
    for (const c of n.children) walk(c, level + 1);
  };
  for (const n of tree) walk(n, 0);
  const leafNodes = tree.flatMap(leaves);
  const columns: ResultColumn[] = [{ key: 'label', label: corner, type: 'text' }];
  leafNodes.forEach((n, i) => {
    const measure = n.measure ?? 'persons';
    columns.push({ key: `c${i}_${measure}`, label: n.label, type: measure === 'share' ? 'share' : 'count' });
  });

  // Rows.
  const rowSlots: { slot: string; label: Label; role: ResultRow['role']; level: number }[] = [];
  const [r1, r2] = rowDims;
  if (r1) {
    for (const e of displayOrder(r1)) {
      if (!r2 || e.subtotal) {
        rowSlots.push({ slot: e.key, label: e.label, role: e.subtotal ? 'subtotal' : 'data', level: 0 });
        continue;
      }
      rowSlots.push({ slot: e.key, label: e.label, role: 'subtotal', level: 0 });
      for (const f of displayOrder(r2))
        rowSlots.push({ slot: `${e.key}${SEP}${f.key}`, label: f.label, role: f.subtotal ? 'subtotal' : 'data', level: 1 });
    }
  }
  if (spec.totalRow !== false) rowSlots.push({ slot: TOTAL, label: TOTAL_LABEL, role: 'total', level: 0 });

  const rows: ResultRow[] = rowSlots.map((r) => {
    const row = aggs.get(r.slot);
    const rowTotal = row?.get(TOTAL)?.persons ?? 0;
    const cells: (string | number | null)[] = [r.label.zh];
    for (const n of leafNodes) {
      const a = n.slot === undefined ? undefined : row?.get(n.slot);
      switch (n.measure ?? 'persons') {
        case 'persons':
          cells.push(a?.persons ?? 0);
          break;
        case 'households':
          cells.push(a?.households.size ?? 0);
          break;
        case 'dwellings':
          cells.push(a?.dwellings.size ?? 0);
          break;
        case 'share':
          cells.push(rowTotal === 0 ? 0 : (a?.persons ?? 0) / rowTotal);
          break;
      }
    }
    return { cells, role: r.role, level: r.level, label: r.label };
  });
  return { header, columns, rows, personIds: counted };
}
