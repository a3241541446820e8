import type { CardBrand, Currency, DeclineCode, PaymentMethodType } from '@payments-mlops/contracts';
import type { PaySchedule } from './calendar.js';
import type { MerchantCategory } from './catalog.js';

/** A card and the issuer's state for it; ownerIndex is -1 for numbers bought by fraudsters. */
export interface Card {
  id: string;
  brand: CardBrand;
  bin: string;
  country: string;
  ownerIndex: number;
  /** Expiry of the plastic in the customer's wallet; reissued with a new expiry when it passes. */
  expiresAt: number;
  /** Expiry merchants hold on file: saved-card payments after it decline expired_card until updated. */
  storedValidUntil: number;
  /** The issuer blocks the card (stolen, lost) from this instant on. */
  blockedAt: number;
  blockCode: 'stolen_card' | 'lost_card' | 'pickup_card';
  /** The account was closed: do_not_try_again, for good. */
  closed: boolean;
  /** A transient issuer problem on this card lasts until then, answering transientCode. */
  transientUntil: number;
  transientCode: DeclineCode;
  /** The issuer's risk engine keeps answering do_not_honor until then. */
  doNotHonorUntil: number;
}

export interface Device {
  id: string;
  mobile: boolean;
}

/**
 * A registered customer. The latent traits (activity, fragility, engagement, pay schedule) drive
 * behaviour and are never written anywhere: models must infer them from the payments.
 */
export interface Customer {
  index: number;
  id: string;
  country: string;
  createdAt: number;
  /** Relative rate of purchases. */
  activity: number;
  /** Propensity to run short of funds, highest just before payday. */
  fragility: number;
  /** Propensity to act on a reminder or a card-update request. */
  engagement: number;
  paySchedule: PaySchedule;
  spendScale: number;
  /** Usable cards, preferred first; a card the customer knows is blocked or closed leaves the list. */
  cards: Card[];
  devices: Device[];
  usesWallet: boolean;
  hasPaypal: boolean;
  hasBankDebit: boolean;
  favoriteMerchants: number[];
  subscriptions: Subscription[];
  /** After an insufficient-funds decline the account stays short until the next payday. */
  fundsShortUntil: number;
  travelCountry: string | null;
  travelUntil: number;
  /** Running history, used to size account-takeover charges against the customer's habits. */
  payments: number;
  spentUsdCents: number;
}

export interface Merchant {
  index: number;
  id: string;
  name: string;
  category: MerchantCategory;
  country: string;
  currency: Currency;
  popularity: number;
  /** True fraud risk multiplier (hidden); riskTier is underwriting's noisy view of it. */
  risk: number;
  riskTier: 'low' | 'medium' | 'high';
  createdAt: number;
  /** Subscribed to the networks' account updater: stored expiries refresh by themselves. */
  accountUpdater: boolean;
  billingHour: number;
}

export type SubscriptionMethod = Extract<PaymentMethodType, 'card' | 'paypal' | 'ach_debit' | 'sepa_debit'>;

export interface Subscription {
  id: string;
  customer: Customer;
  merchant: Merchant;
  planUsdCents: number;
  method: SubscriptionMethod;
  /** The card on file (for card subscriptions), replaced only by a card update. */
  card: Card | null;
  startedAt: number;
  nextRenewalAt: number;
  status: 'active' | 'canceled' | 'churned';
  endedAt: number | null;
}

/** A fraud ring: where it operates from and the devices it reuses across attacks. */
export interface FraudRing {
  country: string;
  devices: string[];
}
