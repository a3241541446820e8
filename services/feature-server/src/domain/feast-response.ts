import type { FeatureStatus, GetOnlineFeaturesResponse } from '@payments-mlops/contracts';
import type { OnlineFeatureColumns } from '@payments-mlops/feature-store';

const EPOCH = '1970-01-01T00:00:00.000Z';

/**
 * The answer as Feast's feature server gives it: the requested entity keys as the first columns
 * (PRESENT, at the epoch), then one column per feature with its values, statuses and event times.
 */
export function feastResponse(
  entities: Readonly<Record<string, readonly unknown[]>>,
  joinKeys: readonly string[],
  columns: OnlineFeatureColumns,
  fullFeatureNames: boolean,
): GetOnlineFeaturesResponse {
  const featureNames: string[] = [];
  const results: GetOnlineFeaturesResponse['results'] = [];
  for (const key of joinKeys) {
    const values = (entities[key] ?? []) as GetOnlineFeaturesResponse['results'][number]['values'];
    featureNames.push(key);
    results.push({ values, statuses: values.map((): FeatureStatus => 'PRESENT'), event_timestamps: values.map(() => EPOCH) });
  }
  // Features of one view share their event time: format each distinct time once per answer.
  const formatted = new Map<number, string>([[0, EPOCH]]);
  const iso = (ms: number): string => {
    let text = formatted.get(ms);
    if (text === undefined) formatted.set(ms, (text = new Date(ms).toISOString()));
    return text;
  };
  columns.features.forEach((feature, index) => {
    featureNames.push(fullFeatureNames ? `${feature.view.name}__${feature.field.name}` : feature.field.name);
    results.push({ values: columns.values[index]!, statuses: columns.statuses[index]!, event_timestamps: columns.eventTimestamps[index]!.map(iso) });
  });
  return { metadata: { feature_names: featureNames }, results };
}
