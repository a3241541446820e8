import {
  MODEL_CLASSES,
  ServiceError,
  type DriftReport,
  type ModelTask,
  type PerformanceReport,
} from '@payments-mlops/contracts';
import {
  detectDatasetDrift,
  estimatePerformance,
  predictionColumns,
  realizedPerformance,
  relativeDegradation,
  type DriftThresholds,
} from '@payments-mlops/monitoring';
import type pg from 'pg';
import type { Logger } from '@payments-mlops/service-kit';
import type { MonitorMetrics } from '../monitor-metrics.js';
import { LABELLED_TASKS, labelledScores } from '../stores/label-store.js';
import type { PredictionLogStore } from '../stores/prediction-log-store.js';
import type { ModelVersionCatalog } from './model-version-catalog.js';

/** The metric each task is promoted on (services/trainer/models/<task>/config.yaml). */
export const PRIMARY_METRICS: Record<ModelTask, string> = {
  fraud: 'pr_auc',
  churn: 'roc_auc',
  retry: 'policy_value',
  recovery: 'policy_value',
};

export interface MonitorSettings {
  windowMinutes: number;
  maxWindowRows: number;
  thresholds: DriftThresholds;
  driftShare: number;
  performanceWindowDays: number;
  fraudMaturityDays: number;
  churnHorizonDays: number;
  /**
   * Labelled predictions a window needs, in all and of each class, before its realized metric is
   * compared with the test metric: a handful of chargebacks says little about PR AUC, and one
   * noisy window must not start a retraining job.
   */
  minLabelledRows: number;
  minLabelledPerClass: number;
}

export interface ModelMonitorOptions {
  store: PredictionLogStore;
  /** The warehouse connection: the prediction log and the label tables resolve through it. */
  pool: pg.Pool;
  catalog: ModelVersionCatalog;
  metrics: MonitorMetrics;
  settings: MonitorSettings;
  logger?: Logger;
  clock?: () => number;
}

export interface WindowQuery {
  fromMs?: number;
  toMs?: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Compares each served model version with its reference profile (drift) and, as labels arrive,
 * with its test metrics (performance). Only the scheduled pass (evaluateAll) sets the gauges the
 * alert rules read: a report asked for over a past window must not move them.
 */
export class ModelMonitor {
  constructor(private readonly o: ModelMonitorOptions) {}

  private now(): number {
    return (this.o.clock ?? Date.now)();
  }

  private range(query: WindowQuery, defaultSpanMs: number): { fromMs: number; toMs: number } {
    const toMs = query.toMs ?? this.now();
    const fromMs = query.fromMs ?? toMs - defaultSpanMs;
    if (fromMs >= toMs)
      throw new ServiceError('INVALID_ARGUMENT', 'from must be before to', {
        fields: [{ field: 'from', message: 'must be before to' }],
      });
    return { fromMs, toMs };
  }

  async drift(model: string, version: string, query: WindowQuery = {}): Promise<DriftReport> {
    const { fromMs, toMs } = this.range(query, this.o.settings.windowMinutes * MINUTE_MS);
    const { profile } = await this.o.catalog.get(model, version);
    const rows = await this.o.store.window(
      model,
      version,
      fromMs,
      toMs,
      this.o.settings.maxWindowRows,
    );
    const columns = predictionColumns(
      rows,
      Object.keys(profile.features),
      Object.keys(profile.scores),
    );
    const drift = detectDatasetDrift(profile, columns, {
      thresholds: this.o.settings.thresholds,
      driftShare: this.o.settings.driftShare,
    });
    return {
      model: { name: model, version },
      window: {
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        rows: rows.length,
      },
      ...drift,
      computed_at: new Date(this.now()).toISOString(),
    };
  }

  async performance(
    model: string,
    version: string,
    query: WindowQuery = {},
  ): Promise<PerformanceReport> {
    const { fromMs, toMs } = this.range(query, this.o.settings.performanceWindowDays * DAY_MS);
    const { profile, testMetrics } = await this.o.catalog.get(model, version);
    const task = profile.task;
    const primary = PRIMARY_METRICS[task];
    const positiveClass = MODEL_CLASSES[task][1];
    const { labels, scores } = LABELLED_TASKS.has(task)
      ? await labelledScores(this.o.pool, {
          task,
          model,
          version,
          positiveClass,
          fromMs,
          toMs,
          asOfMs: this.now(),
          fraudMaturityDays: this.o.settings.fraudMaturityDays,
          churnHorizonDays: this.o.settings.churnHorizonDays,
        })
      : { labels: new Float64Array(0), scores: new Float64Array(0) };
    const realized = realizedPerformance(labels, scores);
    // CBPE reads the recent window, labelled or not: the estimate is what the labels will say.
    const recent = this.range({ toMs }, this.o.settings.windowMinutes * MINUTE_MS);
    const window = LABELLED_TASKS.has(task)
      ? await this.o.store.window(
          model,
          version,
          recent.fromMs,
          recent.toMs,
          this.o.settings.maxWindowRows,
        )
      : [];
    const probabilities = Float64Array.from(
      window,
      (r) => r.scores[positiveClass] ?? Number.NaN,
    ).filter(Number.isFinite);
    const estimated = estimatePerformance(probabilities);
    const enoughLabels =
      realized.rows >= this.o.settings.minLabelledRows &&
      Math.min(realized.positives, realized.rows - realized.positives) >=
        this.o.settings.minLabelledPerClass;
    const current =
      enoughLabels && (primary === 'roc_auc' || primary === 'pr_auc') ? realized[primary] : null;
    const report: PerformanceReport = {
      model: { name: model, version },
      window: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
      realized,
      estimated,
      test_metrics: testMetrics,
      primary_metric: primary,
      degradation: relativeDegradation(current, testMetrics[primary]),
      estimated_degradation: relativeDegradation(estimated.roc_auc, testMetrics.roc_auc),
      computed_at: new Date(this.now()).toISOString(),
    };
    return report;
  }

  /** One scheduled pass: every version that answered in the drift window, drift then performance. */
  async evaluateAll(): Promise<{ evaluated: number; failed: number }> {
    const toMs = this.now();
    const seen = await this.o.store.versionsSeen(
      toMs - this.o.settings.windowMinutes * MINUTE_MS,
      toMs,
    );
    let failed = 0;
    for (const { model_name: model, model_version: version } of seen) {
      try {
        const drift = await this.drift(model, version, { toMs });
        this.o.metrics.recordDrift(model, version, drift, drift.window.rows);
        this.o.metrics.recordPerformance(await this.performance(model, version, { toMs }));
      } catch (error) {
        failed++;
        this.o.logger?.warn(
          { component: 'monitor', model, version, err: error },
          'could not evaluate model version',
        );
      }
    }
    return { evaluated: seen.length - failed, failed };
  }
}
