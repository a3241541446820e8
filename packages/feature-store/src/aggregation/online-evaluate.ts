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

/** An entity's state hash: HGETALL's flat reply (field, value, field, value, …) or the same as an object. */
export type AggregateState = readonly string[] | Readonly<Record<string, string>>;

/**
 * Evaluates every aggregate of a view at `nowMs` from the entity's state hash, in one pass over
 * its fields: sums the measures of the tiles each window covers and applies the same formulas, in
 * the same floating-point order, as the compiled SQL. `values` may be a caller's buffer to fill.
 */
export function evaluateAggregates(plan: AggregationPlan, state: AggregateState, nowMs: number, values: FeatureValue[] = new Array<FeatureValue>(plan.aggregates.length)): EvaluatedAggregates {
  const pairs = Array.isArray(state) ? (state as readonly string[]) : Object.entries(state).flat();
  if (pairs.length === 0) {
    values.fill(null, 0, plan.aggregates.length);
    return { known: false, values, eventMs: null };
  }
  const compiled = compiledRead(plan);
  const header = readState(compiled, pairs, nowMs);
  const { aggregates } = plan;
  for (let index = 0; index < aggregates.length; index++) {
    const aggregate = aggregates[index]!;
    values[index] = aggregate.kind === 'additive' ? additiveValue(aggregate, compiled.totals[index]!) : scalarValue(aggregate, compiled, nowMs);
  }
  return { known: true, values, eventMs: header === undefined ? null : Number(header) };
}

/** One ring's read side: its field prefix, the distinct window lengths read from it and their running sums. */
interface RingRead {
  /** `r<id>:`, the start of every tile field of the ring. */
  prefix: string;
  tileMs: number;
  /** Distinct window lengths (in tiles) of the ring's additive aggregates. */
  windows: Int32Array;
  longest: number;
  /** windows × measures, reused by every evaluation (reads are synchronous once the reply is in). */
  sums: Float64Array;
  /** One tile's measures, parsed once whatever the number of windows covering it. */
  tile: Float64Array;
}

/** What reading a plan's state needs, compiled once per plan. */
interface CompiledRead {
  rings: RingRead[];
  scalars: ScalarAggregate[];
  /** Per aggregate: its window's measures (a view into its ring's sums), or undefined for scalars. */
  totals: (Float64Array | undefined)[];
  /** Per scalar slot: its raw `s<slot>` value in the state being read. */
  scalarRaw: (string | undefined)[];
  /** Per scalar slot: the `d<slot>:` prefix of its distinct values (empty for other scalars). */
  distinctPrefixes: string[];
  /** Per scalar slot: the distinct values within its window in the state being read. */
  distinct: string[][];
}

const compiledReads = new WeakMap<AggregationPlan, CompiledRead>();

function compiledRead(plan: AggregationPlan): CompiledRead {
  let compiled = compiledReads.get(plan);
  if (compiled !== undefined) return compiled;
  const windowLists = plan.rings.map(() => [] as number[]);
  for (const aggregate of plan.aggregates) {
    if (aggregate.kind === 'additive' && !windowLists[aggregate.ring]!.includes(aggregate.window.tiles)) windowLists[aggregate.ring]!.push(aggregate.window.tiles);
  }
  const rings = plan.rings.map((ring, index): RingRead => {
    const windows = Int32Array.from(windowLists[index]!);
    return {
      prefix: `r${ring.id}:`,
      tileMs: ring.tileMs,
      windows,
      longest: Math.max(0, ...windows),
      sums: new Float64Array(windows.length * ring.measures.length),
      tile: new Float64Array(ring.measures.length),
    };
  });
  const totals = plan.aggregates.map((aggregate) => {
    if (aggregate.kind !== 'additive') return undefined;
    const ring = rings[aggregate.ring]!;
    const measures = ring.tile.length;
    const window = ring.windows.indexOf(aggregate.window.tiles);
    return ring.sums.subarray(window * measures, (window + 1) * measures);
  });
  const distinctPrefixes = plan.scalars.map((scalar) => (scalar.fn === 'distinct_count' || scalar.fn === 'distinct_values' ? `d${scalar.slot}:` : ''));
  compiled = { rings, totals, scalarRaw: plan.scalars.map(() => undefined), distinctPrefixes, distinct: plan.scalars.map(() => []), scalars: plan.scalars };
  compiledReads.set(plan, compiled);
  return compiled;
}

/**
 * One pass over the state's fields: tile measures summed per ring and window length (into the
 * compiled sums), scalar fields kept, distinct values within their window collected. Returns the
 * header (latest event time) field.
 */
function readState(compiled: CompiledRead, pairs: readonly string[], nowMs: number): string | undefined {
  const { rings, scalars, scalarRaw, distinctPrefixes, distinct } = compiled;
  const currents = rings.length <= 4 ? CURRENTS : new Float64Array(rings.length);
  for (let r = 0; r < rings.length; r++) {
    rings[r]!.sums.fill(0);
    currents[r] = tileIndex(nowMs, rings[r]!.tileMs);
  }
  for (let slot = 0; slot < scalars.length; slot++) {
    scalarRaw[slot] = undefined;
    distinct[slot]!.length = 0;
  }
  let header: string | undefined;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const field = pairs[i]!;
    switch (field.charCodeAt(0)) {
      case 114 /* r */: {
        let r = 0;
        while (r < rings.length && !field.startsWith(rings[r]!.prefix)) r++;
        if (r === rings.length) break;
        const ring = rings[r]!;
        const age = currents[r]! - tileNumber(field, ring.prefix.length);
        // Tiles after now, or older than the ring's longest window, count in no window.
        if (!(age >= 0 && age < ring.longest)) break;
        const measures = ring.tile.length;
        parseMeasures(pairs[i + 1]!, ring.tile);
        for (let w = 0; w < ring.windows.length; w++) {
          if (age >= ring.windows[w]!) continue;
          const offset = w * measures;
          for (let m = 0; m < measures; m++) ring.sums[offset + m]! += ring.tile[m]!;
        }
        break;
      }
      case 115 /* s */: {
        const slot = field.length > 1 ? tileNumber(field, 1) : -1;
        if (slot >= 0 && slot < scalars.length) scalarRaw[slot] = pairs[i + 1];
        break;
      }
      case 100 /* d */: {
        const colon = field.indexOf(':');
        const slot = colon === -1 ? -1 : Number(field.slice(1, colon));
        const scalar = scalars[slot];
        if (scalar === undefined || distinctPrefixes[slot] === '' || !field.startsWith(distinctPrefixes[slot]!)) break;
        if (inWindow(scalar, Number(pairs[i + 1]), nowMs)) distinct[slot]!.push(field.slice(colon + 1));
        break;
      }
      case 104 /* h */:
        if (field === 'h') header = pairs[i + 1];
        break;
    }
  }
  return header;
}

const CURRENTS = new Float64Array(4);

/** The tile number after a ring's prefix; digits only as the update script writes them, else Number's reading. */
function tileNumber(field: string, start: number): number {
  let tile = 0;
  for (let i = start; i < field.length; i++) {
    const digit = field.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(field.slice(start));
    tile = tile * 10 + digit;
  }
  return start === field.length ? 0 : tile;
}

/** A tile's comma-separated measures into `out`; absent ones are 0. */
function parseMeasures(raw: string, out: Float64Array): void {
  let start = 0;
  for (let m = 0; m < out.length; m++) {
    if (start > raw.length) {
      out[m] = 0;
      continue;
    }
    let comma = raw.indexOf(',', start);
    if (comma === -1) comma = raw.length;
    out[m] = Number(raw.slice(start, comma));
    start = comma + 1;
  }
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

function scalarValue(aggregate: ScalarAggregate, { scalarRaw, distinct }: CompiledRead, nowMs: number): FeatureValue {
  switch (aggregate.fn) {
    case 'first_time':
    case 'last_time': {
      const raw = scalarRaw[aggregate.slot];
      if (raw === undefined) return null;
      const ts = Number(raw);
      return inWindow(aggregate, ts, nowMs) ? ts : null;
    }
    case 'last': {
      const raw = scalarRaw[aggregate.slot];
      if (raw === undefined) return null;
      const [ts, , value] = raw.split('\x1f');
      return inWindow(aggregate, Number(ts), nowMs) ? decodeScalar(value ?? '-') : null;
    }
    case 'distinct_count':
      return distinct[aggregate.slot]!.length;
    case 'distinct_values':
      // Sorted by UTF-16 code units; for the ASCII values of this platform that is the bytewise order of SQL's "C" collation.
      return distinct[aggregate.slot]!.slice().sort();
  }
}
