import type { ModelTask } from '@payments-mlops/contracts';

/** The value of one model input as fed to the model, before encoding; null when missing. */
export type LoggedValue = number | string | boolean | null;

/**
 * One served prediction, shaped as the prediction log's record (issue 9's `PredictionLogRecord`),
 * so the monitoring publisher plugs in as a sink unchanged.
 */
export interface ServedPrediction {
  request_id: string;
  task: ModelTask;
  endpoint: string;
  entity_ids: Record<string, string>;
  features: Record<string, LoggedValue>;
  scores: Record<string, number>;
  model: { name: string; version: string; alias: 'champion' | 'challenger' | 'shadow' };
  decision: string;
  degraded: boolean;
  latency_ms: number;
  timestamp: string;
}

/**
 * Where predictions go once the response is computed. Called off the hot path (after the
 * answer is handed to the socket); it must neither block nor throw.
 */
export interface PredictionSink {
  record(prediction: ServedPrediction): void;
}
