import { declineTypeOf, type LabelEvent, type PaymentEvent } from '@payments-mlops/contracts';
import { DAY_MS, MAX_SESSION_INTENSITY, sessionIntensity } from './calendar.js';
import { toMinorUnits } from './catalog.js';
import type { AttemptResult, AttemptSpec, SimulatedRecord, SimulationContext } from './context.js';
import { authorize } from './declines.js';
import { EventQueue } from './event-queue.js';
import {
  FRAUD_SESSION_RATES,
  runAccountTakeover,
  runCardTesting,
  runStolenCardPurchase,
  runWalletProvisioning,
} from './fraud.js';
import { IdFactory } from './ids.js';
import { scheduleFraudLabels } from './labels.js';
import { DriftSchedule, SimulationOptions, type ResolvedSimulationOptions } from './params.js';
import { buildPopulation, type Population } from './population.js';
import { Random } from './random.js';
import { runShoppingSession } from './shopping.js';
import { runSignup, scheduleFirstRenewal } from './subscriptions.js';

/** Shopping sessions a customer starts per day, on average. */
const SESSIONS_PER_CUSTOMER_DAY = 0.3;
/** Customers in a stream run when none is given. */
const DEFAULT_STREAM_CUSTOMERS = 50_000;
/**
 * Payment events per shopping session and per renewal, retries and attacks included (measured on
 * 1,000,000-event runs). They turn an event budget into arrival rates.
 */
const EVENTS_PER_SESSION = 1.075;
const EVENTS_PER_RENEWAL = 1.12;
/** New subscriptions per month, as a share of the initial ones: about what churn takes away. */
const MONTHLY_SIGNUP_RATE = 0.045;

const MEAN_SESSION_INTENSITY = (() => {
  let sum = 0;
  for (let hour = 0; hour < 7 * 24; hour++) sum += sessionIntensity(hour * 3_600_000);
  return sum / (7 * 24);
})();

/**
 * The payment simulator: a discrete-event simulation of customers, merchants, cards, devices and
 * subscriptions, yielding payment events and the labels they earn, in time order. The same
 * options (seed included) always give the same records; no wall clock, no Math.random.
 */
export class PaymentSimulation implements SimulationContext, Iterable<SimulatedRecord> {
  readonly options: ResolvedSimulationOptions;
  readonly random: Random;
  readonly ids: IdFactory;
  readonly population: Population;
  readonly drift: DriftSchedule;
  /** Mean shopping sessions per simulated day. */
  readonly sessionsPerDay: number;
  /** Time of the latest record handed out. */
  now: number;
  private readonly queue = new EventQueue();
  private buffer: SimulatedRecord[] = [];
  private bufferHead = 0;
  private payments = 0;
  private readonly paymentLimit: number;
  private closed = false;
  /** Mean time between session candidates, and when the next one comes. */
  private readonly sessionGapMs: number;
  private nextSessionAt: number;

  /** Throws a ZodError naming the option at fault when the options are impossible. */
  constructor(input: SimulationOptions) {
    const options = SimulationOptions.parse(input);
    this.options = options;
    const { seed, startMs, days, events } = options;
    const customers =
      options.customers ??
      (events === undefined
        ? DEFAULT_STREAM_CUSTOMERS
        : Math.min(5_000_000, Math.max(20, Math.round(events / days / SESSIONS_PER_CUSTOMER_DAY))));
    this.population = buildPopulation(new Random(seed, 1), { customers, startMs, horizonDays: days });
    this.random = new Random(seed, 2);
    this.ids = new IdFactory(seed, startMs);
    this.drift = new DriftSchedule(options.drifts, startMs);
    this.now = startMs;
    this.paymentLimit = events ?? Infinity;
    const initialSubscriptions = this.population.subscriptions.length;
    const renewalsPerDay = initialSubscriptions / 30.44;
    const signupsPerDay = (initialSubscriptions * MONTHLY_SIGNUP_RATE) / 30.44;
    this.sessionsPerDay =
      events === undefined
        ? customers * SESSIONS_PER_CUSTOMER_DAY
        : Math.max(1, (events / days - renewalsPerDay * EVENTS_PER_RENEWAL - signupsPerDay) / EVENTS_PER_SESSION);
    for (const subscription of this.population.subscriptions) scheduleFirstRenewal(this, subscription);
    this.sessionGapMs = (DAY_MS * MEAN_SESSION_INTENSITY) / (this.sessionsPerDay * MAX_SESSION_INTENSITY);
    this.nextSessionAt = startMs + this.random.exponential(this.sessionGapMs);
    if (signupsPerDay > 0) this.scheduleSignup(startMs, signupsPerDay);
  }

  schedule(at: number, run: () => void): void {
    this.queue.schedule(at, run);
  }

  /** The next record in time order, or undefined once the event budget is spent. */
  next(): SimulatedRecord | undefined {
    while (this.bufferHead >= this.buffer.length) {
      if (this.payments >= this.paymentLimit) return undefined;
      this.buffer.length = 0;
      this.bufferHead = 0;
      // Session arrivals are the most frequent happening: kept beside the agenda, not in it.
      if (this.nextSessionAt <= this.queue.peekTime()) {
        const at = this.nextSessionAt;
        this.nextSessionAt = at + this.random.exponential(this.sessionGapMs);
        this.runSessionCandidate(at);
        continue;
      }
      const task = this.queue.pop();
      if (!task) return undefined;
      task.run();
    }
    const record = this.buffer[this.bufferHead++] as SimulatedRecord;
    this.now = record.at;
    return record;
  }

  *[Symbol.iterator](): Iterator<SimulatedRecord> {
    for (let record = this.next(); record; record = this.next()) yield record;
  }

  /** Payment events handed out or buffered so far. */
  get paymentCount(): number {
    return this.payments;
  }

  attempt(spec: AttemptSpec): AttemptResult {
    // Event times are whole milliseconds, as occurred_at carries them.
    const at = Math.floor(spec.at);
    const decline =
      spec.outcome !== undefined
        ? spec.outcome
        : authorize(this.random, {
            at,
            holder: spec.holder,
            card: spec.card,
            method: spec.method,
            usdCents: spec.usdCents,
            merchant: spec.merchant,
            storedCredential: spec.storedCredential,
            manualEntry: spec.manualEntry,
            crossBorder: spec.card !== null && (spec.card.country !== spec.merchant.country || (spec.ipCountry !== null && spec.ipCountry !== spec.card.country)),
            extraDoNotHonor: spec.extraDoNotHonor,
          });
    const paymentId = this.ids.paymentId();
    const originalPaymentId = spec.chain?.originalPaymentId ?? paymentId;
    const attemptNumber = spec.chain?.attemptNumber ?? 1;
    const amountCents = toMinorUnits(spec.usdCents, spec.merchant.currency);
    const card = spec.method === 'card' || spec.method === 'apple_pay' || spec.method === 'google_pay' ? spec.card : null;
    const event: PaymentEvent = {
      event_id: this.ids.uuid(),
      schema_version: 1,
      payment_id: paymentId,
      original_payment_id: originalPaymentId,
      attempt_number: attemptNumber,
      payment_type: spec.paymentType,
      customer_id: spec.customerId,
      merchant_id: spec.merchant.id,
      card_id: card?.id ?? null,
      device_id: spec.deviceId,
      subscription_id: spec.subscriptionId,
      amount_cents: amountCents,
      currency: spec.merchant.currency,
      payment_method_type: spec.method,
      card_brand: card?.brand ?? null,
      card_bin: card?.bin ?? null,
      card_country: card?.country ?? null,
      ip_country: spec.ipCountry,
      billing_country: spec.billingCountry,
      merchant_category_code: spec.merchant.category.mcc,
      channel: spec.channel,
      is_guest_checkout: spec.isGuest,
      status: decline === null ? 'succeeded' : 'failed',
      decline_code: decline,
      decline_type: decline === null ? null : declineTypeOf(decline),
      occurred_at: new Date(at).toISOString(),
    };
    this.push({ kind: 'payment', at, event, fraud: spec.fraud });
    if (decline === null) {
      if (spec.customer && spec.fraud === null) {
        spec.customer.payments++;
        spec.customer.spentUsdCents += spec.usdCents;
      }
      if (spec.fraud !== null || card !== null) {
        const probe = spec.fraud === 'card_testing' && spec.usdCents < 500;
        scheduleFraudLabels(this, event, spec.fraud, card, probe);
      }
    }
    return { paymentId, originalPaymentId, attemptNumber, amountCents, decline };
  }

  emitLabel(event: LabelEvent, customerId: string, at: number): void {
    this.push({ kind: 'label', at: Math.floor(at), event, customerId });
  }

  private push(record: SimulatedRecord): void {
    if (this.closed) return;
    if (record.kind === 'payment') {
      // The budget is spent: nothing after the last payment may refer to one that never was.
      if (this.payments >= this.paymentLimit) {
        this.closed = true;
        return;
      }
      this.payments++;
    }
    this.buffer.push(record);
  }

  /**
   * Shopping sessions arrive as a Poisson process thinned by time of day and weekday: candidates
   * come at the peak rate and are kept in proportion to the intensity at their time. Attacks are
   * drawn before the thinning: bots keep no office hours.
   */
  private runSessionCandidate(at: number): void {
    const scale = MEAN_SESSION_INTENSITY / MAX_SESSION_INTENSITY;
    const u = this.random.float() / scale;
    let threshold = FRAUD_SESSION_RATES.cardTesting;
    if (u < threshold) return runCardTesting(this, at);
    threshold += FRAUD_SESSION_RATES.accountTakeover;
    if (u < threshold) return runAccountTakeover(this, at);
    threshold += FRAUD_SESSION_RATES.stolenCard;
    if (u < threshold) return runStolenCardPurchase(this, at);
    threshold += FRAUD_SESSION_RATES.walletProvisioning * this.drift.newFraudPatternRate(at);
    if (u < threshold) return runWalletProvisioning(this, at);
    if (this.random.chance(sessionIntensity(at) / MAX_SESSION_INTENSITY)) runShoppingSession(this, at);
  }

  private scheduleSignup(after: number, perDay: number): void {
    const at = after + this.random.exponential(DAY_MS / perDay);
    this.schedule(at, () => {
      runSignup(this, at);
      this.scheduleSignup(at, perDay);
    });
  }
}
