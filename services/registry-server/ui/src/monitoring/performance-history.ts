import type { PerformanceReport } from '@payments-mlops/contracts';

/** The realized metrics of a performance report, as the chart offers them. */
export const PERFORMANCE_METRICS = [
  { key: 'roc_auc', label: 'ROC AUC', higherIsBetter: true, estimated: true },
  { key: 'pr_auc', label: 'PR AUC', higherIsBetter: true, estimated: false },
  { key: 'accuracy', label: 'Accuracy', higherIsBetter: true, estimated: true },
  { key: 'calibration_error', label: 'Calibration error', higherIsBetter: false, estimated: false },
] as const;
export type PerformanceMetricKey = (typeof PERFORMANCE_METRICS)[number]['key'];

export const WINDOW_WIDTHS = [
  { label: 'Daily', days: 1 },
  { label: 'Weekly', days: 7 },
  { label: '30 days', days: 30 },
] as const;

export interface ReportWindow {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

/** `count` back-to-back windows of `days` ending at `nowMs`, oldest first. */
export function performanceWindows(nowMs: number, days: number, count: number): ReportWindow[] {
  return Array.from({ length: count }, (_, index) => {
    const toMs = nowMs - (count - 1 - index) * days * DAY_MS;
    return { from: new Date(toMs - days * DAY_MS).toISOString(), to: new Date(toMs).toISOString() };
  });
}

export interface PerformanceChartData {
  /** Window ends, in seconds (uPlot's time scale). */
  x: number[];
  realized: (number | null)[];
  /** CBPE over the last stretch before each window's end; null where the metric has no estimate. */
  estimated: (number | null)[];
  /** The version's test value of the metric, and where a 10 % drop from it lies. */
  test: number | undefined;
  alertLevel: number | undefined;
}

/** The columns of the chart of one metric over the windows. */
export function performanceChartData(
  reports: readonly PerformanceReport[],
  metric: PerformanceMetricKey,
  degradationLevel: number,
): PerformanceChartData {
  const spec = PERFORMANCE_METRICS.find((m) => m.key === metric)!;
  const test = reports[0]?.test_metrics[metric];
  return {
    x: reports.map((report) => Date.parse(report.window.to) / 1000),
    realized: reports.map((report) => (report.realized.rows > 0 ? report.realized[metric] : null)),
    estimated: reports.map((report) =>
      metric === 'roc_auc' || metric === 'accuracy' ? report.estimated[metric] : null,
    ),
    test,
    alertLevel:
      test === undefined
        ? undefined
        : test * (spec.higherIsBetter ? 1 - degradationLevel : 1 + degradationLevel),
  };
}
