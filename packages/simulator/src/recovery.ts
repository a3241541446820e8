import { RECOVERY_ACTIONS, type DeclineCode, type RecoveryAction } from '@payments-mlops/contracts';
import { DAY_MS, nextPaydayAt } from './calendar.js';
import { usableCard } from './cards.js';
import type { AttemptResult, AttemptSpec, SimulationContext } from './context.js';
import type { Card, Customer, Subscription } from './entities.js';
import { churnEvent, recoveryOutcomeEvent } from './outcome-events.js';

/** A renewal past dunning, and how its subscription carries on once the money is in. */
export interface FailedRenewal {
  subscription: Subscription;
  resume(): void;
}

type DeclineGroup = 'funds' | 'transient' | 'risk' | 'expired' | 'compromised' | 'invalid';

function groupOf(code: DeclineCode): DeclineGroup {
  switch (code) {
    case 'insufficient_funds':
      return 'funds';
    case 'processing_error':
    case 'try_again_later':
    case 'issuer_not_available':
      return 'transient';
    case 'do_not_honor':
      return 'risk';
    case 'expired_card':
      return 'expired';
    case 'stolen_card':
    case 'lost_card':
    case 'pickup_card':
      return 'compromised';
    case 'incorrect_number':
    case 'do_not_try_again':
      return 'invalid';
  }
}

/** Days until the outcome of an action is known: the window the platform waits for it to work. */
const HORIZON_DAYS: Record<RecoveryAction, [number, number]> = {
  retry: [3, 5],
  card_update_request: [1, 10],
  reminder_email: [1, 7],
  alternative_payment_method: [1, 7],
  none: [7, 7],
};

function hasAlternative(customer: Customer, card: Card | null): boolean {
  return customer.hasPaypal || customer.hasBankDebit || customer.cards.some((c) => c !== card);
}

/**
 * How likely an action recovers a failed payment. Retrying works for transient problems and, after
 * a payday, for insufficient funds; a card update fixes expired and replaced cards; reminders and
 * alternative methods depend on how engaged the customer is. No single action is best for everyone.
 */
export function recoveryProbability(
  action: RecoveryAction,
  code: DeclineCode,
  customer: Customer,
  card: Card | null,
  at: number,
  resolvesAt: number,
): number {
  const engagement = customer.engagement;
  const paid = nextPaydayAt(at, customer.paySchedule) < resolvesAt;
  const group = groupOf(code);
  let p: number;
  switch (action) {
    case 'retry':
      p = { funds: paid ? 0.7 : 0.15, transient: 0.8, risk: 0.3, expired: 0.02, compromised: 0, invalid: 0 }[group];
      break;
    case 'card_update_request':
      p = { funds: 0.1, transient: 0.25, risk: 0.25, expired: 0.85, compromised: 0.75, invalid: 0.65 }[group] * (0.3 + 0.8 * engagement);
      break;
    case 'reminder_email':
      p = { funds: paid ? 0.45 : 0.2, transient: 0.3, risk: 0.2, expired: 0.3, compromised: 0.25, invalid: 0.2 }[group] * (0.4 + 0.8 * engagement);
      break;
    case 'alternative_payment_method':
      p = { funds: 0.25, transient: 0.35, risk: 0.45, expired: 0.45, compromised: 0.5, invalid: 0.45 }[group] *
        (0.5 + 0.6 * engagement) * (hasAlternative(customer, card) ? 1 : 0.3);
      break;
    case 'none':
      p = { funds: paid ? 0.12 : 0.05, transient: 0.1, risk: 0.03, expired: 0.03, compromised: 0.03, invalid: 0.03 }[group];
      break;
  }
  return Math.min(0.95, Math.max(0, p));
}

/**
 * The platform's current recovery policy, which picks actions at random so that their effects can
 * be learned (the recovery model's training data is this logging policy's record).
 */
function chooseAction(context: SimulationContext): RecoveryAction {
  return context.random.pick(RECOVERY_ACTIONS);
}

/** How the recovered money comes in, given the action that worked. */
function recoveringSpec(spec: AttemptSpec, customer: Customer, action: RecoveryAction, at: number): AttemptSpec {
  const fresh = usableCard(customer, at);
  const viaOtherMethod = action === 'alternative_payment_method' || (action !== 'retry' && !fresh);
  if (viaOtherMethod) {
    const other = customer.cards.find((c) => c !== spec.card && !c.closed && at < c.blockedAt);
    if (other) return { ...spec, method: 'card', card: other, storedCredential: false };
    const method = customer.hasBankDebit ? (customer.country === 'US' ? 'ach_debit' : 'sepa_debit') : 'paypal';
    return { ...spec, method, card: null, storedCredential: false };
  }
  if (action === 'retry' || !fresh) return spec;
  return { ...spec, method: spec.method === 'card' ? 'card' : spec.method, card: spec.card ? fresh : null, storedCredential: false };
}

/**
 * A failed payment (a one-off the customer gave up on, or a renewal past dunning) gets a recovery
 * action; its outcome is known when it works or when the action's window closes. An unrecovered
 * renewal ends the subscription: involuntary churn.
 */
export function startRecovery(
  context: SimulationContext,
  spec: AttemptSpec,
  failed: AttemptResult,
  renewal: FailedRenewal | null,
): void {
  const subscription = renewal?.subscription ?? null;
  const { random } = context;
  const customer = spec.customer;
  if (!customer || !failed.decline) return;
  const action = chooseAction(context);
  const [minDays, maxDays] = HORIZON_DAYS[action];
  const windowEnd = spec.at + random.range(minDays, maxDays) * DAY_MS;
  const recovered = random.chance(recoveryProbability(action, failed.decline, customer, spec.card, spec.at, windowEnd));
  const at = recovered ? spec.at + random.range(0.15, 1) * (windowEnd - spec.at) : windowEnd;
  context.schedule(at, () => {
    if (!recovered) {
      context.emitLabel(recoveryOutcomeEvent(context, failed, action, null, at), customer.id, at);
      if (subscription && subscription.status === 'active') {
        subscription.status = 'churned';
        subscription.endedAt = at;
        context.emitLabel(churnEvent(context, customer.id, subscription.id, 'involuntary', at), customer.id, at);
      }
      return;
    }
    // A retry goes through the original channel; the other actions bring the customer to pay online.
    const online = action !== 'retry';
    const payment: AttemptSpec = {
      ...recoveringSpec(spec, customer, action, at),
      at,
      paymentType: 'retry',
      channel: online ? 'web' : spec.channel,
      deviceId: online ? (customer.devices[0]?.id ?? null) : spec.deviceId,
      ipCountry: online ? customer.country : spec.ipCountry,
      billingCountry: customer.country,
      chain: { originalPaymentId: failed.originalPaymentId, attemptNumber: failed.attemptNumber + 1 },
      outcome: null,
    };
    const result = context.attempt(payment);
    context.emitLabel(recoveryOutcomeEvent(context, failed, action, result.amountCents, at), customer.id, at);
    if (payment.card) payment.card.storedValidUntil = payment.card.expiresAt;
    if (subscription && subscription.status === 'active') {
      if (payment.card) subscription.card = payment.card;
      renewal?.resume();
    }
  });
}
