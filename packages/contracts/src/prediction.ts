import { z } from 'zod';

/*
 * The response side of the inference API: what every answer carries besides its prediction, so
 * a workflow can act on it, log it and tell which model said what.
 */

export const Probability = z.number().min(0).max(1);
export type Probability = z.infer<typeof Probability>;

export const RiskLevel = z
  .enum(['low', 'medium', 'high'])
  .describe('Band of the score, from thresholds configured per model in ml-serving.');
export type RiskLevel = z.infer<typeof RiskLevel>;

/** The registry aliases the traffic split routes between; shadow answers are logged, never returned. */
export const ServingAlias = z.enum(['champion', 'challenger']);
export type ServingAlias = z.infer<typeof ServingAlias>;

export const ModelRef = z
  .object({
    name: z.string().min(1).max(256).describe('Registered model name, e.g. `fraud-detector`.'),
    version: z.string().min(1).max(32).describe('Registered model version, e.g. `7`.'),
    alias: ServingAlias.describe('The alias the A/B split routed this request to.'),
  })
  .meta({ id: 'ModelRef', description: 'The model version that produced the answer.' });
export type ModelRef = z.infer<typeof ModelRef>;

export const ReasonCode = z
  .object({
    feature: z
      .string()
      .min(1)
      .max(128)
      .describe(
        'Feature name as in the feature repository, or a request field such as `amount_cents`.',
      ),
    value: z
      .union([z.number(), z.string().max(128), z.boolean(), z.null()])
      .describe('The value the model saw; null when the feature was missing.'),
    contribution: z
      .number()
      .describe(
        "TreeSHAP contribution to the model's raw score (log-odds) for the predicted outcome: " +
          'positive values pushed towards it.',
      ),
  })
  .meta({
    id: 'ReasonCode',
    description: 'One reason behind a prediction: a feature and how much it moved the score.',
  });
export type ReasonCode = z.infer<typeof ReasonCode>;

export const Reasons = z
  .array(ReasonCode)
  .max(10)
  .describe('The strongest reasons, largest absolute contribution first (three by default).');

/** Fields every inference response carries. */
export const PredictionFields = {
  request_id: z
    .string()
    .min(1)
    .max(128)
    .describe('Echoes the `x-request-id` header, or the id the service assigned.'),
  model: ModelRef,
  degraded: z
    .boolean()
    .describe(
      'True when online features could not be read in time and the model answered from the ' +
        "request's own fields alone (missing features handled as in training).",
    ),
  unknown_categories: z
    .array(z.string().min(1).max(64))
    .max(16)
    .describe(
      'Request fields whose category value the model did not see in training; it scored them ' +
        'as an unknown category. Empty in the usual case.',
    ),
  latency_ms: z
    .number()
    .min(0)
    .describe('Time spent in the service (feature fetch and inference), in milliseconds.'),
};
