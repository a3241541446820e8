import type { ModelInput } from '@payments-mlops/contracts';
import type { OnlineFeatureColumns } from '@payments-mlops/feature-store';
import { describe, expect, it } from 'vitest';
import { DAY_MS, encodeDatasetColumns, encodeOnlineRows, encodeValue, type OnlineColumns } from './encode.js';

const amount: ModelInput = { name: 'amount_cents', kind: 'numeric' };
const guest: ModelInput = { name: 'is_guest_checkout', kind: 'boolean' };
const method: ModelInput = { name: 'payment_method_type', kind: 'categorical', categories: ['card', 'wallet'] };
const lastFailure: ModelInput = { name: 'customer_last_failure_at', kind: 'age_days' };
const inputs = [amount, guest, method, lastFailure];
const asOf = Date.UTC(2026, 2, 1);

describe('encodeValue', () => {
  it('keeps numbers as they are and turns booleans into 1 and 0', () => {
    expect(encodeValue(amount, 4200, asOf)).toBe(4200);
    expect(encodeValue(guest, true, asOf)).toBe(1);
    expect(encodeValue(guest, false, asOf)).toBe(0);
    expect(encodeValue(guest, 1, asOf)).toBe(1);
  });

  it('encodes a category as its index and an unlisted one as NaN', () => {
    expect(encodeValue(method, 'wallet', asOf)).toBe(1);
    expect(encodeValue(method, 'card', asOf)).toBe(0);
    expect(encodeValue(method, 'paypal', asOf)).toBeNaN();
  });

  it('turns a timestamp into days before the scoring time', () => {
    expect(encodeValue(lastFailure, asOf - 1.5 * DAY_MS, asOf)).toBe(1.5);
  });

  it('gives NaN for a missing value of every kind', () => {
    for (const input of inputs) {
      expect(encodeValue(input, null, asOf)).toBeNaN();
      expect(encodeValue(input, undefined, asOf)).toBeNaN();
    }
    expect(encodeValue(amount, Number.NaN, asOf)).toBeNaN();
    expect(encodeValue(lastFailure, Number.NaN, asOf)).toBeNaN();
  });
});

const online = (order: number[]): OnlineColumns => {
  const features = ['amount_cents', 'is_guest_checkout', 'payment_method_type', 'customer_last_failure_at'].map((name) => ({ field: { name } }));
  const values = [
    [1000, null],
    [true, false],
    ['paypal', 'card'],
    [asOf - DAY_MS, asOf - 2 * DAY_MS],
  ];
  const statuses = [
    ['PRESENT', 'NOT_FOUND'],
    ['PRESENT', 'PRESENT'],
    ['PRESENT', 'PRESENT'],
    ['OUTSIDE_MAX_AGE', 'PRESENT'],
  ] as const;
  return {
    features: order.map((i) => features[i]!),
    values: order.map((i) => values[i]!),
    statuses: order.map((i) => [...statuses[i]!]),
  };
};

describe('encodeOnlineRows', () => {
  it('builds a row-major matrix in inputs order whatever the column order, NaN for any status but PRESENT', () => {
    const encoded = encodeOnlineRows(inputs, online([3, 1, 0, 2]), [asOf, asOf + DAY_MS]);
    expect(encoded.rowCount).toBe(2);
    expect([...encoded.values]).toEqual([1000, 1, Number.NaN, Number.NaN, Number.NaN, 0, 0, 3]);
  });

  it('lists, per row, the categorical inputs whose value was unknown', () => {
    expect(encodeOnlineRows(inputs, online([0, 1, 2, 3]), asOf).unknownCategories).toEqual([['payment_method_type'], []]);
  });

  it('accepts feature-store OnlineFeatureColumns as they are', () => {
    const columns: OnlineFeatureColumns = { features: [], values: [], statuses: [], eventTimestamps: [] };
    expect(encodeOnlineRows([], columns, asOf).rowCount).toBe(0);
  });

  it('refuses columns that lack an input, naming it', () => {
    const columns = online([0, 1, 2]);
    expect(() => encodeOnlineRows(inputs, columns, asOf)).toThrow(/customer_last_failure_at/);
  });
});

describe('encodeDatasetColumns', () => {
  it('gives the same numbers offline as online for the same values', () => {
    const timestamps = new Float64Array([asOf, asOf + DAY_MS]);
    const encoded = encodeDatasetColumns(
      inputs,
      [
        { name: 'amount_cents', dtype: 'Int64', values: new Float64Array([1000, Number.NaN]) },
        { name: 'is_guest_checkout', dtype: 'Bool', values: new Float64Array([1, 0]) },
        { name: 'payment_method_type', dtype: 'String', values: ['paypal', 'card'] },
        { name: 'customer_last_failure_at', dtype: 'UnixTimestamp', values: new Float64Array([Number.NaN, asOf - 2 * DAY_MS]) },
      ],
      timestamps,
    );
    const onlineRows = encodeOnlineRows(inputs, online([0, 1, 2, 3]), timestamps);
    for (let row = 0; row < 2; row++) {
      for (let i = 0; i < inputs.length; i++) {
        expect(Math.fround(encoded.columns[i]![row]!)).toEqual(onlineRows.values[row * inputs.length + i]);
      }
    }
    expect(encoded.categoricalFeatures).toEqual(['payment_method_type']);
    expect(encoded.unknownCounts).toEqual({ payment_method_type: 1 });
  });

  it('refuses a categorical input over a numeric column', () => {
    expect(() => encodeDatasetColumns([method], [{ name: 'payment_method_type', dtype: 'Int64', values: new Float64Array(1) }], [asOf])).toThrow(/String column/);
  });
});
