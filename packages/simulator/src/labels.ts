import type { FraudLabelEvent, PaymentEvent } from '@payments-mlops/contracts';
import { DAY_MS } from './calendar.js';
import { FRAUD_REASON_CODES } from './catalog.js';
import type { FraudPattern, SimulationContext } from './context.js';
import { blockCard } from './declines.js';
import type { Card, Customer } from './entities.js';
import { replaceCard } from './cards.js';

/** Share of successful fraudulent payments that ever get a label (victims miss small charges). */
const LABEL_PROBABILITY: Record<FraudPattern, number> = {
  card_testing: 0.9,
  account_takeover: 0.85,
  stolen_card: 0.85,
  wallet_provisioning: 0.85,
};
/** Card-testing probes are cents: most cardholders never dispute them. */
const PROBE_LABEL_PROBABILITY = 0.35;
/** Legitimate payments disputed as fraud anyway ("friendly fraud"): label noise. */
export const FRIENDLY_FRAUD_PROBABILITY = 0.00025;

type FraudSource = FraudLabelEvent['source'];

/** Days from payment to label, by source: chargebacks take weeks, fraud reports days. */
function labelDelayMs(context: SimulationContext, source: FraudSource): number {
  const { random } = context;
  switch (source) {
    case 'chargeback':
      return Math.min(90, Math.max(4, random.logNormal(18, 0.5))) * DAY_MS;
    case 'fraud_report':
      return Math.min(20, Math.max(0.25, random.logNormal(3, 0.7))) * DAY_MS;
    case 'manual_review':
      return random.range(0.1, 2) * DAY_MS;
  }
}

function labelEvent(context: SimulationContext, payment: PaymentEvent, source: FraudSource, at: number): FraudLabelEvent {
  return {
    event_id: context.ids.uuid(),
    schema_version: 1,
    occurred_at: new Date(at).toISOString(),
    label_type: 'fraud',
    payment_id: payment.payment_id,
    source,
    reason_code: source === 'chargeback' && payment.card_brand ? (FRAUD_REASON_CODES[payment.card_brand] ?? null) : null,
  };
}

function chooseSource(context: SimulationContext, payment: PaymentEvent, pattern: FraudPattern | null): FraudSource {
  const { random } = context;
  if (pattern === null) return 'chargeback';
  if (payment.amount_cents > 50_000 && random.chance(0.25)) return 'manual_review';
  if (pattern === 'account_takeover') return random.chance(0.6) ? 'fraud_report' : 'chargeback';
  return random.chance(0.82) ? 'chargeback' : 'fraud_report';
}

/**
 * Schedules the labels a successful payment will receive: fraudulent ones mostly, legitimate ones
 * rarely. When the first label lands the issuer blocks a stolen card, and its owner gets a new one.
 */
export function scheduleFraudLabels(
  context: SimulationContext,
  payment: PaymentEvent,
  pattern: FraudPattern | null,
  card: Card | null,
  isProbe: boolean,
): void {
  const { random } = context;
  const probability = pattern === null ? FRIENDLY_FRAUD_PROBABILITY : isProbe ? PROBE_LABEL_PROBABILITY : LABEL_PROBABILITY[pattern];
  if (!random.chance(probability)) return;
  const paidAt = Date.parse(payment.occurred_at);
  const source = chooseSource(context, payment, pattern);
  const firstAt = paidAt + labelDelayMs(context, source);
  context.schedule(firstAt, () => context.emitLabel(labelEvent(context, payment, source, firstAt), payment.customer_id, firstAt));
  // Some disputes are reported first and charged back later, on the chargeback's own clock.
  if (source !== 'chargeback' && random.chance(0.15)) {
    const laterAt = Math.max(paidAt + labelDelayMs(context, 'chargeback'), firstAt + random.range(1, 5) * DAY_MS);
    context.schedule(laterAt, () => context.emitLabel(labelEvent(context, payment, 'chargeback', laterAt), payment.customer_id, laterAt));
  }
  if (pattern !== null && card && card.ownerIndex >= 0) {
    const owner = context.population.customers[card.ownerIndex] as Customer;
    context.schedule(firstAt, () => {
      blockCard(random, card, firstAt, 'stolen');
      replaceCard(context, owner, card, firstAt);
    });
  }
}
