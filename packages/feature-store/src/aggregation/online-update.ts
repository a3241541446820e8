import { DAY_MS } from '../definitions/duration.js';
import { matches, type EventRecord } from './conditions.js';
import type { AggregationPlan, Measure } from './plan.js';
import { tileIndex } from './tiles.js';

/** What one event changes in one entity's state of one view; the arguments of the update script. */
export interface AggregateUpdate {
  /** Null when only idempotent state changes (latest/earliest times, distinct values): no dedupe needed. */
  dedupeId: string | null;
  /** The UTC day of the event: dedupe ids are kept in one set per day, expiring with it. */
  dedupeDay: number;
  dedupeExpireAtMs: number;
  eventMs: number;
  /** 0 when the view has a lifetime aggregate: its state never expires. */
  expireAtMs: number;
  rings: { ring: string; tile: number; deltas: string }[];
  scalars: { op: 'min' | 'max' | 'last' | 'distinct'; field: string; ts: number; id: string; value: string }[];
}

/**
 * The update for one event, or null when the event can no longer affect any value read from now
 * on (every window it would land in has already passed). Measures and filters are evaluated here,
 * once, from the same plan the offline SQL is compiled from; the Redis script only adds numbers
 * and compares times.
 */
export function aggregateUpdate(plan: AggregationPlan, event: EventRecord, eventMs: number, dedupeId: string, nowMs: number): AggregateUpdate | null {
  const rings: AggregateUpdate['rings'] = [];
  const scalars: AggregateUpdate['scalars'] = [];
  let expireAtMs = 0;

  for (const ring of plan.rings) {
    const tile = tileIndex(eventMs, ring.tileMs);
    if (tile < tileIndex(nowMs, ring.tileMs) - ring.tiles + 1) continue;
    rings.push({ ring: ring.id, tile, deltas: ring.measures.map((measure) => measureDelta(measure, event)).join(',') });
    expireAtMs = Math.max(expireAtMs, (tile + ring.tiles) * ring.tileMs);
  }
  for (const scalar of plan.scalars) {
    if (!matches(scalar.conditions, event)) continue;
    if (scalar.window !== null) {
      const tile = tileIndex(eventMs, scalar.window.tileMs);
      if (tile < tileIndex(nowMs, scalar.window.tileMs) - scalar.window.tiles + 1) continue;
      expireAtMs = Math.max(expireAtMs, (tile + scalar.window.tiles) * scalar.window.tileMs);
    }
    const field = `s${scalar.slot}`;
    const value = scalar.column === null ? null : event[scalar.column];
    switch (scalar.fn) {
      case 'first_time':
        scalars.push({ op: 'min', field, ts: eventMs, id: '', value: '' });
        break;
      case 'last_time':
        scalars.push({ op: 'max', field, ts: eventMs, id: '', value: '' });
        break;
      case 'last':
        scalars.push({ op: 'last', field, ts: eventMs, id: dedupeId, value: encodeScalar(value) });
        break;
      case 'distinct_count':
      case 'distinct_values':
        // Distinct values ignore nulls, as SQL's count(DISTINCT …) does.
        if (isScalar(value)) scalars.push({ op: 'distinct', field: `d${scalar.slot}:${String(value)}`, ts: eventMs, id: '', value: '' });
        break;
    }
  }
  if (rings.length === 0 && scalars.length === 0) return null;
  const dedupeDay = Math.floor(eventMs / DAY_MS);
  return {
    dedupeId: rings.length > 0 ? dedupeId : null,
    dedupeDay,
    dedupeExpireAtMs: (dedupeDay + 1) * DAY_MS + plan.dedupeRetentionMs,
    eventMs,
    expireAtMs: plan.hasLifetime ? 0 : expireAtMs,
    rings,
    scalars,
  };
}

/** What one event adds to a measure; shared with offline retrieval. */
export function measureDelta(measure: Measure, event: EventRecord): number {
  if (!matches(measure.conditions, event)) return 0;
  if (measure.kind === 'count') return 1;
  const value = event[measure.column ?? ''];
  if (typeof value !== 'number') return 0;
  return measure.kind === 'sum' ? value : value * value;
}

/** `last` values keep their JS type through Redis: s<string>, n<number>, b<0|1>, or - for null. */
export function encodeScalar(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number') return `n${value}`;
  if (typeof value === 'boolean') return value ? 'b1' : 'b0';
  // Control characters separate the script's arguments; ids and codes never contain them.
  return typeof value === 'string' ? `s${value.replaceAll('\x1e', ' ').replaceAll('\x1f', ' ')}` : '-';
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

export function decodeScalar(encoded: string): string | number | boolean | null {
  switch (encoded.charCodeAt(0)) {
    case 110: // n
      return Number(encoded.slice(1));
    case 98: // b
      return encoded === 'b1';
    case 115: // s
      return encoded.slice(1);
    default:
      return null;
  }
}
