/**
 * Ranking metrics of a binary classifier's scores. Both sort once, O(n log n), and treat tied
 * scores as one threshold, as scikit-learn does.
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
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half. NaN when only one class is present.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  checkBinary(labels, scores, weights);
  const idx = order(scores);
  let tp = 0;
  let fp = 0;
  let area = 0;
  let i = 0;
  while (i < idx.length) {
    // One threshold per distinct score: the trapezoid handles the ties.
    const score = scores[idx[i]!]!;
    let dtp = 0;
    let dfp = 0;
    while (i < idx.length && scores[idx[i]!] === score) {
      const row = idx[i]!;
      const w = weights === undefined ? 1 : weights[row]!;
      if (labels[row] === 1) dtp += w;
      else dfp += w;
      i++;
    }
    area += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
  }
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
  const idx = order(scores);
  let totalPositive = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) totalPositive += weights === undefined ? 1 : weights[i]!;
  }
  if (totalPositive === 0) return NaN;
  let tp = 0;
  let predicted = 0;
  let ap = 0;
  let i = 0;
  while (i < idx.length) {
    const score = scores[idx[i]!]!;
    let dtp = 0;
    while (i < idx.length && scores[idx[i]!] === score) {
      const row = idx[i]!;
      const w = weights === undefined ? 1 : weights[row]!;
      if (labels[row] === 1) dtp += w;
      predicted += w;
      i++;
    }
    tp += dtp;
    if (dtp > 0) ap += (dtp / totalPositive) * (tp / predicted);
  }
  return ap;
}
