/** Metrics of hard decisions: a threshold on a probability, or the most probable class. */

export interface ThresholdMetrics {
  readonly threshold: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly trueNegatives: number;
  readonly falseNegatives: number;
  readonly accuracy: number;
  /** NaN when nothing is predicted positive. */
  readonly precision: number;
  /** NaN when there are no positives. */
  readonly recall: number;
  /** NaN when precision or recall is. */
  readonly f1: number;
}

/** Counts and rates when a row is predicted positive iff its probability ≥ threshold. */
export function thresholdMetrics(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): ThresholdMetrics {
  if (labels.length !== probabilities.length) {
    throw new RangeError(`labels has ${labels.length} entries but probabilities has ${probabilities.length}`);
  }
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const positive = probabilities[i]! >= threshold;
    if (labels[i] === 1) {
      if (positive) tp++;
      else fn++;
    } else if (positive) fp++;
    else tn++;
  }
  const precision = tp + fp === 0 ? NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? NaN : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    threshold,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
    accuracy: (tp + tn) / labels.length,
    precision,
    recall,
    f1,
  };
}

export function accuracy(labels: ArrayLike<number>, probabilities: ArrayLike<number>, threshold = 0.5): number {
  return thresholdMetrics(labels, probabilities, threshold).accuracy;
}

/** The most probable class of each row of row-major probabilities (numClass per row). */
export function argmaxClasses(probabilities: ArrayLike<number>, numClass: number): Int32Array {
  const numRows = probabilities.length / numClass;
  if (!Number.isInteger(numRows)) {
    throw new RangeError(`${probabilities.length} probabilities is not a whole number of rows of ${numClass}`);
  }
  const out = new Int32Array(numRows);
  for (let i = 0; i < numRows; i++) {
    let best = 0;
    for (let c = 1; c < numClass; c++) {
      if (probabilities[i * numClass + c]! > probabilities[i * numClass + best]!) best = c;
    }
    out[i] = best;
  }
  return out;
}

/** matrix[actual][predicted] = number of rows. */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClass: number,
): number[][] {
  if (labels.length !== predicted.length) {
    throw new RangeError(`labels has ${labels.length} entries but predicted has ${predicted.length}`);
  }
  const matrix = Array.from({ length: numClass }, () => new Array<number>(numClass).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const actual = labels[i]!;
    const guess = predicted[i]!;
    if (!(Number.isInteger(actual) && actual >= 0 && actual < numClass)) {
      throw new RangeError(`label ${actual} at row ${i} is not a class in [0, ${numClass})`);
    }
    if (!(Number.isInteger(guess) && guess >= 0 && guess < numClass)) {
      throw new RangeError(`prediction ${guess} at row ${i} is not a class in [0, ${numClass})`);
    }
    matrix[actual]![guess]!++;
  }
  return matrix;
}

/** Mean cross-entropy of row-major class probabilities, clipped to [1e-15, 1]. */
export function multiclassLogLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>, numClass: number): number {
  if (probabilities.length !== labels.length * numClass) {
    throw new RangeError(`expected ${labels.length * numClass} probabilities (${numClass} per row), got ${probabilities.length}`);
  }
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    sum -= Math.log(Math.max(probabilities[i * numClass + labels[i]!]!, 1e-15));
  }
  return sum / labels.length;
}

/** Share of rows whose most probable class is the label. */
export function multiclassAccuracy(labels: ArrayLike<number>, probabilities: ArrayLike<number>, numClass: number): number {
  const predicted = argmaxClasses(probabilities, numClass);
  if (predicted.length !== labels.length) {
    throw new RangeError(`expected ${labels.length * numClass} probabilities (${numClass} per row), got ${probabilities.length}`);
  }
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}
