import type { LoggedFeatureValue, PredictionLogRecord } from '@payments-mlops/contracts';

export interface PredictionColumns {
  rows: number;
  features: Record<string, LoggedFeatureValue[]>;
  scores: Record<string, Float64Array>;
}

/**
 * Logged predictions turned into one column per feature and per class score, the shape the drift
 * statistics read. Only the named features and classes are kept; a value a record lacks is null.
 */
export function predictionColumns(
  records: ReadonlyArray<Pick<PredictionLogRecord, 'features' | 'scores'>>,
  featureNames: readonly string[],
  classNames: readonly string[],
): PredictionColumns {
  const features: Record<string, LoggedFeatureValue[]> = {};
  for (const name of featureNames) features[name] = new Array<LoggedFeatureValue>(records.length);
  const scores: Record<string, Float64Array> = {};
  for (const name of classNames) scores[name] = new Float64Array(records.length);
  const featureColumns = featureNames.map((name) => [name, features[name]!] as const);
  const scoreColumns = classNames.map((name) => [name, scores[name]!] as const);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    for (const [name, column] of featureColumns) column[i] = record.features[name] ?? null;
    for (const [name, column] of scoreColumns) column[i] = record.scores[name] ?? Number.NaN;
  }
  return { rows: records.length, features, scores };
}
