import { knownBy, numericColumn, PAYMENT_ROW_COLUMNS, sampledBy, sqlTime, stringColumn, type ColumnsByName, type ModelPipeline, type TrainingWindow } from './pipeline.js';

/**
 * Fraud at payment time: every attempt of the window; positive when a chargeback, fraud report
 * or manual review about it is known at the cut-off. The window ends label.delay_days before the
 * cut-off, so a payment too recent to have been charged back yet is not taken for a negative.
 */
export const fraudPipeline: ModelPipeline = {
  task: 'fraud',
  rowKey: 'payment_id',
  entityRowsSql: ({ startMs, endMs, asOfMs }: TrainingWindow, config) => {
    const rate = config.window.negative_sample_rate;
    const sampled = rate === undefined || rate >= 1 ? '' : ` AND (p.fraud_labeled_at <= ${sqlTime(asOfMs)} OR ${sampledBy('p.payment_id', rate)})`;
    return (
      `SELECT ${PAYMENT_ROW_COLUMNS}, p.fraud_labeled_at FROM fct_payments p ` +
      `WHERE p.occurred_at >= ${sqlTime(startMs)} AND p.occurred_at < ${sqlTime(endMs)}${sampled}`
    );
  },
  labels: (columns, { asOfMs }, config) => {
    const target = fraudTarget(numericColumn(columns, 'fraud_labeled_at'), asOfMs);
    const rate = config.window.negative_sample_rate;
    return rate === undefined || rate >= 1 ? { target } : { target, weight: Float64Array.from(target, (label) => (label === 1 ? 1 : 1 / rate)) };
  },
  baseline: fraudRuleScore,
};

/** 1 when a fraud label is known at asOf, else 0 (the window already left out unripe rows). */
export function fraudTarget(labeledAt: Float64Array, asOfMs: number): Float64Array {
  return Float64Array.from(labeledAt, (time) => (knownBy(time, asOfMs) ? 1 : 0));
}

/**
 * The rule-based mock's fraud score: points for a large amount, velocity on the customer and the
 * card, recent declines on the card, a country mismatch, a new device and guest checkout.
 */
export function fraudRuleScore(columns: ColumnsByName): Float64Array {
  const amount = numericColumn(columns, 'amount_cents');
  const velocity = numericColumn(columns, 'customer_payments_1h');
  const cardVelocity = numericColumn(columns, 'card_payments_1h');
  const cardDeclines = numericColumn(columns, 'card_declines_1h');
  const mismatch = numericColumn(columns, 'ip_card_country_mismatch');
  const newDevice = numericColumn(columns, 'is_new_device');
  const guest = numericColumn(columns, 'is_guest_checkout');
  const channel = stringColumn(columns, 'channel');
  const score = new Float64Array(amount.length);
  for (let row = 0; row < score.length; row++) {
    let points = 0;
    if (amount[row]! >= 100_000) points += 2;
    else if (amount[row]! >= 30_000) points += 1;
    if (velocity[row]! >= 4) points += 2;
    if (cardVelocity[row]! >= 4) points += 2;
    if (cardDeclines[row]! >= 2) points += 2;
    if (mismatch[row] === 1) points += 1;
    if (newDevice[row] === 1) points += 1;
    if (guest[row] === 1) points += 1;
    if (channel[row] !== 'in_store') points += 0.5;
    score[row] = points;
  }
  return score;
}
