import { binColumns, fitBinMappers, type BinMapper, type BinnedData } from './binning.js';
import { validateTrainingData, validateValidationData, type Dataset } from './dataset.js';
import { BoostingInputError } from './errors.js';
import { evaluateRaw, higherIsBetter } from './metrics/training-metric.js';
import { BoostedModel } from './model.js';
import { objectiveFor } from './objectives.js';
import { OBJECTIVES, resolveParams, type MetricName, type ResolvedParams, type TrainParams } from './params.js';
import { SeededRandom } from './random.js';
import type { Tree } from './tree.js';
import { leafOfBinned, TreeLearner, type GrownTree } from './tree-learner.js';

export interface TrainOptions {
  /** Held-out data: evaluated every round, and watched by early stopping. */
  readonly valid?: Dataset;
  /** Called after every round, e.g. to log progress. */
  readonly onRound?: (round: number, validScore: number | undefined) => void;
}

export interface Evals {
  readonly metric: MetricName;
  /** The validation metric after each round (empty without a validation set). */
  readonly valid: readonly number[];
  /** Rounds kept in the model: the best round under early stopping, else every round trained. */
  readonly bestIteration: number;
  readonly bestScore: number | undefined;
  readonly stoppedEarly: boolean;
  /** Rounds trained before stopping. */
  readonly roundsTrained: number;
}

export interface TrainResult {
  readonly model: BoostedModel;
  readonly evals: Evals;
}

/**
 * Trains a gradient-boosted tree ensemble. Every input is checked before any work; the same
 * data, parameters and seed give the same model, bit for bit.
 */
export function train(dataset: Dataset, params: TrainParams, options: TrainOptions = {}): TrainResult {
  if (!OBJECTIVES.includes(params.objective)) {
    throw new BoostingInputError(
      `unknown objective '${String(params.objective)}'; expected one of ${OBJECTIVES.join(', ')}`,
    );
  }
  const shape = validateTrainingData(dataset, params.objective, params.numClass);
  const p = resolveParams(params, shape.numClass);
  const { valid } = options;
  if (valid !== undefined) validateValidationData(valid, shape, p.objective);
  if (p.earlyStoppingRounds !== undefined && valid === undefined) {
    throw new BoostingInputError('earlyStoppingRounds needs a validation set (options.valid)');
  }

  const numRows = shape.numRows;
  const objective = objectiveFor(p.objective, shape.numClass);
  const k = objective.numOutputs;
  const labels = Float64Array.from(dataset.labels);
  const weights = effectiveWeights(dataset, labels, p);
  const mappers = fitBinMappers(dataset.columns, shape, { maxBin: p.maxBin, sampleSize: p.binSampleSize, seed: p.seed });
  const binned = binColumns(dataset.columns, mappers);
  const validBinned = valid === undefined ? undefined : binColumns(valid.columns, mappers);

  // float32 starting scores: ONNX base_values hold float32.
  const initScores = objective.initScores(labels, weights).map(Math.fround);
  const scores = classMajorFill(initScores, numRows);
  const validScores = validBinned === undefined ? undefined : classMajorFill(initScores, validBinned.numRows);
  const gradients = new Float64Array(k * numRows);
  const hessians = new Float64Array(k * numRows);
  const learner = new TreeLearner(binned, mappers, p);
  const random = new SeededRandom(p.seed);
  const usable = usableFeatures(mappers);
  const bagger = p.baggingFraction < 1 ? new Bagger(numRows, p.baggingFraction, random) : undefined;

  const trees: Tree[] = [];
  const validHistory: number[] = [];
  const larger = higherIsBetter(p.metric);
  let bestScore: number | undefined;
  let bestIteration = 0;
  let stoppedEarly = false;
  for (let round = 0; round < p.numRounds; round++) {
    if (bagger && round % p.baggingFreq === 0) bagger.draw();
    objective.computeGradients(scores, labels, weights, gradients, hessians);
    let anySplit = false;
    const roundTrees: Tree[] = [];
    for (let c = 0; c < k; c++) {
      const features = p.featureFraction < 1 ? sampleFeatures(usable, p.featureFraction, random) : usable;
      const grown = learner.grow(
        gradients.subarray(c * numRows, (c + 1) * numRows),
        hessians.subarray(c * numRows, (c + 1) * numRows),
        bagger?.inBag ?? null,
        features,
      );
      anySplit ||= grown.tree.numLeaves > 1;
      roundTrees.push(grown.tree);
      addTrainingScores(learner, grown, scores.subarray(c * numRows, (c + 1) * numRows), binned, bagger?.outOfBag);
      if (validBinned && validScores) {
        addBinnedScores(grown, validBinned, validScores.subarray(c * validBinned.numRows, (c + 1) * validBinned.numRows));
      }
    }
    // As LightGBM: a round in which no tree could split ends training, and is not kept.
    if (!anySplit) break;
    trees.push(...roundTrees);
    let validScore: number | undefined;
    if (valid && validScores) {
      validScore = evaluateRaw(p.metric, valid.labels, validScores, k);
      validHistory.push(validScore);
      if (bestScore === undefined || (larger ? validScore > bestScore : validScore < bestScore)) {
        bestScore = validScore;
        bestIteration = round + 1;
      }
    }
    options.onRound?.(round, validScore);
    if (p.earlyStoppingRounds !== undefined && round + 1 - bestIteration >= p.earlyStoppingRounds) {
      stoppedEarly = true;
      break;
    }
  }
  const roundsTrained = trees.length / k;
  const keptRounds = p.earlyStoppingRounds !== undefined ? bestIteration : roundsTrained;

  const model = new BoostedModel({
    objective: p.objective,
    numClass: k,
    numFeatures: shape.numFeatures,
    featureNames: shape.featureNames,
    categoricalFeatures: shape.isCategorical.flatMap((isCat, f) => (isCat ? [f] : [])),
    initScores,
    trees: trees.slice(0, keptRounds * k),
    params: recordedParams(p),
  });
  return {
    model,
    evals: {
      metric: p.metric,
      valid: validHistory,
      bestIteration: keptRounds,
      bestScore,
      stoppedEarly,
      roundsTrained,
    },
  };
}

/** Row weight × class weight × scalePosWeight; undefined when every row weighs 1. */
function effectiveWeights(dataset: Dataset, labels: Float64Array, p: ResolvedParams): Float64Array | undefined {
  const classWeights = p.classWeights;
  if (dataset.weights === undefined && classWeights === undefined && p.scalePosWeight === 1) return undefined;
  const weights = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    let w = dataset.weights === undefined ? 1 : dataset.weights[i]!;
    if (classWeights !== undefined) w *= classWeights[y]!;
    if (y === 1 && p.objective === 'binary') w *= p.scalePosWeight;
    weights[i] = w;
  }
  return weights;
}

function classMajorFill(initScores: Float64Array, numRows: number): Float64Array {
  const out = new Float64Array(initScores.length * numRows);
  initScores.forEach((score, c) => out.fill(score, c * numRows, (c + 1) * numRows));
  return out;
}

/** Features that can split at all: numeric with two value bins or more, categorical with a category. */
function usableFeatures(mappers: readonly BinMapper[]): Int32Array {
  const usable: number[] = [];
  mappers.forEach((m, f) => {
    if (m.kind === 'numeric' ? m.upperBounds.length >= 2 : m.categories.length >= 1) usable.push(f);
  });
  return Int32Array.from(usable);
}

function sampleFeatures(usable: Int32Array, fraction: number, random: SeededRandom): Int32Array {
  const count = Math.max(1, Math.round(usable.length * fraction));
  const picked = random.sampleSorted(usable.length, count);
  return picked.map((j) => usable[j]!);
}

/** Row bagging: a sorted sample of rows, and its complement. */
class Bagger {
  inBag: Int32Array = new Int32Array(0);
  outOfBag: Int32Array = new Int32Array(0);

  constructor(
    private readonly numRows: number,
    private readonly fraction: number,
    private readonly random: SeededRandom,
  ) {}

  draw(): void {
    this.inBag = this.random.sampleSorted(this.numRows, Math.max(1, Math.round(this.numRows * this.fraction)));
    const out = new Int32Array(this.numRows - this.inBag.length);
    let j = 0;
    let o = 0;
    for (let i = 0; i < this.numRows; i++) {
      if (j < this.inBag.length && this.inBag[j] === i) j++;
      else out[o++] = i;
    }
    this.outOfBag = out;
  }
}

/** In-bag rows take their leaf from the partition; out-of-bag rows walk the tree on bins. */
function addTrainingScores(
  learner: TreeLearner,
  grown: GrownTree,
  scores: Float64Array,
  binned: BinnedData,
  outOfBag: Int32Array | undefined,
): void {
  const { indices, leafStart, leafCount } = learner.partition;
  const values = grown.tree.leafValue;
  for (let leaf = 0; leaf < grown.tree.numLeaves; leaf++) {
    const value = values[leaf]!;
    const end = leafStart[leaf]! + leafCount[leaf]!;
    for (let j = leafStart[leaf]!; j < end; j++) scores[indices[j]!]! += value;
  }
  if (outOfBag === undefined) return;
  for (let j = 0; j < outOfBag.length; j++) {
    const row = outOfBag[j]!;
    scores[row]! += values[leafOfBinned(grown, binned.bins, binned.numRows, row)]!;
  }
}

function addBinnedScores(grown: GrownTree, data: BinnedData, scores: Float64Array): void {
  const values = grown.tree.leafValue;
  for (let row = 0; row < data.numRows; row++) {
    scores[row]! += values[leafOfBinned(grown, data.bins, data.numRows, row)]!;
  }
}

function recordedParams(p: ResolvedParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) if (value !== undefined) out[key] = value;
  return out;
}
