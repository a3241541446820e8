import type { DeclineCode, PaymentMethodType } from '@payments-mlops/contracts';
import { HOUR_MS, MINUTE_MS } from './calendar.js';
import type { AttemptResult, AttemptSpec, FraudPattern, SimulationContext } from './context.js';
import { cardStateDecline, typicalUsdCents } from './declines.js';
import type { Card, Customer, FraudRing, Merchant } from './entities.js';
import { issueCard } from './population.js';
import { walletOf } from './shopping.js';

/**
 * Attack sessions, as a share of all shopping sessions. Together they make roughly 0.3–0.5 % of
 * payments fraudulent (README: "Fraud").
 */
export const FRAUD_SESSION_RATES = {
  cardTesting: 0.001,
  accountTakeover: 0.0006,
  stolenCard: 0.0016,
  /** The drifted pattern, at magnitude 1, once it has appeared. */
  walletProvisioning: 0.002,
} as const;

/** What card testers' probes get back: mostly "this number is no good". */
const PROBE_DECLINES: readonly [DeclineCode, number][] = [
  ['incorrect_number', 30],
  ['do_not_honor', 25],
  ['insufficient_funds', 12],
  ['stolen_card', 8],
  ['pickup_card', 5],
  ['lost_card', 5],
  ['do_not_try_again', 5],
  ['expired_card', 5],
  ['processing_error', 5],
];

function weighted<T>(context: SimulationContext, items: readonly [T, number][]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let target = context.random.float() * total;
  for (const [item, weight] of items) {
    target -= weight;
    if (target < 0) return item;
  }
  return (items[items.length - 1] as [T, number])[0];
}

/** A card of a real customer (whose history then shows the theft), or a number bought in bulk. */
function stolenCard(context: SimulationContext, victimShare: number): Card {
  const { random, population } = context;
  if (random.chance(victimShare)) {
    for (let tries = 0; tries < 4; tries++) {
      const victim = population.customers[population.customerSampler.sample(random)] as Customer;
      const card = victim.cards[random.int(victim.cards.length)];
      if (card) return card;
    }
  }
  const weak = random.pick(population.weakBins);
  const card = issueCard(random, population, context.ids.next('card'), weak.country, -1, 0, weak.brand);
  card.bin = weak.bin;
  // Many numbers bought in bulk are dead already.
  card.closed = random.chance(0.35);
  return card;
}

function ownerOf(context: SimulationContext, card: Card): Customer | null {
  return card.ownerIndex >= 0 ? (context.population.customers[card.ownerIndex] ?? null) : null;
}

interface FraudCheckout {
  at: number;
  customerId: string;
  customer: Customer | null;
  merchant: Merchant;
  card: Card;
  method?: PaymentMethodType;
  usdCents: number;
  ring: FraudRing;
  deviceId: string;
  ipCountry: string;
  billingCountry: string;
  isGuest: boolean;
  pattern: FraudPattern;
  outcome?: DeclineCode | null;
  extraDoNotHonor?: number;
}

function attempt(context: SimulationContext, checkout: FraudCheckout): AttemptResult {
  const { card } = checkout;
  const spec: AttemptSpec = {
    at: checkout.at,
    customerId: checkout.customerId,
    customer: checkout.customer,
    holder: ownerOf(context, card),
    merchant: checkout.merchant,
    method: checkout.method ?? 'card',
    card,
    deviceId: checkout.deviceId,
    subscriptionId: null,
    usdCents: checkout.usdCents,
    channel: checkout.method && checkout.method !== 'card' ? 'mobile_app' : context.random.chance(0.75) ? 'web' : 'mobile_app',
    isGuest: checkout.isGuest,
    ipCountry: checkout.ipCountry,
    billingCountry: checkout.billingCountry,
    paymentType: 'one_off',
    chain: null,
    storedCredential: checkout.customer !== null && checkout.pattern === 'account_takeover',
    manualEntry: checkout.pattern !== 'account_takeover' && checkout.pattern !== 'wallet_provisioning',
    fraud: checkout.pattern,
    extraDoNotHonor: checkout.extraDoNotHonor ?? 0,
    outcome: checkout.outcome,
  };
  return context.attempt(spec);
}

/**
 * Card testing: a bot probes a stolen number with small charges at a low-friction merchant, most
 * of them declined, until one goes through; then the number is cashed out with a large charge.
 */
export function runCardTesting(context: SimulationContext, at: number): void {
  const { random, population } = context;
  const ring = random.pick(population.rings);
  const card = stolenCard(context, 0.6);
  const base = {
    customerId: context.ids.next('cus_g'),
    customer: null,
    card,
    ring,
    deviceId: random.pick(ring.devices),
    ipCountry: random.chance(0.7) ? ring.country : card.country,
    billingCountry: random.chance(0.6) ? card.country : ring.country,
    isGuest: true,
    pattern: 'card_testing' as const,
  };
  const probeMerchant = random.pick(population.cardTestingMerchants);
  const probes = 3 + random.int(13);
  const probe = (i: number, probeAt: number): void => {
    const known = cardStateDecline(random, card, probeAt, false, probeMerchant);
    const outcome = known ?? (random.chance(0.65) ? weighted(context, PROBE_DECLINES) : null);
    const result = attempt(context, { ...base, at: probeAt, merchant: probeMerchant, usdCents: 50 + random.int(250), outcome });
    if (result.decline === null) {
      const cashOutAt = probeAt + random.range(5, 90) * MINUTE_MS;
      context.schedule(cashOutAt, () => cashOut(context, base, cashOutAt));
    } else if (i + 1 < probes) {
      const nextAt = probeAt + random.range(10, 120) * 1000;
      context.schedule(nextAt, () => probe(i + 1, nextAt));
    }
  };
  probe(0, at);
}

function cashOut(context: SimulationContext, base: Omit<FraudCheckout, 'at' | 'merchant' | 'usdCents'>, at: number): void {
  const { random, population } = context;
  const charges = random.chance(0.3) ? 2 : 1;
  let chargeAt = at;
  for (let i = 0; i < charges; i++) {
    const merchant = random.pick(population.cashOutMerchants);
    const known = cardStateDecline(random, base.card, chargeAt, false, merchant);
    const outcome = known ?? (random.chance(0.25) ? 'do_not_honor' : null);
    const customerId = random.chance(0.5) ? base.customerId : context.ids.next('cus_g');
    const deviceId = random.chance(0.7) ? base.deviceId : random.pick(base.ring.devices);
    const chargeTime = chargeAt;
    context.schedule(chargeTime, () =>
      attempt(context, { ...base, at: chargeTime, customerId, deviceId, merchant, usdCents: random.range(300, 3000) * 100, outcome }),
    );
    chargeAt += random.range(2, 20) * MINUTE_MS;
  }
}

/**
 * Account takeover: someone logs into a customer's account from a new device, often from another
 * country, and buys resaleable goods far above the customer's usual amounts with the saved card.
 */
export function runAccountTakeover(context: SimulationContext, at: number): void {
  const { random, population } = context;
  let victim: Customer | undefined;
  for (let tries = 0; tries < 5 && !victim; tries++) {
    const candidate = population.customers[population.customerSampler.sample(random)] as Customer;
    if (candidate.payments >= 3 && candidate.cards.length > 0 && candidate.createdAt <= at) victim = candidate;
  }
  const card = victim?.cards[0];
  if (!victim || !card) return;
  const ring = random.pick(population.rings);
  const deviceId = random.pick(ring.devices);
  const ipCountry = random.chance(0.65) ? ring.country : victim.country;
  const purchases = 1 + random.int(3);
  let purchaseAt = at;
  for (let i = 0; i < purchases; i++) {
    const merchant = random.pick(population.cashOutMerchants);
    const usdCents = Math.max(15_000, typicalUsdCents(victim) * random.range(4, 12));
    const when = purchaseAt;
    const owner = victim;
    context.schedule(when, () =>
      attempt(context, {
        at: when,
        customerId: owner.id,
        customer: owner,
        merchant,
        card,
        usdCents: Math.round(usdCents),
        ring,
        deviceId,
        ipCountry,
        billingCountry: owner.country,
        isGuest: false,
        pattern: 'account_takeover',
        extraDoNotHonor: 0.15,
      }),
    );
    purchaseAt += random.range(10, 120) * MINUTE_MS;
  }
}

/**
 * Stolen-card purchase: a stolen number used once at a merchant whose goods are easy to resell,
 * more often at risky merchants and categories, usually from another country than the card's.
 */
export function runStolenCardPurchase(context: SimulationContext, at: number): void {
  const { random, population } = context;
  const merchant = population.merchants[population.riskyMerchantSampler.sample(random)] as Merchant;
  const card = stolenCard(context, 0.7);
  const ring = random.pick(population.rings);
  const guest = random.chance(0.7);
  const customerId = context.ids.next(guest ? 'cus_g' : 'cus_n');
  // Without guest checkout the fraudster opens an account minutes before: no history at all.
  if (!guest) population.openedAccounts.push({ id: customerId, country: ring.country, createdAt: at - random.range(2, 30) * MINUTE_MS });
  attempt(context, {
    at,
    customerId,
    customer: null,
    merchant,
    card,
    usdCents: Math.round(random.logNormal(merchant.category.medianUsd * 2, 0.6) * 100),
    ring,
    deviceId: random.pick(ring.devices),
    ipCountry: random.chance(0.6) ? ring.country : card.country,
    billingCountry: random.chance(0.5) ? card.country : ring.country,
    isGuest: guest,
    pattern: 'stolen_card',
    extraDoNotHonor: 0.12,
  });
}

/** Mules are a small fixed slice of the customer base: every 200th customer. */
const MULE_STRIDE = 200;

/**
 * The drifted pattern: stolen cards provisioned into mobile wallets and spent by established
 * "mule" accounts on everyday purchases in the card's own country. It avoids what the other
 * patterns share (guest checkout, mismatched countries, risky merchants, large amounts), so a
 * model trained before it appears misses it.
 */
export function runWalletProvisioning(context: SimulationContext, at: number): void {
  const { random, population } = context;
  const card = stolenCard(context, 1);
  const ring = random.pick(population.rings);
  const uses = 2 + random.int(3);
  let useAt = at;
  for (let i = 0; i < uses; i++) {
    const mule = population.customers[random.int(Math.ceil(population.customers.length / MULE_STRIDE)) * MULE_STRIDE] as Customer;
    const merchant = random.pick(population.everydayMerchants);
    const when = useAt;
    context.schedule(when, () => {
      if (mule.createdAt > when) return;
      attempt(context, {
        at: when,
        customerId: mule.id,
        customer: mule,
        merchant,
        card,
        method: walletOf(mule),
        usdCents: Math.round(random.logNormal(merchant.category.medianUsd * 1.5, 0.4) * 100),
        ring,
        deviceId: mule.devices[0]?.id ?? random.pick(ring.devices),
        ipCountry: card.country,
        billingCountry: card.country,
        isGuest: false,
        pattern: 'wallet_provisioning',
      });
    });
    useAt += random.range(0.5, 6) * HOUR_MS;
  }
}
