/**
 * Probability calibration fitted on validation data: isotonic regression (monotone, free-form)
 * or Platt scaling (a sigmoid of the raw score). Both fitted forms are plain JSON, stored beside
 * the model and applied after it.
 */

export interface IsotonicCalibrator {
  readonly kind: 'isotonic';
  /** Increasing scores; between two the output is interpolated, outside it is clamped. */
  readonly x: readonly number[];
  /** Non-decreasing probabilities at x. */
  readonly y: readonly number[];
}

export interface PlattCalibrator {
  readonly kind: 'platt';
  /** p = sigmoid(a · score + b). */
  readonly a: number;
  readonly b: number;
}

export type Calibrator = IsotonicCalibrator | PlattCalibrator;

function checkInput(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) {
    throw new RangeError(`scores has ${scores.length} entries but labels has ${labels.length}`);
  }
  if (scores.length === 0) throw new RangeError('calibration needs at least one row');
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label at row ${i} must be 0 or 1 (got ${labels[i]})`);
    if (!Number.isFinite(scores[i])) throw new RangeError(`score at row ${i} is not finite (${scores[i]})`);
  }
}

/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function of the
 * score closest to the labels in weighted squared error. Equal scores are pooled first.
 */
export function fitIsotonic(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
): IsotonicCalibrator {
  checkInput(scores, labels);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  // Blocks of (score range, weighted mean label, weight); merged while they violate monotonicity.
  const lo: number[] = [];
  const hi: number[] = [];
  const mean: number[] = [];
  const weight: number[] = [];
  for (const i of order) {
    const x = scores[i]!;
    const w = weights === undefined ? 1 : weights[i]!;
    if (w <= 0) continue;
    const top = mean.length - 1;
    if (top >= 0 && hi[top] === x) {
      mean[top] = (mean[top]! * weight[top]! + labels[i]! * w) / (weight[top]! + w);
      weight[top]! += w;
    } else {
      lo.push(x);
      hi.push(x);
      mean.push(labels[i]!);
      weight.push(w);
    }
    while (mean.length >= 2 && mean[mean.length - 2]! >= mean[mean.length - 1]!) {
      const wb = weight.pop()!;
      const mb = mean.pop()!;
      const hb = hi.pop()!;
      lo.pop();
      const t = mean.length - 1;
      mean[t] = (mean[t]! * weight[t]! + mb * wb) / (weight[t]! + wb);
      weight[t]! += wb;
      hi[t] = hb;
    }
  }
  // Each block is flat from its lowest to its highest score.
  const x: number[] = [];
  const y: number[] = [];
  mean.forEach((m, b) => {
    x.push(lo[b]!);
    y.push(m);
    if (hi[b]! > lo[b]!) {
      x.push(hi[b]!);
      y.push(m);
    }
  });
  return { kind: 'isotonic', x, y };
}

/**
 * Platt scaling: a and b maximising the likelihood of sigmoid(a · score + b) against targets
 * smoothed as Platt proposed ((N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2)), by Newton's method with
 * backtracking (Lin, Lin and Weng, 2007). Fit it on raw scores (log-odds).
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): PlattCalibrator {
  checkInput(scores, labels);
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const negatives = n - positives;
  const hiTarget = (positives + 1) / (positives + 2);
  const loTarget = 1 / (negatives + 2);
  const target = (i: number): number => (labels[i] === 1 ? hiTarget : loTarget);
  // In the z = −(a·s + b) form of the paper, then flipped for p = sigmoid(a·s + b).
  let A = 0;
  let B = Math.log((negatives + 1) / (positives + 1));
  const objective = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = scores[i]! * a + b;
      const t = target(i);
      f += z >= 0 ? t * z + Math.log1p(Math.exp(-z)) : (t - 1) * z + Math.log1p(Math.exp(z));
    }
    return f;
  };
  let f = objective(A, B);
  const sigma = 1e-12;
  for (let iteration = 0; iteration < 100; iteration++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      const z = s * A + B;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const q = 1 - p;
      const d2 = p * q;
      h11 += s * s * d2;
      h22 += d2;
      h21 += s * d2;
      const d1 = target(i) - p;
      g1 += s * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    let improved = false;
    while (step >= 1e-10) {
      const fNew = objective(A + step * dA, B + step * dB);
      if (fNew < f + 1e-4 * step * gd) {
        A += step * dA;
        B += step * dB;
        f = fNew;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  return { kind: 'platt', a: -A, b: -B };
}

/** The calibrated probability of one score. */
export function calibrate(calibrator: Calibrator, score: number): number {
  if (calibrator.kind === 'platt') return 1 / (1 + Math.exp(-(calibrator.a * score + calibrator.b)));
  const { x, y } = calibrator;
  if (score <= x[0]!) return y[0]!;
  if (score >= x[x.length - 1]!) return y[y.length - 1]!;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const span = x[hi]! - x[lo]!;
  return span === 0 ? y[hi]! : y[lo]! + ((score - x[lo]!) / span) * (y[hi]! - y[lo]!);
}

export function calibrateAll(calibrator: Calibrator, scores: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: scores.length }, (_, i) => calibrate(calibrator, scores[i]!));
}
