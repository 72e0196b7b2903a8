/**
 * A tiny ECharts wrapper: one chart on a div, its option replaced when it changes, resized with
 * its box, disposed on unmount; clicks on a data item reach `onClick`, and — for a bar chart over
 * categories — clicks anywhere in a category's column reach `onColumnClick` with the half of the
 * column clicked (a thin or short bar is a hard target on a phone). Only the chart types the
 * dashboard uses are registered (bar, pie, line), so the chunk stays small.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface ChartClick {
  readonly seriesIndex: number;
  readonly dataIndex: number;
  readonly name: string;
}

/** A click in the plot area of a category x axis: the category's index, and which half of its column. */
export interface ColumnClick {
  readonly dataIndex: number;
  readonly side: 'left' | 'right';
}

export function EChart({
  option,
  height = 280,
  onClick,
  onColumnClick,
  testId,
  label,
}: {
  option: EChartsCoreOption;
  height?: number;
  onClick?: (e: ChartClick) => void;
  onColumnClick?: (e: ColumnClick) => void;
  testId?: string;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const column = useRef(onColumnClick);
  column.current = onColumnClick;

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      const e = p as { seriesIndex?: number; dataIndex?: number; name?: string };
      click.current?.({ seriesIndex: e.seriesIndex ?? 0, dataIndex: e.dataIndex ?? 0, name: e.name ?? '' });
    });
    c.getZr().on('click', (e) => {
      const point = [e.offsetX, e.offsetY];
      if (!column.current || !c.containPixel('grid', point)) return;
      const index = Number(c.convertFromPixel({ xAxisIndex: 0 }, e.offsetX));
      const center = Number(c.convertToPixel({ xAxisIndex: 0 }, index));
      if (Number.isInteger(index) && index >= 0) column.current({ dataIndex: index, side: e.offsetX < center ? 'left' : 'right' });
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height, cursor: onClick || onColumnClick ? 'pointer' : undefined }} />;
}
