import type { DeclineCode, PaymentMethodType } from '@payments-mlops/contracts';
import { DAY_MS, HOUR_MS, inIssuerMaintenance, nextPaydayAt, payCycleProgress } from './calendar.js';
import type { Card, Customer, Merchant } from './entities.js';
import type { Random } from './random.js';

/** Everything the issuer (or the wallet, or the bank) looks at when it answers an authorization. */
export interface Authorization {
  at: number;
  /** The account holder whose funds pay: the customer, or the victim whose card was stolen. */
  holder: Customer | null;
  card: Card | null;
  method: PaymentMethodType;
  usdCents: number;
  merchant: Merchant;
  /** Charged with credentials on file (subscriptions, saved cards): the stored expiry is used. */
  storedCredential: boolean;
  /** Card number typed in by hand, where typos happen. */
  manualEntry: boolean;
  /** Card issued in another country than the merchant's or the shopper's. */
  crossBorder: boolean;
  /** Added do_not_honor probability from the issuer's fraud screens. */
  extraDoNotHonor: number;
}

const REISSUE_MS = 3 * 365 * DAY_MS;
const BLOCK_CODES = ['stolen_card', 'lost_card', 'pickup_card'] as const;
const TRANSIENT_CODES = ['processing_error', 'processing_error', 'try_again_later', 'issuer_not_available'] as const;

/** Declines that follow from the card's state alone, whoever presents it. */
export function cardStateDecline(random: Random, card: Card, at: number, storedCredential: boolean, merchant: Merchant): DeclineCode | null {
  if (card.closed) return 'do_not_try_again';
  if (at >= card.blockedAt) return random.chance(0.25) ? 'pickup_card' : card.blockCode;
  // The issuer mails new plastic with a new expiry; merchants keep the old one until told.
  while (at > card.expiresAt) card.expiresAt += REISSUE_MS;
  if (storedCredential && at > card.storedValidUntil && !merchant.accountUpdater) return 'expired_card';
  return null;
}

export function typicalUsdCents(customer: Customer): number {
  return customer.payments > 0 ? customer.spentUsdCents / customer.payments : 4000 * customer.spendScale;
}

function insufficientFunds(random: Random, holder: Customer, at: number, usdCents: number): boolean {
  const size = Math.min(4, Math.max(0.3, Math.sqrt(usdCents / typicalUsdCents(holder))));
  if (at < holder.fundsShortUntil) return random.chance(Math.min(0.95, 0.65 * size));
  const progress = payCycleProgress(at, holder.paySchedule);
  const cycle = 0.3 + 1.7 * progress * progress;
  return random.chance(holder.fragility * cycle * size);
}

/**
 * Decides the answer to an authorization: null when approved, else the decline code. Issuer state
 * persists on the card and the customer (a transient outage, a risk hold, funds short until the
 * next payday), which is what makes a retry's outcome depend on its delay and the calendar.
 */
export function authorize(random: Random, request: Authorization): DeclineCode | null {
  const { at, card, holder, merchant } = request;
  if (card) {
    const stateDecline = cardStateDecline(random, card, at, request.storedCredential, merchant);
    if (stateDecline) return stateDecline;
    if (request.manualEntry && random.chance(0.012)) return 'incorrect_number';
    if (at < card.transientUntil && random.chance(0.8)) return card.transientCode;
    if (inIssuerMaintenance(at) && random.chance(0.3)) {
      card.transientUntil = at + random.exponential(0.5 * HOUR_MS);
      card.transientCode = 'issuer_not_available';
      return 'issuer_not_available';
    }
  }
  const transientRate = card ? 0.009 : 0.004;
  if (random.chance(transientRate)) {
    const code = random.pick(TRANSIENT_CODES);
    if (card) {
      card.transientUntil = at + random.exponential(1.5 * HOUR_MS);
      card.transientCode = code;
    }
    return code;
  }
  if (holder && request.method !== 'bank_transfer' && insufficientFunds(random, holder, at, request.usdCents)) {
    holder.fundsShortUntil = Math.max(holder.fundsShortUntil, nextPaydayAt(at, holder.paySchedule));
    return 'insufficient_funds';
  }
  if (card && at < card.doNotHonorUntil && random.chance(0.7)) return 'do_not_honor';
  const large = holder !== null && request.usdCents > 3 * typicalUsdCents(holder);
  const doNotHonor =
    0.008 * (request.crossBorder ? 1.8 : 1) * (large ? 2 : 1) * Math.sqrt(merchant.category.fraudRisk) + request.extraDoNotHonor;
  if (random.chance(doNotHonor)) {
    if (card) card.doNotHonorUntil = at + random.exponential(2 * DAY_MS);
    return 'do_not_honor';
  }
  if (card && random.chance(0.0002)) {
    card.closed = true;
    return 'do_not_try_again';
  }
  return null;
}

/** The block code a bank uses when it learns a card was compromised or lost. */
export function blockCard(random: Random, card: Card, at: number, reason: 'stolen' | 'lost'): void {
  if (at >= card.blockedAt) return;
  card.blockedAt = at;
  card.blockCode = reason === 'stolen' ? 'stolen_card' : random.chance(0.8) ? 'lost_card' : random.pick(BLOCK_CODES);
}
