import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS, parseStreamMessage } from './parse-event.js';

const layout = { timestampField: 'occurred_at', dedupeField: 'payment_id', fields: { amount_cents: 'Int64' as const } };
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const bound = { nowMs: NOW, maxFutureSkewMs: DEFAULT_MAX_EVENT_TIME_SKEW_MS };
const message = (occurredAt: string) => Buffer.from(JSON.stringify({ payment_id: 'pay_1', amount_cents: 100, occurred_at: occurredAt }));

describe('parseStreamMessage', () => {
  it('accepts an event dated within the allowed skew ahead of the clock', () => {
    const parsed = parseStreamMessage(message('2026-06-01T12:04:59.000Z'), layout, undefined, bound);
    expect(parsed).toMatchObject({ ok: true, event: { eventMs: NOW + 299_000, dedupeId: 'pay_1' } });
  });

  it('accepts events from the past however old, since late events are the window aggregates’ job', () => {
    expect(parseStreamMessage(message('2025-01-01T00:00:00.000Z'), layout, undefined, bound).ok).toBe(true);
  });

  it('refuses an event dated more than the allowed skew ahead, naming the field and the skew', () => {
    const parsed = parseStreamMessage(message('2027-06-01T12:00:00.000Z'), layout, undefined, bound);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toBe(
      "occurred_at 2027-06-01T12:00:00.000Z is 31536000 s ahead of the consumer's clock (at most 300 s accepted)",
    );
  });

  it('uses the configured bound, not the default', () => {
    const tight = { nowMs: NOW, maxFutureSkewMs: 1_000 };
    expect(parseStreamMessage(message('2026-06-01T12:00:01.000Z'), layout, undefined, tight).ok).toBe(true);
    expect(parseStreamMessage(message('2026-06-01T12:00:02.000Z'), layout, undefined, tight).ok).toBe(false);
  });

  it('does not bound event time when no bound is given (offline replays)', () => {
    expect(parseStreamMessage(message('2030-01-01T00:00:00.000Z'), layout).ok).toBe(true);
  });
});
