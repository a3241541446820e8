import { RECOVERY_ACTIONS, type RankedRecoveryAction, type RecoveryAction } from '@payments-mlops/contracts';

/**
 * What each action costs the merchant in minor units (a message, a processor fee, support time):
 * defaults for a typical merchant, overridden by RECOVERY_ACTION_COSTS_CENTS.
 */
export const DEFAULT_ACTION_COSTS_CENTS: Readonly<Record<RecoveryAction, number>> = {
  retry: 10,
  card_update_request: 25,
  reminder_email: 5,
  alternative_payment_method: 40,
  none: 0,
};

/**
 * Candidate actions by expected value, best first: the recovery model's probability for each
 * action times the amount, minus the action's cost. Ties keep the contract's action order.
 */
export function rankRecoveryActions(
  probabilities: ArrayLike<number>,
  amountCents: number,
  candidates: readonly RecoveryAction[] | null | undefined,
  costs: Readonly<Record<RecoveryAction, number>>,
): RankedRecoveryAction[] {
  const allowed = candidates ?? RECOVERY_ACTIONS;
  const ranked = allowed.map((action) => {
    const probability = clampProbability(probabilities[RECOVERY_ACTIONS.indexOf(action)] ?? 0);
    return { action, recovery_probability: probability, expected_value_cents: Math.round(probability * amountCents - costs[action]) };
  });
  return ranked.sort((a, b) => b.expected_value_cents - a.expected_value_cents || RECOVERY_ACTIONS.indexOf(a.action) - RECOVERY_ACTIONS.indexOf(b.action));
}

/** float32 softmax can land a hair outside [0, 1]. */
export function clampProbability(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
