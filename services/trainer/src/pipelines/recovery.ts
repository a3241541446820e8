import { HARD_DECLINE_CODES, MODEL_CLASSES } from '@payments-mlops/contracts';
import { AFTER_PAYMENT_ROW_COLUMNS, loggedPolicyLabels, sqlTime, stringColumn, type ColumnsByName, type ModelPipeline, type TrainingWindow } from './pipeline.js';

const ACTIONS: readonly string[] = MODEL_CLASSES.recovery;
const HARD: ReadonlySet<string> = new Set(HARD_DECLINE_CODES);

/**
 * Recovery action: each failed payment or renewal that got a recovery action. The action was
 * drawn at random, so, as for retries, the recovered ones teach P(action | recovered, features),
 * proportional to each action's recovery probability; serving weighs it by the amount at stake.
 */
export const recoveryPipeline: ModelPipeline = {
  task: 'recovery',
  rowKey: 'payment_id',
  entityRowsSql: ({ startMs, endMs }: TrainingWindow) =>
    `SELECT ${AFTER_PAYMENT_ROW_COLUMNS}, p.recovery_action, p.recovered, p.recovery_outcome_at ` +
    `FROM fct_payments p WHERE p.status = 'failed' AND p.recovery_action IS NOT NULL ` +
    `AND p.occurred_at >= ${sqlTime(startMs)} AND p.occurred_at < ${sqlTime(endMs)}`,
  labels: (columns, { asOfMs }) =>
    loggedPolicyLabels(columns, asOfMs, {
      classes: ACTIONS,
      action: 'recovery_action',
      succeeded: 'recovered',
      outcomeAt: 'recovery_outcome_at',
      teach: (_row, action, recovered) => (recovered ? action : Number.NaN),
    }),
  baseline: recoveryRule,
};

/** The mock's rule: an expired card asks for an update, other hard declines another method, soft ones a retry. */
export function recoveryRule(columns: ColumnsByName): Int32Array {
  const code = stringColumn(columns, 'decline_code');
  return Int32Array.from(code, (value) =>
    ACTIONS.indexOf(value === 'expired_card' ? 'card_update_request' : value !== null && HARD.has(value) ? 'alternative_payment_method' : 'retry'),
  );
}
