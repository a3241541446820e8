import { declineSignals } from './decline-signals.js';
import { paymentRiskSignals } from './payment-risk-signals.js';
import type { OnDemandTransformation } from './transformation.js';

/** Every transformation an on-demand feature view may name, by name. */
export const ON_DEMAND_TRANSFORMATIONS: ReadonlyMap<string, OnDemandTransformation> = new Map(
  [paymentRiskSignals, declineSignals].map((transformation) => [transformation.name, transformation]),
);
