/**
 * Ranking metrics of a binary classifier's scores. Both sort once, O(n log n), and treat tied
 * scores as one threshold, as scikit-learn does. Training evaluates them every round on the
 * validation set, so the unweighted case sorts the scores of each class natively (typed-array
 * sort) instead of sorting indices through a comparator, many times slower.
 */

function order(scores: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(scores.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  // Descending score; ties resolved by index only to keep the sort deterministic.
  return idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

function checkBinary(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): void {
  if (labels.length !== scores.length) {
    throw new RangeError(`labels has ${labels.length} entries but scores has ${scores.length}`);
  }
  if (weights !== undefined && weights.length !== labels.length) {
    throw new RangeError(`weights has ${weights.length} entries for ${labels.length} labels`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`score at row ${i} is NaN`);
  }
}

/**
 * Walks the distinct scores from the highest down, calling `step` with the weight of positives
 * and of negatives sharing each score: one threshold per distinct score, ties kept together.
 */
function forEachThreshold(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  step: (positives: number, negatives: number) => void,
): void {
  if (weights === undefined) {
    forEachThresholdUnweighted(labels, scores, step);
    return;
  }
  const idx = order(scores);
  let i = 0;
  while (i < idx.length) {
    const score = scores[idx[i]!]!;
    let positives = 0;
    let negatives = 0;
    while (i < idx.length && scores[idx[i]!] === score) {
      const row = idx[i]!;
      const w = weights === undefined ? 1 : weights[row]!;
      if (labels[row] === 1) positives += w;
      else negatives += w;
      i++;
    }
    step(positives, negatives);
  }
}

function forEachThresholdUnweighted(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  step: (positives: number, negatives: number) => void,
): void {
  let numPositive = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) numPositive++;
  const positive = new Float64Array(numPositive);
  const negative = new Float64Array(labels.length - numPositive);
  let p = 0;
  let q = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positive[p++] = scores[i]!;
    else negative[q++] = scores[i]!;
  }
  positive.sort();
  negative.sort();
  // Both ascending: walk them from their ends, highest score first.
  let i = positive.length - 1;
  let j = negative.length - 1;
  while (i >= 0 || j >= 0) {
    const score = j < 0 || (i >= 0 && positive[i]! >= negative[j]!) ? positive[i]! : negative[j]!;
    let positives = 0;
    let negatives = 0;
    while (i >= 0 && positive[i] === score) {
      positives++;
      i--;
    }
    while (j >= 0 && negative[j] === score) {
      negatives++;
      j--;
    }
    step(positives, negatives);
  }
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half. NaN when only one class is present.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  checkBinary(labels, scores, weights);
  let tp = 0;
  let fp = 0;
  let area = 0;
  forEachThreshold(labels, scores, weights, (dtp, dfp) => {
    // The trapezoid over a group of ties counts each tied positive/negative pair as one half.
    area += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
  });
  return tp === 0 || fp === 0 ? NaN : area / (tp * fp);
}

/**
 * Average precision (area under the precision-recall curve, step-wise): Σ (Rₙ − Rₙ₋₁) Pₙ over
 * the distinct score thresholds, scikit-learn's average_precision_score. NaN without positives.
 */
export function averagePrecision(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  checkBinary(labels, scores, weights);
  let totalPositive = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) totalPositive += weights === undefined ? 1 : weights[i]!;
  }
  if (totalPositive === 0) return NaN;
  let tp = 0;
  let predicted = 0;
  let ap = 0;
  forEachThreshold(labels, scores, weights, (dtp, dfp) => {
    tp += dtp;
    predicted += dtp + dfp;
    if (dtp > 0) ap += (dtp / totalPositive) * (tp / predicted);
  });
  return ap;
}
