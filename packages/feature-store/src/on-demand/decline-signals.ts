import { HARD_DECLINE_CODES } from '@payments-mlops/contracts';
import { HOUR_MS } from '../definitions/duration.js';
import { numberOrNull, stringOrNull, type OnDemandInputs, type OnDemandTransformation } from './transformation.js';

const HARD_DECLINES = new Set<string>(HARD_DECLINE_CODES);

/**
 * What the retry and recovery models know about a decline: whether it is hard (never retried),
 * whether the card declined the same way last time, how recently it failed, and where in the month
 * we are (salaries land around the 1st and the 15th, which is what payday-aligned retries exploit).
 */
export const declineSignals: OnDemandTransformation = {
  name: 'decline_signals',
  description: 'Hard decline, repeated decline code, hours since the card last failed, day of month.',
  requestInputs: ['decline_code', 'attempt_number'],
  featureInputs: ['card_last_decline_code', 'card_last_failure_at'],
  outputs: [
    { name: 'is_hard_decline', dtype: 'Bool' },
    { name: 'repeats_last_decline_code', dtype: 'Bool' },
    { name: 'hours_since_last_card_failure', dtype: 'Float64' },
    { name: 'is_first_attempt', dtype: 'Bool' },
    { name: 'day_of_month', dtype: 'Int64' },
  ],
  compute(inputs: OnDemandInputs, asOfMs: number) {
    const declineCode = stringOrNull(inputs.decline_code);
    const lastDeclineCode = stringOrNull(inputs.card_last_decline_code);
    const lastFailureAt = numberOrNull(inputs.card_last_failure_at);
    const attempt = numberOrNull(inputs.attempt_number);
    return {
      is_hard_decline: declineCode === null ? null : HARD_DECLINES.has(declineCode),
      repeats_last_decline_code: declineCode === null || lastDeclineCode === null ? null : declineCode === lastDeclineCode,
      hours_since_last_card_failure: lastFailureAt === null ? null : Math.max(0, asOfMs - lastFailureAt) / HOUR_MS,
      is_first_attempt: attempt === null ? null : attempt <= 1,
      day_of_month: new Date(asOfMs).getUTCDate(),
    };
  },
};
