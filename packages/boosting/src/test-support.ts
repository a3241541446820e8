import type { Dataset } from './dataset.js';
import { SeededRandom } from './random.js';

/** Small synthetic data sets for the package's tests (not exported from the package). */

export function gaussian(random: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

export interface SyntheticOptions {
  readonly rows: number;
  readonly seed?: number;
  /** Share of missing values in feature 1 (missingness itself is predictive). */
  readonly missing?: number;
}

/**
 * A fraud-like binary problem: feature 0 raises the odds, feature 1 is missing more often for
 * positives, feature 2 is a category code (codes 3 and 7 are risky), feature 3 is noise, and
 * feature 4 interacts with feature 0.
 */
export function binaryData({ rows, seed = 1, missing = 0.1 }: SyntheticOptions): Dataset & { columns: Float64Array[]; labels: Float64Array } {
  const random = new SeededRandom(seed);
  const columns = Array.from({ length: 5 }, () => new Float64Array(rows));
  const labels = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const x0 = gaussian(random);
    const category = random.nextInt(10);
    const x4 = gaussian(random);
    const risky = category === 3 || category === 7 ? 1.5 : 0;
    const z = 1.2 * x0 + risky + (x0 > 0 && x4 > 0.5 ? 1 : 0) - 1 + 0.8 * gaussian(random);
    labels[i] = z > 0 ? 1 : 0;
    columns[0]![i] = Math.round(x0 * 100) / 100;
    columns[1]![i] = random.next() < missing * (labels[i] ? 3 : 0.5) ? NaN : Math.round(gaussian(random) * 10) / 10;
    columns[2]![i] = category;
    columns[3]![i] = random.next();
    columns[4]![i] = x4;
  }
  return { columns, labels, featureNames: ['amount_z', 'device_age', 'mcc_code', 'noise', 'velocity'], categoricalFeatures: [2] };
}

/** Three classes driven by features 0 and 1, with some NaN in feature 1. */
export function multiclassData(rows: number, seed = 2): Dataset & { columns: Float64Array[]; labels: Float64Array } {
  const random = new SeededRandom(seed);
  const columns = Array.from({ length: 3 }, () => new Float64Array(rows));
  const labels = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = gaussian(random);
    const b = gaussian(random);
    const z = a + 0.5 * b + 0.5 * gaussian(random);
    labels[i] = z < -0.5 ? 0 : z < 0.7 ? 1 : 2;
    columns[0]![i] = a;
    columns[1]![i] = random.next() < 0.05 ? NaN : b;
    columns[2]![i] = random.next();
  }
  return { columns, labels };
}
