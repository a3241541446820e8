import {
  MODEL_CLASSES,
  type LoggedFeatureValue,
  type ModelTask,
  type PredictionLogLayout,
  type PredictionLogRecord,
  type PredictionSink,
} from '@payments-mlops/contracts';
import type { OnlineFeatureColumns } from '@payments-mlops/feature-store';
import { scoresByClass } from '../domain/answers.js';
import { clampProbability } from '../domain/recovery-ranking.js';
import { featureValue, type ScoreInput, type Scored } from '../domain/scorer.js';

type Alias = PredictionLogRecord['model']['alias'];

/** Logs one answered prediction (the served one or the shadow's) to the sink. */
export type PredictionLogger = (
  requestId: string,
  input: ScoreInput,
  scored: Scored,
  decision: string,
  latencyMs: number,
  alias: Alias,
) => void;

/** One answered prediction, as the log records it. */
export interface ServedPrediction {
  requestId: string;
  input: ScoreInput;
  scored: Scored;
  decision: string;
  latencyMs: number;
  alias: Alias;
  nowMs: number;
}

const ENTITY_KEYS = ['payment_id', 'customer_id', 'merchant_id', 'card_id', 'subscription_id'];

/**
 * The sink's JSON path when it has one (the Kafka publisher), else the record object: the
 * compiled compact JSON costs a fraction of building ~50 keys by name and JSON.stringify-ing them,
 * and its feature names go once per Kafka message.
 */
export function predictionLogger(sink: PredictionSink, clock: () => number): PredictionLogger {
  if (sink.recordJson !== undefined) {
    const recordJson = sink.recordJson.bind(sink);
    return (requestId, input, scored, decision, latencyMs, alias) => {
      const served = { requestId, input, scored, decision, latencyMs, alias, nowMs: clock() };
      recordJson(predictionJson(served), predictionLayout(scored));
    };
  }
  return (requestId, input, scored, decision, latencyMs, alias) =>
    sink.record(predictionRecord({ requestId, input, scored, decision, latencyMs, alias, nowMs: clock() }));
}

/** The prediction as a PredictionLogRecord object. */
export function predictionRecord(served: ServedPrediction): PredictionLogRecord {
  const { requestId, input, scored, decision, latencyMs, alias, nowMs } = served;
  const entityIds: Record<string, string> = {};
  for (const key of ENTITY_KEYS) {
    const value = input.fields[key];
    if (typeof value === 'string') entityIds[key] = value;
  }
  const features: Record<string, LoggedFeatureValue> = {};
  for (const modelInput of scored.model.signature.inputs)
    features[modelInput.name] = featureValue(scored.columns, modelInput.name);
  return {
    request_id: requestId,
    task: input.task,
    endpoint: input.endpoint,
    entity_ids: entityIds,
    features,
    scores: scoresByClass(scored),
    model: { name: scored.model.name, version: scored.model.version, alias },
    decision,
    degraded: scored.degraded,
    latency_ms: latencyMs,
    timestamp: new Date(nowMs).toISOString(),
  };
}

/** A signature's features against a read plan's columns. */
interface FeatureLayout {
  names: string[];
  /** Column of each feature; -1 when the read has none of that name. */
  positions: Int32Array;
  /** The names as the log's compact lines refer to them, and that reference as JSON. */
  log: PredictionLogLayout;
  logJson: string;
  /** Filled and written for each prediction in turn (synchronously, so one array serves all). */
  values: LoggedFeatureValue[];
}

type ModelInputs = Scored['model']['signature']['inputs'];
const layouts = new WeakMap<OnlineFeatureColumns['features'], WeakMap<ModelInputs, FeatureLayout>>();

function layoutOf(scored: Scored): FeatureLayout {
  const { columns, model } = scored;
  const inputs = model.signature.inputs;
  let bySignature = layouts.get(columns.features);
  if (bySignature === undefined) layouts.set(columns.features, (bySignature = new WeakMap()));
  let layout = bySignature.get(inputs);
  if (layout !== undefined) return layout;
  const positionOf = new Map<string, number>();
  // The first column of a name wins, as featureValue reads it.
  columns.features.forEach((feature, position) => {
    if (!positionOf.has(feature.field.name)) positionOf.set(feature.field.name, position);
  });
  // An object keeps one key per name: so does the JSON.
  const names = [...new Set(inputs.map((modelInput) => modelInput.name))];
  // A version's inputs never change, so its name and version name them within a message.
  const log = { layout: `${model.name}@${model.version}`, features: names };
  layout = {
    names,
    positions: Int32Array.from(names, (name) => positionOf.get(name) ?? -1),
    log,
    logJson: JSON.stringify(log.layout),
    values: names.map(() => null),
  };
  bySignature.set(inputs, layout);
  return layout;
}

const scoreKeys = Object.fromEntries(
  Object.entries(MODEL_CLASSES).map(([task, classes]) => [
    task,
    classes.map((name, i) => `${i === 0 ? '' : ','}${JSON.stringify(name)}:`),
  ]),
) as Record<ModelTask, string[]>;

/** The layout that names the features of the prediction's compact line. */
export function predictionLayout(scored: Scored): PredictionLogLayout {
  return layoutOf(scored).log;
}

/**
 * The prediction as a CompactPredictionLogRecord line: PredictionLogRecord's JSON with the feature
 * values alone, in predictionLayout's order (its test holds the expansion to predictionRecord),
 * written from the read columns directly: no per-prediction object of ~50 keys.
 */
export function predictionJson(served: ServedPrediction): string {
  const { requestId, input, scored, decision, latencyMs, alias, nowMs } = served;
  const { columns, model } = scored;
  let json = `{"request_id":${JSON.stringify(requestId)},"task":${JSON.stringify(input.task)},"endpoint":${JSON.stringify(input.endpoint)},"entity_ids":{`;
  let first = true;
  for (const key of ENTITY_KEYS) {
    const value = input.fields[key];
    if (typeof value !== 'string') continue;
    json += `${first ? '' : ','}"${key}":${JSON.stringify(value)}`;
    first = false;
  }
  // JSON.stringify of a flat array is V8's fast path: far cheaper than a string built piecewise.
  const { names, positions, logJson, values } = layoutOf(scored);
  for (let i = 0; i < positions.length; i++) {
    const position = positions[i]!;
    if (position === -1 || columns.statuses[position]![0] !== 'PRESENT') {
      values[i] = null;
      continue;
    }
    const value = columns.values[position]![0];
    // Non-finite numbers are written null, as by JSON.stringify; strings are rare.
    if (typeof value === 'number' || typeof value === 'boolean') values[i] = value;
    else values[i] = featureValue(columns, names[i]!);
  }
  json += `},"features":${JSON.stringify(values)}`;
  json += ',"scores":{';
  const classKeys = scoreKeys[model.task];
  for (let i = 0; i < classKeys.length; i++)
    json += classKeys[i]! + String(clampProbability(scored.probabilities[i] ?? 0));
  json += `},"model":{"name":${JSON.stringify(model.name)},"version":${JSON.stringify(model.version)},"alias":${JSON.stringify(alias)}}`;
  json += `,"decision":${JSON.stringify(decision)},"degraded":${scored.degraded ? 'true' : 'false'}`;
  json += `,"latency_ms":${Number.isFinite(latencyMs) ? String(latencyMs) : 'null'}`;
  return `${json},"timestamp":"${new Date(nowMs).toISOString()}","layout":${logJson}}`;
}
