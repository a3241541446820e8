import type { ObjectiveName } from './params.js';

/**
 * A loss to boost: its starting score and, each round, the first and second derivatives of the
 * loss with respect to the raw score of every row. Scores, gradients and hessians are laid out
 * class-major (class k of row i at k * numRows + i), so the tree of class k reads a subarray.
 */
export interface Objective {
  readonly name: ObjectiveName;
  /** Raw outputs per row: 1, or numClass for multiclass. */
  readonly numOutputs: number;
  /** The constant raw score minimising the loss (LightGBM's boost_from_average). */
  initScores(labels: ArrayLike<number>, weights: Float64Array | undefined): Float64Array;
  computeGradients(
    scores: Float64Array,
    labels: ArrayLike<number>,
    weights: Float64Array | undefined,
    gradients: Float64Array,
    hessians: Float64Array,
  ): void;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Softmax of values[offset .. offset + k), in place. */
export function softmaxInPlace(values: Float64Array, offset: number, k: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, values[offset + c]!);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(values[offset + c]! - max);
    values[offset + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) values[offset + c]! /= sum;
}

function weightedMean(labels: ArrayLike<number>, weights: Float64Array | undefined): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    sum += w * labels[i]!;
    total += w;
  }
  return sum / total;
}

/** Tiny probabilities are clamped so a class absent from the data starts finite. */
const MIN_PRIOR = 1e-15;

export const binaryLogloss: Objective = {
  name: 'binary',
  numOutputs: 1,
  initScores(labels, weights) {
    const p = Math.min(Math.max(weightedMean(labels, weights), MIN_PRIOR), 1 - MIN_PRIOR);
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  computeGradients(scores, labels, weights, gradients, hessians) {
    const n = labels.length;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-scores[i]!));
      const w = weights === undefined ? 1 : weights[i]!;
      gradients[i] = (p - labels[i]!) * w;
      hessians[i] = p * (1 - p) * w;
    }
  },
};

export function multiclassSoftmax(numClass: number): Objective {
  // LightGBM's factor: the softmax hessian diagonal scaled by K/(K-1).
  const factor = numClass / (numClass - 1);
  const probabilities = new Float64Array(numClass);
  return {
    name: 'multiclass',
    numOutputs: numClass,
    initScores(labels, weights) {
      const totals = new Float64Array(numClass);
      let sum = 0;
      for (let i = 0; i < labels.length; i++) {
        const w = weights === undefined ? 1 : weights[i]!;
        totals[labels[i]!]! += w;
        sum += w;
      }
      return totals.map((t) => Math.log(Math.max(t / sum, MIN_PRIOR)));
    },
    computeGradients(scores, labels, weights, gradients, hessians) {
      const n = labels.length;
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < numClass; c++) probabilities[c] = scores[c * n + i]!;
        softmaxInPlace(probabilities, 0, numClass);
        const w = weights === undefined ? 1 : weights[i]!;
        const y = labels[i]!;
        for (let c = 0; c < numClass; c++) {
          const p = probabilities[c]!;
          gradients[c * n + i] = (p - (y === c ? 1 : 0)) * w;
          hessians[c * n + i] = factor * p * (1 - p) * w;
        }
      }
    },
  };
}

export const l2Regression: Objective = {
  name: 'regression',
  numOutputs: 1,
  initScores(labels, weights) {
    return Float64Array.of(weightedMean(labels, weights));
  },
  computeGradients(scores, labels, weights, gradients, hessians) {
    const n = labels.length;
    for (let i = 0; i < n; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      gradients[i] = (scores[i]! - labels[i]!) * w;
      hessians[i] = w;
    }
  },
};

export function objectiveFor(name: ObjectiveName, numClass: number): Objective {
  switch (name) {
    case 'binary':
      return binaryLogloss;
    case 'multiclass':
      return multiclassSoftmax(numClass);
    case 'regression':
      return l2Regression;
  }
}

/** Raw scores to outputs, in place: probabilities for classifiers, values for regression. */
export function transformRaw(name: ObjectiveName, raw: Float64Array, numOutputs: number): Float64Array {
  switch (name) {
    case 'binary':
      for (let i = 0; i < raw.length; i++) raw[i] = sigmoid(raw[i]!);
      return raw;
    case 'multiclass':
      for (let offset = 0; offset < raw.length; offset += numOutputs) softmaxInPlace(raw, offset, numOutputs);
      return raw;
    case 'regression':
      return raw;
  }
}
