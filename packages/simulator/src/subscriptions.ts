import { addMonths, DAY_MS } from './calendar.js';
import type { AttemptResult, AttemptSpec, SimulationContext } from './context.js';
import type { Merchant, Subscription } from './entities.js';
import { churnEvent } from './outcome-events.js';
import { retryAsPlatform } from './platform-retries.js';
import { planPriceUsdCents, subscriptionMethodFor } from './population.js';
import { startRecovery } from './recovery.js';
import { pickActiveCustomer, walletOf } from './shopping.js';

/** Retries the platform makes on a failed renewal before handing it to recovery. */
const MAX_DUNNING_RETRIES = 3;
/** A renewal cycle that is not paid within this window goes to recovery. */
const DUNNING_WINDOW_MS = 21 * DAY_MS;
const VOLUNTARY_CANCEL_PROBABILITY = 0.02;

/** Schedules the next renewal a month after the current cycle's date. */
export function scheduleRenewal(context: SimulationContext, subscription: Subscription): void {
  subscription.nextRenewalAt = addMonths(subscription.nextRenewalAt, 1);
  const cycleAt = subscription.nextRenewalAt;
  context.schedule(cycleAt, () => renew(context, subscription, cycleAt));
}

/** Schedules the first renewal of a subscription of the initial population. */
export function scheduleFirstRenewal(context: SimulationContext, subscription: Subscription): void {
  const cycleAt = subscription.nextRenewalAt;
  context.schedule(cycleAt, () => renew(context, subscription, cycleAt));
}

function renewalSpec(subscription: Subscription, at: number): AttemptSpec {
  const { customer, merchant } = subscription;
  const card = subscription.method === 'card' ? subscription.card : null;
  return {
    at,
    customerId: customer.id,
    customer,
    holder: customer,
    merchant,
    method: card || subscription.method !== 'card' ? subscription.method : 'paypal',
    card,
    deviceId: null,
    subscriptionId: subscription.id,
    usdCents: subscription.planUsdCents,
    channel: 'recurring',
    isGuest: false,
    ipCountry: null,
    billingCountry: customer.country,
    paymentType: 'subscription_renewal',
    chain: null,
    storedCredential: true,
    manualEntry: false,
    fraud: null,
    extraDoNotHonor: 0,
  };
}

function renew(context: SimulationContext, subscription: Subscription, cycleAt: number): void {
  if (subscription.status !== 'active' || subscription.nextRenewalAt !== cycleAt) return;
  const { customer } = subscription;
  if (context.random.chance(VOLUNTARY_CANCEL_PROBABILITY)) {
    subscription.status = 'canceled';
    subscription.endedAt = cycleAt;
    context.emitLabel(churnEvent(context, customer.id, subscription.id, 'voluntary', cycleAt), customer.id, cycleAt);
    return;
  }
  const spec = renewalSpec(subscription, cycleAt);
  const result = context.attempt(spec);
  if (result.decline === null) scheduleRenewal(context, subscription);
  else dun(context, subscription, spec, result);
}

/** Dunning: platform retries within three weeks, then recovery; unrecovered means churn. */
function dun(context: SimulationContext, subscription: Subscription, spec: AttemptSpec, failed: AttemptResult): void {
  retryAsPlatform(context, spec, failed, {
    maxRetries: MAX_DUNNING_RETRIES,
    windowMs: DUNNING_WINDOW_MS,
    isOpen: () => subscription.status === 'active',
    onPaid: () => scheduleRenewal(context, subscription),
    onGaveUp: (last, lastFailed) =>
      startRecovery(context, last, lastFailed, { subscription, resume: () => scheduleRenewal(context, subscription) }),
  });
}

/**
 * A customer subscribes: the first charge is an ordinary online payment carrying the subscription
 * id; the subscription exists only if it succeeds.
 */
export function runSignup(context: SimulationContext, at: number): void {
  const { random, population } = context;
  const customer = pickActiveCustomer(context, at);
  if (!customer) return;
  const merchant = population.subscriptionMerchants[population.subscriptionMerchantSampler.sample(random)] as Merchant;
  const method = subscriptionMethodFor(random, customer);
  const card = method === 'card' ? (customer.cards.find((c) => !c.closed && at < c.blockedAt) ?? null) : null;
  if (method === 'card' && !card) return;
  const device = customer.devices[0];
  const subscription: Subscription = {
    id: context.ids.next('sub'),
    customer,
    merchant,
    planUsdCents: planPriceUsdCents(random, merchant),
    method,
    card,
    startedAt: at,
    nextRenewalAt: at,
    status: 'active',
    endedAt: null,
  };
  const result = context.attempt({
    ...renewalSpec(subscription, at),
    method: method === 'card' && customer.usesWallet && device?.mobile && random.chance(0.3) ? walletOf(customer) : method,
    deviceId: device?.id ?? null,
    channel: device?.mobile ? 'mobile_app' : 'web',
    ipCountry: at < customer.travelUntil ? customer.travelCountry : customer.country,
    paymentType: 'one_off',
    storedCredential: false,
    manualEntry: method === 'card',
  });
  if (result.decline !== null) return;
  population.subscriptions.push(subscription);
  customer.subscriptions.push(subscription);
  scheduleRenewal(context, subscription);
}
