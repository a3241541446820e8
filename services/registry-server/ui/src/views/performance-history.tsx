import type { PerformanceReport } from '@payments-mlops/contracts';
import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { fetchMonitoringReport } from '../api/registry-api';
import { LineChart, type ChartSeries } from '../components/line-chart';
import { formatTime } from '../format';
import { DEGRADATION_LEVEL } from '../monitoring/alerts';
import { formatMetric } from '../monitoring/drift-rows';
import {
  PERFORMANCE_METRICS,
  WINDOW_WIDTHS,
  performanceChartData,
  performanceWindows,
  type PerformanceMetricKey,
} from '../monitoring/performance-history';

/** Windows shown per chart. */
export const HISTORY_WINDOWS = 12;

/** Maps with at most `limit` calls in flight, keeping the order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface PerformanceReports {
  /** Oldest first. */
  windows: PerformanceReport[];
  /** Over model-monitor's own window: what its gauges and the alert rules read. */
  current: PerformanceReport;
}

/** The windows' reports, then the current one (reports read over HTTP leave the monitor's gauges alone). */
export async function loadPerformanceReports(
  name: string,
  version: string,
  days: number,
  signal: AbortSignal,
): Promise<PerformanceReports> {
  const windows = await mapLimited(
    performanceWindows(Date.now(), days, HISTORY_WINDOWS),
    3,
    (window) => fetchMonitoringReport('performance', name, version, window, signal),
  );
  return {
    windows,
    current: await fetchMonitoringReport('performance', name, version, {}, signal),
  };
}

/**
 * Realized performance per window of labelled predictions, the CBPE estimate at each window's
 * end, the version's test value and the 10 % degradation level the alert rule uses.
 */
export function PerformanceHistory({
  reports,
  primaryMetric,
  days,
  onDays,
}: {
  reports: readonly PerformanceReport[];
  /** The metric the version is promoted and alerted on, charted first. */
  primaryMetric: string;
  days: number;
  onDays: (days: number) => void;
}) {
  const [metric, setMetric] = useState<PerformanceMetricKey>(
    PERFORMANCE_METRICS.find((m) => m.key === primaryMetric)?.key ?? 'roc_auc',
  );
  const spec = PERFORMANCE_METRICS.find((m) => m.key === metric)!;
  const chart = useMemo(() => {
    const columns = performanceChartData(reports, metric, DEGRADATION_LEVEL);
    const flat = (value: number | undefined) => columns.x.map(() => value ?? null);
    const series: ChartSeries[] = [
      { label: `${spec.label} (labelled)`, color: '#4e79a7', points: true },
    ];
    const data: (number | null)[][] = [columns.x, columns.realized];
    if (spec.estimated) {
      series.push({
        label: `${spec.label} (CBPE estimate)`,
        color: '#f28e2b',
        dash: [4, 3],
        points: true,
      });
      data.push(columns.estimated);
    }
    if (columns.test !== undefined && columns.alertLevel !== undefined) {
      series.push({ label: 'Test value', color: '#59a14f' });
      series.push({
        label: `${DEGRADATION_LEVEL * 100} % degradation`,
        color: '#e15759',
        dash: [8, 5],
      });
      data.push(flat(columns.test), flat(columns.alertLevel));
    }
    return {
      series,
      data: data as uPlot.AlignedData,
      labelled: columns.realized.filter((v) => v !== null).length,
    };
  }, [reports, metric]);

  return (
    <div class="performance-history" data-testid="performance-history">
      <div class="toolbar">
        <label>
          Metric{' '}
          <select
            value={metric}
            onChange={(event) => setMetric(event.currentTarget.value as PerformanceMetricKey)}
          >
            {PERFORMANCE_METRICS.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Windows{' '}
          <select value={days} onChange={(event) => onDays(Number(event.currentTarget.value))}>
            {WINDOW_WIDTHS.map((w) => (
              <option key={w.days} value={w.days}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <span class="muted">
          the last {HISTORY_WINDOWS} windows; the newest wait for their labels
        </span>
      </div>
      <figure
        class="metric-chart"
        aria-label={`${spec.label} per window`}
        data-testid="performance-chart"
      >
        <LineChart
          data={chart.data}
          series={chart.series}
          xAxis="time"
          xLabel="Window end"
          yLabel={spec.label}
          height={300}
        />
        {chart.labelled === 0 ? <p class="muted">No window has labelled predictions yet.</p> : null}
      </figure>
      <WindowTable reports={reports} />
    </div>
  );
}

function WindowTable({ reports }: { reports: readonly PerformanceReport[] }) {
  return (
    <details class="window-table">
      <summary>Figures per window</summary>
      <div class="table-scroll">
        <table class="table compact" aria-label="Performance per window">
          <thead>
            <tr>
              <th scope="col">Window</th>
              <th scope="col" class="number">
                Labelled
              </th>
              <th scope="col" class="number">
                Positives
              </th>
              {PERFORMANCE_METRICS.map((m) => (
                <th scope="col" class="number" key={m.key}>
                  {m.label}
                </th>
              ))}
              <th scope="col" class="number">
                CBPE ROC AUC
              </th>
            </tr>
          </thead>
          <tbody>
            {[...reports].reverse().map((report) => (
              <tr key={report.window.to}>
                <th scope="row">
                  {formatTime(Date.parse(report.window.from))} –{' '}
                  {formatTime(Date.parse(report.window.to))}
                </th>
                <td class="number">{report.realized.rows.toLocaleString('en-US')}</td>
                <td class="number">{report.realized.positives.toLocaleString('en-US')}</td>
                {PERFORMANCE_METRICS.map((m) => (
                  <td class="number" key={m.key}>
                    {formatMetric(report.realized[m.key])}
                  </td>
                ))}
                <td class="number">{formatMetric(report.estimated.roc_auc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
