import { BoostingInputError } from './errors.js';
import type { BoostedModel, FeatureInput } from './model.js';
import { expectedValue, leafOf } from './tree.js';
import { LinearTreeShap } from './linear-tree-shap.js';
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

/**
 * How TreeSHAP is computed; both are exact. 'linear' (the default): Linear TreeSHAP, O(nodes ·
 * depth) per tree. 'lundberg': Algorithm 2 of Lundberg et al. (2018), O(leaves · depth²) per
 * tree, kept as the reference the fast one is tested and benchmarked against.
 */
export type ShapAlgorithm = 'linear' | 'lundberg';

export interface ShapOptions {
  readonly algorithm?: ShapAlgorithm;
}

/** What explaining needs per model, computed once: a model is immutable. */
interface ExplainerState {
  readonly base: Float64Array;
  readonly linear: LinearTreeShap;
  reference: TreeShap | undefined;
}
const explainers = new WeakMap<BoostedModel, ExplainerState>();

function explainerOf(model: BoostedModel): ExplainerState {
  let state = explainers.get(model);
  if (state === undefined) {
    const base = Float64Array.from(model.initScores);
    model.trees.forEach((tree, t) => {
      base[t % model.numClass]! += expectedValue(tree);
    });
    state = { base, linear: new LinearTreeShap(model.trees, model.numFeatures), reference: undefined };
    explainers.set(model, state);
  }
  return state;
}

/**
 * Adds the SHAP values of one class's trees for `row` into phi[phiOffset + f], and returns the
 * class's raw score (summed in predictRaw's order, so the two agree to the bit).
 */
function addClassShap(
  model: BoostedModel,
  row: ArrayLike<number>,
  classIndex: number,
  phi: Float64Array,
  phiOffset: number,
  algorithm: ShapAlgorithm = 'linear',
): number {
  const state = explainerOf(model);
  const { trees, numClass } = model;
  let raw = model.initScores[classIndex]!;
  if (algorithm === 'linear') {
    return state.linear.accumulateTrees(classIndex, numClass, row, phi, phiOffset, raw);
  }
  state.reference ??= TreeShap.forTrees(trees);
  const target = phi.subarray(phiOffset, phiOffset + model.numFeatures);
  for (let t = classIndex; t < trees.length; t += numClass) {
    state.reference.accumulate(trees[t]!, row, 0, target);
    raw += trees[t]!.leafValue[leafOf(trees[t]!, row, 0)]!;
  }
  return raw;
}

function checkRow(model: BoostedModel, row: ArrayLike<number>): void {
  if (row.length !== model.numFeatures) {
    throw new BoostingInputError(
      `row has ${row.length} features; the model expects ${model.numFeatures} (${model.featureNames.join(', ')})`,
    );
  }
}

/** The expected raw score of each class: the base value SHAP contributions are measured from. */
export function baseValues(model: BoostedModel): Float64Array {
  return explainerOf(model).base.slice();
}

/** SHAP contributions of every class for one row: numClass × numFeatures, class-major. */
export function shapValues(model: BoostedModel, row: ArrayLike<number>, options: ShapOptions = {}): Float64Array {
  checkRow(model, row);
  const f = model.numFeatures;
  const phi = new Float64Array(model.numClass * f);
  for (let c = 0; c < model.numClass; c++) addClassShap(model, row, c, phi, c * f, options.algorithm);
  return phi;
}

/**
 * Why the model scored this row as it did: exact path-dependent TreeSHAP contributions and the
 * top features as reason codes.
 */
export function explain(model: BoostedModel, row: ArrayLike<number>, options: ExplainOptions = {}): Explanation {
  const topK = options.topK ?? 5;
  checkRow(model, row);
  let classIndex = options.classIndex ?? 0;
  if (options.classIndex === undefined && model.numClass > 1) {
    const raw = model.predictRawRow(row);
    for (let c = 1; c < model.numClass; c++) if (raw[c]! > raw[classIndex]!) classIndex = c;
  }
  if (!(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < model.numClass)) {
    throw new BoostingInputError(`classIndex ${classIndex} is not a class of this model (0..${model.numClass - 1})`);
  }
  // Only the explained class's trees are walked, and the walk yields the raw score too.
  const contributions = new Float64Array(model.numFeatures);
  const rawScore = addClassShap(model, row, classIndex, contributions, 0);
  const reasons = largestContributions(contributions, topK).map((feature) => ({
    feature,
    name: model.featureNames[feature]!,
    value: row[feature]!,
    contribution: contributions[feature]!,
  }));
  return { classIndex, baseValue: explainerOf(model).base[classIndex]!, rawScore, contributions, reasons };
}

/**
 * The k features of largest |contribution|, largest first (ties: the lower index first), zeros
 * left out. An insertion into the k kept so far: k is a handful of reason codes, and a full sort
 * of every feature cost more than the selection.
 */
function largestContributions(contributions: Float64Array, topK: number): number[] {
  const k = Math.min(Math.max(Math.trunc(topK), 0), contributions.length);
  const chosen: number[] = [];
  if (k === 0) return chosen;
  for (let f = 0; f < contributions.length; f++) {
    const size = Math.abs(contributions[f]!);
    if (!(size > 0)) continue;
    let at = chosen.length;
    if (at === k) {
      if (size <= Math.abs(contributions[chosen[k - 1]!]!)) continue;
      at = k - 1;
    }
    while (at > 0 && Math.abs(contributions[chosen[at - 1]!]!) < size) {
      chosen[at] = chosen[at - 1]!;
      at--;
    }
    chosen[at] = f;
  }
  return chosen;
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
  const f = model.numFeatures;
  const totals = new Float64Array(f);
  const phi = new Float64Array(model.numClass * f);
  const add = (row: ArrayLike<number>): void => {
    checkRow(model, row);
    phi.fill(0);
    for (let c = 0; c < model.numClass; c++) addClassShap(model, row, c, phi, c * f);
    for (let j = 0; j < phi.length; j++) totals[j % f]! += Math.abs(phi[j]!);
  };
  let numRows: number;
  if (Array.isArray(input)) {
    const rows = input as readonly ArrayLike<number>[];
    rows.forEach(add);
    numRows = rows.length;
  } else {
    const { columns } = input as { readonly columns: readonly ArrayLike<number>[] };
    if (columns.length !== f) throw new BoostingInputError(`input has ${columns.length} feature columns; the model expects ${f}`);
    numRows = columns[0]?.length ?? 0;
    const row = new Float64Array(f);
    for (let i = 0; i < numRows; i++) {
      for (let j = 0; j < f; j++) row[j] = columns[j]![i]!;
      add(row);
    }
  }
  return ranked(model, totals.map((t) => (numRows > 0 ? t / numRows : 0)));
}
