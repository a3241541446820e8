import type { ColumnDrift, ReferenceProfile } from '@payments-mlops/contracts';
import type { ColumnValues } from '../column-values.js';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  detectColumnDrift,
  type DriftThresholds,
} from './column-drift.js';

export interface DatasetDriftOptions {
  thresholds?: DriftThresholds;
  /** Dataset drift when at least this share of the features drifted (0.5, as Evidently's default). */
  driftShare?: number;
}

export interface DatasetDrift {
  features: ColumnDrift[];
  scores: ColumnDrift[];
  drifted_share: number;
  dataset_drift: boolean;
}

/**
 * Every feature and class score of the reference profile against the current window's columns.
 * A feature the window lacks counts as an empty column; scores do not count towards the share.
 */
export function detectDatasetDrift(
  reference: ReferenceProfile,
  current: { features: Record<string, ColumnValues>; scores: Record<string, ColumnValues> },
  options: DatasetDriftOptions = {},
): DatasetDrift {
  const thresholds = options.thresholds ?? DEFAULT_DRIFT_THRESHOLDS;
  const driftShare = options.driftShare ?? 0.5;
  const features = Object.entries(reference.features).map(([name, profile]) =>
    detectColumnDrift(name, profile, current.features[name] ?? [], thresholds),
  );
  const scores = Object.entries(reference.scores).map(([name, profile]) =>
    detectColumnDrift(name, profile, current.scores[name] ?? [], thresholds),
  );
  const drifted = features.filter((f) => f.drifted).length;
  const share = features.length === 0 ? 0 : drifted / features.length;
  return {
    features,
    scores,
    drifted_share: share,
    dataset_drift: features.length > 0 && share >= driftShare,
  };
}
