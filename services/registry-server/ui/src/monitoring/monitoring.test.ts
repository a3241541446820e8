import type { ColumnDrift, DriftReport, PerformanceReport } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { deriveAlerts } from './alerts';
import {
  DEFAULT_DRIFT_ORDER,
  formatMetric,
  nextDriftOrder,
  sortDriftRows,
  thresholdText,
} from './drift-rows';
import { performanceChartData, performanceWindows } from './performance-history';

const column = (
  name: string,
  drifted: boolean,
  psi: number,
  method: ColumnDrift['method'] = 'wasserstein',
): ColumnDrift => ({
  column: name,
  kind: method === 'jensen_shannon' || method === 'chi_squared' ? 'categorical' : 'numeric',
  method,
  statistic: drifted ? 0.4 : 0.02,
  threshold: method === 'ks' || method === 'chi_squared' ? 0.05 : 0.1,
  drifted,
  psi,
  current_count: 200,
  reference_count: 2_000,
});

const drift = (features: ColumnDrift[], datasetDrift: boolean): DriftReport => ({
  model: { name: 'fraud-detector', version: '3' },
  window: { from: '2026-12-07T04:00:00.000Z', to: '2026-12-07T05:00:00.000Z', rows: 200 },
  features,
  scores: [],
  drifted_share: features.filter((f) => f.drifted).length / features.length,
  dataset_drift: datasetDrift,
  computed_at: '2026-12-07T05:00:00.000Z',
});

const performance = (
  to: string,
  prAuc: number | null,
  degradation: number | null,
  estimatedDegradation: number | null,
): PerformanceReport => ({
  model: { name: 'fraud-detector', version: '3' },
  window: { from: '2026-11-07T05:00:00.000Z', to },
  realized: {
    rows: prAuc === null ? 0 : 300,
    positives: prAuc === null ? 0 : 30,
    roc_auc: 0.8,
    pr_auc: prAuc,
    accuracy: 0.95,
    calibration_error: 0.1,
  },
  estimated: { rows: 200, roc_auc: 0.72, accuracy: 0.85 },
  test_metrics: { pr_auc: 0.8, roc_auc: 0.95 },
  primary_metric: 'pr_auc',
  degradation,
  estimated_degradation: estimatedDegradation,
  computed_at: to,
});

describe('monitoring alerts derived from the reports', () => {
  it('names the rule of each condition that holds, critical first, and which one starts retraining', () => {
    const alerts = deriveAlerts(
      drift(
        [
          column('amount_cents', true, 2.5),
          column('channel', true, 0.6, 'jensen_shannon'),
          column('txn_count_1h', false, 0),
        ],
        true,
      ),
      performance('2026-12-07T05:00:00.000Z', 0.5468, 0.3165, 0.242),
    );
    expect(alerts.map((a) => [a.severity, a.rule])).toEqual([
      ['critical', 'ModelDatasetDrift'],
      ['critical', 'ModelPrimaryMetricDegraded'],
      ['warning', 'ModelEstimatedPerformanceDrop'],
      ['warning', 'ModelFeatureDrift'],
      ['warning', 'ModelFeatureDrift'],
    ]);
    expect(alerts[1]).toMatchObject({
      summary: 'pr_auc 0.547 is 32 % below its test value 0.8',
      retrain: true,
    });
    expect(alerts[2]!.summary).toBe('estimated roc_auc 0.72 is 24 % below its test value 0.95');
    expect(alerts.slice(3).map((a) => a.summary)).toEqual([
      'feature amount_cents drifted from its reference',
      'feature channel drifted from its reference',
    ]);
  });

  it('raises nothing at a drop of exactly 10 %, or without labels or drift', () => {
    expect(
      deriveAlerts(
        drift([column('amount_cents', false, 0)], false),
        performance('2026-12-07T05:00:00.000Z', 0.72, 0.1, 0.1),
      ),
    ).toEqual([]);
    expect(
      deriveAlerts(undefined, performance('2026-12-07T05:00:00.000Z', null, null, null)),
    ).toEqual([]);
  });
});

describe('drift table order', () => {
  const rows = [
    column('b_stable', false, 0.01),
    column('a_drifted', true, 0.3),
    column('c_drifted', true, 2.1, 'ks'),
    column('d_stable', false, 0.2),
  ];

  it('puts drifted columns first, the largest PSI first among them', () => {
    expect(sortDriftRows(rows, DEFAULT_DRIFT_ORDER).map((r) => r.column)).toEqual([
      'c_drifted',
      'a_drifted',
      'd_stable',
      'b_stable',
    ]);
  });

  it('sorts names from A and measures from the largest, and flips on a second click', () => {
    const byName = nextDriftOrder(DEFAULT_DRIFT_ORDER, 'column');
    expect(sortDriftRows(rows, byName).map((r) => r.column)).toEqual([
      'a_drifted',
      'b_stable',
      'c_drifted',
      'd_stable',
    ]);
    const byPsi = nextDriftOrder(byName, 'psi');
    expect(sortDriftRows(rows, byPsi).map((r) => r.psi)).toEqual([2.1, 0.3, 0.2, 0.01]);
    expect(sortDriftRows(rows, nextDriftOrder(byPsi, 'psi')).map((r) => r.psi)).toEqual([
      0.01, 0.2, 0.3, 2.1,
    ]);
  });

  it('writes the side of the threshold on which a column drifted', () => {
    expect(thresholdText(column('x', false, 0))).toBe('> 0.1');
    expect(thresholdText(column('x', false, 0, 'chi_squared'))).toBe('< 0.05');
    expect(formatMetric(0.5464761)).toBe('0.546');
    expect(formatMetric(null)).toBe('—');
  });
});

describe('performance over time', () => {
  it('cuts back-to-back windows ending now, oldest first', () => {
    const now = Date.parse('2026-12-07T05:00:00.000Z');
    expect(performanceWindows(now, 7, 3)).toEqual([
      { from: '2026-11-16T05:00:00.000Z', to: '2026-11-23T05:00:00.000Z' },
      { from: '2026-11-23T05:00:00.000Z', to: '2026-11-30T05:00:00.000Z' },
      { from: '2026-11-30T05:00:00.000Z', to: '2026-12-07T05:00:00.000Z' },
    ]);
  });

  it('leaves a gap where a window has no labels yet, and puts the alert level 10 % below the test value', () => {
    const columns = performanceChartData(
      [
        performance('2026-11-30T05:00:00.000Z', 0.61, 0.24, null),
        performance('2026-12-07T05:00:00.000Z', null, null, null),
      ],
      'pr_auc',
      0.1,
    );
    expect(columns.x).toEqual([
      Date.parse('2026-11-30T05:00:00.000Z') / 1000,
      Date.parse('2026-12-07T05:00:00.000Z') / 1000,
    ]);
    expect(columns.realized).toEqual([0.61, null]);
    expect(columns.estimated).toEqual([null, null]);
    expect(columns.test).toBe(0.8);
    expect(columns.alertLevel).toBeCloseTo(0.72, 12);
    expect(
      performanceChartData(
        [performance('2026-12-07T05:00:00.000Z', 0.6, 0.25, 0.24)],
        'roc_auc',
        0.1,
      ).estimated,
    ).toEqual([0.72]);
  });
});
