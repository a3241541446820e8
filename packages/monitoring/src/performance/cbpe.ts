/*
 * Confidence-based performance estimation (the idea of NannyML's CBPE): when a model's scores
 * are calibrated, each score is the expected value of its unknown label, so the expected
 * confusion matrix (and from it accuracy and the ROC curve) follows from the scores alone.
 */

export interface EstimatedPerformance {
  rows: number;
  roc_auc: number | null;
  accuracy: number | null;
}

/** Expected accuracy at `threshold`: a score p counts p when called positive, 1 − p otherwise. */
export function estimatedAccuracy(
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): number | null {
  if (probabilities.length === 0) return null;
  let correct = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    correct += p >= threshold ? p : 1 - p;
  }
  return correct / probabilities.length;
}

/**
 * Expected ROC AUC: the area under the curve of expected true and false positive rates as the
 * threshold falls through the scores (tied scores move together), by the trapezoid rule.
 */
export function estimatedRocAuc(probabilities: ArrayLike<number>): number | null {
  const sorted = Float64Array.from(probabilities).sort().reverse();
  let positives = 0;
  for (const p of sorted) positives += p;
  const negatives = sorted.length - positives;
  if (positives <= 0 || negatives <= 0) return null;
  let tp = 0;
  let fp = 0;
  let area = 0;
  let i = 0;
  while (i < sorted.length) {
    const score = sorted[i]!;
    const [tpBefore, fpBefore] = [tp, fp];
    while (i < sorted.length && sorted[i] === score) {
      tp += score;
      fp += 1 - score;
      i++;
    }
    area += ((fp - fpBefore) / negatives) * ((tp + tpBefore) / positives / 2);
  }
  return area;
}

export function estimatePerformance(
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): EstimatedPerformance {
  return {
    rows: probabilities.length,
    roc_auc: estimatedRocAuc(probabilities),
    accuracy: estimatedAccuracy(probabilities, threshold),
  };
}
