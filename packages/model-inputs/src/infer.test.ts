import { describe, expect, it } from 'vitest';
import { inferModelInputs } from './infer.js';

describe('inferModelInputs', () => {
  const features = [
    { field: { name: 'amount_cents', dtype: 'Int64' as const } },
    { field: { name: 'is_new_device', dtype: 'Bool' as const } },
    { field: { name: 'card_brand', dtype: 'String' as const } },
    { field: { name: 'customer_first_payment_at', dtype: 'UnixTimestamp' as const } },
    { field: { name: 'customer_devices_90d', dtype: 'Array(String)' as const } },
  ];
  const brands = [...Array<string>(5).fill('visa'), ...Array<string>(3).fill('amex'), ...Array<string>(3).fill('mastercard'), 'jcb', null];
  const dataset = { columns: [{ name: 'card_brand', dtype: 'String' as const, values: brands }] };

  it('derives each kind from the feature type and leaves lists out', () => {
    const inputs = inferModelInputs(features, dataset, { minCategoryCount: 2 });
    expect(inputs.map((input) => [input.name, input.kind])).toEqual([
      ['amount_cents', 'numeric'],
      ['is_new_device', 'boolean'],
      ['card_brand', 'categorical'],
      ['customer_first_payment_at', 'age_days'],
    ]);
  });

  it('orders categories by frequency, ties by value, and leaves rare values unknown', () => {
    const [, , brand] = inferModelInputs(features, dataset, { minCategoryCount: 2 });
    expect(brand?.categories).toEqual(['visa', 'amex', 'mastercard']);
  });

  it('keeps at most maxCategories, the most frequent', () => {
    const [, , brand] = inferModelInputs(features, dataset, { minCategoryCount: 1, maxCategories: 2 });
    expect(brand?.categories).toEqual(['visa', 'amex']);
  });
});
