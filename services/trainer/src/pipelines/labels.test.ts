import { DAY_MS } from '@payments-mlops/feature-store';
import { describe, expect, it } from 'vitest';
import { trainingWindow } from '../domain/training-set.js';
import { CHURN_HORIZON_DAYS, churnTarget } from './churn.js';
import { fraudTarget } from './fraud.js';
import type { ModelConfig } from './model-config.js';

const asOf = Date.UTC(2026, 3, 1);

describe('label delay', () => {
  it('ends the fraud window label.delay_days before the cut-off, so unripe payments are not negatives', () => {
    const window = trainingWindow({ label: { delay_days: 30, definition: '' }, window: { days: 60 } } as ModelConfig, asOf);
    expect(window).toEqual({ startMs: asOf - 90 * DAY_MS, endMs: asOf - 30 * DAY_MS, asOfMs: asOf });
  });

  it('counts a fraud label only when it is known at the cut-off', () => {
    const labeledAt = new Float64Array([asOf - DAY_MS, asOf, asOf + 1, Number.NaN]);
    expect([...fraudTarget(labeledAt, asOf)]).toEqual([1, 1, 0, 0]);
  });

  it('counts churn within the horizon after the failed renewal, and only when known at the cut-off', () => {
    const event = asOf - 40 * DAY_MS;
    // The last row churns within its horizon, but after the cut-off: not known yet.
    const events = new Float64Array([event, event, event, asOf - 10 * DAY_MS]);
    const churnedAt = new Float64Array([event + DAY_MS, event + (CHURN_HORIZON_DAYS + 1) * DAY_MS, Number.NaN, asOf + DAY_MS]);
    expect([...churnTarget(events, churnedAt, asOf)]).toEqual([1, 0, 0, 0]);
  });
});
