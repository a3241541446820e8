import type { DriftReport, PerformanceReport } from '@payments-mlops/contracts';
import { formatMetric, formatShare } from './drift-rows';

/*
 * model-monitor has no alerts endpoint: Prometheus evaluates its gauges against the rules of
 * infra/prometheus/rules/model-quality.yml. The UI applies the same conditions to the reports it
 * has, so a user without Grafana sees what would fire, labelled as derived, not as Alertmanager's.
 */

/** A rule's relative drop of a metric below its test value; the rules' `> 0.10`. */
export const DEGRADATION_LEVEL = 0.1;

export type AlertSeverity = 'critical' | 'warning';

export interface DerivedAlert {
  /** The Prometheus rule whose condition holds. */
  rule:
    | 'ModelDatasetDrift'
    | 'ModelPrimaryMetricDegraded'
    | 'ModelEstimatedPerformanceDrop'
    | 'ModelFeatureDrift';
  severity: AlertSeverity;
  summary: string;
  /** Whether Alertmanager sends it to the trainer's retraining webhook. */
  retrain: boolean;
}

/** The alert conditions that hold in the current drift and performance reports, critical first. */
export function deriveAlerts(
  drift: DriftReport | undefined,
  performance: PerformanceReport | undefined,
): DerivedAlert[] {
  const alerts: DerivedAlert[] = [];
  if (drift?.dataset_drift)
    alerts.push({
      rule: 'ModelDatasetDrift',
      severity: 'critical',
      summary: `${formatShare(drift.drifted_share)} of the features drifted: the share passed the dataset-drift level`,
      retrain: false,
    });
  if (
    performance &&
    performance.degradation !== null &&
    performance.degradation > DEGRADATION_LEVEL
  ) {
    const metric = performance.primary_metric;
    const realized = performance.realized[metric as keyof PerformanceReport['realized']];
    alerts.push({
      rule: 'ModelPrimaryMetricDegraded',
      severity: 'critical',
      summary: `${metric} ${formatMetric(realized)} is ${formatShare(performance.degradation)} below its test value ${formatMetric(performance.test_metrics[metric])}`,
      retrain: true,
    });
  }
  const estimated = performance?.estimated_degradation;
  if (performance && estimated !== undefined && estimated !== null && estimated > DEGRADATION_LEVEL)
    alerts.push({
      rule: 'ModelEstimatedPerformanceDrop',
      severity: 'warning',
      summary: `estimated roc_auc ${formatMetric(performance.estimated.roc_auc)} is ${formatShare(estimated)} below its test value ${formatMetric(performance.test_metrics.roc_auc)}`,
      retrain: false,
    });
  for (const feature of drift?.features ?? [])
    if (feature.drifted)
      alerts.push({
        rule: 'ModelFeatureDrift',
        severity: 'warning',
        summary: `feature ${feature.column} drifted from its reference`,
        retrain: false,
      });
  return alerts;
}
