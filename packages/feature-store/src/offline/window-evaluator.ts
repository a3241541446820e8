import type { FeatureValue } from '@payments-mlops/contracts';
import { matches, type EventRecord } from '../aggregation/conditions.js';
import { additiveValue } from '../aggregation/online-evaluate.js';
import { measureDelta } from '../aggregation/online-update.js';
import type { AggregationPlan, ScalarAggregate } from '../aggregation/plan.js';
import { tileIndex, type WindowTiles } from '../aggregation/tiles.js';

/** One entity's events, sorted by time then dedupe id (bytewise), as the online store orders them. */
export interface EntityEvents {
  ms: Float64Array;
  records: EventRecord[];
}

/** One entity's rows to evaluate, sorted by time. */
export interface EntityRowTimes {
  ms: Float64Array;
}

/** `emit(row, known, values)`: one row's result; `values` is reused for the next row. */
export type WindowEmit = (row: number, known: boolean, values: readonly FeatureValue[]) => void;

/**
 * Evaluates a stream view's aggregates for one entity at each of its row times, with the tile
 * rule the online store reads by, in one pass: prefix sums per measure, a moving window start
 * per window length, running distinct sets. `emit(row, known, values)` gets each row's result.
 * The formulas are the online store's own (`additiveValue`, `measureDelta`), so offline and online
 * values are the same numbers.
 */
export function evaluateEntityWindows(
  plan: AggregationPlan,
  events: EntityEvents,
  rows: EntityRowTimes,
  emit: WindowEmit,
  /** Aggregate indices whose values are needed; the others are only checked for `known`. All by default. */
  wanted?: ReadonlySet<number>,
): void {
  compileEntityWindows(plan, wanted)(events, rows, emit);
}

/**
 * `evaluateEntityWindows` with what depends only on the plan worked out once: a retrieval calls
 * it for every entity of a view (hundreds of thousands), most with a handful of events.
 */
export function compileEntityWindows(
  plan: AggregationPlan,
  wanted?: ReadonlySet<number>,
): (events: EntityEvents, rows: EntityRowTimes, emit: WindowEmit) => void {
  const windows: WindowTiles[] = [];
  const windowIndex = (window: WindowTiles): number => {
    const found = windows.findIndex((w) => w.tileMs === window.tileMs && w.tiles === window.tiles);
    return found !== -1 ? found : windows.push({ tileMs: window.tileMs, tiles: window.tiles }) - 1;
  };
  const ringWindows = plan.rings.map((ring) => windowIndex({ tileMs: ring.tileMs, tiles: ring.tiles }));
  const isWanted = plan.aggregates.map((_aggregate, index) => wanted === undefined || wanted.has(index));
  const scalarWanted = new Set(plan.aggregates.flatMap((aggregate, index) => (aggregate.kind === 'scalar' && isWanted[index] ? [aggregate.slot] : [])));
  const scalarWindows = plan.scalars.map((scalar) => (scalar.window ? windowIndex(scalar.window) : -1));
  // Each additive aggregate reads the totals of its ring over its window, computed once per row.
  const totals: { ring: number; window: number; measures: number }[] = [];
  const totalOf = plan.aggregates.map((aggregate) => {
    if (aggregate.kind !== 'additive') return -1;
    const window = windowIndex(aggregate.window);
    const found = totals.findIndex((total) => total.ring === aggregate.ring && total.window === window);
    return found !== -1 ? found : totals.push({ ring: aggregate.ring, window, measures: plan.rings[aggregate.ring]!.measures.length }) - 1;
  });
  const sums = totals.map((total) => new Float64Array(total.measures));
  const lows = new Int32Array(windows.length);
  const windowSpans = windows.map((window) => ({ tileMs: window.tileMs, back: (window.tiles - 1) * window.tileMs }));
  const values: FeatureValue[] = new Array<FeatureValue>(plan.aggregates.length);

  return (events, rows, emit) => {
    const count = events.ms.length;
    // Prefix sums of every measure of every ring: sum over [lo, hi) = prefix[hi] − prefix[lo].
    const prefixes = plan.rings.map((ring) =>
      ring.measures.map((measure) => {
        const prefix = new Float64Array(count + 1);
        for (let i = 0; i < count; i++) prefix[i + 1] = prefix[i]! + measureDelta(measure, events.records[i]!);
        return prefix;
      }),
    );
    lows.fill(0);
    const scalars = plan.scalars.map(
      (scalar, slot) => new ScalarState(scalar, events, scalarWindows[slot]! === -1 ? undefined : { lows, index: scalarWindows[slot]! }, scalarWanted.has(scalar.slot)),
    );

    let hi = 0;
    for (let row = 0; row < rows.ms.length; row++) {
      const at = rows.ms[row]!;
      while (hi < count && events.ms[hi]! < at) {
        for (const state of scalars) state.enter(hi);
        hi++;
      }
      for (let w = 0; w < windowSpans.length; w++) {
        const span = windowSpans[w]!;
        const start = tileIndex(at, span.tileMs) * span.tileMs - span.back;
        let lo = lows[w]!;
        while (lo < hi && events.ms[lo]! < start) lo++;
        lows[w] = lo;
      }
      for (const state of scalars) state.moveTo();
      for (let t = 0; t < totals.length; t++) {
        const total = totals[t]!;
        const prefix = prefixes[total.ring]!;
        const lo = lows[total.window]!;
        const into = sums[t]!;
        for (let m = 0; m < into.length; m++) into[m] = prefix[m]![hi]! - prefix[m]![lo]!;
      }

      let known = false;
      for (const window of ringWindows) known ||= lows[window]! < hi;
      for (let index = 0; index < plan.aggregates.length; index++) {
        const aggregate = plan.aggregates[index]!;
        if (aggregate.kind === 'additive') {
          values[index] = isWanted[index] ? additiveValue(aggregate, sums[totalOf[index]!]!) : null;
        } else {
          const state = scalars[aggregate.slot]!;
          values[index] = isWanted[index] ? state.value(hi) : null;
          known ||= state.touched(hi);
        }
      }
      emit(row, known, values);
    }
  };
}

/** The running state of one non-additive aggregate over the entity's events. */
class ScalarState {
  private readonly scalar: ScalarAggregate;
  private readonly events: EntityEvents;
  /** This aggregate's window start, `lows[index]`, moved by the evaluator; none for lifetime aggregates. */
  private readonly window: { lows: Int32Array; index: number } | undefined;
  /** Index of the last matching event before each position (−1: none). */
  private readonly lastMatch: Int32Array;
  private readonly firstMatch: number;
  private readonly distinct = new Map<string, number>();
  /** Distinct values are counted only when asked for; `touched` needs just the last hit. */
  private readonly countsDistinct: boolean;
  private removedUpTo = 0;

  constructor(scalar: ScalarAggregate, events: EntityEvents, window: { lows: Int32Array; index: number } | undefined, wanted: boolean) {
    this.scalar = scalar;
    this.events = events;
    this.window = window;
    const isDistinct = scalar.fn === 'distinct_count' || scalar.fn === 'distinct_values';
    this.countsDistinct = isDistinct && wanted;
    const count = events.ms.length;
    this.lastMatch = new Int32Array(count + 1).fill(-1);
    let first = -1;
    for (let i = 0; i < count; i++) {
      // A distinct aggregate is touched by a matching event with a value, as the online store's is.
      const hit = isDistinct ? this.distinctKey(i) !== null : matches(scalar.conditions, events.records[i]!);
      this.lastMatch[i + 1] = hit ? i : this.lastMatch[i]!;
      if (hit && first === -1) first = i;
    }
    this.firstMatch = first;
  }

  private distinctKey(index: number): string | null {
    const record = this.events.records[index]!;
    if (!matches(this.scalar.conditions, record)) return null;
    const value = record[this.scalar.column ?? ''];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
  }

  private lo(): number {
    return this.window === undefined ? 0 : this.window.lows[this.window.index]!;
  }

  enter(index: number): void {
    if (!this.countsDistinct) return;
    const key = this.distinctKey(index);
    if (key !== null) this.distinct.set(key, (this.distinct.get(key) ?? 0) + 1);
  }

  /** Drops the events that left the window. */
  moveTo(): void {
    if (!this.countsDistinct) return;
    const lo = this.lo();
    for (; this.removedUpTo < lo; this.removedUpTo++) {
      const key = this.distinctKey(this.removedUpTo);
      if (key === null) continue;
      const left = (this.distinct.get(key) ?? 0) - 1;
      if (left <= 0) this.distinct.delete(key);
      else this.distinct.set(key, left);
    }
  }

  private latest(hi: number): number {
    const index = this.lastMatch[hi]!;
    return index >= (this.lo()) ? index : -1;
  }

  touched(hi: number): boolean {
    switch (this.scalar.fn) {
      case 'distinct_count':
      case 'distinct_values':
      case 'last_time':
      case 'last':
        return this.latest(hi) !== -1;
      case 'first_time':
        return this.firstMatch !== -1 && this.firstMatch < hi;
    }
  }

  value(hi: number): FeatureValue {
    switch (this.scalar.fn) {
      case 'distinct_count':
        return this.distinct.size;
      case 'distinct_values':
        return [...this.distinct.keys()].sort();
      case 'first_time':
        return this.firstMatch !== -1 && this.firstMatch < hi ? this.events.ms[this.firstMatch]! : null;
      case 'last_time': {
        const index = this.latest(hi);
        return index === -1 ? null : this.events.ms[index]!;
      }
      case 'last': {
        const index = this.latest(hi);
        if (index === -1) return null;
        const value = this.events.records[index]![this.scalar.column ?? ''];
        return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
      }
    }
  }
}
