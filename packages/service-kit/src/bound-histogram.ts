import type { Histogram, LabelValues } from 'prom-client';

/** A histogram's observe() for one fixed label set. */
export interface BoundHistogram {
  observe(value: number): void;
}

/** The shape of prom-client 15's per-label-set state that a bound histogram adds to. */
interface LabelSetEntry {
  labels: object;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}
interface HistogramState {
  hashMap?: Record<string, LabelSetEntry | undefined>;
  upperBounds?: readonly number[];
}

/**
 * `histogram.observe(labels, value)` for a fixed label set, without prom-client's per-call work:
 * its `labels()` child still validates the label object, hashes it into a string and looks the
 * string up on every observation (about 1.1 µs; 0.1 µs bound, five times per inference request). This finds
 * the label set's entry once and adds to it as observe() would; whenever the entry is not there
 * (first use, after reset() or remove(), or a prom-client whose state has another shape) it calls
 * observe() itself, so the exposition is the same either way.
 */
export function bindHistogram<T extends string>(
  histogram: Histogram<T>,
  labels: LabelValues<T>,
): BoundHistogram {
  const state = histogram as unknown as HistogramState;
  const own: Record<string, string | number | undefined> = { ...labels };
  const names = Object.keys(own);
  let entry: LabelSetEntry | undefined;
  let key: string | undefined;
  let bounds: readonly number[] = [];
  // prom-client keys buckets by bound; the number → string conversion is done once here.
  let bucketKeys: string[] = [];
  const sameLabels = (candidate: object): boolean => {
    const values = candidate as Record<string, unknown>;
    return (
      Object.keys(values).length === names.length &&
      names.every((name) => values[name] === own[name])
    );
  };
  const find = (): void => {
    entry = undefined;
    const map = state.hashMap;
    if (map === undefined || state.upperBounds === undefined) return;
    bounds = state.upperBounds;
    bucketKeys = bounds.map(String);
    for (const candidate of Object.keys(map)) {
      const found = map[candidate];
      if (found !== undefined && sameLabels(found.labels)) {
        key = candidate;
        entry = found;
        return;
      }
    }
  };
  return {
    observe(value: number): void {
      if (
        entry === undefined ||
        key === undefined ||
        state.hashMap?.[key] !== entry ||
        !Number.isFinite(value)
      ) {
        histogram.observe(own as LabelValues<T>, value);
        find();
        return;
      }
      entry.sum += value;
      entry.count += 1;
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]!) {
          entry.bucketValues[bucketKeys[i]!]! += 1;
          return;
        }
      }
    },
  };
}
