/**
 * A report's result as a table: the multi-row header with merged cells turned into antd's grouped
 * columns (as far as antd allows: a cell spanning rows becomes a column group of one level less),
 * totals and subtotals in bold, grouped row labels indented; rosters paginated (in the browser:
 * the run answers its rows at once).
 */
import { useMemo } from 'react';
import { Table, Typography } from 'antd';
import type { ColumnGroupType, ColumnType } from 'antd/es/table';
import { useLang, useNumber } from '../../i18n/i18n';

export interface Label {
  readonly zh: string;
  readonly en: string;
}
export interface HeaderCell {
  readonly label: Label;
  readonly colSpan: number;
  readonly rowSpan: number;
}
export interface ResultColumn {
  readonly key: string;
  readonly label: Label;
  readonly type: 'text' | 'date' | 'count' | 'number' | 'share';
}
export interface ResultRow {
  readonly cells: readonly (string | number | null)[];
  readonly role: 'data' | 'subtotal' | 'total';
  readonly level: number;
  readonly label?: Label;
}
export interface ReportResult {
  readonly kind: 'roster' | 'table';
  readonly title: Label;
  readonly area: { readonly code: string; readonly name: string };
  readonly asOf: string;
  readonly generatedAt: string;
  readonly header: readonly (readonly HeaderCell[])[];
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly ResultRow[];
  readonly personCount: number;
  readonly notes: readonly Label[];
}

interface Placed {
  readonly row: number;
  readonly start: number;
  readonly span: number;
  readonly rowSpan: number;
  readonly label: Label;
}

type Row = ResultRow & { readonly key: number };
type Col = ColumnType<Row> | ColumnGroupType<Row>;

/** Places each header cell on the grid of leaf columns (cells spanning rows from above take their places). */
export function placeHeader(header: readonly (readonly HeaderCell[])[], leaves: number): Placed[] {
  const taken = header.map(() => new Array<boolean>(leaves).fill(false));
  const out: Placed[] = [];
  header.forEach((cells, r) => {
    let c = 0;
    for (const cell of cells) {
      while (c < leaves && taken[r]?.[c]) c++;
      out.push({ row: r, start: c, span: cell.colSpan, rowSpan: cell.rowSpan, label: cell.label });
      for (let rr = r; rr < Math.min(header.length, r + cell.rowSpan); rr++) for (let cc = c; cc < c + cell.colSpan && cc < leaves; cc++) (taken[rr] as boolean[])[cc] = true;
      c += cell.colSpan;
    }
  });
  return out;
}

export function ResultTable({ result, testId = 'report-result' }: { result: ReportResult; testId?: string }) {
  const { lang } = useLang();
  const n = useNumber();
  const columns = useMemo<Col[]>(() => {
    const leaves = result.columns;
    const pick = (l: Label) => (lang === 'zh' ? l.zh : l.en);
    const leaf = (i: number, title?: string): ColumnType<Row> => {
      const c = leaves[i] as ResultColumn;
      const numeric = c.type === 'count' || c.type === 'number' || c.type === 'share';
      return {
        key: c.key,
        title: title ?? pick(c.label),
        align: numeric ? 'right' : 'left',
        onHeaderCell: () => ({ style: { textAlign: 'center' } }),
        render: (_: unknown, row: Row) => {
          const v = row.cells[i];
          let text: string;
          if (v === null || v === undefined) text = '';
          else if (i === 0 && row.label !== undefined) text = pick(row.label);
          else if (c.type === 'share' && typeof v === 'number') text = `${n(v * 100, 1)}%`;
          else if ((c.type === 'count' || c.type === 'number') && typeof v === 'number') text = n(v);
          else text = String(v);
          const strong = row.role !== 'data';
          return (
            <span data-testid={`cell-${row.key}-${c.key}`} style={{ fontWeight: strong ? 600 : undefined, paddingInlineStart: i === 0 ? row.level * 16 : undefined, whiteSpace: 'nowrap' }}>
              {text}
            </span>
          );
        },
      };
    };
    const placed = placeHeader(result.header, leaves.length);
    const depth = result.header.length;
    if (depth === 0) return leaves.map((_, i) => leaf(i));
    const build = (row: number, from: number, to: number): Col[] =>
      placed
        .filter((p) => p.row === row && p.start >= from && p.start < to)
        .map((p): Col => {
          const bottom = p.row + p.rowSpan >= depth;
          if (bottom && p.span === 1) return leaf(p.start, pick(p.label));
          if (bottom) return { key: `h-${p.row}-${p.start}`, title: pick(p.label), onHeaderCell: () => ({ style: { textAlign: 'center' } }), children: Array.from({ length: p.span }, (_, k) => leaf(p.start + k)) };
          return { key: `h-${p.row}-${p.start}`, title: pick(p.label), onHeaderCell: () => ({ style: { textAlign: 'center' } }), children: build(p.row + p.rowSpan, p.start, p.start + p.span) };
        });
    return build(0, 0, leaves.length);
  }, [result, lang, n]);
  const rows = useMemo(() => result.rows.map((r, i) => ({ ...r, key: i })), [result]);
  const roster = result.kind === 'roster';
  return (
    <>
      <Table<Row>
        rowKey="key"
        size="small"
        bordered
        columns={columns}
        dataSource={rows}
        data-testid={testId}
        scroll={{ x: 'max-content' }}
        rowClassName={(r) => `report-row-${r.role}`}
        pagination={roster || rows.length > 100 ? { pageSize: 50, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: (total) => n(total) } : false}
        onRow={(r) => ({ style: r.role === 'total' ? { background: '#f5f8ff' } : r.role === 'subtotal' ? { background: '#fafafa' } : {} })}
      />
      {result.notes.length > 0 && (
        <ul style={{ marginTop: 8, paddingInlineStart: 20 }} data-testid="report-notes">
          {result.notes.map((note, i) => (
            <li key={i}>
              <Typography.Text type="secondary">{lang === 'zh' ? note.zh : note.en}</Typography.Text>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
