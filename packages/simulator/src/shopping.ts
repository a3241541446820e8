import { declineTypeOf, type Channel, type DeclineCode, type PaymentMethodType } from '@payments-mlops/contracts';
import { DAY_MS, MINUTE_MS } from './calendar.js';
import { TRAVEL_COUNTRIES } from './catalog.js';
import { replaceCard, usableCard } from './cards.js';
import { retryOf, type AttemptResult, type AttemptSpec, type SimulationContext } from './context.js';
import { blockCard } from './declines.js';
import type { Card, Customer, Merchant } from './entities.js';
import { retryOutcomeEvent } from './outcome-events.js';
import { retryAsPlatform } from './platform-retries.js';
import { startRecovery } from './recovery.js';

/** How many more attempts a customer makes at one purchase before giving up. */
const PATIENCE = 4;
const BLOCKED_CODES = new Set<DeclineCode>(['stolen_card', 'lost_card', 'pickup_card', 'do_not_try_again']);

/** A customer whose account exists at `at`, drawn by purchase activity. */
export function pickActiveCustomer(context: SimulationContext, at: number): Customer | null {
  const { population, random } = context;
  for (let tries = 0; tries < 4; tries++) {
    const customer = population.customers[population.customerSampler.sample(random)] as Customer;
    if (customer.createdAt <= at) return customer;
  }
  return null;
}

export function walletOf(customer: Customer): PaymentMethodType {
  return customer.index % 3 === 0 ? 'google_pay' : 'apple_pay';
}

/** Life happens between purchases: trips abroad, a lost card, a new phone. */
function updateCircumstances(context: SimulationContext, customer: Customer, at: number): void {
  const { random } = context;
  if (at >= customer.travelUntil && random.chance(0.003)) {
    const destinations = TRAVEL_COUNTRIES.filter((c) => c !== customer.country);
    customer.travelCountry = random.pick(destinations);
    customer.travelUntil = at + random.range(2, 14) * DAY_MS;
  }
  const card = customer.cards[0];
  if (card && random.chance(0.0004)) {
    blockCard(random, card, at, 'lost');
    replaceCard(context, customer, card, at);
  }
  if (random.chance(0.004)) customer.devices.unshift({ id: context.ids.next('dev'), mobile: random.chance(0.7) });
}

function purchaseAmountUsdCents(context: SimulationContext, customer: Customer, merchant: Merchant, at: number): number {
  const { random } = context;
  const { medianUsd, amountSigma } = merchant.category;
  const splurge = random.chance(0.03) ? random.range(2, 5) : 1;
  const usd = random.logNormal(medianUsd, amountSigma) * customer.spendScale * splurge * context.drift.amountFactor(at);
  return Math.min(2_000_000, Math.max(50, Math.round(usd * 100)));
}

/** One legitimate purchase by a registered customer. */
export function runShoppingSession(context: SimulationContext, at: number): void {
  const { random, population } = context;
  const customer = pickActiveCustomer(context, at);
  if (!customer) return;
  updateCircumstances(context, customer, at);
  const merchant = (random.chance(0.85)
    ? population.merchants[random.pick(customer.favoriteMerchants)]
    : population.merchants[population.merchantSampler.sample(random)]) as Merchant;
  const inStore = random.chance(merchant.category.inStoreShare);
  const device = customer.devices[random.chance(0.8) ? 0 : random.int(customer.devices.length)];
  const channel: Channel = inStore ? 'in_store' : device?.mobile && random.chance(0.6) ? 'mobile_app' : 'web';
  const primary = usableCard(customer, at);
  const card = primary && random.chance(0.3) ? (customer.cards[random.int(customer.cards.length)] ?? primary) : primary;
  let method: PaymentMethodType;
  if (!card) {
    if (!customer.hasPaypal || inStore) return;
    method = 'paypal';
  } else if (inStore) {
    method = customer.usesWallet && random.chance(0.3) ? walletOf(customer) : 'card';
  } else if (customer.hasPaypal && random.chance(0.2)) {
    method = 'paypal';
  } else if (customer.usesWallet && channel === 'mobile_app' && random.chance(0.45)) {
    method = walletOf(customer);
  } else {
    method = 'card';
  }
  const onlineCard = method === 'card' && !inStore;
  const storedCredential = onlineCard && random.chance(0.5);
  const spec: AttemptSpec = {
    at,
    customerId: customer.id,
    customer,
    holder: customer,
    merchant,
    method,
    card: method === 'paypal' ? null : card,
    deviceId: inStore ? null : (device?.id ?? null),
    subscriptionId: null,
    usdCents: purchaseAmountUsdCents(context, customer, merchant, at),
    channel,
    isGuest: channel === 'web' && random.chance(0.05),
    ipCountry: inStore ? null : at < customer.travelUntil ? customer.travelCountry : customer.country,
    billingCountry: inStore ? null : customer.country,
    paymentType: 'one_off',
    chain: null,
    storedCredential,
    manualEntry: onlineCard && !storedCredential,
    fraud: null,
    extraDoNotHonor: 0,
  };
  const result = context.attempt(spec);
  if (result.decline) afterDecline(context, spec, result, PATIENCE);
}

/** The customer tries the same payment again, minutes later; the platform records the outcome. */
function retryLater(context: SimulationContext, spec: AttemptSpec, failed: AttemptResult, patience: number): void {
  const { random } = context;
  const delayMs = random.range(0.5, 15) * MINUTE_MS;
  const at = spec.at + delayMs;
  // Nothing changed for a hard decline: the issuer answers the same.
  const repeated = failed.decline && declineTypeOf(failed.decline) === 'hard' ? failed.decline : undefined;
  context.schedule(at, () => {
    const retry = { ...retryOf(spec, failed, at), outcome: repeated };
    const result = context.attempt(retry);
    context.emitLabel(retryOutcomeEvent(context, failed, result, 'immediate', delayMs, at), spec.customerId, at);
    if (result.decline) afterDecline(context, retry, result, patience - 1);
  });
}

/** The customer pays another way: another card, PayPal, or the same card typed in afresh. */
function payAnotherWay(context: SimulationContext, spec: AttemptSpec, patience: number): void {
  const { random } = context;
  const customer = spec.customer as Customer;
  const at = spec.at + random.range(1, 5) * MINUTE_MS;
  context.schedule(at, () => {
    const others = customer.cards.filter((c: Card) => c !== spec.card && !c.closed && at < c.blockedAt);
    const retype = spec.card && spec.card.ownerIndex === customer.index && customer.cards.includes(spec.card) ? spec.card : null;
    const card = others[0] ?? retype;
    const method: PaymentMethodType | null = card ? 'card' : customer.hasPaypal ? 'paypal' : null;
    if (!method || spec.channel === 'in_store') return;
    const next: AttemptSpec = {
      ...spec,
      at,
      method,
      card: method === 'card' ? card : null,
      chain: null,
      paymentType: 'one_off',
      storedCredential: false,
      manualEntry: method === 'card',
      outcome: undefined,
    };
    const result = context.attempt(next);
    if (result.decline) afterDecline(context, next, result, patience - 1);
  });
}

/** What a customer does after a one-off payment is declined. */
function afterDecline(context: SimulationContext, spec: AttemptSpec, failed: AttemptResult, patience: number): void {
  const { random } = context;
  const code = failed.decline as DeclineCode;
  const customer = spec.customer;
  if (!customer || patience <= 0) return;
  if (declineTypeOf(code) === 'hard') {
    if (spec.card && BLOCKED_CODES.has(code)) customer.cards = customer.cards.filter((c) => c !== spec.card);
    if (spec.card && code === 'expired_card') spec.card.storedValidUntil = spec.card.expiresAt;
    if (random.chance(0.08)) retryLater(context, spec, failed, patience);
    else if (random.chance(0.65)) payAnotherWay(context, spec, patience);
    return;
  }
  const choice = random.float();
  if (choice < 0.4) retryLater(context, spec, failed, patience);
  else if (choice < 0.65) payAnotherWay(context, spec, patience);
  else if (spec.storedCredential) retryOrder(context, spec, failed);
  else if (random.chance(0.35)) startRecovery(context, spec, failed, null);
}

/**
 * An order placed with a card on file stays open when its charge fails: the platform retries it
 * like a renewal, then tries to recover it.
 */
function retryOrder(context: SimulationContext, spec: AttemptSpec, failed: AttemptResult): void {
  retryAsPlatform(context, spec, failed, {
    maxRetries: 2,
    windowMs: 7 * DAY_MS,
    isOpen: () => true,
    onPaid: () => undefined,
    onGaveUp: (last, lastFailed) => {
      if (context.random.chance(0.5)) startRecovery(context, last, lastFailed, null);
    },
  });
}
