import type { LoggedFeatureValue, PredictionLogRecord } from '@payments-mlops/contracts';

/** mulberry32: the same seed gives the same data in every run and in the Evidently anchor's files. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NUMERIC_FEATURES = Array.from({ length: 20 }, (_, i) => `num_${i}`);
export const CATEGORICAL_FEATURES = Array.from({ length: 10 }, (_, i) => `cat_${i}`);
/** The columns the current window shifts: the drift report must name these and no others. */
export const DRIFTED_FEATURES = ['num_0', 'num_1', 'num_2', 'cat_0', 'cat_1'];

export interface DriftData {
  features: Record<string, LoggedFeatureValue[]>;
  scores: Record<string, Float64Array>;
}

/** Gamma-like positive amounts, normals and skewed categories (5 to 23 values), 1 % missing. */
export function driftData(rows: number, seed: number, drifted: boolean): DriftData {
  const next = random(seed);
  const normal = (): number =>
    Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const features: DriftData['features'] = {};
  NUMERIC_FEATURES.forEach((name, f) => {
    const shift = drifted && DRIFTED_FEATURES.includes(name) ? 0.5 : 0;
    const column = new Array<LoggedFeatureValue>(rows);
    for (let i = 0; i < rows; i++) {
      if (next() < 0.01) column[i] = null;
      else if (f % 2 === 0) column[i] = Math.exp(3 + normal() * 0.8 + shift);
      else column[i] = f + normal() + shift;
    }
    features[name] = column;
  });
  CATEGORICAL_FEATURES.forEach((name, f) => {
    const levels = 5 + 2 * f;
    const tilt = drifted && DRIFTED_FEATURES.includes(name) ? 3 : 1;
    const column = new Array<LoggedFeatureValue>(rows);
    for (let i = 0; i < rows; i++) {
      // Skewed towards the first levels; drift moves mass towards the last ones.
      const u = tilt === 1 ? next() ** 2 : 1 - next() ** tilt;
      column[i] = next() < 0.01 ? null : `v${Math.min(Math.floor(u * levels), levels - 1)}`;
    }
    features[name] = column;
  });
  const fraud = new Float64Array(rows);
  for (let i = 0; i < rows; i++) fraud[i] = next() ** 6;
  const legitimate = fraud.map((p) => 1 - p);
  return { features, scores: { fraud, legitimate } };
}

/** The same data as logged prediction records, to time the step from the log to columns. */
export function asRecords(
  data: DriftData,
  rows: number,
): Array<Pick<PredictionLogRecord, 'features' | 'scores'>> {
  const names = Object.keys(data.features);
  return Array.from({ length: rows }, (_, i) => ({
    features: Object.fromEntries(names.map((n) => [n, data.features[n]![i]!])),
    scores: { fraud: data.scores.fraud![i]!, legitimate: data.scores.legitimate![i]! },
  }));
}

/** CSV of the feature columns, for the Evidently anchor. */
export function toCsv(data: DriftData, rows: number): string {
  const names = Object.keys(data.features);
  const lines = [names.join(',')];
  for (let i = 0; i < rows; i++) {
    lines.push(
      names
        .map((n) => {
          const v = data.features[n]![i];
          return v === null || v === undefined ? '' : String(v);
        })
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
