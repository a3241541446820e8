/** Metrics of predicted probabilities against binary outcomes. */

const EPSILON = 1e-15;

function checkLengths(labels: ArrayLike<number>, probabilities: ArrayLike<number>): void {
  if (labels.length !== probabilities.length) {
    throw new RangeError(`labels has ${labels.length} entries but probabilities has ${probabilities.length}`);
  }
  if (labels.length === 0) throw new RangeError('no rows to evaluate');
}

/** Mean binary cross-entropy, probabilities clipped to [1e-15, 1 − 1e-15]. */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>, weights?: ArrayLike<number>): number {
  checkLengths(labels, probabilities);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, EPSILON), 1 - EPSILON);
    const w = weights === undefined ? 1 : weights[i]!;
    sum -= w * (labels[i] === 1 ? Math.log(p) : Math.log(1 - p));
    total += w;
  }
  return sum / total;
}

/** Mean squared difference between probability and outcome. */
export function brierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkLengths(labels, probabilities);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = probabilities[i]! - labels[i]!;
    sum += d * d;
  }
  return sum / labels.length;
}

/**
 * Expected calibration error: rows grouped into `bins` equal-width probability bins, the
 * row-weighted mean of |observed positive rate − mean predicted probability| over the bins.
 */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
): number {
  checkLengths(labels, probabilities);
  const count = new Float64Array(bins);
  const positives = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i]!;
    const b = Math.min(Math.floor(p * bins), bins - 1);
    count[b]!++;
    positives[b]! += labels[i]!;
    confidence[b]! += p;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b]! > 0) ece += Math.abs(positives[b]! - confidence[b]!) / labels.length;
  }
  return ece;
}
