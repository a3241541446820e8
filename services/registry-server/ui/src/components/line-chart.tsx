import { useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../format';

export type XAxisKind = 'step' | 'time' | 'relative';

export interface ChartSeries {
  label: string;
  color: string;
  /** Canvas dash pattern, e.g. [6, 4] for a reference line. */
  dash?: number[];
  /** Marks each value: few, far-apart points (one per window) read better with them. */
  points?: boolean;
}

export interface LineChartProps {
  /** uPlot's aligned columns: x first, then one column per series (null = gap). */
  data: uPlot.AlignedData;
  series: ChartSeries[];
  xAxis: XAxisKind;
  yLabel: string;
  /** The x axis's title when the x values are not steps or run times (e.g. "Window end"). */
  xLabel?: string;
  logScale?: boolean;
  height?: number;
  /** Called after every draw (the first one marks the chart as shown). */
  onDrawn?: () => void;
}

const X_LABELS: Record<XAxisKind, string> = {
  step: 'Step',
  time: 'Time',
  relative: 'Seconds since start',
};

/** Ten colours that stay apart from each other for the common kinds of colour blindness (Tableau 10). */
export const SERIES_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

/**
 * A uPlot line chart sized to its container: canvas drawing keeps 10 runs × 10,000 points well
 * under a frame's budget. The legend doubles as the hover read-out.
 */
export function LineChart({
  data,
  series,
  xAxis,
  yLabel,
  xLabel,
  logScale = false,
  height = 320,
  onDrawn,
}: LineChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const drawn = useRef(onDrawn);
  drawn.current = onDrawn;

  useLayoutEffect(() => {
    const element = container.current!;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 300),
      height,
      scales: { x: { time: xAxis === 'time' }, y: logScale ? { distr: 3 } : {} },
      series: [
        {
          label: xLabel ?? X_LABELS[xAxis],
          value:
            xAxis === 'time'
              ? '{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}'
              : (_plot, value) => formatNumber(value ?? undefined),
        },
        ...series.map((item) => ({
          label: item.label,
          stroke: item.color,
          width: 1.5,
          ...(item.dash ? { dash: item.dash } : {}),
          points: item.points ? { show: true, size: 7, fill: item.color } : { show: false },
          value: (_plot: uPlot, value: number | null) =>
            value === null ? '—' : formatNumber(value),
        })),
      ],
      axes: [
        { label: xLabel ?? X_LABELS[xAxis], stroke: '#4a5563', grid: { stroke: '#e5e8ec' } },
        {
          label: yLabel,
          stroke: '#4a5563',
          grid: { stroke: '#e5e8ec' },
          size: 64,
          values: (_plot, ticks) => ticks.map((tick) => formatNumber(tick)),
        },
      ],
      cursor: { drag: { x: true, y: false } },
      hooks: { draw: [() => drawn.current?.()] },
    };
    const plot = new uPlot(options, data, element);
    const observer = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(element.clientWidth, 300), height }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, series, xAxis, xLabel, yLabel, logScale, height]);

  return <div class="line-chart" ref={container} />;
}
