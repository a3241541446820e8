import type { DatasetDrift } from '@payments-mlops/monitoring';
import type { PerformanceReport } from '@payments-mlops/contracts';
import { Counter, Gauge, type Registry } from 'prom-client';

type VersionLabels = 'model' | 'version';

/**
 * The monitor's gauges, the names the alert rules (infra/prometheus/rules/model-quality.yml)
 * and the model-quality dashboard read. Labels are bounded: models, versions still serving,
 * and each version's own features.
 */
export class MonitorMetrics {
  readonly featureDriftScore: Gauge<VersionLabels | 'feature' | 'method'>;
  readonly featureDrifted: Gauge<VersionLabels | 'feature'>;
  readonly featurePsi: Gauge<VersionLabels | 'feature'>;
  readonly scoreDriftScore: Gauge<VersionLabels | 'class' | 'method'>;
  readonly datasetDrift: Gauge<VersionLabels>;
  readonly driftedShare: Gauge<VersionLabels>;
  readonly windowPredictions: Gauge<VersionLabels>;
  readonly realized: Gauge<VersionLabels | 'metric'>;
  readonly estimated: Gauge<VersionLabels | 'metric'>;
  readonly labelled: Gauge<VersionLabels>;
  readonly degradation: Gauge<VersionLabels | 'metric'>;
  readonly estimatedDegradation: Gauge<VersionLabels | 'metric'>;
  readonly sinkLag: Gauge<'partition'>;
  readonly sinkPredictions: Counter<'outcome'>;

  constructor(registry: Registry, prefix = 'model_monitor_') {
    const registers = [registry];
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> =>
      new Gauge({ name: `${prefix}${name}`, help, labelNames, registers });
    this.featureDriftScore = gauge(
      'feature_drift_score',
      'Drift statistic of a feature: distance (wasserstein, jensen_shannon) or p-value (ks, chi_squared).',
      ['model', 'version', 'feature', 'method'],
    );
    this.featureDrifted = gauge(
      'feature_drifted',
      '1 when the feature drifted from the version reference in the current window.',
      ['model', 'version', 'feature'],
    );
    this.featurePsi = gauge(
      'feature_psi',
      'Population stability index of a feature against the reference.',
      ['model', 'version', 'feature'],
    );
    this.scoreDriftScore = gauge(
      'score_drift_score',
      'Drift statistic of a class score against the reference.',
      ['model', 'version', 'class', 'method'],
    );
    this.datasetDrift = gauge(
      'dataset_drift',
      '1 when the share of drifted features reached the dataset-drift level.',
      ['model', 'version'],
    );
    this.driftedShare = gauge('drifted_features_share', 'Share of the features that drifted.', [
      'model',
      'version',
    ]);
    this.windowPredictions = gauge(
      'window_predictions',
      'Predictions in the current drift window.',
      ['model', 'version'],
    );
    this.realized = gauge(
      'realized_metric',
      'Metric on labelled predictions of the performance window (roc_auc, pr_auc, accuracy, calibration_error).',
      ['model', 'version', 'metric'],
    );
    this.estimated = gauge(
      'estimated_metric',
      'Confidence-based estimate over the drift window, before labels arrive (roc_auc, accuracy).',
      ['model', 'version', 'metric'],
    );
    this.labelled = gauge(
      'labelled_predictions',
      'Predictions of the performance window with a known outcome.',
      ['model', 'version'],
    );
    this.degradation = gauge(
      'primary_metric_degradation_ratio',
      'Relative drop of the primary metric against the version test value (0.1 is 10 % worse).',
      ['model', 'version', 'metric'],
    );
    this.estimatedDegradation = gauge(
      'estimated_degradation_ratio',
      'Relative drop of the CBPE-estimated metric against the version test value, before labels arrive.',
      ['model', 'version', 'metric'],
    );
    this.sinkLag = gauge(
      'sink_consumer_lag_messages',
      'Predictions on ml.predictions not yet written to the log, per partition.',
      ['partition'],
    );
    this.sinkPredictions = new Counter({
      name: `${prefix}sink_predictions_total`,
      help: 'Predictions read by the sink: inserted, duplicate (redelivered), expired (older than retention) or invalid.',
      labelNames: ['outcome'],
      registers,
    });
  }

  recordDrift(model: string, version: string, drift: DatasetDrift, rows: number): void {
    const v = { model, version };
    for (const f of drift.features) {
      this.featureDriftScore.set({ ...v, feature: f.column, method: f.method }, f.statistic);
      this.featureDrifted.set({ ...v, feature: f.column }, f.drifted ? 1 : 0);
      this.featurePsi.set({ ...v, feature: f.column }, f.psi);
    }
    for (const s of drift.scores)
      this.scoreDriftScore.set({ ...v, class: s.column, method: s.method }, s.statistic);
    this.datasetDrift.set(v, drift.dataset_drift ? 1 : 0);
    this.driftedShare.set(v, drift.drifted_share);
    this.windowPredictions.set(v, rows);
  }

  recordPerformance(report: PerformanceReport): void {
    const v = { model: report.model.name, version: report.model.version };
    const { rows: _rows, positives: _positives, ...realized } = report.realized;
    for (const [metric, value] of Object.entries(realized))
      if (value !== null) this.realized.set({ ...v, metric }, value);
    for (const metric of ['roc_auc', 'accuracy'] as const) {
      const value = report.estimated[metric];
      if (value !== null) this.estimated.set({ ...v, metric }, value);
    }
    this.labelled.set(v, report.realized.rows);
    // Too few labels now (or none): the last value must not go on firing the alert.
    if (report.degradation === null)
      this.degradation.remove({ ...v, metric: report.primary_metric });
    else this.degradation.set({ ...v, metric: report.primary_metric }, report.degradation);
    if (report.estimated_degradation != null)
      this.estimatedDegradation.set({ ...v, metric: 'roc_auc' }, report.estimated_degradation);
  }
}
