import {
  averagePrecision,
  brierScore,
  expectedCalibrationError,
  logLoss,
  multiclassAccuracy,
  multiclassLogLoss,
  rocAuc,
} from '@payments-mlops/boosting';

export interface BinaryMetrics {
  roc_auc: number;
  pr_auc: number;
  log_loss: number;
  brier: number;
  ece: number;
  rows: number;
  positives: number;
}

/**
 * The ranking and probability metrics of binary scores (rank-only scores: ranking metrics only).
 * With row weights (sampled negatives), every metric is the weighted one, an estimate of the
 * metric on the unsampled rows.
 */
export function binaryMetrics(labels: ArrayLike<number>, scores: ArrayLike<number>, probabilities = true, weights?: ArrayLike<number>): BinaryMetrics {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  const hasBoth = positives > 0 && positives < labels.length;
  return {
    roc_auc: hasBoth ? rocAuc(labels, scores, weights) : Number.NaN,
    pr_auc: hasBoth ? averagePrecision(labels, scores, weights) : Number.NaN,
    log_loss: probabilities ? logLoss(labels, scores, weights) : Number.NaN,
    brier: probabilities ? (weights ? weightedBrier(labels, scores, weights) : brierScore(labels, scores)) : Number.NaN,
    ece: probabilities ? (weights ? weightedCalibrationError(labels, scores, weights) : expectedCalibrationError(labels, scores)) : Number.NaN,
    rows: labels.length,
    positives,
  };
}

function weightedBrier(labels: ArrayLike<number>, probabilities: ArrayLike<number>, weights: ArrayLike<number>): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    sum += weights[i]! * (probabilities[i]! - labels[i]!) ** 2;
    total += weights[i]!;
  }
  return sum / total;
}

/** ECE over ten equal-width probability bins, rows weighted. */
export function weightedCalibrationError(labels: ArrayLike<number>, probabilities: ArrayLike<number>, weights: ArrayLike<number>, bins = 10): number {
  const curve = calibrationCurve(labels, probabilities, bins, weights);
  const total = curve.reduce((sum, bin) => sum + bin.weight, 0);
  return curve.reduce((sum, bin) => sum + (bin.weight / total) * Math.abs(bin.predicted - bin.observed), 0);
}

/** Binary metrics per value of a segment column (payment method, amount band, …). */
export function segmentMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  segment: readonly (string | null)[],
  weights?: ArrayLike<number>,
  minRows = 200,
): Record<string, BinaryMetrics> {
  const groups = new Map<string, number[]>();
  segment.forEach((value, row) => {
    const key = value ?? 'missing';
    let rows = groups.get(key);
    if (rows === undefined) groups.set(key, (rows = []));
    rows.push(row);
  });
  const out: Record<string, BinaryMetrics> = {};
  for (const [key, rows] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (rows.length < minRows) continue;
    out[key] = binaryMetrics(
      rows.map((row) => labels[row]!),
      rows.map((row) => scores[row]!),
      true,
      weights ? rows.map((row) => weights[row]!) : undefined,
    );
  }
  return out;
}

/** Amount bands for per-segment metrics, in major units of the currency. */
export function amountBand(amountCents: number): string {
  if (!Number.isFinite(amountCents)) return 'missing';
  if (amountCents < 1_000) return '<10';
  if (amountCents < 10_000) return '10-100';
  if (amountCents < 50_000) return '100-500';
  return '>=500';
}

/** Reliability diagram points: mean predicted vs observed rate per probability decile (rows weighted). */
export function calibrationCurve(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
  weights?: ArrayLike<number>,
): { predicted: number; observed: number; rows: number; weight: number }[] {
  const sums = Array.from({ length: bins }, () => ({ p: 0, y: 0, n: 0, w: 0 }));
  for (let i = 0; i < labels.length; i++) {
    const bin = sums[Math.min(bins - 1, Math.floor(probabilities[i]! * bins))]!;
    const w = weights ? weights[i]! : 1;
    bin.p += w * probabilities[i]!;
    bin.y += w * labels[i]!;
    bin.w += w;
    bin.n++;
  }
  return sums.filter((bin) => bin.n > 0).map((bin) => ({ predicted: bin.p / bin.w, observed: bin.y / bin.w, rows: bin.n, weight: bin.w }));
}

export interface MulticlassMetrics {
  log_loss: number;
  accuracy: number;
  rows: number;
  /** Per class: rows of that label, and one-vs-rest ROC AUC of its probability. */
  per_class: Record<string, { rows: number; roc_auc: number }>;
}

/** Metrics of row-major probabilities (numClass per row) on rows with a label. */
export function multiclassMetrics(labels: ArrayLike<number>, probabilities: ArrayLike<number>, classes: readonly string[]): MulticlassMetrics {
  const k = classes.length;
  const per_class: MulticlassMetrics['per_class'] = {};
  classes.forEach((name, c) => {
    const oneVsRest = Float64Array.from({ length: labels.length }, (_, i) => (labels[i] === c ? 1 : 0));
    const scores = Float64Array.from({ length: labels.length }, (_, i) => probabilities[i * k + c]!);
    let rows = 0;
    for (const v of oneVsRest) rows += v;
    per_class[name] = { rows, roc_auc: rows > 0 && rows < labels.length ? rocAuc(oneVsRest, scores) : Number.NaN };
  });
  return {
    log_loss: labels.length > 0 ? multiclassLogLoss(labels, probabilities, k) : Number.NaN,
    accuracy: labels.length > 0 ? multiclassAccuracy(labels, probabilities, k) : Number.NaN,
    rows: labels.length,
    per_class,
  };
}
