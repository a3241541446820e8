import { LATENCY_BUCKETS_SECONDS, bindHistogram, type BoundHistogram, type ServiceMetrics } from '@payments-mlops/service-kit';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Finer than the service-kit's buckets at the low end: a whole answer takes about a millisecond. */
const SERVING_BUCKETS_SECONDS = [0.00005, ...LATENCY_BUCKETS_SECONDS.slice(0, 3), 0.00075, ...LATENCY_BUCKETS_SECONDS.slice(3)];
const SCORE_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];

/** The histograms one answering model version observes on every request, bound to its labels. */
export interface VersionHistograms {
  inference: BoundHistogram;
  scores: BoundHistogram;
}

/** A loaded model version as the metrics label it: one object per load. */
export interface ServedVersion {
  readonly version: string;
  readonly alias: string;
}

export type LoadFailureReason = 'registry_unreachable' | 'checksum_mismatch' | 'invalid_artifact';

/** ml-serving's own metrics, on the service's registry (names as the alert rules use them). */
export class ServingMetrics {
  readonly requestDuration: Histogram<'endpoint' | 'model_version'>;
  readonly requests: Counter<'endpoint' | 'status'>;
  readonly degraded: Counter<'endpoint'>;
  readonly featureFetch: Histogram<'endpoint' | 'outcome'>;
  readonly inference: Histogram<'endpoint' | 'model_version'>;
  readonly inferenceBatchRows: Histogram<'endpoint'>;
  readonly scores: Histogram<'endpoint' | 'model_version' | 'alias'>;
  readonly missingFeatures: Counter<'endpoint'>;
  readonly staleFeatures: Counter<'endpoint'>;
  readonly unknownCategories: Counter<'endpoint'>;
  readonly shadowPredictions: Counter<'endpoint' | 'outcome'>;
  readonly modelInfo: Gauge<'endpoint' | 'model' | 'version' | 'alias'>;
  readonly modelLoads: Counter<'model' | 'alias'>;
  readonly modelLoadFailures: Counter<'model' | 'alias' | 'reason'>;

  private readonly byVersion = new WeakMap<ServedVersion, VersionHistograms>();
  private readonly fetchByEndpoint = new Map<string, { ok: BoundHistogram; degraded: BoundHistogram }>();
  private readonly batchRowsByEndpoint = new Map<string, (rows: number) => void>();

  /**
   * The per-request histograms of a loaded version (whose endpoint and alias do not change),
   * bound once: prom-client would validate and hash a label object per observation.
   */
  forVersion(endpoint: string, model: ServedVersion): VersionHistograms {
    let bound = this.byVersion.get(model);
    if (bound === undefined) {
      bound = {
        inference: bindHistogram(this.inference, { endpoint, model_version: model.version }),
        scores: bindHistogram(this.scores, { endpoint, model_version: model.version, alias: model.alias }),
      };
      this.byVersion.set(model, bound);
    }
    return bound;
  }

  /** The feature-fetch histogram of an endpoint, by outcome, bound once. */
  featureFetchOf(endpoint: string, degraded: boolean): BoundHistogram {
    let bound = this.fetchByEndpoint.get(endpoint);
    if (bound === undefined) {
      bound = {
        ok: bindHistogram(this.featureFetch, { endpoint, outcome: 'ok' }),
        degraded: bindHistogram(this.featureFetch, { endpoint, outcome: 'degraded' }),
      };
      this.fetchByEndpoint.set(endpoint, bound);
    }
    return degraded ? bound.degraded : bound.ok;
  }

  /** The observer of an endpoint's onnxruntime batch sizes, bound once (every version of the endpoint shares it). */
  batchRowsOf(endpoint: string): (rows: number) => void {
    let observe = this.batchRowsByEndpoint.get(endpoint);
    if (observe === undefined) {
      const bound = bindHistogram(this.inferenceBatchRows, { endpoint });
      this.batchRowsByEndpoint.set(endpoint, (observe = (rows) => bound.observe(rows)));
    }
    return observe;
  }

  constructor({ registry, prefix }: Pick<ServiceMetrics, 'registry' | 'prefix'>) {
    const registers = [registry];
    this.requestDuration = new Histogram({
      name: `${prefix}request_duration_seconds`,
      help: 'Inference request duration (validation, features, inference, decision), by endpoint and answering model version.',
      labelNames: ['endpoint', 'model_version'],
      buckets: SERVING_BUCKETS_SECONDS,
      registers,
    });
    this.requests = new Counter({ name: `${prefix}requests_total`, help: 'Inference requests by endpoint and HTTP status.', labelNames: ['endpoint', 'status'], registers });
    this.degraded = new Counter({
      name: `${prefix}degraded_responses_total`,
      help: 'Answers given from request fields alone because online features were unavailable or late.',
      labelNames: ['endpoint'],
      registers,
    });
    this.featureFetch = new Histogram({
      name: `${prefix}feature_fetch_duration_seconds`,
      help: 'Online feature read (one Redis round trip and decoding), by endpoint and outcome (ok, degraded).',
      labelNames: ['endpoint', 'outcome'],
      buckets: SERVING_BUCKETS_SECONDS,
      registers,
    });
    this.inference = new Histogram({
      name: `${prefix}inference_duration_seconds`,
      help: 'Encoding and onnxruntime inference of one request (the run it shares with the requests of its event-loop turn included), by endpoint and model version.',
      labelNames: ['endpoint', 'model_version'],
      buckets: SERVING_BUCKETS_SECONDS,
      registers,
    });
    this.inferenceBatchRows = new Histogram({
      name: `${prefix}inference_batch_rows`,
      help: 'Rows per onnxruntime run: the requests of one event-loop turn are scored in one run (warm-up runs included), by endpoint.',
      labelNames: ['endpoint'],
      buckets: [1, 2, 3, 4, 6, 8, 12, 16, 32, 64],
      registers,
    });
    this.scores = new Histogram({
      name: `${prefix}prediction_score`,
      help: 'Scores returned: fraud and churn probability, retry and recovery probability of the chosen class.',
      labelNames: ['endpoint', 'model_version', 'alias'],
      buckets: SCORE_BUCKETS,
      registers,
    });
    this.missingFeatures = new Counter({
      name: `${prefix}missing_features_total`,
      help: 'Model inputs that were missing (NOT_FOUND or NULL_VALUE) and scored as missing, as in training.',
      labelNames: ['endpoint'],
      registers,
    });
    this.staleFeatures = new Counter({
      name: `${prefix}stale_features_total`,
      help: "Model inputs older than their view's TTL (OUTSIDE_MAX_AGE), scored as missing.",
      labelNames: ['endpoint'],
      registers,
    });
    this.unknownCategories = new Counter({
      name: `${prefix}unknown_categories_total`,
      help: 'Categorical request values the model did not see in training.',
      labelNames: ['endpoint'],
      registers,
    });
    this.shadowPredictions = new Counter({
      name: `${prefix}shadow_predictions_total`,
      help: 'Challenger predictions made in shadow (logged, never returned), by outcome (ok, failed).',
      labelNames: ['endpoint', 'outcome'],
      registers,
    });
    this.modelInfo = new Gauge({
      name: `${prefix}model_info`,
      help: 'The model versions being served: 1 per endpoint, registered model, version and alias.',
      labelNames: ['endpoint', 'model', 'version', 'alias'],
      // With SERVING_WORKERS > 1 every worker serves the version: 1, not the worker count.
      aggregator: 'max',
      registers,
    });
    this.modelLoads = new Counter({ name: `${prefix}model_loads_total`, help: 'Model versions loaded and swapped in.', labelNames: ['model', 'alias'], registers });
    this.modelLoadFailures = new Counter({
      name: `${prefix}model_load_failures_total`,
      help: 'Model loads that failed, the previous version kept: registry unreachable, checksum mismatch, invalid artifact.',
      labelNames: ['model', 'alias', 'reason'],
      registers,
    });
  }
}
