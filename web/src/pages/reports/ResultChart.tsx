/**
 * A statistical table's result as a bar chart: one bar per row of the first level (the subtotal
 * rows when the rows are nested, the data rows otherwise), the value of one numeric column — the
 * last count column by default (合计 in most forms), any other numeric column chosen above the chart.
 * The table stays the record; the chart reads only what the table shows.
 */
import { useMemo, useState } from 'react';
import { Flex, Select, Typography } from 'antd';
import { EChart } from '../dashboard/EChart';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import type { ReportResult } from './ResultTable';
import { rep } from './messages';

/** The rows a chart shows and their labels (the row's text cells, or its label). */
export function chartRows(result: ReportResult, lang: 'zh' | 'en'): { label: string; cells: readonly (string | number | null)[] }[] {
  const nested = result.rows.some((r) => r.role === 'subtotal');
  const rows = result.rows.filter((r) => (nested ? r.role === 'subtotal' : r.role === 'data'));
  const text = result.columns.flatMap((c, i) => (c.type === 'text' ? [i] : []));
  return rows.map((r) => ({
    label: r.label ? r.label[lang] : text.map((i) => r.cells[i]).filter((v) => v !== null && v !== '').join(' / '),
    cells: r.cells,
  }));
}

export function ResultChart({ result }: { result: ReportResult }) {
  const t = useT(rep);
  const { lang } = useLang();
  const n = useNumber();
  const numeric = useMemo(() => result.columns.flatMap((c, i) => (c.type === 'count' || c.type === 'number' || c.type === 'share' ? [i] : [])), [result]);
  const counts = numeric.filter((i) => result.columns[i]?.type === 'count');
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  const column = chosen !== undefined && numeric.includes(chosen) ? chosen : (counts.at(-1) ?? numeric.at(-1));
  const rows = useMemo(() => chartRows(result, lang), [result, lang]);
  if (result.kind !== 'table' || column === undefined || rows.length === 0) return null;
  const share = result.columns[column]?.type === 'share';
  const values = rows.map((r) => {
    const v = r.cells[column];
    return typeof v === 'number' ? (share ? Number((v * 100).toFixed(1)) : v) : 0;
  });
  const name = result.columns[column]?.label[lang] ?? '';
  const option = {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => (share ? `${n(v, 1)}%` : n(v)) },
    grid: { left: 48, right: 16, top: 16, bottom: rows.length > 8 ? 72 : 32 },
    xAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { interval: 0, rotate: rows.length > 8 ? 40 : 0 } },
    yAxis: { type: 'value', axisLabel: share ? { formatter: '{value}%' } : {} },
    series: [{ type: 'bar', name, data: values, itemStyle: { color: '#1677ff' }, barMaxWidth: 36 }],
  };
  return (
    <Flex vertical gap={8} data-testid="report-chart-box">
      <Flex gap={8} align="center" wrap>
        <Typography.Text type="secondary">{t('chartOf')}</Typography.Text>
        <Select
          size="small"
          value={column}
          onChange={(v: number) => setChosen(v)}
          options={numeric.map((i) => ({ value: i, label: result.columns[i]?.label[lang] ?? '' }))}
          style={{ minWidth: 160 }}
          data-testid="chart-column"
        />
      </Flex>
      <EChart option={option} height={rows.length > 8 ? 300 : 240} label={`${result.title[lang]} · ${name}`} testId="report-chart" />
    </Flex>
  );
}
