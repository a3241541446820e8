import {
  accuracy,
  averagePrecision,
  expectedCalibrationError,
  rocAuc,
} from '@payments-mlops/boosting';
import type { PerformanceMetrics } from '@payments-mlops/contracts';

/**
 * Metrics of labelled predictions with boosting's own metric functions (the ones the trainer's
 * test metrics come from, so the two compare like for like). Ranking metrics need both classes.
 */
export function realizedPerformance(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): PerformanceMetrics {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  const rows = labels.length;
  const both = positives > 0 && positives < rows;
  return {
    rows,
    positives,
    roc_auc: both ? rocAuc(labels, probabilities) : null,
    pr_auc: both ? averagePrecision(labels, probabilities) : null,
    accuracy: rows > 0 ? accuracy(labels, probabilities, threshold) : null,
    calibration_error: rows > 0 ? expectedCalibrationError(labels, probabilities) : null,
  };
}

/** Relative drop of a metric against its test value: 0.1 is ten per cent worse; null when unknown. */
export function relativeDegradation(
  current: number | null,
  test: number | undefined,
): number | null {
  if (current === null || test === undefined || !Number.isFinite(test) || test === 0) return null;
  return (test - current) / test;
}
