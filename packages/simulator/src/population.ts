import type { CardBrand } from '@payments-mlops/contracts';
import { addMonths, DAY_MS, HOUR_MS, MINUTE_MS, PAY_SCHEDULES, type PaySchedule } from './calendar.js';
import {
  BIN_PREFIXES,
  brandWeights,
  CUSTOMER_COUNTRIES,
  FRAUD_RING_COUNTRIES,
  MERCHANT_CATEGORIES,
  MERCHANT_COUNTRIES,
} from './catalog.js';
import type { Card, Customer, Device, FraudRing, Merchant, Subscription, SubscriptionMethod } from './entities.js';
import { populationId } from './ids.js';
import { AliasTable, type Random } from './random.js';

export interface PopulationOptions {
  customers: number;
  startMs: number;
  /** Customers sign up over this many days after the start too. */
  horizonDays: number;
}

/** Everything that exists before the first payment, with the tables that sample from it. */
export interface Population {
  customers: Customer[];
  merchants: Merchant[];
  subscriptions: Subscription[];
  rings: FraudRing[];
  /** By purchase activity. */
  customerSampler: AliasTable;
  /** By popularity times category share: where legitimate customers shop. */
  merchantSampler: AliasTable;
  /** By popularity times true risk: where stolen cards get used. */
  riskyMerchantSampler: AliasTable;
  cardTestingMerchants: Merchant[];
  cashOutMerchants: Merchant[];
  /** Restaurants, fast food, rideshare, groceries: where the drifted fraud pattern spends. */
  everydayMerchants: Merchant[];
  subscriptionMerchants: Merchant[];
  subscriptionMerchantSampler: AliasTable;
  /** Six-digit BINs by issuing country and brand; `weakBins` are the issuers card testers favour. */
  bins: Map<string, string[]>;
  weakBins: WeakBin[];
  /** Accounts opened during the run outside the customer base (fraudsters' fresh accounts). */
  openedAccounts: { id: string; country: string; createdAt: number }[];
  /** The number of cards and devices created so far (ids continue from there). */
  cardCount: number;
  deviceCount: number;
}

/** A BIN whose issuer checks little: card testers buy numbers from it. */
export interface WeakBin {
  bin: string;
  country: string;
  brand: CardBrand;
}

const EVERYDAY_CATEGORIES = new Set(['restaurants', 'fast_food', 'rideshare', 'grocery']);
const YEAR_MS = 365 * DAY_MS;
const SCHEDULE_WEIGHTS: Record<PaySchedule, number> = {
  weekly: 15,
  biweekly_even: 20,
  biweekly_odd: 20,
  semi_monthly: 25,
  monthly: 20,
};

function weightedPick<T>(random: Random, items: readonly T[], weightOf: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  let target = random.float() * total;
  for (const item of items) {
    target -= weightOf(item);
    if (target < 0) return item;
  }
  return items[items.length - 1] as T;
}

function buildBins(random: Random): { bins: Map<string, string[]>; weakBins: WeakBin[] } {
  const bins = new Map<string, string[]>();
  const weakBins: WeakBin[] = [];
  for (const { country } of CUSTOMER_COUNTRIES) {
    for (const [brand] of brandWeights(country)) {
      const list: string[] = [];
      for (let i = 0; i < 4; i++) {
        const prefix = random.pick(BIN_PREFIXES[brand]);
        let bin = prefix;
        while (bin.length < 6) bin += random.int(10).toString();
        list.push(bin);
        if (random.chance(0.12)) weakBins.push({ bin, country, brand });
      }
      bins.set(`${country}:${brand}`, list);
    }
  }
  if (weakBins.length === 0) weakBins.push({ bin: bins.get('US:visa')?.[0] ?? '400000', country: 'US', brand: 'visa' });
  return { bins, weakBins };
}

/** A new card issued in `country`; the expiry lands anywhere in the next three years. */
export function issueCard(
  random: Random,
  population: Pick<Population, 'bins'>,
  id: string,
  country: string,
  ownerIndex: number,
  nowMs: number,
  brand?: CardBrand,
): Card {
  const chosenBrand = brand ?? weightedPick(random, brandWeights(country), ([, weight]) => weight)[0];
  const bins = population.bins.get(`${country}:${chosenBrand}`) ?? population.bins.get(`US:${chosenBrand}`) ?? ['400000'];
  const expiresAt = nowMs + random.range(0.02, 3) * YEAR_MS;
  return {
    id,
    brand: chosenBrand,
    bin: random.pick(bins),
    country,
    ownerIndex,
    expiresAt,
    storedValidUntil: expiresAt,
    blockedAt: Infinity,
    blockCode: 'stolen_card',
    closed: false,
    transientUntil: -Infinity,
    transientCode: 'processing_error',
    doNotHonorUntil: -Infinity,
  };
}

function buildMerchants(random: Random, count: number, startMs: number): Merchant[] {
  const totalShare = MERCHANT_CATEGORIES.reduce((sum, c) => sum + c.share, 0);
  const merchants: Merchant[] = [];
  // Every category gets at least one merchant, the rest in proportion to its share.
  for (const category of MERCHANT_CATEGORIES) {
    const n = Math.max(1, Math.round((count * category.share) / totalShare));
    for (let i = 0; i < n; i++) {
      const place = weightedPick(random, MERCHANT_COUNTRIES, (c) => c.weight);
      const risk = category.fraudRisk * random.logNormal(1, 0.6);
      const perceived = Math.log(risk) + random.normal() * 0.5;
      const index = merchants.length;
      merchants.push({
        index,
        id: populationId('mer', index, 5),
        name: `${category.name.replace(/_/g, ' ')} ${index + 1}`,
        category,
        country: place.country,
        currency: place.currency,
        popularity: random.logNormal(1, 1),
        risk,
        riskTier: perceived < Math.log(0.8) ? 'low' : perceived < Math.log(2) ? 'medium' : 'high',
        createdAt: startMs - random.range(30, 2500) * DAY_MS,
        accountUpdater: random.chance(0.4),
        billingHour: 4 + random.int(9),
      });
    }
  }
  return merchants;
}

function buildCustomer(random: Random, population: Population, index: number, options: PopulationOptions): Customer {
  const { startMs, horizonDays } = options;
  const country = weightedPick(random, CUSTOMER_COUNTRIES, (c) => c.weight).country;
  const createdAt = random.chance(0.88)
    ? startMs - random.range(1, 1800) * DAY_MS
    : startMs + random.range(0, horizonDays) * DAY_MS;
  const tenure = Math.max(0, startMs - createdAt) / DAY_MS;
  const fragilityBand = random.float();
  const cards: Card[] = [];
  const cardCount = random.chance(0.55) ? 1 : random.chance(0.78) ? 2 : 3;
  for (let i = 0; i < cardCount; i++) {
    const cardCountry = random.chance(0.95) ? country : weightedPick(random, CUSTOMER_COUNTRIES, (c) => c.weight).country;
    cards.push(issueCard(random, population, populationId('card', population.cardCount++, 8), cardCountry, index, startMs));
  }
  const devices: Device[] = [];
  const deviceCount = random.chance(0.55) ? 1 : random.chance(0.85) ? 2 : 3;
  for (let i = 0; i < deviceCount; i++) {
    devices.push({ id: populationId('dev', population.deviceCount++, 8), mobile: i === 0 ? random.chance(0.6) : random.chance(0.5) });
  }
  const favorites: number[] = [];
  for (let i = 0; i < 6; i++) favorites.push(population.merchantSampler.sample(random));
  return {
    index,
    id: populationId('cus', index, 7),
    country,
    createdAt,
    activity: random.logNormal(1, 0.9),
    fragility:
      fragilityBand < 0.75 ? random.range(0.003, 0.015) : fragilityBand < 0.95 ? random.range(0.02, 0.07) : random.range(0.1, 0.25),
    engagement: Math.min(1, random.beta(2, 2.5) + 0.2 * Math.min(1, tenure / 1500)),
    paySchedule: weightedPick(random, PAY_SCHEDULES, (s) => SCHEDULE_WEIGHTS[s]),
    spendScale: random.logNormal(1, 0.4),
    cards,
    devices,
    usesWallet: random.chance(0.35),
    hasPaypal: random.chance(0.25),
    hasBankDebit: ['US', 'DE', 'FR', 'NL', 'ES', 'IT'].includes(country) && random.chance(0.15),
    favoriteMerchants: favorites,
    subscriptions: [],
    fundsShortUntil: -Infinity,
    travelCountry: null,
    travelUntil: -Infinity,
    payments: 0,
    spentUsdCents: 0,
  };
}

/** A monthly plan price such as $12.99, from the category's typical amount. */
export function planPriceUsdCents(random: Random, merchant: Merchant): number {
  return Math.max(1, Math.floor(merchant.category.medianUsd * random.logNormal(1, 0.3))) * 100 - 1;
}

export function subscriptionMethodFor(random: Random, customer: Customer): SubscriptionMethod {
  if (customer.hasBankDebit && random.chance(0.4)) return customer.country === 'US' ? 'ach_debit' : 'sepa_debit';
  if (customer.hasPaypal && random.chance(0.3)) return 'paypal';
  return customer.cards.length > 0 ? 'card' : 'paypal';
}

function buildSubscriptions(random: Random, population: Population, startMs: number): Subscription[] {
  const subscriptions: Subscription[] = [];
  for (const customer of population.customers) {
    if (customer.createdAt > startMs) continue;
    const count = random.chance(0.55) ? (random.chance(0.3) ? 2 : 1) : 0;
    for (let i = 0; i < count; i++) {
      const merchant = population.subscriptionMerchants[population.subscriptionMerchantSampler.sample(random)] as Merchant;
      const method = subscriptionMethodFor(random, customer);
      // Renewal dates spread over the first month; none before the start.
      let renewalAt = (Math.floor(startMs / DAY_MS) + random.int(31)) * DAY_MS + merchant.billingHour * HOUR_MS + random.int(60) * MINUTE_MS;
      if (renewalAt < startMs) renewalAt = addMonths(renewalAt, 1);
      const subscription: Subscription = {
        id: populationId('sub', subscriptions.length, 7),
        customer,
        merchant,
        planUsdCents: planPriceUsdCents(random, merchant),
        method,
        card: method === 'card' ? (customer.cards[0] ?? null) : null,
        startedAt: Math.max(customer.createdAt, startMs - random.range(20, 900) * DAY_MS),
        nextRenewalAt: renewalAt,
        status: 'active',
        endedAt: null,
      };
      subscriptions.push(subscription);
      customer.subscriptions.push(subscription);
    }
  }
  return subscriptions;
}

/** Builds merchants, customers with their cards and devices, subscriptions and fraud rings. */
export function buildPopulation(random: Random, options: PopulationOptions): Population {
  const merchants = buildMerchants(random, Math.max(30, Math.round(options.customers / 25)), options.startMs);
  const { bins, weakBins } = buildBins(random);
  const subscriptionMerchants = merchants.filter((m) => m.category.subscriptions);
  const categoryCounts = new Map<string, number>();
  for (const m of merchants) categoryCounts.set(m.category.name, (categoryCounts.get(m.category.name) ?? 0) + 1);
  const population: Population = {
    customers: [],
    merchants,
    subscriptions: [],
    rings: [],
    customerSampler: new AliasTable([1]),
    merchantSampler: new AliasTable(
      merchants.map((m) => (m.popularity * m.category.share) / (categoryCounts.get(m.category.name) ?? 1)),
    ),
    riskyMerchantSampler: new AliasTable(merchants.map((m) => m.popularity * m.risk * m.risk)),
    cardTestingMerchants: merchants.filter((m) => m.category.cardTesting),
    cashOutMerchants: merchants.filter((m) => m.category.cashOut),
    everydayMerchants: merchants.filter((m) => EVERYDAY_CATEGORIES.has(m.category.name)),
    subscriptionMerchants,
    subscriptionMerchantSampler: new AliasTable(subscriptionMerchants.map((m) => m.popularity)),
    bins,
    weakBins,
    openedAccounts: [],
    cardCount: 0,
    deviceCount: 0,
  };
  for (let i = 0; i < options.customers; i++) population.customers.push(buildCustomer(random, population, i, options));
  population.customerSampler = new AliasTable(population.customers.map((c) => c.activity));
  population.subscriptions = buildSubscriptions(random, population, options.startMs);
  const ringCount = Math.max(4, Math.round(options.customers / 3000));
  for (let r = 0; r < ringCount; r++) {
    const devices: string[] = [];
    const size = 3 + random.int(10);
    for (let d = 0; d < size; d++) devices.push(populationId('dev', population.deviceCount++, 8));
    population.rings.push({ country: random.pick(FRAUD_RING_COUNTRIES), devices });
  }
  return population;
}
