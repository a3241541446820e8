import type { z } from 'zod';
import type { AggregationPlan } from '../aggregation/plan.js';
import type { StreamEvent } from '../online/online-store.js';

export type ParsedMessage = { ok: true; event: StreamEvent } | { ok: false; reason: string };

/** How far ahead of the consumer's clock an event may be dated, by default: five minutes. */
export const DEFAULT_MAX_EVENT_TIME_SKEW_MS = 5 * 60_000;

export interface EventTimeBound {
  /** The consumer's wall clock, epoch ms. */
  nowMs: number;
  /** Events dated more than this after `nowMs` are refused. */
  maxFutureSkewMs: number;
}

/**
 * Turns one Kafka message into an event for the window aggregates, or says why it cannot be one:
 * not JSON, not the topic's contract (when one is given), a field of the wrong type, no event
 * time, an event time too far ahead of the clock (`bound`), or no dedupe id. Such messages go to
 * the dead-letter topic with this reason.
 */
export function parseStreamMessage(
  value: Buffer | null,
  layout: Pick<AggregationPlan, 'timestampField' | 'dedupeField' | 'fields'>,
  contract?: z.ZodType,
  bound?: EventTimeBound,
): ParsedMessage {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message' };
  let record: unknown;
  try {
    record = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { ok: false, reason: 'not a JSON object' };
  if (contract) {
    const checked = contract.safeParse(record);
    if (!checked.success) {
      const issues = checked.error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}`);
      return { ok: false, reason: `does not match its contract: ${issues.join('; ')}` };
    }
  }
  const fields = record as Record<string, unknown>;
  for (const [name, type] of Object.entries(layout.fields)) {
    const field = fields[name];
    if (field === null || field === undefined) continue;
    const expected = type === 'String' ? 'string' : type === 'Bool' ? 'boolean' : 'number';
    if (typeof field !== expected || (type === 'Int64' && !Number.isSafeInteger(field))) {
      return { ok: false, reason: `${name} must be ${type}, got ${JSON.stringify(field)}` };
    }
  }
  const timestamp = fields[layout.timestampField];
  const eventMs = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (!Number.isFinite(eventMs)) return { ok: false, reason: `${layout.timestampField} is not a timestamp: ${JSON.stringify(timestamp)}` };
  // A future-dated event would sit in windows that no read sees yet and survive every pruning
  // (a producer with a wrong clock, or a replay of simulated time); refuse it while it is news.
  if (bound !== undefined && eventMs - bound.nowMs > bound.maxFutureSkewMs) {
    return {
      ok: false,
      reason: `${layout.timestampField} ${String(timestamp)} is ${Math.round((eventMs - bound.nowMs) / 1000)} s ahead of the consumer's clock (at most ${Math.round(bound.maxFutureSkewMs / 1000)} s accepted)`,
    };
  }
  const dedupeId = fields[layout.dedupeField];
  if (typeof dedupeId !== 'string' || dedupeId === '') return { ok: false, reason: `${layout.dedupeField} is missing` };
  return { ok: true, event: { record: fields, eventMs, dedupeId } };
}
