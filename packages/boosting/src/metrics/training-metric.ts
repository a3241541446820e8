import { sigmoid, softmaxInPlace } from '../objectives.js';
import type { MetricName } from '../params.js';
import { multiclassAccuracy, multiclassLogLoss } from './classification.js';
import { logLoss } from './probabilistic.js';
import { averagePrecision, rocAuc } from './ranking.js';

/** Whether a larger value of the metric is better (early stopping needs to know). */
export function higherIsBetter(metric: MetricName): boolean {
  switch (metric) {
    case 'auc':
    case 'average_precision':
      return true;
    case 'binary_logloss':
    case 'binary_error':
    case 'multi_logloss':
    case 'multi_error':
    case 'l2':
    case 'rmse':
      return false;
  }
}

/**
 * The metric of raw scores laid out class-major (class k of row i at k * numRows + i), the
 * training loop's layout.
 */
export function evaluateRaw(
  metric: MetricName,
  labels: ArrayLike<number>,
  raw: Float64Array,
  numClass: number,
): number {
  const n = labels.length;
  switch (metric) {
    case 'binary_logloss':
      return logLoss(labels, raw.map(sigmoid));
    case 'auc':
      return rocAuc(labels, raw);
    case 'average_precision':
      return averagePrecision(labels, raw);
    case 'binary_error': {
      let wrong = 0;
      for (let i = 0; i < n; i++) if ((raw[i]! > 0) !== (labels[i] === 1)) wrong++;
      return wrong / n;
    }
    case 'multi_logloss':
    case 'multi_error': {
      const probabilities = new Float64Array(n * numClass);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < numClass; c++) probabilities[i * numClass + c] = raw[c * n + i]!;
        softmaxInPlace(probabilities, i * numClass, numClass);
      }
      return metric === 'multi_logloss'
        ? multiclassLogLoss(labels, probabilities, numClass)
        : 1 - multiclassAccuracy(labels, probabilities, numClass);
    }
    case 'l2':
    case 'rmse': {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (raw[i]! - labels[i]!) ** 2;
      return metric === 'l2' ? sum / n : Math.sqrt(sum / n);
    }
  }
}
