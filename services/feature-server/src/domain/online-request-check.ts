import type { GetOnlineFeaturesRequest } from '@payments-mlops/contracts';

// The same rules as the contract's GetOnlineFeaturesRequest (packages/contracts features.ts).
const FEATURE_REFERENCE = /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/;
const DEFINITION_NAME = /^[a-z][a-z0-9_]*$/;
const KNOWN_KEYS = new Set(['features', 'feature_service', 'entities', 'full_feature_names']);

/**
 * The well-formed get-online-features request, accepted without running the zod schema: zod's
 * parse of 50 feature references and the entity columns cost more server CPU than the Redis read.
 * Accepts only what GetOnlineFeaturesRequest accepts and returns the same value; anything else
 * (including every invalid request) returns undefined, and the zod schema then answers with the
 * usual 400 naming the failing fields. The last accepted feature list is remembered, so a client
 * repeating it (the usual case) is compared with it rather than matched against the pattern again.
 */
export class OnlineRequestCheck {
  private knownFeatures: readonly string[] = [];

  accept(body: unknown): GetOnlineFeaturesRequest | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const request = body as Record<string, unknown>;
    for (const key in request) if (!KNOWN_KEYS.has(key)) return undefined;
    const { features, feature_service: featureService, entities, full_feature_names: fullFeatureNames = false } = request;
    if (typeof fullFeatureNames !== 'boolean') return undefined;
    if ((features === undefined) === (featureService === undefined)) return undefined;
    if (features !== undefined && !this.validFeatures(features)) return undefined;
    if (featureService !== undefined && !(typeof featureService === 'string' && featureService.length <= 96 && DEFINITION_NAME.test(featureService))) return undefined;
    if (!validEntities(entities)) return undefined;
    const accepted: GetOnlineFeaturesRequest = { entities, full_feature_names: fullFeatureNames };
    if (features !== undefined) accepted.features = features as string[];
    else accepted.feature_service = featureService;
    return accepted;
  }

  private validFeatures(features: unknown): boolean {
    if (!Array.isArray(features) || features.length < 1 || features.length > 2000) return false;
    const known = this.knownFeatures;
    if (features.length === known.length) {
      let same = true;
      for (let i = 0; i < features.length && same; i++) same = features[i] === known[i];
      if (same) return true;
    }
    for (const reference of features) if (typeof reference !== 'string' || !FEATURE_REFERENCE.test(reference)) return false;
    this.knownFeatures = features as string[];
    return true;
  }
}

function validEntities(entities: unknown): entities is GetOnlineFeaturesRequest['entities'] {
  if (typeof entities !== 'object' || entities === null || Array.isArray(entities)) return false;
  let length = -1;
  for (const name in entities) {
    if (name.length < 1 || name.length > 96) return false;
    const column = (entities as Record<string, unknown>)[name];
    if (!Array.isArray(column) || column.length < 1 || column.length > 10_000) return false;
    if (length !== -1 && column.length !== length) return false;
    length = column.length;
    for (const value of column) {
      const type = typeof value;
      if (value !== null && type !== 'string' && type !== 'boolean' && !(type === 'number' && Number.isFinite(value))) return false;
    }
  }
  return length !== -1;
}
