import type { GetMetricSeriesResponse, METRIC_SERIES_LIMITS } from '@payments-mlops/contracts';
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { fetchMetricSeries } from '../api/registry-api';
import { plottable, pluralize } from '../format';
import { useAsync } from '../use-async';
import { LineChart, seriesColor, type ChartSeries, type XAxisKind } from './line-chart';
import { Empty, ErrorState, Loading } from './states';

// Checked against the contracts' limits by the compiler; the bundle carries no schemas.
const DOWNSAMPLED_POINTS: (typeof METRIC_SERIES_LIMITS)['defaultMaxPoints'] = 2000;
const ALL_POINTS: (typeof METRIC_SERIES_LIMITS)['maxMaxPoints'] = 100_000;

export interface ChartRun {
  runId: string;
  label: string;
  /** The run's start, for the "seconds since start" axis; its first logged value otherwise. */
  startTime?: number | undefined;
}

interface ChartData {
  data: uPlot.AlignedData;
  series: ChartSeries[];
  shownPoints: number;
  totalPoints: number;
  downsampled: boolean;
  allPositive: boolean;
  missing: string[];
}

/** One column pair per run, sorted by x, joined on x (steps or times differ between runs). */
export function chartData(
  response: GetMetricSeriesResponse,
  runs: readonly ChartRun[],
  xAxis: XAxisKind,
): ChartData {
  const tables: uPlot.AlignedData[] = [];
  const series: ChartSeries[] = [];
  const missing: string[] = [];
  let shownPoints = 0;
  let totalPoints = 0;
  let allPositive = true;
  response.series.forEach((item, index) => {
    const run = runs[index];
    const label = run?.label ?? item.run_id;
    if (item.steps.length === 0) {
      missing.push(label);
      return;
    }
    const origin = xAxis === 'relative' ? (run?.startTime ?? item.timestamps[0]!) : 0;
    const xs =
      xAxis === 'step'
        ? item.steps
        : item.timestamps.map((timestamp) => (timestamp - origin) / 1000);
    const ys = item.values.map(plottable);
    const order = xs.map((_, i) => i);
    if (xAxis !== 'step') order.sort((a, b) => xs[a]! - xs[b]!);
    tables.push([order.map((i) => xs[i]!), order.map((i) => ys[i]!)]);
    for (const value of ys) if (value !== null && value <= 0) allPositive = false;
    series.push({ label, color: seriesColor(index) });
    shownPoints += item.steps.length;
    totalPoints += item.total_points;
  });
  const data =
    tables.length === 1
      ? tables[0]!
      : tables.length > 1
        ? uPlot.join(tables)
        : ([[]] as uPlot.AlignedData);
  return {
    data,
    series,
    shownPoints,
    totalPoints,
    downsampled: shownPoints < totalPoints,
    allPositive,
    missing,
  };
}

/**
 * One metric of one or more runs over steps, wall time or time since start. Long histories come
 * downsampled from the server (at most 2,000 points per run, each bucket's lowest and highest
 * value kept), and the chart says so, with a way to load every point.
 */
export function MetricChart({
  runs,
  metricKey,
  height,
  ready = true,
}: {
  runs: ChartRun[];
  metricKey: string;
  height?: number;
  /** False while the caller still loads the runs' names: the histories load meanwhile, the chart waits. */
  ready?: boolean;
}) {
  const [xAxis, setXAxis] = useState<XAxisKind>('step');
  const [logScale, setLogScale] = useState(false);
  const [allPoints, setAllPoints] = useState(false);
  const runKey = runs.map((run) => run.runId).join(',');
  const labelKey = runs.map((run) => `${run.label}\u0000${run.startTime ?? ''}`).join('\u0001');
  const state = useAsync(
    (signal) =>
      fetchMetricSeries(
        {
          run_ids: runs.map((run) => run.runId),
          metric_key: metricKey,
          max_points: allPoints ? ALL_POINTS : DOWNSAMPLED_POINTS,
        },
        signal,
      ),
    [runKey, metricKey, allPoints],
  );
  const chart = useMemo(
    () => (state.data ? chartData(state.data, runs, xAxis) : undefined),
    [state.data, xAxis, runKey, labelKey],
  );
  const figure = useRef<HTMLElement>(null);
  const onDrawn = useCallback(() => {
    const element = figure.current;
    if (!element || element.dataset.state === 'drawn') return;
    element.dataset.state = 'drawn';
    performance.mark('metric-chart:drawn');
  }, []);

  if (state.status === 'loading' || !ready) return <Loading what={`${metricKey} history`} />;
  if (state.status === 'error')
    return (
      <ErrorState error={state.error} retry={state.reload} title={`Could not load ${metricKey}`} />
    );
  if (!chart || chart.series.length === 0)
    return <Empty title={`No values logged for ${metricKey}`} />;

  const perRun = runs.length > 1 ? ' per run' : '';
  return (
    <figure
      class="metric-chart"
      ref={figure}
      data-metric={metricKey}
      data-points={chart.shownPoints}
      aria-label={`${metricKey} over ${xAxis === 'step' ? 'steps' : 'time'} for ${pluralize(chart.series.length, 'run')}`}
    >
      <div class="chart-controls">
        <label>
          X axis{' '}
          <select
            value={xAxis}
            onChange={(event) => setXAxis(event.currentTarget.value as XAxisKind)}
          >
            <option value="step">Step</option>
            <option value="time">Wall time</option>
            <option value="relative">Time since start</option>
          </select>
        </label>
        <label title={chart.allPositive ? undefined : 'A log scale needs every value above zero'}>
          <input
            type="checkbox"
            checked={logScale && chart.allPositive}
            disabled={!chart.allPositive}
            onChange={(event) => setLogScale(event.currentTarget.checked)}
          />{' '}
          Log scale
        </label>
      </div>
      <LineChart
        data={chart.data}
        series={chart.series}
        xAxis={xAxis}
        yLabel={metricKey}
        logScale={logScale && chart.allPositive}
        height={height}
        onDrawn={onDrawn}
      />
      <figcaption class="chart-note" data-testid="chart-note">
        {chart.downsampled ? (
          <>
            <strong>Downsampled on the server:</strong> {chart.shownPoints.toLocaleString('en-US')}{' '}
            of {chart.totalPoints.toLocaleString('en-US')} points shown (at most{' '}
            {DOWNSAMPLED_POINTS.toLocaleString('en-US')}
            {perRun}; each bucket keeps its lowest and highest value, so spikes stay visible).{' '}
            <button type="button" class="link-button" onClick={() => setAllPoints(true)}>
              Show all points
            </button>
          </>
        ) : (
          <>
            All {chart.totalPoints.toLocaleString('en-US')} points shown.{' '}
            {allPoints ? (
              <button type="button" class="link-button" onClick={() => setAllPoints(false)}>
                Downsample
              </button>
            ) : null}
          </>
        )}{' '}
        Drag across the chart to zoom; double-click to zoom out.
        {chart.missing.length > 0 ? (
          <span class="muted"> No values for {chart.missing.join(', ')}.</span>
        ) : null}
      </figcaption>
    </figure>
  );
}
