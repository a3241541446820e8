import { BoostingInputError } from './errors.js';

export type ObjectiveName = 'binary' | 'multiclass' | 'regression';
export const OBJECTIVES: readonly ObjectiveName[] = ['binary', 'multiclass', 'regression'];

export type MetricName =
  | 'binary_logloss'
  | 'auc'
  | 'average_precision'
  | 'binary_error'
  | 'multi_logloss'
  | 'multi_error'
  | 'l2'
  | 'rmse';

/**
 * Training parameters, named after LightGBM's where they mean the same thing so that a
 * configuration reads the same in both (num_leaves → numLeaves, lambda_l2 → lambdaL2, ...).
 */
export interface TrainParams {
  objective: ObjectiveName;
  /** Multiclass only: the number of classes; inferred as max label + 1 when absent. */
  numClass?: number;
  /** Boosting rounds (one tree per round, one per class per round for multiclass). Default 100. */
  numRounds?: number;
  /** Shrinkage applied to every leaf value. Default 0.1. */
  learningRate?: number;
  /** Leaf-wise growth stops at this many leaves. Default 31. */
  numLeaves?: number;
  /** Maximum depth of a leaf; 0 means unlimited (the default, as LightGBM's -1). */
  maxDepth?: number;
  /** Minimum number of training rows in a leaf. Default 20. */
  minDataInLeaf?: number;
  /** Minimum sum of hessians in a leaf. Default 1e-3. */
  minSumHessianInLeaf?: number;
  /** L1 regularisation of leaf values. Default 0. */
  lambdaL1?: number;
  /** L2 regularisation of leaf values. Default 0. */
  lambdaL2?: number;
  /** A split must improve the objective by more than this. Default 0. */
  minGainToSplit?: number;
  /** Value bins per feature (a NaN bin comes on top), at most 255. Default 255. */
  maxBin?: number;
  /** Rows sampled to place the bin boundaries. Default 200,000. */
  binSampleSize?: number;
  /** Fraction of rows each tree is grown on (bagging). Default 1 (no bagging). */
  baggingFraction?: number;
  /** Draw a new bag every this many rounds. Default 1. */
  baggingFreq?: number;
  /** Fraction of features each tree may split on. Default 1. */
  featureFraction?: number;
  /** Binary only: weight multiplier of positive rows (rare fraud). Default 1. */
  scalePosWeight?: number;
  /** Binary and multiclass: weight multiplier per class, indexed by label. */
  classWeights?: readonly number[];
  /** Metric reported in evals and watched by early stopping; a default per objective. */
  metric?: MetricName;
  /** Stop when the validation metric has not improved for this many rounds (needs a valid set). */
  earlyStoppingRounds?: number;
  /** Seeds the binning sample, bagging and feature subsampling. Default 0. */
  seed?: number;
  /** Categorical splits: most categories on the left of one split. Default 32. */
  maxCatThreshold?: number;
  /** Categorical splits: smoothing added to the hessian when ordering categories. Default 10. */
  catSmooth?: number;
  /** Categorical splits: extra L2 regularisation in their gain. Default 10. */
  catL2?: number;
  /** Categorical splits: minimum rows of one side of a candidate partition. Default 100. */
  minDataPerGroup?: number;
  /** Categorical features with at most this many categories are split one-vs-rest. Default 4. */
  maxCatToOnehot?: number;
}

export type ResolvedParams = Required<Omit<TrainParams, 'numClass' | 'classWeights' | 'earlyStoppingRounds'>> & {
  numClass: number;
  classWeights: readonly number[] | undefined;
  earlyStoppingRounds: number | undefined;
};

const DEFAULT_METRIC: Record<ObjectiveName, MetricName> = {
  binary: 'binary_logloss',
  multiclass: 'multi_logloss',
  regression: 'l2',
};

const METRICS_BY_OBJECTIVE: Record<ObjectiveName, readonly MetricName[]> = {
  binary: ['binary_logloss', 'auc', 'average_precision', 'binary_error'],
  multiclass: ['multi_logloss', 'multi_error'],
  regression: ['l2', 'rmse'],
};

/** Fills defaults and checks every parameter, listing all problems in one error. */
export function resolveParams(params: TrainParams, numClass: number): ResolvedParams {
  if (!OBJECTIVES.includes(params.objective)) {
    throw new BoostingInputError(
      `unknown objective '${String(params.objective)}'; expected one of ${OBJECTIVES.join(', ')}`,
    );
  }
  const resolved: ResolvedParams = {
    objective: params.objective,
    numClass,
    numRounds: params.numRounds ?? 100,
    learningRate: params.learningRate ?? 0.1,
    numLeaves: params.numLeaves ?? 31,
    maxDepth: params.maxDepth ?? 0,
    minDataInLeaf: params.minDataInLeaf ?? 20,
    minSumHessianInLeaf: params.minSumHessianInLeaf ?? 1e-3,
    lambdaL1: params.lambdaL1 ?? 0,
    lambdaL2: params.lambdaL2 ?? 0,
    minGainToSplit: params.minGainToSplit ?? 0,
    maxBin: params.maxBin ?? 255,
    binSampleSize: params.binSampleSize ?? 200_000,
    baggingFraction: params.baggingFraction ?? 1,
    baggingFreq: params.baggingFreq ?? 1,
    featureFraction: params.featureFraction ?? 1,
    scalePosWeight: params.scalePosWeight ?? 1,
    classWeights: params.classWeights,
    metric: params.metric ?? DEFAULT_METRIC[params.objective],
    earlyStoppingRounds: params.earlyStoppingRounds,
    seed: params.seed ?? 0,
    maxCatThreshold: params.maxCatThreshold ?? 32,
    catSmooth: params.catSmooth ?? 10,
    catL2: params.catL2 ?? 10,
    minDataPerGroup: params.minDataPerGroup ?? 100,
    maxCatToOnehot: params.maxCatToOnehot ?? 4,
  };
  const problems: string[] = [];
  const integerAtLeast = (name: keyof ResolvedParams, min: number): void => {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      problems.push(`${name} must be an integer ≥ ${min} (got ${String(value)})`);
    }
  };
  const finiteAtLeast = (name: keyof ResolvedParams, min: number): void => {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      problems.push(`${name} must be a finite number ≥ ${min} (got ${String(value)})`);
    }
  };
  const fraction = (name: keyof ResolvedParams): void => {
    const value = resolved[name];
    if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
      problems.push(`${name} must be in (0, 1] (got ${String(value)})`);
    }
  };
  integerAtLeast('numRounds', 1);
  integerAtLeast('numLeaves', 2);
  integerAtLeast('maxDepth', 0);
  integerAtLeast('minDataInLeaf', 1);
  integerAtLeast('binSampleSize', 1);
  integerAtLeast('baggingFreq', 1);
  integerAtLeast('seed', 0);
  integerAtLeast('maxCatThreshold', 1);
  integerAtLeast('minDataPerGroup', 1);
  integerAtLeast('maxCatToOnehot', 1);
  if (!(resolved.learningRate > 0 && Number.isFinite(resolved.learningRate))) {
    problems.push(`learningRate must be a finite number > 0 (got ${resolved.learningRate})`);
  }
  finiteAtLeast('minSumHessianInLeaf', 0);
  finiteAtLeast('lambdaL1', 0);
  finiteAtLeast('lambdaL2', 0);
  finiteAtLeast('minGainToSplit', 0);
  finiteAtLeast('catSmooth', 0);
  finiteAtLeast('catL2', 0);
  if (!(Number.isInteger(resolved.maxBin) && resolved.maxBin >= 2 && resolved.maxBin <= 255)) {
    problems.push(`maxBin must be an integer in [2, 255] (got ${resolved.maxBin})`);
  }
  fraction('baggingFraction');
  fraction('featureFraction');
  if (!(resolved.scalePosWeight > 0 && Number.isFinite(resolved.scalePosWeight))) {
    problems.push(`scalePosWeight must be a finite number > 0 (got ${resolved.scalePosWeight})`);
  }
  if (resolved.scalePosWeight !== 1 && resolved.objective !== 'binary') {
    problems.push('scalePosWeight applies to the binary objective only');
  }
  if (resolved.classWeights !== undefined) {
    if (resolved.objective === 'regression') problems.push('classWeights do not apply to regression');
    const expected = resolved.objective === 'binary' ? 2 : numClass;
    if (resolved.classWeights.length !== expected) {
      problems.push(`classWeights must have ${expected} entries, one per class (got ${resolved.classWeights.length})`);
    }
    if (resolved.classWeights.some((w) => !(w > 0 && Number.isFinite(w)))) {
      problems.push('classWeights must be finite numbers > 0');
    }
  }
  if (resolved.earlyStoppingRounds !== undefined) integerAtLeast('earlyStoppingRounds', 1);
  if (!METRICS_BY_OBJECTIVE[resolved.objective].includes(resolved.metric)) {
    problems.push(
      `metric '${String(resolved.metric)}' does not apply to objective ${resolved.objective}; ` +
        `expected one of ${METRICS_BY_OBJECTIVE[resolved.objective].join(', ')}`,
    );
  }
  if (problems.length > 0) throw new BoostingInputError(`invalid training parameters: ${problems.join('; ')}`);
  return resolved;
}
