import { explain } from '@payments-mlops/boosting';
import { REGISTERED_MODEL_NAMES, ServiceError, type ModelTask, type ReasonCode } from '@payments-mlops/contracts';
import type { OnlineFeatureColumns } from '@payments-mlops/feature-store';
import { encodeOnlineRows } from '@payments-mlops/model-inputs';
import type { ServingFeatures } from '../features/serving-features.js';
import type { ModelSlots } from '../models/model-slots.js';
import { predictRow, type ServingModel } from '../models/serving-model.js';
import type { ServingMetrics } from '../serving-metrics.js';
import { pathContributions, topContributions } from './path-attribution.js';
import type { LoggedFeatureValue as LoggedValue } from '@payments-mlops/contracts';
import { routeRequest, type SplitPolicy } from './traffic-split.js';

const REASON_COUNT = 3;
const MAX_REASON_STRING = 128;

/** One request scored by one model version. */
export interface Scored {
  model: ServingModel;
  probabilities: Float32Array;
  /** The encoded row, for explanations. */
  row: Float32Array;
  columns: OnlineFeatureColumns;
  degraded: boolean;
  unknownCategories: string[];
}

export interface ScoreInput {
  task: ModelTask;
  endpoint: string;
  /** The entity the A/B split hashes. */
  splitKey: string;
  /** Entity keys and request fields by feature name. */
  fields: Readonly<Record<string, unknown>>;
  nowMs: number;
}

export interface ScorerOptions {
  slots: ModelSlots;
  features: ServingFeatures;
  metrics: ServingMetrics;
  policies: Readonly<Record<ModelTask, SplitPolicy>>;
}

/**
 * The hot path shared by the four endpoints: route by entity hash, read features once, encode
 * them with the trainer's rule, run the model. Decisions are the endpoints' own.
 */
export class Scorer {
  private readonly slots: ModelSlots;
  private readonly features: ServingFeatures;
  private readonly metrics: ServingMetrics;
  private readonly policies: Readonly<Record<ModelTask, SplitPolicy>>;

  constructor({ slots, features, metrics, policies }: ScorerOptions) {
    this.slots = slots;
    this.features = features;
    this.metrics = metrics;
    this.policies = policies;
  }

  /** Scores with the routed model; `shadow` is the challenger to also score off the hot path. */
  async score(input: ScoreInput): Promise<{ scored: Scored; shadow: ServingModel | undefined }> {
    const champion = this.slots.model(input.task, 'champion');
    if (champion === undefined) {
      throw new ServiceError('MODEL_NOT_READY', `No ${REGISTERED_MODEL_NAMES[input.task]} version is loaded yet; the other endpoints keep answering`);
    }
    const challenger = this.slots.model(input.task, 'challenger');
    const route = routeRequest(input.task, input.splitKey, this.policies[input.task], challenger !== undefined);
    const model = route.answer === 'challenger' ? challenger! : champion;
    const scored = await this.scoreWith(model, input);
    return { scored, shadow: route.shadow ? challenger : undefined };
  }

  /** Scores with a given version; `reuse` is an earlier read of the same feature service (shadow scoring). */
  async scoreWith(model: ServingModel, input: ScoreInput, reuse?: Scored): Promise<Scored> {
    const service = model.signature.feature_service.name;
    let columns: OnlineFeatureColumns;
    let degraded: boolean;
    if (reuse !== undefined && reuse.model.signature.feature_service.name === service) {
      ({ columns, degraded } = reuse);
    } else {
      const plan = this.features.plan(service);
      if (plan === undefined) throw new ServiceError('SERVICE_UNAVAILABLE', 'No feature definitions loaded yet: run `make features-apply`');
      const fetchStart = performance.now();
      ({ columns, degraded } = await this.features.read(plan, input.fields, input.nowMs));
      this.metrics.featureFetchOf(input.endpoint, degraded).observe((performance.now() - fetchStart) / 1000);
      if (degraded && reuse === undefined) this.metrics.degraded.inc({ endpoint: input.endpoint });
      if (reuse === undefined) this.countFeatureQuality(input.endpoint, columns);
    }
    const inferStart = performance.now();

    const encoded = encodeOnlineRows(model.signature.inputs, columns, input.nowMs);
    // The contract lists request fields only; an unseen stored value is a data issue, not the caller's.
    const unknownCategories = (encoded.unknownCategories[0] ?? []).filter((name) => isRequestField(columns, name));
    if (unknownCategories.length > 0) this.metrics.unknownCategories.inc({ endpoint: input.endpoint }, unknownCategories.length);
    const probabilities = await predictRow(model, encoded.values);
    this.metrics.forVersion(input.endpoint, model).inference.observe((performance.now() - inferStart) / 1000);
    return { model, probabilities, row: encoded.values, columns, degraded, unknownCategories };
  }

  private countFeatureQuality(endpoint: string, columns: OnlineFeatureColumns): void {
    let missing = 0;
    let stale = 0;
    for (const statuses of columns.statuses) {
      const status = statuses[0];
      if (status === 'OUTSIDE_MAX_AGE') stale++;
      else if (status !== 'PRESENT') missing++;
    }
    if (missing > 0) this.metrics.missingFeatures.inc({ endpoint }, missing);
    if (stale > 0) this.metrics.staleFeatures.inc({ endpoint }, stale);
  }
}

/** How reason codes are computed: exact path-dependent TreeSHAP, or decision-path attribution (microseconds). */
export type ReasonMethod = 'treeshap' | 'path';

function isRequestField(columns: OnlineFeatureColumns, name: string): boolean {
  return columns.features.some((feature) => feature.field.name === name && feature.view.kind === 'request');
}

/** The top reasons for a class over the version's JSON trees, named and valued as the model saw them. */
export function reasonsFor(scored: Scored, classIndex: number, method: ReasonMethod): ReasonCode[] {
  const reasons =
    method === 'treeshap'
      ? explain(scored.model.trees, scored.row, { topK: REASON_COUNT, classIndex }).reasons
      : topContributions(pathContributions(scored.model.trees, scored.row, classIndex), REASON_COUNT);
  return reasons.map((reason) => {
    const name = scored.model.signature.inputs[reason.feature]!.name;
    return { feature: name, value: featureValue(scored.columns, name), contribution: reason.contribution };
  });
}

/** Column position by feature name, per read plan's feature list (the same array for every read of a plan). */
const positionsByFeatures = new WeakMap<OnlineFeatureColumns['features'], ReadonlyMap<string, number>>();

function positionOf(columns: OnlineFeatureColumns, name: string): number {
  let positions = positionsByFeatures.get(columns.features);
  if (positions === undefined) {
    const byName = new Map<string, number>();
    // The first column of a name wins, as findIndex did.
    columns.features.forEach((feature, position) => {
      if (!byName.has(feature.field.name)) byName.set(feature.field.name, position);
    });
    positionsByFeatures.set(columns.features, (positions = byName));
  }
  return positions.get(name) ?? -1;
}

/** A feature's value for the response: null unless PRESENT, long strings cut to the contract's limit. */
export function featureValue(columns: OnlineFeatureColumns, name: string): LoggedValue {
  const position = positionOf(columns, name);
  if (position === -1 || columns.statuses[position]![0] !== 'PRESENT') return null;
  const value = columns.values[position]![0];
  if (typeof value === 'string') return value.length > MAX_REASON_STRING ? value.slice(0, MAX_REASON_STRING) : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  return null;
}

