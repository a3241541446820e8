import { MODEL_CLASSES } from '@payments-mlops/contracts';
import { loggedPolicyLabels, PAYMENT_ROW_COLUMNS, sqlTime, stringColumn, type ColumnsByName, type ModelPipeline, type TrainingWindow } from './pipeline.js';

const STRATEGIES: readonly string[] = MODEL_CLASSES.retry;
export const DO_NOT_RETRY = STRATEGIES.indexOf('do_not_retry');
const BACKOFF = STRATEGIES.indexOf('backoff_hours');

/**
 * Retry strategy: each declined attempt whose retry outcome is known. The platform drew the
 * strategy at random (the logging policy), so among the retries that succeeded, how often each
 * strategy appears for similar declines is proportional to its success rate: the model learns
 * P(strategy | success, features), whose argmax is the strategy most likely to succeed. A failed
 * retry of a hard decline teaches `do_not_retry`; a failed soft retry teaches nothing about which
 * strategy works, and only counts in the off-policy evaluation.
 */
export const retryPipeline: ModelPipeline = {
  task: 'retry',
  rowKey: 'payment_id',
  entityRowsSql: ({ startMs, endMs }: TrainingWindow) =>
    `SELECT ${PAYMENT_ROW_COLUMNS}, p.retry_outcome_strategy, p.retry_succeeded, p.retry_outcome_at ` +
    `FROM fct_payments p WHERE p.status = 'failed' AND p.retry_outcome_strategy IS NOT NULL ` +
    `AND p.occurred_at >= ${sqlTime(startMs)} AND p.occurred_at < ${sqlTime(endMs)}`,
  labels: (columns, { asOfMs }) => {
    const declineType = stringColumn(columns, 'decline_type');
    return loggedPolicyLabels(columns, asOfMs, {
      classes: STRATEGIES,
      action: 'retry_outcome_strategy',
      succeeded: 'retry_succeeded',
      outcomeAt: 'retry_outcome_at',
      teach: (row, action, succeeded) => (succeeded ? action : declineType[row] === 'hard' ? DO_NOT_RETRY : Number.NaN),
    });
  },
  baseline: (columns: ColumnsByName) => Int32Array.from(stringColumn(columns, 'decline_type'), (type) => (type === 'hard' ? DO_NOT_RETRY : BACKOFF)),
  override: (columns: ColumnsByName) => Int32Array.from(stringColumn(columns, 'decline_type'), (type) => (type === 'hard' ? DO_NOT_RETRY : -1)),
};
