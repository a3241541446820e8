import { GetOnlineFeaturesRequest } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { OnlineRequestCheck } from './online-request-check.js';

const features = ['customer_activity:customer_payments_1h', 'merchant_stats:merchant_customer_count'];
const valid: unknown[] = [
  { features, entities: { customer_id: ['cus_1'], merchant_id: ['mer_1'] } },
  { features, entities: { customer_id: ['cus_1', null] }, full_feature_names: true },
  { feature_service: 'fraud', entities: { customer_id: ['cus_1'], amount_cents: [4200], is_guest_checkout: [false] } },
  { features: ['a:b'], entities: { x: [1.5] }, full_feature_names: false },
];
const invalid: unknown[] = [
  null,
  [],
  'text',
  { features, feature_service: 'fraud', entities: { customer_id: ['cus_1'] } },
  { entities: { customer_id: ['cus_1'] } },
  { features: [], entities: { customer_id: ['cus_1'] } },
  { features: ['Customer:x'], entities: { customer_id: ['cus_1'] } },
  { features: ['no_colon'], entities: { customer_id: ['cus_1'] } },
  { features: [42], entities: { customer_id: ['cus_1'] } },
  { feature_service: 'Fraud', entities: { customer_id: ['cus_1'] } },
  { feature_service: 'x'.repeat(97), entities: { customer_id: ['cus_1'] } },
  { features, entities: {} },
  { features, entities: [] },
  { features, entities: { customer_id: [] } },
  { features, entities: { customer_id: 'cus_1' } },
  { features, entities: { customer_id: ['cus_1'], merchant_id: ['mer_1', 'mer_2'] } },
  { features, entities: { customer_id: [{ id: 1 }] } },
  { features, entities: { customer_id: [['cus_1']] } },
  { features, entities: { '': ['cus_1'] } },
  { features, entities: { customer_id: ['cus_1'] }, full_feature_names: 'yes' },
];

describe('OnlineRequestCheck', () => {
  it('accepts what the contract accepts, with the value zod gives', () => {
    const check = new OnlineRequestCheck();
    for (const body of valid) {
      expect(check.accept(body)).toEqual(GetOnlineFeaturesRequest.parse(body));
      // The second time the feature list is the remembered one.
      expect(check.accept(structuredClone(body))).toEqual(GetOnlineFeaturesRequest.parse(body));
    }
  });

  it('leaves every request the contract refuses to zod, so the 400 names the failing field', () => {
    const check = new OnlineRequestCheck();
    check.accept(valid[0]);
    for (const body of invalid) {
      expect(GetOnlineFeaturesRequest.safeParse(body).success).toBe(false);
      expect(check.accept(body)).toBeUndefined();
    }
  });

  it('leaves bodies with keys the contract does not know to zod (which strips them)', () => {
    expect(new OnlineRequestCheck().accept({ features, entities: { customer_id: ['cus_1'] }, project: 'x' })).toBeUndefined();
  });
});
