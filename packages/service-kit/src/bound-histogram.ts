import type { Histogram, LabelValues } from 'prom-client';

/** A histogram's observe() for one fixed label set. */
export interface BoundHistogram {
  observe(value: number): void;
}

/** The shape of prom-client 15's per-label-set state that a bound histogram adds to. */
interface LabelSetEntry {
  labels: object;
  bucketValues: Record<number, number>;
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
 * string up on every observation (about 0.5 µs, five times per inference request). This finds
 * the label set's entry once and adds to it as observe() would; whenever the entry is not there
 * (first use, after reset() or remove(), or a prom-client whose state has another shape) it calls
 * observe() itself, so the exposition is the same either way.
 */
export function bindHistogram<T extends string>(
  histogram: Histogram<T>,
  labels: LabelValues<T>,
): BoundHistogram {
  const state = histogram as unknown as HistogramState;
  // Its own copy: prom-client keeps the object of the first observe() as the entry's labels.
  const own = { ...labels };
  let entry: LabelSetEntry | undefined;
  let key: string | undefined;
  const find = (): void => {
    entry = undefined;
    const map = state.hashMap;
    if (map === undefined || state.upperBounds === undefined) return;
    for (const candidate of Object.keys(map)) {
      if (map[candidate]?.labels === own) {
        key = candidate;
        entry = map[candidate];
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
        histogram.observe(own, value);
        find();
        return;
      }
      entry.sum += value;
      entry.count += 1;
      const bounds = state.upperBounds!;
      for (let i = 0; i < bounds.length; i++) {
        const bound = bounds[i]!;
        if (value <= bound) {
          entry.bucketValues[bound]! += 1;
          return;
        }
      }
    },
  };
}
