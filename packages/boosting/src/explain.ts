import { BoostingInputError } from './errors.js';
import type { BoostedModel, FeatureInput } from './model.js';
import { expectedValue } from './tree.js';
import { TreeShap } from './tree-shap.js';

export interface ReasonCode {
  readonly feature: number;
  readonly name: string;
  readonly value: number;
  /** Contribution to the raw score (log-odds for binary). */
  readonly contribution: number;
}

export interface Explanation {
  /** The class explained (0 for binary and regression). */
  readonly classIndex: number;
  /** Expected raw score over the training data: init score plus each tree's cover-weighted mean. */
  readonly baseValue: number;
  /** The model's raw score for the row; baseValue + Σ contributions equals it. */
  readonly rawScore: number;
  /** SHAP value of every feature, in feature order. */
  readonly contributions: Float64Array;
  /** The topK features by |contribution|, largest first. */
  readonly reasons: readonly ReasonCode[];
}

export interface ExplainOptions {
  /** Reason codes to return. Default 5. */
  readonly topK?: number;
  /** Multiclass: the class to explain; default the most probable one. */
  readonly classIndex?: number;
}

/** What explaining needs per model, computed once: a model is immutable. */
interface ExplainerState {
  readonly base: Float64Array;
  readonly shap: TreeShap;
}
const explainers = new WeakMap<BoostedModel, ExplainerState>();

function explainerOf(model: BoostedModel): ExplainerState {
  let state = explainers.get(model);
  if (state === undefined) {
    const base = Float64Array.from(model.initScores);
    model.trees.forEach((tree, t) => {
      base[t % model.numClass]! += expectedValue(tree);
    });
    state = { base, shap: TreeShap.forTrees(model.trees) };
    explainers.set(model, state);
  }
  return state;
}

/** The expected raw score of each class: the base value SHAP contributions are measured from. */
export function baseValues(model: BoostedModel): Float64Array {
  return explainerOf(model).base.slice();
}

/** SHAP contributions of every class for one row: numClass × numFeatures, class-major. */
export function shapValues(model: BoostedModel, row: ArrayLike<number>): Float64Array {
  const { shap } = explainerOf(model);
  if (row.length !== model.numFeatures) {
    throw new BoostingInputError(`row has ${row.length} features; the model expects ${model.numFeatures}`);
  }
  const f = model.numFeatures;
  const phi = new Float64Array(model.numClass * f);
  model.trees.forEach((tree, t) => {
    const c = t % model.numClass;
    shap.accumulate(tree, row, 0, phi.subarray(c * f, (c + 1) * f));
  });
  return phi;
}

/**
 * Why the model scored this row as it did: exact path-dependent TreeSHAP contributions and the
 * top features as reason codes.
 */
export function explain(model: BoostedModel, row: ArrayLike<number>, options: ExplainOptions = {}): Explanation {
  const topK = options.topK ?? 5;
  const raw = model.predictRawRow(row);
  let classIndex = options.classIndex ?? 0;
  if (options.classIndex === undefined && model.numClass > 1) {
    for (let c = 1; c < model.numClass; c++) if (raw[c]! > raw[classIndex]!) classIndex = c;
  }
  if (!(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < model.numClass)) {
    throw new BoostingInputError(`classIndex ${classIndex} is not a class of this model (0..${model.numClass - 1})`);
  }
  const f = model.numFeatures;
  const contributions = shapValues(model, row).slice(classIndex * f, (classIndex + 1) * f);
  const order = Array.from(contributions.keys()).sort(
    (a, b) => Math.abs(contributions[b]!) - Math.abs(contributions[a]!) || a - b,
  );
  const reasons = order
    .slice(0, topK)
    .filter((feature) => contributions[feature] !== 0)
    .map((feature) => ({
      feature,
      name: model.featureNames[feature]!,
      value: row[feature]!,
      contribution: contributions[feature]!,
    }));
  return { classIndex, baseValue: explainerOf(model).base[classIndex]!, rawScore: raw[classIndex]!, contributions, reasons };
}

export interface FeatureImportance {
  readonly feature: number;
  readonly name: string;
  readonly importance: number;
}

function ranked(model: BoostedModel, values: Float64Array): FeatureImportance[] {
  return Array.from(values, (importance, feature) => ({ feature, name: model.featureNames[feature]!, importance })).sort(
    (a, b) => b.importance - a.importance || a.feature - b.feature,
  );
}

/** Global importance from the trees: total split gain, or number of splits, per feature. */
export function featureImportance(model: BoostedModel, kind: 'gain' | 'split' = 'gain'): FeatureImportance[] {
  const totals = new Float64Array(model.numFeatures);
  for (const tree of model.trees) {
    for (let node = 0; node < tree.numLeaves - 1; node++) {
      totals[tree.splitFeature[node]!]! += kind === 'gain' ? tree.splitGain[node]! : 1;
    }
  }
  return ranked(model, totals);
}

/** Global importance from SHAP: mean |contribution| per feature over the rows, summed over classes. */
export function shapImportance(model: BoostedModel, input: FeatureInput): FeatureImportance[] {
  const rows = Array.isArray(input)
    ? (input as readonly ArrayLike<number>[])
    : toRows((input as { readonly columns: readonly ArrayLike<number>[] }).columns);
  const f = model.numFeatures;
  const totals = new Float64Array(f);
  for (const row of rows) {
    const phi = shapValues(model, row);
    for (let j = 0; j < phi.length; j++) totals[j % f]! += Math.abs(phi[j]!);
  }
  return ranked(model, totals.map((t) => (rows.length > 0 ? t / rows.length : 0)));
}

function toRows(columns: readonly ArrayLike<number>[]): Float64Array[] {
  const numRows = columns[0]?.length ?? 0;
  return Array.from({ length: numRows }, (_, i) => Float64Array.from(columns, (column) => column[i]!));
}
