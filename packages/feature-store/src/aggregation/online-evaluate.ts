import type { FeatureValue } from '@payments-mlops/contracts';
import { decodeScalar } from './online-update.js';
import type { AdditiveAggregate, AggregationPlan, ScalarAggregate } from './plan.js';
import { tileIndex } from './tiles.js';

export interface EvaluatedAggregates {
  /** False when the store holds no state for the entity: every aggregate is then NOT_FOUND. */
  known: boolean;
  /** One per aggregate of the plan, in plan order. */
  values: FeatureValue[];
  /** The latest event time the state has seen, or null. */
  eventMs: number | null;
}

/**
 * Evaluates every aggregate of a view at `nowMs` from the entity's state hash (as HGETALL returns
 * it): sums the measures of the tiles each window covers and applies the same formulas, in the
 * same floating-point order, as the compiled SQL.
 */
export function evaluateAggregates(plan: AggregationPlan, state: Readonly<Record<string, string>>, nowMs: number): EvaluatedAggregates {
  const values: FeatureValue[] = new Array<FeatureValue>(plan.aggregates.length).fill(null);
  let known = false;
  for (const _field in state) {
    known = true;
    break;
  }
  if (!known) return { known, values, eventMs: null };

  const sums = sumTiles(plan, state, nowMs);
  plan.aggregates.forEach((aggregate, index) => {
    values[index] = aggregate.kind === 'additive' ? additiveValue(aggregate, sums[aggregate.ring]!.get(aggregate.window.tiles)!) : scalarValue(aggregate, state, nowMs);
  });
  const header = state.h;
  return { known, values, eventMs: header === undefined ? null : Number(header) };
}

/** Per ring, per window length (in tiles): the measures summed over the tiles that window covers. */
function sumTiles(plan: AggregationPlan, state: Readonly<Record<string, string>>, nowMs: number): Map<number, Float64Array>[] {
  const byRing = plan.rings.map((ring) => {
    const windows = new Map<number, Float64Array>();
    for (const aggregate of plan.aggregates) {
      if (aggregate.kind === 'additive' && plan.rings[aggregate.ring] === ring && !windows.has(aggregate.window.tiles)) {
        windows.set(aggregate.window.tiles, new Float64Array(ring.measures.length));
      }
    }
    return { ring, current: tileIndex(nowMs, ring.tileMs), windows };
  });
  const ringById = new Map(byRing.map((entry) => [entry.ring.id, entry]));
  for (const field in state) {
    if (field.charCodeAt(0) !== 114 /* r */) continue;
    const colon = field.indexOf(':');
    const entry = ringById.get(field.slice(1, colon));
    if (entry === undefined) continue;
    const tile = Number(field.slice(colon + 1));
    if (tile > entry.current) continue;
    let measures: string[] | undefined;
    for (const [tiles, totals] of entry.windows) {
      if (tile < entry.current - tiles + 1) continue;
      measures ??= state[field]!.split(',');
      for (let m = 0; m < totals.length; m++) totals[m]! += Number(measures[m] ?? 0);
    }
  }
  return byRing.map((entry) => entry.windows);
}

/** An additive aggregate from its ring's measures summed over its window; shared with offline retrieval. */
export function additiveValue(aggregate: AdditiveAggregate, totals: Float64Array): FeatureValue {
  switch (aggregate.fn) {
    case 'count':
    case 'sum':
      return totals[aggregate.value]!;
    case 'avg': {
      const count = totals[aggregate.count]!;
      return count > 0 ? totals[aggregate.sum]! / count : null;
    }
    case 'stddev': {
      const count = totals[aggregate.count]!;
      if (count <= 0) return null;
      const mean = totals[aggregate.sum]! / count;
      return Math.sqrt(Math.max(totals[aggregate.sumsq]! / count - mean * mean, 0));
    }
    case 'rate': {
      const denominator = totals[aggregate.denominator]!;
      return denominator > 0 ? totals[aggregate.numerator]! / denominator : null;
    }
  }
}

function inWindow(aggregate: ScalarAggregate, ts: number, nowMs: number): boolean {
  if (ts >= nowMs) return false;
  if (aggregate.window === null) return true;
  const { tileMs, tiles } = aggregate.window;
  return tileIndex(ts, tileMs) >= tileIndex(nowMs, tileMs) - tiles + 1;
}

function scalarValue(aggregate: ScalarAggregate, state: Readonly<Record<string, string>>, nowMs: number): FeatureValue {
  switch (aggregate.fn) {
    case 'first_time':
    case 'last_time': {
      const raw = state[`s${aggregate.slot}`];
      if (raw === undefined) return null;
      const ts = Number(raw);
      return inWindow(aggregate, ts, nowMs) ? ts : null;
    }
    case 'last': {
      const raw = state[`s${aggregate.slot}`];
      if (raw === undefined) return null;
      const [ts, , value] = raw.split('\x1f');
      return inWindow(aggregate, Number(ts), nowMs) ? decodeScalar(value ?? '-') : null;
    }
    case 'distinct_count':
    case 'distinct_values': {
      const prefix = `d${aggregate.slot}:`;
      const distinct: string[] = [];
      for (const field in state) {
        if (field.startsWith(prefix) && inWindow(aggregate, Number(state[field]), nowMs)) distinct.push(field.slice(prefix.length));
      }
      if (aggregate.fn === 'distinct_count') return distinct.length;
      // Sorted by UTF-16 code units; for the ASCII values of this platform that is the bytewise order of SQL's "C" collation.
      return distinct.sort();
    }
  }
}
