import type {
  Channel,
  DeclineCode,
  LabelEvent,
  PaymentEvent,
  PaymentMethodType,
  PaymentType,
} from '@payments-mlops/contracts';
import type { Card, Customer, Merchant } from './entities.js';
import type { IdFactory } from './ids.js';
import type { DriftSchedule } from './params.js';
import type { Population } from './population.js';
import type { Random } from './random.js';

/** The fraud scheme behind a payment: ground truth, never written to the warehouse. */
export type FraudPattern = 'card_testing' | 'account_takeover' | 'stolen_card' | 'wallet_provisioning';

/** What the simulation produces, in time order. */
export type SimulatedRecord =
  /** `at` is the event's occurred_at in epoch milliseconds. */
  | { kind: 'payment'; at: number; event: PaymentEvent; fraud: FraudPattern | null }
  /** `customerId` keys the label on Kafka, so it lands in the partition of the customer's payments. */
  | { kind: 'label'; at: number; event: LabelEvent; customerId: string };

/** One payment attempt to make: who, where, with what, and how it relates to earlier attempts. */
export interface AttemptSpec {
  at: number;
  customerId: string;
  /** The registered customer shopping, or null for a fraudster's guest checkout. */
  customer: Customer | null;
  /** Whose money pays: the customer, or the owner of a stolen card. */
  holder: Customer | null;
  merchant: Merchant;
  method: PaymentMethodType;
  card: Card | null;
  deviceId: string | null;
  subscriptionId: string | null;
  usdCents: number;
  channel: Channel;
  isGuest: boolean;
  ipCountry: string | null;
  billingCountry: string | null;
  paymentType: PaymentType;
  /** The chain this attempt continues; null for a first attempt. */
  chain: { originalPaymentId: string; attemptNumber: number } | null;
  storedCredential: boolean;
  manualEntry: boolean;
  fraud: FraudPattern | null;
  extraDoNotHonor: number;
  /** A decided outcome (fraud scripts, recoveries, retries of hard declines); undefined asks the issuer. */
  outcome?: DeclineCode | null;
}

export interface AttemptResult {
  paymentId: string;
  originalPaymentId: string;
  attemptNumber: number;
  amountCents: number;
  decline: DeclineCode | null;
}

/** What the behaviour modules (shopping, fraud, subscriptions, recovery) act through. */
export interface SimulationContext {
  readonly random: Random;
  readonly ids: IdFactory;
  readonly population: Population;
  readonly drift: DriftSchedule;
  schedule(at: number, run: () => void): void;
  /** Authorizes (unless the spec decides) and emits the payment event; schedules its fraud labels. */
  attempt(spec: AttemptSpec): AttemptResult;
  emitLabel(event: LabelEvent, customerId: string, at: number): void;
}

/** The next attempt of the same payment: same details, a later time, the chain continued. */
export function retryOf(spec: AttemptSpec, previous: AttemptResult, at: number): AttemptSpec {
  return {
    ...spec,
    at,
    paymentType: 'retry',
    chain: { originalPaymentId: previous.originalPaymentId, attemptNumber: previous.attemptNumber + 1 },
    outcome: undefined,
  };
}
