import type { FeatureField, FeatureValue } from '@payments-mlops/contracts';

/** What a transformation reads for one row: request fields and online (or historical) features, by name. */
export type OnDemandInputs = Readonly<Record<string, FeatureValue | undefined>>;

/**
 * A pure function from request fields and features to new features, run at request time by the
 * feature server and ml-serving and over every training row by historical retrieval: the same
 * code on both sides, so a model sees in production exactly what it was trained on.
 *
 * `asOfMs` is the time the row is evaluated at: now when serving, the row's timestamp in training.
 */
export interface OnDemandTransformation {
  readonly name: string;
  readonly description: string;
  /** Request fields it reads; absent ones arrive as undefined. */
  readonly requestInputs: readonly string[];
  /** Features of other views it reads, by feature name. */
  readonly featureInputs: readonly string[];
  readonly outputs: readonly FeatureField[];
  compute(inputs: OnDemandInputs, asOfMs: number): Record<string, FeatureValue>;
}

export function numberOrNull(value: FeatureValue | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function stringOrNull(value: FeatureValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
