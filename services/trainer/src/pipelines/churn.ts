import { DAY_MS } from '@payments-mlops/feature-store';
import { knownBy, numericColumn, AFTER_PAYMENT_ROW_COLUMNS, sqlTime, stringColumn, type ColumnsByName, type ModelPipeline, type TrainingWindow } from './pipeline.js';

/** Involuntary churn counts when it happens within this long after the failed renewal. */
export const CHURN_HORIZON_DAYS = 30;

/**
 * Churn, per customer and date: each failed subscription renewal of the window, scored as of
 * its time; positive when the subscription ends involuntarily within the next 30 days (and that
 * end is known at the cut-off). label.delay_days is at least the horizon, so every row's 30 days
 * are over by the cut-off.
 */
export const churnPipeline: ModelPipeline = {
  task: 'churn',
  rowKey: 'payment_id',
  entityRowsSql: ({ startMs, endMs }: TrainingWindow) =>
    `SELECT ${AFTER_PAYMENT_ROW_COLUMNS}, p.subscription_id, ` +
    `(SELECT min(c.occurred_at) FROM churn_events c WHERE c.subscription_id = p.subscription_id ` +
    `AND c.churn_type = 'involuntary' AND c.occurred_at >= p.occurred_at) AS churned_at ` +
    `FROM fct_payments p WHERE p.payment_type = 'subscription_renewal' AND p.status = 'failed' ` +
    `AND p.occurred_at >= ${sqlTime(startMs)} AND p.occurred_at < ${sqlTime(endMs)}`,
  labels: (columns, { asOfMs }) => ({
    target: churnTarget(numericColumn(columns, 'event_timestamp'), numericColumn(columns, 'churned_at'), asOfMs),
  }),
  baseline: churnRuleScore,
};

export function churnTarget(eventMs: Float64Array, churnedAtMs: Float64Array, asOfMs: number): Float64Array {
  return Float64Array.from(eventMs, (event, row) => {
    const churned = churnedAtMs[row]!;
    return knownBy(churned, asOfMs) && churned - event <= CHURN_HORIZON_DAYS * DAY_MS ? 1 : 0;
  });
}

/** The mock's rule: a hard decline, repeated declines or a customer short of money is a churn risk. */
export function churnRuleScore(columns: ColumnsByName): Float64Array {
  const declineType = stringColumn(columns, 'decline_type');
  const declineCode = stringColumn(columns, 'decline_code');
  const declines = numericColumn(columns, 'customer_declines_7d');
  const failureRate = numericColumn(columns, 'customer_failure_rate_30d');
  return Float64Array.from(declineType, (type, row) => {
    let points = type === 'hard' ? 3 : 0;
    if (declineCode[row] === 'insufficient_funds') points += 1;
    if (declines[row]! >= 2) points += 1;
    if (failureRate[row]! > 0.3) points += 1;
    return points;
  });
}
