import { DAY_MS } from './calendar.js';
import type { SimulationContext } from './context.js';
import type { Card, Customer } from './entities.js';
import { issueCard } from './population.js';

/**
 * The owner of a blocked card learns of it within a couple of days and stops using it; the
 * replacement arrives a few days after the block. Merchants with the account updater get the new
 * card on file; the others keep charging the old one until a card update.
 */
export function replaceCard(context: SimulationContext, owner: Customer, card: Card, blockedAt: number): void {
  const { random } = context;
  const learnsAt = blockedAt + random.range(0, 2) * DAY_MS;
  context.schedule(learnsAt, () => {
    owner.cards = owner.cards.filter((c) => c !== card);
  });
  const arrivesAt = blockedAt + random.range(3, 7) * DAY_MS;
  context.schedule(arrivesAt, () => {
    const replacement = issueCard(random, context.population, context.ids.next('card'), card.country, owner.index, arrivesAt, card.brand);
    replacement.bin = card.bin;
    owner.cards = [replacement, ...owner.cards.filter((c) => c !== card)];
    for (const subscription of owner.subscriptions) {
      if (subscription.card === card && subscription.merchant.accountUpdater) subscription.card = replacement;
    }
  });
}

/** The first card the customer can pay with at `at`, if any. */
export function usableCard(customer: Customer, at: number): Card | null {
  for (const card of customer.cards) if (!card.closed && at < card.blockedAt) return card;
  return null;
}
